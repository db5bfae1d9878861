/* The CSV files of `pathtrace analyze`, one writer each. */
#include <config.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "output/csv-writer.h"
#include "output/finding-text.h"
#include "output/report.h"
#include "output/tables.h"
#include "output/text.h"

bool pt_write_points(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "point", "file", "linktype", "packets", "bytes", "first_ts", "last_ts",
					    "max_frame_len", "max_ip_len", "encaps", "gso_frames", "clock_offset_s",
					    "clock_uncertainty_s", "duplicates", "fragments", "malformed", "truncated",
					    "role", "role_reason", "iface_kind", "clock_drift_ppm" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point *pt = &a->points->v[p];
		const struct pt_point_stats *ps = &pt->stats;
		char buf[256];
		pt_csv_str(&c, pt->name);
		pt_csv_str(&c, pt->file);
		const char *lt = pcap_datalink_val_to_name(pt->linktype);
		pt_csv_str(&c, lt ? lt : "unknown");
		pt_csv_u64(&c, ps->packets);
		pt_csv_u64(&c, ps->bytes);
		if (ps->packets) {
			/* As the file says: the pass reads a shifted clock shifted. */
			pt_csv_ts(&c, ps->first_ts + pt->clock.shift_ns);
			pt_csv_ts(&c, ps->last_ts + pt->clock.shift_ns);
		} else {
			pt_csv_empty(&c);
			pt_csv_empty(&c);
		}
		pt_csv_u64(&c, ps->max_frame_len);
		pt_csv_u64(&c, ps->max_ip_len);
		pt_encaps_text(ps->encap_seen, buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_csv_u64(&c, ps->gso_frames);
		pt_csv_f(&c, pt->clock.known ? pt->clock.offset_s : NAN, 9);
		pt_csv_f(&c, pt->clock.known && !pt->clock.forced ? pt->clock.uncert_s : NAN, 9);
		pt_csv_u64(&c, ps->duplicates);
		pt_csv_u64(&c, ps->fragments);
		pt_csv_u64(&c, ps->malformed);
		pt_csv_u64(&c, ps->truncated);
		pt_csv_str(&c, pt_point_role_name(pt->role));
		pt_role_reason_text(a, p, buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_csv_str(&c, pt_iface_kind_name(pt->iface));
		pt_csv_f(&c, pt->clock.known && !pt->clock.forced ? pt->clock.drift * 1e6 : NAN, 3);
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

bool pt_write_mtu(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "point", "max_ip_len", "max_frame_len", "mtu_inferred", "encap",
					    "overhead_bytes", "overhead_pct", "fragments", "gso_frames", "max_fragment_len" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point_stats *ps = &a->points->v[p].stats;
		char buf[128];
		pt_csv_str(&c, a->points->v[p].name);
		pt_csv_u64(&c, ps->max_ip_len);
		pt_csv_u64(&c, ps->max_frame_len);
		if (ps->max_plain_ip_len)
			pt_csv_u64(&c, ps->max_plain_ip_len);
		else
			pt_csv_empty(&c);
		pt_encaps_text(ps->encap_seen, buf, sizeof buf);
		pt_csv_str(&c, buf);
		/* 4 bytes per tag of the most-tagged frame (QinQ: 8). */
		pt_csv_u64(&c, ps->tunnel_overhead_max + 4u * ps->max_vlan_tags);
		pt_csv_f(&c, ps->bytes ? 100.0 * (double)ps->overhead_bytes / (double)ps->bytes : 0.0, 2);
		pt_csv_u64(&c, ps->fragments);
		pt_csv_u64(&c, ps->gso_frames);
		if (ps->max_frag_len)
			pt_csv_u64(&c, ps->max_frag_len);
		else
			pt_csv_empty(&c);
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

/* "vni:100", "gre:1", "vlan:10"; empty when no tag named the network. */
static void tenant_label(uint8_t kind, uint32_t id, char *buf, size_t size)
{
	const char *name = kind == PT_ID_VNI ? "vni" : kind == PT_ID_GRE_KEY ? "gre" : kind == PT_ID_VLAN ? "vlan" : NULL;
	if (name)
		snprintf(buf, size, "%s:%" PRIu32, name, id);
	else if (size)
		buf[0] = '\0';
}

bool pt_write_flows(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "flow_id", "proto", "src_ip", "src_port", "dst_ip", "dst_port",
					    "packets", "bytes", "first_ts", "last_ts", "points", "sightings",
					    "retransmits", "mss", "nat_of_flow", "tenant" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		struct pt_flow *f = a->match.flows.all[i];
		if ((f->packets == 0 && !f->nat_parent) || !pt_flow_reported(a, f->id))
			continue;
		char buf[4096];
		pt_csv_u64(&c, f->id);
		pt_csv_str(&c, pt_ip_proto_name(f->key.proto));
		pt_ip_format(f->key.version, f->key.src, buf, sizeof buf);
		pt_csv_str(&c, buf);
		if (f->key.has_ports)
			pt_csv_u64(&c, f->key.sport);
		else
			pt_csv_empty(&c);
		pt_ip_format(f->key.version, f->key.dst, buf, sizeof buf);
		pt_csv_str(&c, buf);
		if (f->key.has_ports && !pt_flow_key_is_icmp(&f->key))
			pt_csv_u64(&c, f->key.dport);
		else
			pt_csv_empty(&c);
		pt_csv_u64(&c, f->packets);
		pt_csv_u64(&c, f->bytes);
		pt_csv_ts(&c, f->first_ts);
		pt_csv_ts(&c, f->last_ts);
		pt_path_format_all(a, pt_analysis_path(a, f->id), buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_csv_u64(&c, f->sightings);
		pt_csv_u64(&c, f->retransmits);
		if (f->mss)
			pt_csv_u64(&c, f->mss);
		else
			pt_csv_empty(&c);
		if (f->nat_parent)
			pt_csv_u64(&c, pt_flow_canonical(f->nat_parent)->id);
		else
			pt_csv_empty(&c);
		tenant_label(f->tenant_kind, f->tenant_id, buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

struct pt_path_count *pt_flow_paths(const struct pt_flow *f, size_t *np)
{
	struct pt_path_count *out = malloc((f->nsigs ? f->nsigs : 1) * sizeof *out);
	size_t n = 0;
	*np = 0;
	if (!out)
		return NULL;
	for (uint32_t s = 0; s < f->nsigs; s++) {
		size_t k;
		for (k = 0; k < n; k++)
			if (out[k].seen == f->sigs[s].seen)
				break;
		if (k == n) {
			out[n].seen = f->sigs[s].seen;
			out[n++].count = 0;
		}
		out[k].count += f->sigs[s].count;
	}
	for (size_t i = 1; i < n; i++) /* most common first, ties in order of first sight */
		for (size_t j = i; j > 0 && out[j].count > out[j - 1].count; j--) {
			struct pt_path_count t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	*np = n;
	return out;
}

bool pt_write_paths(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "flow_id", "path", "packets" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || !f->packets || !pt_flow_reported(a, f->id))
			continue;
		size_t n;
		struct pt_path_count *pc = pt_flow_paths(f, &n);
		for (size_t k = 0; k < n; k++) {
			char buf[4096];
			pt_path_format(a, pt_analysis_path(a, f->id), pc[k].seen, buf, sizeof buf);
			pt_csv_u64(&c, f->id);
			pt_csv_str(&c, buf);
			pt_csv_u64(&c, pc[k].count);
			pt_csv_end_row(&c);
		}
		free(pc);
	}
	return pt_csv_close(&c);
}

bool pt_write_hops(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "flow_id", "hop", "from_point", "to_point", "matched", "lost",
					    "lat_min_us", "lat_p50_us", "lat_p90_us", "lat_p99_us", "lat_max_us",
					    "negative", "lat_p25_us", "lat_p75_us" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	uint32_t last_flow = 0;
	unsigned hop = 0;
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (!pt_flow_reported(a, h->flow_id))
			continue;
		hop = h->flow_id == last_flow ? hop + 1 : 1;
		last_flow = h->flow_id;
		pt_csv_u64(&c, h->flow_id);
		pt_csv_u64(&c, hop);
		pt_csv_str(&c, pt_point_label(a, h->from));
		pt_csv_str(&c, pt_point_label(a, h->to));
		pt_csv_u64(&c, h->matched);
		pt_csv_u64(&c, h->lost);
		pt_csv_f(&c, h->min_us, 3);
		pt_csv_f(&c, h->p50_us, 3);
		pt_csv_f(&c, h->p90_us, 3);
		pt_csv_f(&c, h->p99_us, 3);
		pt_csv_f(&c, h->max_us, 3);
		pt_csv_u64(&c, h->negative);
		pt_csv_f(&c, h->p25_us, 3);
		pt_csv_f(&c, h->p75_us, 3);
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

bool pt_write_findings(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "severity", "name", "point", "from_point", "to_point", "flow_id",
					    "value", "evidence", "advice" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	size_t n;
	const struct pt_finding **v = pt_findings_in_order(a, &n);
	if (!v) {
		pt_csv_close(&c);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pt_finding *f = v[i];
		struct pt_finding_text t;
		pt_finding_format(a, f, &t);
		pt_csv_str(&c, pt_severity_name(f->severity));
		pt_csv_str(&c, pt_finding_name(f->id));
		pt_csv_str(&c, pt_point_label(a, f->point));
		pt_csv_str(&c, pt_point_label(a, f->from));
		pt_csv_str(&c, pt_point_label(a, f->to));
		if (f->flow >= 0)
			pt_csv_u64(&c, (uint64_t)f->flow);
		else
			pt_csv_empty(&c);
		pt_csv_str(&c, t.value);
		pt_csv_str(&c, t.evidence);
		pt_csv_str(&c, t.advice);
		pt_csv_end_row(&c);
	}
	free(v);
	return pt_csv_close(&c);
}
