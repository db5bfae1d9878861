/* The analysis: one pass over the digests of every capture point, then a
 * table of modules run in order (analysis/modules.c), each owning what it
 * computes. The pass is the matcher's; the modules turn its flows into
 * roles, clocks, paths, hops and findings.
 *
 *   roles     the role of every point (hop, bridge copy, vantage, flood port)
 *   clock     clock offsets between points, from two-way traffic
 *   order     the order of each flow's points: its path
 *   hops      per hop of each flow: packets matched and lost, latency
 *   loss      loss.hop findings
 *   latency   latency.negative and latency.bridge_copy findings
 *   capture   what the captures themselves show (copies)
 *   nat       path.nat findings
 *   icmp      ICMP fragmentation-needed / Packet Too Big messages
 *   mtu       oversize drops, PMTUD black holes, MSS; losses they explain
 *   frag      fragmentation findings
 *   encap     encapsulation overhead findings
 *   limits    bounds the pass reached
 *   throughput  per point and flow per time bin; sizes and bytes per point
 *   rtt       round trips at each point, and the main ones split into hops
 *
 * Who may write what: the points' roles and clocks belong to roles and clock,
 * paths to order, hops to hops, the ICMP table to icmp; every module may add
 * findings, and mtu refines loss findings (found by kind and indexes). */
#ifndef PATHTRACE_ANALYSIS_ANALYSIS_H
#define PATHTRACE_ANALYSIS_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/series.h"
#include "match/match.h"
#include "model/finding.h"
#include "model/point.h"

struct pt_analysis_config {
	int64_t window_ns, reorder_ns, dup_ns;
	long reference;      /* the point whose clock is true; -1: the first hop */
	bool no_auto_offset; /* do not estimate clock offsets */
	int64_t bin_ns;      /* throughput time bins; 0: 1 s */
	bool bin_start_set;  /* bins start at bin_start_ns, else at the first packet */
	int64_t bin_start_ns;
};

/* The order of one flow's capture points (owner: order). */
struct pt_path {
	uint32_t *order;
	uint32_t n;
};

/* One hop of one flow (owner: hops). */
struct pt_hop {
	uint32_t flow_id;
	uint32_t from, to;
	uint64_t matched, lost;
	double min_us, p50_us, p90_us, p99_us, max_us;
	double p25_us, p75_us; /* the box of a box plot */
	uint64_t negative; /* corrected deltas below zero */
	uint32_t lost_min_len, lost_max_len;
	uint64_t lost_sized; /* lost packets whose wire size is known (not super-frame estimates) */
	uint32_t lost_sized_min, lost_sized_max;
	uint32_t passed_max_len; /* wire sizes only */
	uint8_t lost_flags;
	uint64_t lost_df;
	uint64_t lost_resent; /* TCP retransmissions among the lost */
	uint32_t lost_resent_min_len;
};

struct pt_hops {
	struct pt_hop *v;
	size_t n, cap;
};

/* ICMP fragmentation-needed / Packet Too Big messages, aggregated by
 * sender, MTU and the flow they quote (owner: icmp). */
struct pt_icmp_mtu {
	struct pt_hmap_node node;
	uint8_t version;
	uint8_t sender[16];
	uint32_t mtu;
	struct pt_flow_key quoted;
	uint64_t count;
	pt_pset points;
	int64_t first_ts;
};

struct pt_icmp_mtus {
	struct pt_hmap map;
	struct pt_icmp_mtu **v; /* in order of first sight */
	size_t n, cap;
	uint64_t over_limit;    /* messages not kept: more distinct ones than PT_ICMP_MTU_MAX */
};

#define PT_ICMP_MTU_MAX 4096

struct pt_analysis {
	struct pt_analysis_config cfg;
	struct pt_points *points;  /* the caller's; its stats, roles and clocks are filled here */
	struct pt_matcher match;
	struct pt_findings findings;
	uint64_t packets;
	int64_t now;               /* the latest timestamp seen */
	unsigned reference;        /* owner: clock */
	int64_t clock_mid;         /* when the clocks' offsets hold (owner: clock) */
	struct pt_path *paths;     /* paths[flow id - 1] (owner: order) */
	struct pt_flow **by_pair;  /* flows sorted by (version, src, dst) (owner: order) */
	struct pt_hops hops;       /* owner: hops */
	struct pt_icmp_mtus icmp;  /* owner: icmp */
	struct pt_throughput *tput; /* owner: throughput (analysis/series.h); NULL before the first packet */
	struct pt_rtt *rtt;        /* owner: rtt */
	size_t packet_hooks[16];   /* modules with a packet hook, in table order */
	size_t npacket_hooks;
};

/* A stage of the analysis, in the spirit of tcptrace's modules.h: any hook
 * may be NULL. packet runs for every packet of the pass, in time order,
 * after the matcher saw it; done runs once the pass is over, in table order. */
struct pt_module {
	const char *name;
	void (*packet)(struct pt_analysis *a, const struct pt_digest *g, struct pt_flow *f);
	void (*done)(struct pt_analysis *a);
	void (*free)(struct pt_analysis *a);
};

extern const struct pt_module pt_modules[];
extern const size_t pt_nmodules;

/* NULL when memory ran out. points is borrowed for the analysis' life. */
struct pt_analysis *pt_analysis_new(const struct pt_analysis_config *cfg, struct pt_points *points);
void pt_analysis_free(struct pt_analysis *a);
/* One packet, in time order across points; g->point < points->n. */
void pt_analysis_packet(struct pt_analysis *a, const struct pt_digest *g);
/* Closes the pass and runs every module's done hook. */
void pt_analysis_finish(struct pt_analysis *a);

static inline struct pt_flow *pt_analysis_flow(const struct pt_analysis *a, uint32_t id)
{
	return pt_flows_by_id(&a->match.flows, id);
}

static inline const struct pt_path *pt_analysis_path(const struct pt_analysis *a, uint32_t flow_id)
{
	static const struct pt_path none = { NULL, 0 };
	return a->paths && flow_id >= 1 && flow_id <= a->match.flows.n ? &a->paths[flow_id - 1] : &none;
}

/* The analysis' modules, one file each. */
void pt_roles_done(struct pt_analysis *a);
void pt_clock_done(struct pt_analysis *a);
void pt_order_done(struct pt_analysis *a);
void pt_order_free(struct pt_analysis *a);
void pt_hops_done(struct pt_analysis *a);
void pt_hops_free(struct pt_analysis *a);
void pt_loss_done(struct pt_analysis *a);
void pt_latency_done(struct pt_analysis *a);
void pt_capture_done(struct pt_analysis *a);
void pt_nat_done(struct pt_analysis *a);
void pt_icmp_packet(struct pt_analysis *a, const struct pt_digest *g, struct pt_flow *f);
void pt_icmp_done(struct pt_analysis *a);
void pt_icmp_free(struct pt_analysis *a);
void pt_mtu_done(struct pt_analysis *a);
void pt_frag_done(struct pt_analysis *a);
void pt_encap_done(struct pt_analysis *a);
void pt_limits_done(struct pt_analysis *a);

/* Shared by the modules. */
/* Whether two stamps of one packet are the same instant, as far as the
 * coarser of the two files' resolutions can tell; d = t_b - t_a
 * (analysis/roles.c). */
bool pt_same_instant(int64_t d, bool a_fine, bool b_fine);
/* A new finding about hop h of its flow (from, to and flow set), or NULL. */
struct pt_finding *pt_finding_on_hop(struct pt_analysis *a, enum pt_finding_id id, enum pt_severity sev,
				     const struct pt_hop *h);
/* Flows between src and dst (any ports): the range [*lo, *hi) of a->by_pair (analysis/order.c). */
void pt_pair_range(const struct pt_analysis *a, uint8_t version, const uint8_t *src, const uint8_t *dst, size_t *lo,
		   size_t *hi);
/* Whether two flows join the same two addresses in the same direction. */
bool pt_same_pair(const struct pt_flow *x, const struct pt_flow *y);
/* The ICMP MTU message quoting flow f, else the lowest quoting another flow
 * between the same two addresses (a sender keeps one path MTU per
 * destination), or NULL (analysis/icmp.c). */
const struct pt_icmp_mtu *pt_icmp_for_flow(const struct pt_analysis *a, const struct pt_flow *f);
/* The same, among messages seen before flow f ended: one that could have told its sender. */
const struct pt_icmp_mtu *pt_icmp_told_flow(const struct pt_analysis *a, const struct pt_flow *f);
/* The point of a flow's path with the largest tunnel overhead, or -1 (analysis/encap.c). */
long pt_tunnel_point(const struct pt_analysis *a, const struct pt_flow *f);
/* The tunnel encapsulation seen at a point (enum pt_proto), PT_P_NONE none (analysis/encap.c). */
uint8_t pt_point_encap(const struct pt_point_stats *ps);

#endif
