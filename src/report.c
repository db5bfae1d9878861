/* The output contract of `pathtrace analyze`: points, flows, paths, hops and
 * findings as CSV (columns documented in doc/output.md), and summary.txt. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "analyze-int.h"
#include "pathtrace/csv-writer.h"

const char *pt_point_name(const struct pt_analysis *a, unsigned p)
{
	const struct pt_point *pt = pt_capset_point(a->cs, p);
	return pt ? pt->name : "?";
}

static void encaps_text(uint64_t bits, char *buf, size_t size)
{
	static const struct {
		enum pt_proto p;
		const char *name;
	} order[] = { { PT_P_VLAN, "vlan" }, { PT_P_MPLS, "mpls" }, { PT_P_GRE, "gre" }, { PT_P_ERSPAN, "erspan" },
		      { PT_P_VXLAN, "vxlan" }, { PT_P_GENEVE, "geneve" }, { PT_P_IPV4, "ipip" } };
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof order / sizeof order[0] && n < size; i++)
		if (bits & (1ull << order[i].p))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "+" : "", order[i].name);
	if (!n)
		snprintf(buf, size, "none");
}

static bool write_points(struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "point", "file", "linktype", "packets", "bytes", "first_ts", "last_ts",
					    "max_frame_len", "max_ip_len", "encaps", "gso_frames", "clock_offset_s",
					    "clock_uncertainty_s", "duplicates", "fragments", "malformed", "truncated",
					    "role" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (unsigned p = 0; p < a->npoints; p++) {
		const struct pt_point_stats *ps = &a->points[p];
		const struct pt_point *pt = pt_capset_point(a->cs, p);
		char buf[128];
		pt_csv_str(&c, pt->name);
		pt_csv_str(&c, pt->file);
		const char *lt = pcap_datalink_val_to_name(pt->linktype);
		pt_csv_str(&c, lt ? lt : "unknown");
		pt_csv_u64(&c, ps->packets);
		pt_csv_u64(&c, ps->bytes);
		if (ps->packets) {
			pt_csv_ts(&c, ps->first_ts);
			pt_csv_ts(&c, ps->last_ts);
		} else {
			pt_csv_empty(&c);
			pt_csv_empty(&c);
		}
		pt_csv_u64(&c, ps->max_frame_len);
		pt_csv_u64(&c, ps->max_ip_len);
		encaps_text(ps->encap_seen, buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_csv_u64(&c, ps->gso_frames);
		pt_csv_f(&c, ps->offset_known ? ps->clock_offset_s : NAN, 9);
		pt_csv_f(&c, ps->offset_known && !ps->offset_forced ? ps->clock_uncert_s : NAN, 9);
		pt_csv_u64(&c, ps->duplicates);
		pt_csv_u64(&c, ps->fragments);
		pt_csv_u64(&c, ps->malformed);
		pt_csv_u64(&c, ps->truncated);
		pt_csv_str(&c, pt_point_role_name(ps->role));
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

static bool write_mtu(struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "point", "max_ip_len", "max_frame_len", "mtu_inferred", "encap",
					    "overhead_bytes", "overhead_pct", "fragments", "gso_frames", "max_fragment_len" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (unsigned p = 0; p < a->npoints; p++) {
		const struct pt_point_stats *ps = &a->points[p];
		char buf[128];
		pt_csv_str(&c, pt_point_name(a, p));
		pt_csv_u64(&c, ps->max_ip_len);
		pt_csv_u64(&c, ps->max_frame_len);
		if (ps->max_plain_ip_len)
			pt_csv_u64(&c, ps->max_plain_ip_len);
		else
			pt_csv_empty(&c);
		encaps_text(ps->encap_seen, buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_csv_u64(&c, pt_mtu_overhead(ps) + (ps->vlan_packets ? 4u : 0u));
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

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 58: return "icmpv6";
	default: return "ip";
	}
}

static void points_text(const struct pt_analysis *a, const struct pt_flow *f, char *buf, size_t size)
{
	pt_mask all = 0;
	for (unsigned i = 0; i < f->norder; i++)
		all |= (pt_mask)1 << f->order[i];
	pt_path_format(a, f, all, buf, size);
}

static bool write_flows(struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "flow_id", "proto", "src_ip", "src_port", "dst_ip", "dst_port",
					    "packets", "bytes", "first_ts", "last_ts", "points", "sightings",
					    "retransmits", "mss", "nat_of_flow" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t i = 0; i < a->flows.n; i++) {
		const struct pt_flow *f = a->flows.all[i];
		if (f->packets == 0 && !f->nat_parent)
			continue;
		char buf[4096];
		pt_csv_u64(&c, f->id);
		pt_csv_str(&c, proto_name(f->key.proto));
		pt_ip_format(f->key.version, f->key.src, buf, sizeof buf);
		pt_csv_str(&c, buf);
		if (f->key.has_ports)
			pt_csv_u64(&c, f->key.sport);
		else
			pt_csv_empty(&c);
		pt_ip_format(f->key.version, f->key.dst, buf, sizeof buf);
		pt_csv_str(&c, buf);
		if (f->key.has_ports && f->key.proto != 1 && f->key.proto != 58)
			pt_csv_u64(&c, f->key.dport);
		else
			pt_csv_empty(&c);
		pt_csv_u64(&c, f->packets);
		pt_csv_u64(&c, f->bytes);
		pt_csv_ts(&c, f->first_ts);
		pt_csv_ts(&c, f->last_ts);
		points_text(a, f, buf, sizeof buf);
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
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

/* Distinct paths of a flow, merged by seen set (the uncertainty masks only matter for loss). */
struct path_count {
	pt_mask seen;
	uint64_t count;
};

static size_t flow_paths(const struct pt_flow *f, struct path_count *out, size_t max)
{
	size_t n = 0;
	for (uint32_t s = 0; s < f->nsigs; s++) {
		size_t k;
		for (k = 0; k < n; k++)
			if (out[k].seen == f->sigs[s].seen)
				break;
		if (k == n) {
			if (n == max)
				continue;
			out[n].seen = f->sigs[s].seen;
			out[n++].count = 0;
		}
		out[k].count += f->sigs[s].count;
	}
	for (size_t i = 1; i < n; i++) /* most common first */
		for (size_t j = i; j > 0 && out[j].count > out[j - 1].count; j--) {
			struct path_count t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static bool write_paths(struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "flow_id", "path", "packets" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t i = 0; i < a->flows.n; i++) {
		const struct pt_flow *f = a->flows.all[i];
		if (f->nat_parent || !f->packets)
			continue;
		struct path_count pc[64];
		size_t n = flow_paths(f, pc, 64);
		for (size_t k = 0; k < n; k++) {
			char buf[4096];
			pt_path_format(a, f, pc[k].seen, buf, sizeof buf);
			pt_csv_u64(&c, f->id);
			pt_csv_str(&c, buf);
			pt_csv_u64(&c, pc[k].count);
			pt_csv_end_row(&c);
		}
	}
	return pt_csv_close(&c);
}

static bool write_hops(struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "flow_id", "hop", "from_point", "to_point", "matched", "lost",
					    "lat_min_us", "lat_p50_us", "lat_p90_us", "lat_p99_us", "lat_max_us",
					    "negative" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	uint32_t last_flow = 0;
	unsigned hop = 0;
	for (size_t i = 0; i < a->nhops; i++) {
		const struct pt_hop *h = &a->hops[i];
		hop = h->flow_id == last_flow ? hop + 1 : 1;
		last_flow = h->flow_id;
		pt_csv_u64(&c, h->flow_id);
		pt_csv_u64(&c, hop);
		pt_csv_str(&c, pt_point_name(a, h->from));
		pt_csv_str(&c, pt_point_name(a, h->to));
		pt_csv_u64(&c, h->matched);
		pt_csv_u64(&c, h->lost);
		pt_csv_f(&c, h->min_us, 3);
		pt_csv_f(&c, h->p50_us, 3);
		pt_csv_f(&c, h->p90_us, 3);
		pt_csv_f(&c, h->p99_us, 3);
		pt_csv_f(&c, h->max_us, 3);
		pt_csv_u64(&c, h->negative);
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

static bool write_findings(struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "severity", "name", "point", "from_point", "to_point", "flow_id",
					    "value", "evidence", "advice" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t i = 0; i < a->findings.n; i++) {
		const struct pt_finding *f = &a->findings.v[i];
		pt_csv_str(&c, pt_severity_name(f->severity));
		pt_csv_str(&c, f->name);
		pt_csv_str(&c, f->point);
		pt_csv_str(&c, f->from);
		pt_csv_str(&c, f->to);
		if (f->flow_id >= 0)
			pt_csv_u64(&c, (uint64_t)f->flow_id);
		else
			pt_csv_empty(&c);
		pt_csv_str(&c, f->value);
		pt_csv_str(&c, f->evidence);
		pt_csv_str(&c, f->advice);
		pt_csv_end_row(&c);
	}
	return pt_csv_close(&c);
}

static void print_finding(const struct pt_finding *f, FILE *fp)
{
	fprintf(fp, "%-7s %s", pt_severity_name(f->severity), f->name);
	if (f->point)
		fprintf(fp, " at %s", f->point);
	if (f->from)
		fprintf(fp, " on %s > %s", f->from, f->to);
	if (f->flow_id >= 0)
		fprintf(fp, " (flow %" PRId64 ")", f->flow_id);
	if (f->value && *f->value)
		fprintf(fp, ": %s", f->value);
	fprintf(fp, "\n        %s\n", f->evidence ? f->evidence : "");
	if (f->advice && *f->advice)
		fprintf(fp, "        -> %s\n", f->advice);
}

static int cmp_opt(const char *x, const char *y)
{
	return x && y ? strcmp(x, y) : (x != NULL) - (y != NULL);
}

/* Findings of one kind, severity and place that differ only by flow. */
static int cmp_group(const struct pt_finding *x, const struct pt_finding *y)
{
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = cmp_opt(x->point, y->point);
	if (!c)
		c = cmp_opt(x->from, y->from);
	if (!c)
		c = cmp_opt(x->to, y->to);
	return c;
}

static int by_group(const void *p, const void *q)
{
	const struct pt_finding *x = *(const struct pt_finding *const *)p, *y = *(const struct pt_finding *const *)q;
	int c = cmp_group(x, y);
	return c ? c : (x->flow_id > y->flow_id) - (x->flow_id < y->flow_id);
}

/* Sixty-four parallel streams losing on one underlay hop are one story:
 * per place and kind, the first findings in full, then the other flows by
 * number (findings.csv keeps every one). */
#define SUMMARY_PER_GROUP 3

static void summary_findings(const struct pt_analysis *a, FILE *fp)
{
	size_t n = a->findings.n;
	const struct pt_finding **v = malloc((n ? n : 1) * sizeof *v);
	if (!v) {
		for (size_t i = 0; i < n; i++)
			print_finding(&a->findings.v[i], fp);
		return;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = &a->findings.v[i];
	qsort(v, n, sizeof *v, by_group);
	for (size_t i = 0; i < n;) {
		size_t end = i + 1;
		while (end < n && cmp_group(v[i], v[end]) == 0)
			end++;
		for (size_t k = i; k < end && k < i + SUMMARY_PER_GROUP; k++)
			print_finding(v[k], fp);
		if (end - i > SUMMARY_PER_GROUP) {
			fprintf(fp, "        ... and %zu more %s like these, flows", end - i - SUMMARY_PER_GROUP, v[i]->name);
			size_t k = i + SUMMARY_PER_GROUP;
			for (unsigned listed = 0; k < end && listed < 12; k++, listed++)
				fprintf(fp, " %" PRId64, v[k]->flow_id);
			fprintf(fp, "%s (all in findings.csv)\n", k < end ? " ..." : "");
		}
		i = end;
	}
	free(v);
}

void pt_report_summary(struct pt_analysis *a, FILE *fp)
{
	fprintf(fp, "== capture points ==\n");
	fprintf(fp, "%-24s %10s %12s %8s %8s %-14s %14s  %s\n", "point", "packets", "bytes", "max_ip", "gso", "encaps",
		"clock_offset_s", "role");
	for (unsigned p = 0; p < a->npoints; p++) {
		const struct pt_point_stats *ps = &a->points[p];
		char enc[64], off[32];
		encaps_text(ps->encap_seen, enc, sizeof enc);
		if (ps->offset_known)
			snprintf(off, sizeof off, "%.6f", ps->clock_offset_s);
		else
			snprintf(off, sizeof off, "?");
		fprintf(fp, "%-24s %10" PRIu64 " %12" PRIu64 " %8u %8" PRIu64 " %-14s %14s  %s\n", pt_point_name(a, p),
			ps->packets, ps->bytes, ps->max_ip_len, ps->gso_frames, enc, off, pt_point_role_name(ps->role));
	}
	fprintf(fp, "\n== flows and paths ==\n");
	unsigned shown = 0, hidden = 0;
	for (size_t i = 0; i < a->flows.n; i++) {
		const struct pt_flow *f = a->flows.all[i];
		if (f->nat_parent || !f->packets)
			continue;
		if (shown >= 40) {
			hidden++;
			continue;
		}
		shown++;
		char key[160];
		pt_flow_key_format(&f->key, key, sizeof key);
		fprintf(fp, "flow %u  %s  %" PRIu64 " packets, %" PRIu64 " bytes\n", f->id, key, f->packets, f->bytes);
		struct path_count pc[8];
		size_t n = flow_paths(f, pc, 8);
		for (size_t k = 0; k < n; k++) {
			char buf[2048];
			pt_path_format(a, f, pc[k].seen, buf, sizeof buf);
			fprintf(fp, "    %8" PRIu64 "  %s\n", pc[k].count, buf);
		}
	}
	if (hidden)
		fprintf(fp, "(%u more flows in flows.csv)\n", hidden);
	fprintf(fp, "\n== hops (latency in microseconds, after clock correction) ==\n");
	fprintf(fp, "%6s  %-40s %8s %6s %10s %10s %10s %10s\n", "flow", "hop", "matched", "lost", "min", "p50",
		"p99", "max");
	unsigned hops_shown = 0;
	for (size_t i = 0; i < a->nhops && hops_shown < 200; i++) {
		const struct pt_hop *h = &a->hops[i];
		char hop[128];
		snprintf(hop, sizeof hop, "%s > %s", pt_point_name(a, h->from), pt_point_name(a, h->to));
		fprintf(fp, "%6u  %-40s %8" PRIu64 " %6" PRIu64 " %10.1f %10.1f %10.1f %10.1f\n", h->flow_id, hop,
			h->matched, h->lost, h->min_us, h->p50_us, h->p99_us, h->max_us);
		hops_shown++;
	}
	if (a->nhops > hops_shown)
		fprintf(fp, "(%zu more hops in hops.csv)\n", a->nhops - hops_shown);
	fprintf(fp, "\n== findings ==\n");
	if (!a->findings.n)
		fprintf(fp, "none\n");
	summary_findings(a, fp);
}

static bool write_summary(struct pt_analysis *a, const char *path)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *fp = fopen(tmp, "w");
	if (!fp)
		return false;
	pt_report_summary(a, fp);
	bool ok = !ferror(fp);
	ok = fclose(fp) == 0 && ok;
	if (ok)
		ok = rename(tmp, path) == 0;
	else
		remove(tmp);
	return ok;
}

/* mkdir -p: -o out/run1/cn1 works on a fresh tree. */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return -1;
		path[i] = c;
	}
	return 0;
}

int pt_report_write(struct pt_analysis *a, const char *dir, char *err, size_t errlen)
{
	if (make_dirs(dir) != 0) {
		snprintf(err, errlen, "%s: cannot create the output directory: %s", dir, strerror(errno));
		return -1;
	}
	static const struct {
		const char *name;
		bool (*fn)(struct pt_analysis *, const char *);
	} files[] = {
		{ "points.csv", write_points }, { "flows.csv", write_flows },     { "paths.csv", write_paths },
		{ "hops.csv", write_hops },     { "findings.csv", write_findings }, { "mtu.csv", write_mtu },
		{ "summary.txt", write_summary },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
		if (!files[i].fn(a, path)) {
			snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}
