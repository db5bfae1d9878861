/* Findings in words. One formatter per kind; the table below is the only
 * place a kind gets its name. */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/finding-text.h"
#include "output/text.h"

typedef void (*format_fn)(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t);

#define FMT(t, field, ...) snprintf((t)->field, sizeof (t)->field, __VA_ARGS__)

static const char *name_of(const struct pt_analysis *a, long p)
{
	const char *n = pt_point_label(a, p);
	return n ? n : "?";
}

static void loss_hop(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_loss *l = &f->u.loss;
	char key[160], fl[64], passed[64] = "none of this flow passed";
	pt_flow_key_format(&pt_analysis_flow(a, (uint32_t)f->flow)->key, key, sizeof key);
	if (l->passed_max)
		snprintf(passed, sizeof passed, "largest that passed %u bytes", l->passed_max);
	pt_tcp_flags_text(l->tcp_flags, fl, sizeof fl);
	FMT(t, value, "%" PRIu64, l->lost);
	FMT(t, evidence,
	    "%" PRIu64 " of %" PRIu64 " packets of %s seen at %s never reached %s within the %.3f s window; "
	    "lost sizes %u-%u bytes%s%s%s; %s",
	    l->lost, l->total, key, name_of(a, f->from), name_of(a, f->to), (double)l->window_ns / 1e9, l->min_len,
	    l->max_len, fl[0] ? ", flags " : "", fl, l->df ? ", DF set" : "", passed);
	switch (l->cause) {
	case PT_LOSS_OVERSIZE:
		FMT(t, advice, "explained by mtu.oversize_drop on %s > %s (usable MTU %u)", name_of(a, f->from),
		    name_of(a, f->to), a->findings.v[l->oversize].u.oversize.usable);
		break;
	case PT_LOSS_ICMP_MTU:
		FMT(t, advice, "explained by the ICMP %s (MTU %u) sent back for this flow: dropped for their size",
		    l->icmp_version == 6 ? "Packet Too Big" : "fragmentation-needed", l->icmp_mtu);
		break;
	case PT_LOSS_UNEXPLAINED:
		FMT(t, advice, "capture on the devices between these two points to narrow the drop down; check their "
			       "drop counters (ip -s link), MTU and filtering rules");
		break;
	}
}

static void latency_negative(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_latency_negative *x = &f->u.negative;
	FMT(t, value, "%.3f", x->min_us);
	FMT(t, evidence,
	    "%" PRIu64 " of %" PRIu64 " sampled packets appear at %s before %s (minimum %.3f us) after clock correction",
	    x->negative, x->matched, name_of(a, f->to), name_of(a, f->from), x->min_us);
	FMT(t, advice, "%s",
	    x->same_clock ? "both points share a clock: a bridge captured in promiscuous mode stamps copies with the "
			    "ingress port's receive time, and after VXLAN decapsulation the kernel keeps the "
			    "underlay's receive time; mixing microsecond and nanosecond files adds up to 1 us; treat "
			    "sub-microsecond negatives as zero"
			  : "the clock offset between these points is uncertain: give it with --clock-offset "
			    "POINT=SECONDS or capture two-way traffic so it can be estimated");
}

static void latency_bridge_copy(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_bridge_copy *x = &f->u.bridge;
	FMT(t, value, "%" PRIu64, x->negative);
	FMT(t, evidence,
	    "%" PRIu64 " of %" PRIu64 " sampled packets on %" PRIu64 " hops into or out of %s appear there after the "
	    "next point or before the previous one: the copy the bridge hands its own interface is stamped with the "
	    "ingress port's receive time or after the egress port sent the frame",
	    x->negative, x->matched, x->hops, name_of(a, f->point));
	FMT(t, advice, "read the time through the bridge port to port: the sum of the two hops around it; capture its "
		       "ports rather than the bridge for per-hop timing");
}

static void capture_duplicates(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_duplicates *x = &f->u.dup;
	FMT(t, value, "%" PRIu64, x->count);
	FMT(t, evidence, "%" PRIu64 " packets were captured twice at %s within %.0f us (not counted twice)", x->count,
	    name_of(a, f->point), (double)x->window_ns / 1e3);
	FMT(t, advice, "expected for a bridge captured in promiscuous mode or an -i any capture; capture the bridge "
		       "with -p to see only its own traffic");
}

static void capture_clock_jump(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_clock_glitch *x = &f->u.glitch;
	FMT(t, value, "%" PRIu64, x->count);
	FMT(t, evidence,
	    "%" PRIu64 " packet%s of %s stamped up to %.3f s away from the packets before and after %s: a glitch of "
	    "the clock; read at the time of the packet before, so that %s cannot expire the other captures' packets",
	    x->count, x->count == 1 ? "" : "s", a->points->v[f->point].file, (double)x->max_ns / 1e9,
	    x->count == 1 ? "it" : "each", x->count == 1 ? "it" : "they");
	FMT(t, advice, "check the capturing host's clock source (dmesg: clocksource, TSC warnings)");
}

static void capture_clock_step(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_clock_glitch *x = &f->u.glitch;
	FMT(t, value, "%" PRIu64, x->count);
	FMT(t, evidence,
	    "the clock of %s went back by up to %.3f s, %" PRIu64 " time%s, and went on from there (a clock set back "
	    "during the capture, e.g. an NTP step): packets after a step meet the other captures' as stamped",
	    a->points->v[f->point].file, (double)x->max_ns / 1e9, x->count, x->count == 1 ? "" : "s");
	FMT(t, advice, "losses and latencies across the step are not to be trusted; capture again with the clock "
		       "synchronised (chrony slews instead of stepping), or split the file at the step");
}

static void capture_window(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_window *x = &f->u.window;
	FMT(t, value, "%.3f", x->by_s);
	switch (f->id) {
	case PT_F_CAPTURE_STARTED_LATE:
		FMT(t, evidence,
		    "the first packet at %s came %.3f s after the first at %s (it captured %.3f s): it started late, "
		    "or had nothing to see; either way, packets before are not counted lost there",
		    name_of(a, f->point), x->by_s, name_of(a, x->other), x->length_s);
		FMT(t, advice, "start every capture before the traffic of interest");
		break;
	case PT_F_CAPTURE_STOPPED_EARLY:
		FMT(t, evidence,
		    "the last packet at %s came %.3f s before the last at %s (it captured %.3f s): it stopped early, or "
		    "had nothing more to see; either way, packets after are not counted lost there",
		    name_of(a, f->point), x->by_s, name_of(a, x->other), x->length_s);
		FMT(t, advice, "stop every capture after the traffic of interest");
		break;
	default:
		FMT(t, evidence,
		    "%s captured for %.3f s while no other point was capturing (its window overlaps none; the nearest, "
		    "%s, is %.3f s apart): no packet there can be matched, nothing there is counted lost",
		    name_of(a, f->point), x->length_s, name_of(a, x->other), x->by_s);
		FMT(t, advice, "capture at all points at the same time; if the clocks are that far apart, give the "
			       "offset with --clock-offset");
		break;
	}
}

static void clock_unknown(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_clock_unknown *x = &f->u.unknown;
	FMT(t, value, "%" PRIu64, x->shared);
	FMT(t, evidence,
	    "%s shares %" PRIu64 " packets with points whose clock is known (most with %s), all of them travelling one "
	    "way (an XDP hook or a SPAN port sees one direction): no two-way traffic gives its clock, so its place on "
	    "paths and the latency of its hops come from its own stamps",
	    name_of(a, f->point), x->shared, name_of(a, x->with));
	FMT(t, advice, "give its offset with --clock-offset %s=SECONDS if known, or capture two-way traffic there",
	    name_of(a, f->point));
}

static void clock_offset(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_clock *x = &f->u.clock;
	FMT(t, value, "%.9f", x->offset_s);
	if (x->given)
		FMT(t, evidence, "given with --clock-offset");
	else if (x->shift_s != 0)
		FMT(t, evidence,
		    "%.3f s apart by %" PRIu64 " packets seen at both this point and %s, more than the %.3f s matching "
		    "window: read shifted by that, then estimated against %s, uncertainty +/- %.6f s; latencies are "
		    "corrected by it",
		    x->shift_s, x->shift_packets, name_of(a, x->shift_via), (double)a->cfg.window_ns / 1e9,
		    name_of(a, x->via), x->uncert_s);
	else
		FMT(t, evidence,
		    "estimated from two-way traffic against %s (minimum-delay method), uncertainty +/- %.6f s; "
		    "latencies are corrected by it",
		    name_of(a, x->via), x->uncert_s);
	if (x->drift != 0 && !x->given) {
		size_t len = strlen(t->evidence);
		snprintf(t->evidence + len, sizeof t->evidence - len,
			 "; the clock drifts %+.2f us every second (%+.1f ppm) against the reference: the offset is the "
			 "one at mid-capture, and each packet is corrected at its own time",
			 x->drift * 1e6, x->drift * 1e6);
	}
	FMT(t, advice, "synchronise the hosts' clocks (chrony/PTP) for latency below the uncertainty");
}

static void path_nat(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	char key[160];
	pt_flow_key_format(&pt_analysis_flow(a, (uint32_t)f->flow)->key, key, sizeof key);
	t->value[0] = '\0';
	if (f->point >= 0)
		FMT(t, evidence, "packets of %s were captured at %s both before and after a translation of their addresses "
				 "or ports", key, name_of(a, f->point));
	else
		FMT(t, evidence, "packets of %s carry other addresses or ports from %s on", key, name_of(a, f->to));
	FMT(t, advice, "%s; matched on IP ID, sequence numbers and payload",
	    f->point >= 0 ? "expected where iptables translates a Service address on the host (DNAT), or a capture "
			    "taken on both sides of it"
			  : "expected at a floating-IP router port");
}

static void point_role(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_role *x = &f->u.role;
	char why[256];
	pt_role_reason_text(a, (size_t)f->point, why, sizeof why);
	FMT(t, value, "%s", pt_point_role_name(x->role));
	FMT(t, evidence, "%s is named like %s %s (%s), but its packets say otherwise: %s; taken as %s", name_of(a, f->point),
	    pt_iface_kind_article(x->iface), pt_iface_kind_name(x->iface), pt_role_phrase(x->name_role), why,
	    pt_role_phrase(x->role));
	switch (x->role) {
	case PT_ROLE_FLOOD:
		FMT(t, advice, "an Open vSwitch bridge's own port, or a bridge captured with -p, sees only what is flooded "
			       "or sent to it: it is kept off paths; capture the switch's ports, or all of it with "
			       "ovs-tcpdump -i BRIDGE --span; --role %s=ROLE if this is wrong", name_of(a, f->point));
		break;
	case PT_ROLE_HOP:
		FMT(t, advice, "a bridge's own port that holds an address (a tunnel endpoint's, a host's) carries that "
			       "traffic: it is placed on paths by its timestamps; --role %s=ROLE if this is wrong",
		    name_of(a, f->point));
		break;
	case PT_ROLE_BRIDGE:
		FMT(t, advice, "a bridge captured in promiscuous mode or a mirror port holds copies stamped at each "
			       "direction's ingress: it is placed between its ports whatever its stamps say; --role "
			       "%s=ROLE if this is wrong", name_of(a, f->point));
		break;
	case PT_ROLE_VANTAGE:
		FMT(t, advice, "a capture of several interfaces is kept off paths; --role %s=ROLE if this is wrong",
		    name_of(a, f->point));
		break;
	}
}

/* The usual jumbo-frame MTU of an underlay. */
#define JUMBO_MTU 9000

static void mtu_oversize_drop(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_oversize *o = &f->u.oversize;
	const char *from = name_of(a, f->from), *to = name_of(a, f->to);
	const char *encap = pt_encap_name(o->encap);
	char how[256];
	switch (o->basis) {
	case PT_MTU_FROM_ICMP:
		snprintf(how, sizeof how, "an ICMP message on this path advertises MTU %u", o->usable);
		break;
	case PT_MTU_FROM_TUNNEL:
		if (o->underlay_seen)
			snprintf(how, sizeof how, "%s at %s adds %u bytes to a %u-byte underlay", encap ? encap : "a tunnel",
				 name_of(a, o->tunnel), o->overhead, o->underlay);
		else if (o->died_min > JUMBO_MTU - o->overhead)
			snprintf(how, sizeof how,
				 "%s at %s adds %u bytes to an underlay taken to be %u bytes, as no larger packet crossed "
				 "it; on a %u-byte underlay the limit would be %u",
				 encap ? encap : "a tunnel", name_of(a, o->tunnel), o->overhead, o->underlay, JUMBO_MTU,
				 JUMBO_MTU - o->overhead);
		else
			snprintf(how, sizeof how,
				 "%s at %s adds %u bytes to an underlay taken to be %u bytes, as no larger packet crossed it",
				 encap ? encap : "a tunnel", name_of(a, o->tunnel), o->overhead, o->underlay);
		break;
	case PT_MTU_FROM_LARGEST:
		snprintf(how, sizeof how, "the largest packet that passed");
		break;
	}
	char also[512] = "";
	size_t used = 0;
	for (uint32_t e = 0; e < o->nextra && used < sizeof also; e++) {
		int n = snprintf(also + used, sizeof also - used, "%s%" PRIu64 " packet(s) of %u bytes and up on %s > %s",
				 e ? ", " : "; the same limit dropped ", o->extra_lost[e], o->extra_died_min[e],
				 name_of(a, o->extra_from[e]), name_of(a, o->extra_to[e]));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	char other[256] = "";
	if (o->other_usable && o->other_basis == PT_MTU_FROM_TUNNEL)
		snprintf(other, sizeof other,
			 "; the tunnel's overhead would give %u: the ICMP message wins, as the dropping device's own "
			 "statement",
			 o->other_usable);
	else if (o->other_usable && o->other_basis == PT_MTU_FROM_LARGEST)
		snprintf(other, sizeof other, "; packets of up to %u bytes still crossed %s > %s: the %u-byte limit lies "
			 "further along the path", o->other_usable, from, to, o->usable);
	FMT(t, value, "%u", o->usable);
	FMT(t, evidence,
	    "%" PRIu64 " packets of %" PRIu64 " flow(s) between %u and %u bytes died on %s > %s while packets up to %u "
	    "bytes passed%s; usable MTU %u (%s)%s%s",
	    o->lost, o->flows, o->died_min, o->died_max, from, to, o->passed_max, also, o->usable, how, other,
	    o->blackhole ? "; TCP resent segments of these sizes, they died again, and no ICMP fragmentation-needed "
			   "came back while the flows lasted (PMTUD black hole)"
			 : "");
	if (o->tunnel >= 0 && o->overhead)
		FMT(t, advice,
		    "instance MTU must be <= %u on this %s network (underlay %u - %u); set the network's MTU to %u "
		    "(openstack network set --mtu %u), or raise the underlay MTU to >= %u",
		    o->usable, encap ? encap : "tunnel", o->usable + o->overhead, o->overhead, o->usable, o->usable,
		    o->died_max + o->overhead);
	else
		FMT(t, advice, "the MTU of the interfaces before %s must be <= %u, or the MTU from %s on raised to >= %u",
		    to, o->usable, to, o->died_max);
}

static void mtu_pmtud_blackhole(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_blackhole *x = &f->u.blackhole;
	FMT(t, value, "%u", x->min_len);
	FMT(t, evidence,
	    "%" PRIu64 " DF segments of %u-%u bytes died on %s > %s, %" PRIu64 " of them TCP retransmissions (from %u "
	    "bytes) that died again, and no ICMP fragmentation-needed/Packet Too Big for this path was captured while "
	    "the flow lasted",
	    x->lost, x->min_len, x->max_len, name_of(a, f->from), name_of(a, f->to), x->resent, x->resent_min_len);
	FMT(t, advice, "let ICMP type 3 code 4 / ICMPv6 type 2 through, lower the MTU before this hop, or clamp the "
		       "TCP MSS (iptables -t mangle ... TCPMSS --clamp-mss-to-pmtu)");
}

static void mtu_icmp(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_icmp_mtu *x = &f->u.icmp;
	char sender[64], qk[160], where[512] = "";
	pt_ip_format(x->version, x->sender, sender, sizeof sender);
	pt_flow_key_format(&x->quoted, qk, sizeof qk);
	size_t n = 0;
	const struct pt_psets *ps = a->match.psets;
	for (long p = pt_pset_next(ps, x->seen_at, 0); p >= 0 && n < sizeof where;
	     p = pt_pset_next(ps, x->seen_at, (unsigned)p + 1))
		n += (size_t)snprintf(where + n, sizeof where - n, "%s%s", n ? ", " : "", name_of(a, p));
	const char *reached = !x->quoted_seen ? "the quoted flow was not captured"
			      : x->blackholed ? "it was NOT seen at the sender's capture point"
					      : "it reached the sender's capture point";
	FMT(t, value, "%u", x->mtu);
	FMT(t, evidence, "%s says MTU %u for %s (%" PRIu64 " message%s); seen at %s; %s%s", sender, x->mtu, qk, x->count,
	    x->count == 1 ? "" : "s", where, reached,
	    x->version == 6 && x->mtu < 1280 ? "; below the IPv6 minimum of 1280 (RFC 8200)" : "");
	if (x->blackholed)
		FMT(t, advice,
		    "the sender never learns the path MTU: let these ICMP messages through to it, or set the MTU "
		    "before %s's link to <= %u",
		    sender, x->mtu);
	else
		FMT(t, advice,
		    "the path MTU past %s is %u: the sender adapts if PMTUD works; lower the instance MTU to avoid the "
		    "extra round trip",
		    sender, x->mtu);
}

static void frag_fragmented(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_fragmented *x = &f->u.frag;
	char key[160];
	pt_flow_key_format(&pt_analysis_flow(a, (uint32_t)f->flow)->key, key, sizeof key);
	FMT(t, value, "%u", x->largest);
	if (x->outer) {
		FMT(t, evidence,
		    "%s crosses %s whole inside tunnel packets of up to %u bytes that leave in outer fragments "
		    "(largest %u bytes, consistent with an underlay MTU of %u-%u); %" PRIu64 " of %" PRIu64
		    " datagrams incomplete at some point",
		    key, name_of(a, f->to), x->outer_len, x->largest, x->largest, x->largest + 7, x->incomplete,
		    x->datagrams);
		if (x->overhead && x->overhead < x->largest)
			FMT(t, advice,
			    "the underlay fragments and reassembles every such packet (and loses the whole of it with "
			    "any fragment); keep the instance MTU <= %u (the underlay's %u - %u of tunnel), or raise "
			    "the underlay MTU to >= %u",
			    x->largest - x->overhead, x->largest, x->overhead, x->outer_len);
		else
			FMT(t, advice,
			    "the underlay fragments and reassembles every such packet (and loses the whole of it with "
			    "any fragment); raise the underlay MTU to >= %u or lower the instance MTU by the tunnel's "
			    "overhead",
			    x->outer_len);
		return;
	}
	FMT(t, evidence,
	    "%s is fragmented from %s on (%s); largest fragment %u bytes, consistent with a link MTU of %u-%u; "
	    "%" PRIu64 " of %" PRIu64 " datagrams incomplete at some point",
	    key, name_of(a, f->to), x->by_sender ? "by the sender" : "a hop in between fragments it", x->largest,
	    x->largest, x->largest + 7, x->incomplete, x->datagrams);
	FMT(t, advice, "%s",
	    x->incomplete ? "fragments are being lost: a lost fragment loses the whole datagram; lower the sender's "
			    "MTU or packet size below the smallest MTU on the path"
			  : "fragmentation costs CPU and doubles loss exposure; lower the sender's MTU to the path's "
			    "smallest MTU, or set DF and rely on PMTUD");
}

static void mtu_mss_exceeds_path(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_mss *x = &f->u.mss;
	char key[160];
	pt_flow_key_format(&pt_analysis_flow(a, (uint32_t)f->flow)->key, key, sizeof key);
	FMT(t, value, "%u", x->mss);
	FMT(t, evidence, "the SYN of %s announces MSS %u (segments of %u bytes) but the path back carries at most %u bytes",
	    key, x->mss, x->mss + x->header, x->usable);
	FMT(t, advice, "lower the instance MTU to %u, or clamp the MSS to %u", x->usable, x->usable - x->header);
}

static void encap_overhead(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	const struct pt_f_overhead *x = &f->u.overhead;
	char kinds[128] = "";
	size_t n = 0;
	if (x->vlan)
		n += (size_t)snprintf(kinds + n, sizeof kinds - n, "802.1Q tags (4 bytes each)");
	/* The analysis names the tunnels it reasons about; others (L2TPv3) are still a tunnel. */
	const char *encap = pt_encap_name(x->encap);
	if (!encap)
		encap = "a tunnel";
	if (x->tunnel_max && n < sizeof kinds)
		snprintf(kinds + n, sizeof kinds - n, "%s%s%s (%u bytes with outer headers)", n ? " and " : "", encap,
			 x->ipv6_underlay ? " over IPv6" : "", x->tunnel_max);
	FMT(t, value, "%.0f", x->per_packet);
	FMT(t, evidence,
	    "%s: %.1f bytes per encapsulated packet on average, %.1f %% of the %" PRIu64 " bytes captured at %s", kinds,
	    x->per_packet, x->share_pct, x->bytes, name_of(a, f->point));
	FMT(t, advice, "%s",
	    x->tunnel_max ? "instances on this network need an MTU of the underlay's minus this overhead" : "");
}

static void limit_identical(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	(void)a;
	FMT(t, value, "%" PRIu64, f->u.limit.count);
	FMT(t, evidence,
	    "%" PRIu64 " times more than %" PRIu64 " identical packets of one flow were in flight at once; the "
	    "oldest was closed early each time, so it may show as lost on its last hop",
	    f->u.limit.count, f->u.limit.bound);
	FMT(t, advice, "expected under a flood of identical frames (a storm of RSTs, a replayed capture); shorten "
		       "--window to keep fewer in flight");
}

static void limit_icmp(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	(void)a;
	FMT(t, value, "%" PRIu64, f->u.limit.count);
	FMT(t, evidence,
	    "%" PRIu64 " ICMP MTU messages were not analysed: more than %" PRIu64 " distinct ones (sender, MTU, "
	    "quoted flow) came before them",
	    f->u.limit.count, f->u.limit.bound);
	FMT(t, advice, "the first ones are reported; split the captures by time to see the rest");
}

static void limit_memory(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	(void)a;
	FMT(t, value, "%" PRIu64, f->u.limit.count);
	FMT(t, evidence,
	    "%" PRIu64 " packet records, sightings, point sets or findings could not be stored: memory ran out, and "
	    "the results are incomplete",
	    f->u.limit.count);
	FMT(t, advice, "give pathtrace more memory, analyse fewer captures at once, or shorten --window");
}

static void limit_rtt_pending(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	(void)a;
	FMT(t, value, "%" PRIu64, f->u.limit.count);
	FMT(t, evidence,
	    "%" PRIu64 " ICMP echo requests were forgotten before their reply came: more than %" PRIu64
	    " were waiting at once, so their round trips are not in rtt.csv",
	    f->u.limit.count, f->u.limit.bound);
	FMT(t, advice, "the round trips kept are a fair sample; split the captures by time for all of them");
}

static void limit_series_bin(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	(void)a;
	FMT(t, value, "%" PRIu64, f->u.limit.count);
	FMT(t, evidence,
	    "throughput.csv has %" PRIu64 " ms bins, not the %" PRIu64 " ms asked: at that width the series of "
	    "every point and flow would not fit the memory they may take",
	    f->u.limit.count, f->u.limit.bound);
	FMT(t, advice, "analyse a shorter stretch of time (a BPF filter or shorter captures) for finer bins");
}

static void limit_series_flows(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	(void)a;
	FMT(t, value, "%" PRIu64, f->u.limit.count);
	FMT(t, evidence,
	    "%" PRIu64 " flows are summed, for all or part of their time, in the \"other\" rows of throughput.csv: "
	    "only %" PRIu64 " flows have series of their own (the largest, as the pass saw them)",
	    f->u.limit.count, f->u.limit.bound);
	FMT(t, advice, "a BPF filter keeps the flows you chart; flows.csv and hops.csv have every flow");
}

static const struct {
	const char *name;
	format_fn format;
} kinds[PT_F__COUNT] = {
	[PT_F_CAPTURE_CLOCK_JUMP] = { "capture.clock_jump", capture_clock_jump },
	[PT_F_CAPTURE_CLOCK_STEP] = { "capture.clock_step", capture_clock_step },
	[PT_F_CAPTURE_DUPLICATES] = { "capture.duplicates", capture_duplicates },
	[PT_F_CAPTURE_STARTED_LATE] = { "capture.started_late", capture_window },
	[PT_F_CAPTURE_STOPPED_EARLY] = { "capture.stopped_early", capture_window },
	[PT_F_CAPTURE_WINDOWS_APART] = { "capture.windows_apart", capture_window },
	[PT_F_CLOCK_OFFSET] = { "clock.offset", clock_offset },
	[PT_F_CLOCK_UNKNOWN] = { "clock.unknown", clock_unknown },
	[PT_F_ENCAP_OVERHEAD] = { "encap.overhead", encap_overhead },
	[PT_F_FRAG_FRAGMENTED] = { "frag.fragmented", frag_fragmented },
	[PT_F_LATENCY_BRIDGE_COPY] = { "latency.bridge_copy", latency_bridge_copy },
	[PT_F_LATENCY_NEGATIVE] = { "latency.negative", latency_negative },
	[PT_F_LIMIT_ICMP_MESSAGES] = { "limit.icmp_messages", limit_icmp },
	[PT_F_LIMIT_IDENTICAL] = { "limit.identical_in_flight", limit_identical },
	[PT_F_LIMIT_MEMORY] = { "limit.memory", limit_memory },
	[PT_F_LIMIT_RTT_PENDING] = { "limit.rtt_pending", limit_rtt_pending },
	[PT_F_LIMIT_SERIES_BIN] = { "limit.series_bin", limit_series_bin },
	[PT_F_LIMIT_SERIES_FLOWS] = { "limit.series_flows", limit_series_flows },
	[PT_F_LOSS_HOP] = { "loss.hop", loss_hop },
	[PT_F_MTU_ICMP_FRAG_NEEDED] = { "mtu.icmp_frag_needed", mtu_icmp },
	[PT_F_MTU_ICMPV6_PTB] = { "mtu.icmpv6_packet_too_big", mtu_icmp },
	[PT_F_MTU_MSS_EXCEEDS_PATH] = { "mtu.mss_exceeds_path", mtu_mss_exceeds_path },
	[PT_F_MTU_OVERSIZE_DROP] = { "mtu.oversize_drop", mtu_oversize_drop },
	[PT_F_MTU_PMTUD_BLACKHOLE] = { "mtu.pmtud_blackhole", mtu_pmtud_blackhole },
	[PT_F_PATH_NAT] = { "path.nat", path_nat },
	[PT_F_POINT_ROLE] = { "point.role", point_role },
};

const char *pt_finding_name(enum pt_finding_id id)
{
	return (unsigned)id < PT_F__COUNT && kinds[id].name ? kinds[id].name : "?";
}

const char *pt_severity_name(enum pt_severity s)
{
	return s == PT_SEV_ERROR ? "error" : s == PT_SEV_WARNING ? "warning" : "info";
}

void pt_finding_format(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t)
{
	t->value[0] = t->evidence[0] = t->advice[0] = '\0';
	if ((unsigned)f->id < PT_F__COUNT && kinds[f->id].format)
		kinds[f->id].format(a, f, t);
}

static int in_report_order(const void *x, const void *y)
{
	const struct pt_finding *a = *(const struct pt_finding *const *)x, *b = *(const struct pt_finding *const *)y;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->flow != b->flow)
		return a->flow < b->flow ? -1 : 1;
	return a < b ? -1 : a > b;
}

const struct pt_finding **pt_findings_in_order(const struct pt_analysis *a, size_t *n)
{
	const struct pt_finding **v = malloc((a->findings.n ? a->findings.n : 1) * sizeof *v);
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < a->findings.n; i++)
		if (pt_finding_reported(a, &a->findings.v[i]))
			v[(*n)++] = &a->findings.v[i];
	qsort(v, *n, sizeof *v, in_report_order);
	return v;
}
