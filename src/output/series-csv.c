/* The CSV files behind the charts, and what the charts show. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/stats.h"
#include "output/csv-writer.h"
#include "output/finding-text.h"
#include "output/series-out.h"
#include "output/text.h"

static int64_t origin(const struct pt_analysis *a)
{
	return a->tput ? a->tput->origin : 0;
}

static double rel_s(const struct pt_analysis *a, int64_t ts)
{
	return (double)(ts - origin(a)) / 1e9;
}

/* Matched packets over all hops of a flow. */
static uint64_t hop_matches(const struct pt_analysis *a, uint32_t flow)
{
	uint64_t n = 0;
	for (size_t i = 0; i < a->hops.n; i++)
		if (a->hops.v[i].flow_id == flow)
			n += a->hops.v[i].matched;
	return n;
}

static bool listed(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* The best PT_CHART_LINES of a stream, largest key first; ties keep the earlier. */
struct top {
	uint32_t id[PT_CHART_LINES], aux[PT_CHART_LINES];
	uint64_t key[PT_CHART_LINES];
	size_t n;
};

static void top_add(struct top *t, uint32_t id, uint32_t aux, uint64_t key)
{
	size_t k;
	if (t->n < PT_CHART_LINES)
		k = t->n++;
	else if (key > t->key[PT_CHART_LINES - 1])
		k = PT_CHART_LINES - 1;
	else
		return;
	t->id[k] = id;
	t->aux[k] = aux;
	t->key[k] = key;
	for (; k > 0 && t->key[k - 1] < t->key[k]; k--) {
		uint32_t i = t->id[k - 1], x = t->aux[k - 1];
		uint64_t y = t->key[k - 1];
		t->id[k - 1] = t->id[k];
		t->aux[k - 1] = t->aux[k];
		t->key[k - 1] = t->key[k];
		t->id[k] = i;
		t->aux[k] = x;
		t->key[k] = y;
	}
}

void pt_chart_pick(const struct pt_analysis *a, const struct pt_chart_opts *o, struct pt_chart_pick *p)
{
	memset(p, 0, sizeof *p);
	const struct pt_throughput *t = a->tput;
	uint32_t main = t ? t->main_flow : 0;
	/* With a filter, the busiest of the flows it selects. */
	if (main && !pt_flow_reported(a, main)) {
		main = 0;
		for (uint32_t id = 1; id <= t->nflows; id++)
			if (pt_flow_reported(a, id) && t->flows[id - 1].bytes &&
			    (!main || t->flows[id - 1].bytes > t->flows[main - 1].bytes))
				main = id;
	}
	if (t && o && o->flow >= 1 && o->flow <= t->nflows && t->flows[o->flow - 1].bytes)
		main = o->flow;
	if (main) {
		p->main_flow = main;
		const struct pt_path *path = pt_analysis_path(a, p->main_flow);
		p->receiver = path->n ? path->order[path->n - 1] : 0;
	}
	/* throughput-flows: the tracked flows with the most goodput. */
	struct top top = { .n = 0 };
	for (uint32_t id = 1; t && id <= t->nflows; id++) {
		const struct pt_tflow *tf = &t->flows[id - 1];
		if (!tf->goodput_max)
			continue;
		p->flows_total++;
		if (tf->slot >= PT_SLOT_FLOW0)
			top_add(&top, id, 0, tf->goodput_max);
	}
	memcpy(p->flows, top.id, top.n * sizeof *p->flows);
	p->nflows = top.n;
	/* Latency: the main flow and its reverse if they crossed two points,
	 * then the flows with the most packets matched on their hops. */
	if (p->main_flow && hop_matches(a, p->main_flow)) {
		p->lat_flow = p->main_flow;
		p->lat_flows[p->nlat_flows++] = p->main_flow;
		const struct pt_flow *f = pt_analysis_flow(a, p->main_flow);
		if (f && f->reverse && hop_matches(a, f->reverse->id))
			p->lat_flows[p->nlat_flows++] = f->reverse->id;
	}
	memset(&top, 0, sizeof top);
	size_t nf = a->match.flows.n;
	uint64_t *matched = calloc(nf + 1, sizeof *matched);
	for (size_t i = 0; matched && i < a->hops.n; i++)
		if (a->hops.v[i].flow_id <= nf)
			matched[a->hops.v[i].flow_id] += a->hops.v[i].matched;
	for (uint32_t id = 1; matched && id <= nf; id++)
		if (matched[id] && !listed(p->lat_flows, p->nlat_flows, id))
			top_add(&top, id, 0, matched[id]);
	free(matched);
	for (size_t i = 0; i < top.n && p->nlat_flows < PT_CHART_LINES; i++)
		if (!listed(p->lat_flows, p->nlat_flows, top.id[i]))
			p->lat_flows[p->nlat_flows++] = top.id[i];
	if (!p->lat_flow && p->nlat_flows)
		p->lat_flow = p->lat_flows[0];
	/* RTT: the series at their flow's first point, most samples first. */
	memset(&top, 0, sizeof top);
	const struct pt_rtt *r = a->rtt;
	for (size_t i = 0; r && i < r->nall; i++) {
		const struct pt_rtt_series *s = r->all[i];
		const struct pt_path *path = pt_analysis_path(a, s->flow);
		if (!s->n || !path->n || path->order[0] != s->point)
			continue;
		p->rtt_total++;
		top_add(&top, s->flow, s->point, s->count);
	}
	memcpy(p->rtt_flows, top.id, top.n * sizeof *p->rtt_flows);
	memcpy(p->rtt_points, top.aux, top.n * sizeof *p->rtt_points);
	p->nrtt = top.n;
}

/* ------------------------------------------------------------ throughput.csv */

static void bin_row(struct pt_csv *c, const struct pt_analysis *a, const char *point, const char *flow, int64_t bin,
		    const struct pt_bin *b)
{
	static const struct pt_bin zero;
	const struct pt_throughput *t = a->tput;
	if (!b)
		b = &zero;
	double secs = (double)t->bin_ns / 1e9;
	pt_csv_str(c, point);
	pt_csv_str(c, flow);
	pt_csv_f(c, (double)bin * secs, 6);
	pt_csv_ts(c, t->origin + bin * t->bin_ns);
	pt_csv_f(c, secs, 6);
	pt_csv_u64(c, b->packets);
	pt_csv_u64(c, b->wire_bytes);
	pt_csv_u64(c, b->goodput_bytes);
	pt_csv_u64(c, b->resent_bytes);
	pt_csv_f(c, (double)b->packets / secs, 3);
	pt_csv_f(c, 8.0 * (double)b->wire_bytes / secs, 0);
	pt_csv_f(c, 8.0 * (double)b->goodput_bytes / secs, 0);
	pt_csv_f(c, 8.0 * (double)b->resent_bytes / secs, 0);
	pt_csv_end_row(c);
}

static void series_rows(struct pt_csv *c, const struct pt_analysis *a, const struct pt_tseries *s, const char *point,
			const char *flow, int64_t lo, int64_t hi)
{
	for (int64_t b = lo; b <= hi; b++) {
		const struct pt_bin *v = s && b >= s->first && b < s->first + (int64_t)s->n ? &s->v[b - s->first] : NULL;
		bin_row(c, a, point, flow, b, v);
	}
}

/* One series of throughput.csv: rows for bins lo..hi. */
struct tput_block {
	uint32_t point;
	int32_t slot;
	uint32_t flow; /* 0: all or other */
	int64_t lo, hi;
	const struct pt_tseries *s;
};

/* The layout of throughput.csv, shared by its writer and by the charts that
 * read slices of it: point by point, "all", "other", then each tracked flow
 * by id. Each slot's rows span its time over all points (a flow's rows at
 * a point cover the flow's whole time, zeros where it was not there: a
 * collapse shows). visit returns false to stop. */
static void throughput_layout(const struct pt_analysis *a, bool (*visit)(void *ctx, const struct tput_block *b),
			      void *ctx)
{
	const struct pt_throughput *t = a->tput;
	if (!t || !t->nall)
		return;
	int64_t lo[PT_NSLOTS], hi[PT_NSLOTS];
	for (size_t k = 0; k < PT_NSLOTS; k++) {
		lo[k] = INT64_MAX;
		hi[k] = INT64_MIN;
	}
	for (size_t i = 0; i < t->nall; i++) {
		const struct pt_tseries *s = t->all[i];
		if (!s->n)
			continue;
		if (s->first < lo[s->slot])
			lo[s->slot] = s->first;
		if (s->first + (int64_t)s->n - 1 > hi[s->slot])
			hi[s->slot] = s->first + (int64_t)s->n - 1;
	}
	/* The tracked flows in id order. */
	uint32_t ids[PT_SERIES_FLOWS];
	size_t nids = 0;
	for (int32_t k = PT_SLOT_FLOW0; k < PT_NSLOTS; k++)
		if (t->slot_flow[k])
			ids[nids++] = t->slot_flow[k];
	for (size_t i = 1; i < nids; i++)
		for (size_t j = i; j > 0 && ids[j] < ids[j - 1]; j--) {
			uint32_t x = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = x;
		}
	for (uint32_t p = 0; p < a->points->n; p++) {
		struct tput_block blk = { .point = p, .slot = PT_SLOT_ALL, .lo = lo[PT_SLOT_ALL], .hi = hi[PT_SLOT_ALL] };
		blk.s = pt_tput_series(t, PT_SLOT_ALL, p);
		if (!blk.s)
			continue;
		if (!visit(ctx, &blk))
			return;
		blk.slot = PT_SLOT_OTHER;
		blk.s = pt_tput_series(t, PT_SLOT_OTHER, p);
		if (blk.s && !visit(ctx, &blk))
			return;
		for (size_t i = 0; i < nids; i++) {
			int32_t slot = t->flows[ids[i] - 1].slot;
			blk = (struct tput_block){ .point = p, .slot = slot, .flow = ids[i], .lo = lo[slot], .hi = hi[slot] };
			blk.s = pt_tput_series(t, (uint32_t)slot, p);
			if (blk.s && !visit(ctx, &blk))
				return;
		}
	}
}

struct tput_writer {
	struct pt_csv *c;
	const struct pt_analysis *a;
};

static bool write_block(void *ctx, const struct tput_block *b)
{
	struct tput_writer *w = ctx;
	char flow[16];
	if (b->slot == PT_SLOT_ALL)
		snprintf(flow, sizeof flow, "all");
	else if (b->slot == PT_SLOT_OTHER)
		snprintf(flow, sizeof flow, "other");
	else
		snprintf(flow, sizeof flow, "%" PRIu32, b->flow);
	series_rows(w->c, w->a, b->s, w->a->points->v[b->point].name, flow, b->lo, b->hi);
	return true;
}

bool pt_write_throughput(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "point", "flow", "t_s", "ts", "bin_s", "packets", "wire_bytes",
					    "goodput_bytes", "resent_bytes", "pps", "wire_bps", "goodput_bps",
					    "resent_bps" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	struct tput_writer w = { &c, a };
	throughput_layout(a, write_block, &w);
	return pt_csv_close(&c);
}

struct tput_finder {
	int32_t slot;
	uint32_t point;
	size_t row, n;
	bool found;
};

static bool find_block(void *ctx, const struct tput_block *b)
{
	struct tput_finder *f = ctx;
	size_t n = (size_t)(b->hi - b->lo + 1);
	if (b->slot == f->slot && b->point == f->point) {
		f->n = n;
		f->found = true;
		return false;
	}
	f->row += n;
	return true;
}

bool pt_throughput_rows(const struct pt_analysis *a, uint32_t slot, uint32_t point, size_t *first, size_t *n)
{
	struct tput_finder f = { .slot = (int32_t)slot, .point = point };
	throughput_layout(a, find_block, &f);
	*first = f.row;
	*n = f.n;
	return f.found;
}

/* ------------------------------------------------------------ rtt.csv */

/* rtt.csv's order: the charted series first, in chart order (a chart
 * reads only the top of the file), then the others by flow and point. */
struct ranked {
	size_t rank;
	const struct pt_rtt_series *s;
};

static int by_rank(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->s->flow != b->s->flow)
		return a->s->flow < b->s->flow ? -1 : 1;
	return (a->s->point > b->s->point) - (a->s->point < b->s->point);
}

static int by_time(const void *x, const void *y)
{
	const struct pt_tsample *a = x, *b = y;
	return (a->ts > b->ts) - (a->ts < b->ts);
}

static const char *rtt_kind_name(int kind)
{
	return kind == PT_RTT_ICMP ? "icmp" : "tcp";
}

bool pt_write_rtt(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *path)
{
	static const char *const cols[] = { "flow_id", "point", "kind", "ts", "t_s", "rtt_us" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	const struct pt_rtt *r = a->rtt;
	if (!r || !r->nall)
		return pt_csv_close(&c);
	struct ranked *v = malloc(r->nall * sizeof *v);
	struct pt_tsample *buf = malloc(PT_RTT_RESERVOIR * sizeof *buf);
	if (!v || !buf) {
		free(v);
		free(buf);
		pt_csv_abort(&c);
		errno = ENOMEM;
		return false;
	}
	for (size_t i = 0; i < r->nall; i++) {
		v[i] = (struct ranked){ SIZE_MAX, r->all[i] };
		for (size_t k = 0; p && k < p->nrtt; k++)
			if (p->rtt_flows[k] == r->all[i]->flow && p->rtt_points[k] == r->all[i]->point)
				v[i].rank = k;
	}
	qsort(v, r->nall, sizeof *v, by_rank);
	for (size_t i = 0; i < r->nall; i++) {
		const struct pt_rtt_series *s = v[i].s;
		if (!s->n)
			continue; /* TCP data whose ACKs never came: no round trip */
		memcpy(buf, s->v, s->n * sizeof *buf);
		qsort(buf, s->n, sizeof *buf, by_time);
		for (uint32_t k = 0; k < s->n; k++) {
			pt_csv_u64(&c, s->flow);
			pt_csv_str(&c, a->points->v[s->point].name);
			pt_csv_str(&c, rtt_kind_name(s->kind));
			pt_csv_ts(&c, buf[k].ts);
			pt_csv_f(&c, rel_s(a, buf[k].ts), 6);
			pt_csv_f(&c, (double)buf[k].ns / 1e3, 3);
			pt_csv_end_row(&c);
		}
	}
	free(v);
	free(buf);
	return pt_csv_close(&c);
}

bool pt_rtt_rows(const struct pt_analysis *a, const struct pt_chart_pick *p, size_t k, size_t *first, size_t *n)
{
	*first = *n = 0;
	for (size_t i = 0; i <= k && i < p->nrtt; i++) {
		const struct pt_rtt_series *s = pt_rtt_find(a->rtt, p->rtt_flows[i], p->rtt_points[i]);
		size_t m = s ? s->n : 0;
		if (i < k)
			*first += m;
		else
			*n = m;
	}
	return k < p->nrtt;
}

/* ------------------------------------------------------------ latency.csv */

/* latency.csv: the picked flows in order, each flow's hops as in hops.csv,
 * each hop's samples in time order. */
bool pt_write_latency(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *path)
{
	static const char *const cols[] = { "flow_id", "hop", "from_point", "to_point", "ts", "t_s", "latency_us" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t k = 0; k < p->nlat_flows; k++) {
		unsigned hop = 0;
		for (size_t i = 0; i < a->hops.n; i++) {
			const struct pt_hop *h = &a->hops.v[i];
			if (h->flow_id != p->lat_flows[k])
				continue;
			hop++; /* numbered as in hops.csv */
			size_t n;
			struct pt_tsample *v = pt_hop_samples(a, h, &n);
			for (size_t j = 0; j < n; j++) {
				pt_csv_u64(&c, h->flow_id);
				pt_csv_u64(&c, hop);
				pt_csv_str(&c, a->points->v[h->from].name);
				pt_csv_str(&c, a->points->v[h->to].name);
				pt_csv_ts(&c, v[j].ts);
				pt_csv_f(&c, rel_s(a, v[j].ts), 6);
				pt_csv_f(&c, (double)v[j].ns / 1e3, 3);
				pt_csv_end_row(&c);
			}
			free(v);
		}
	}
	return pt_csv_close(&c);
}

/* The samples pt_hop_samples gives for hop h. */
static size_t hop_nsamples(const struct pt_analysis *a, const struct pt_hop *h)
{
	const struct pt_flow *f = pt_analysis_flow(a, h->flow_id);
	unsigned lo = h->from < h->to ? h->from : h->to, hi = h->from < h->to ? h->to : h->from;
	const struct pt_pair *pr = f ? pt_flow_pair(f, lo, hi) : NULL;
	return pr && pr->sample_dt ? pr->nsamples : 0;
}

bool pt_latency_rows(const struct pt_analysis *a, const struct pt_chart_pick *p, uint32_t flow, unsigned hop,
		     size_t *first, size_t *n)
{
	*first = *n = 0;
	for (size_t k = 0; k < p->nlat_flows; k++) {
		unsigned num = 0;
		for (size_t i = 0; i < a->hops.n; i++) {
			const struct pt_hop *h = &a->hops.v[i];
			if (h->flow_id != p->lat_flows[k])
				continue;
			num++;
			size_t m = hop_nsamples(a, h);
			if (h->flow_id == flow && num == hop) {
				*n = m;
				return true;
			}
			*first += m;
		}
	}
	return false;
}

/* ------------------------------------------------------------ rtt-hops.csv */

static const char *part_name(uint8_t kind)
{
	return kind == PT_PART_THERE ? "there" : kind == PT_PART_FAR ? "far end" : "back";
}

bool pt_write_rtt_hops(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "kind",    "flow_id", "reverse_flow_id", "part_no",     "part",
					    "from_point", "to_point", "p50_us",   "samples",     "start_us",
					    "measured_at", "measured_p50_us" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	for (size_t k = 0; a->rtt && k < sizeof a->rtt->splits / sizeof a->rtt->splits[0]; k++) {
		const struct pt_rtt_split *sp = &a->rtt->splits[k];
		double start = 0;
		for (size_t i = 0; i < sp->n; i++) {
			const struct pt_rtt_part *q = &sp->parts[i];
			pt_csv_str(&c, rtt_kind_name(sp->kind));
			pt_csv_u64(&c, sp->flow);
			if (sp->reverse)
				pt_csv_u64(&c, sp->reverse);
			else
				pt_csv_empty(&c);
			pt_csv_u64(&c, i + 1);
			pt_csv_str(&c, part_name(q->kind));
			pt_csv_str(&c, a->points->v[q->from].name);
			pt_csv_str(&c, a->points->v[q->to].name);
			pt_csv_f(&c, q->p50_us, 3);
			pt_csv_u64(&c, q->samples);
			pt_csv_f(&c, start, 3);
			pt_csv_str(&c, a->points->v[sp->point].name);
			pt_csv_f(&c, sp->measured_p50_us, 3);
			pt_csv_end_row(&c);
			/* A part without a latency (a hop seen one way only) stacks as nothing. */
			if (!isnan(q->p50_us))
				start += q->p50_us;
		}
	}
	return pt_csv_close(&c);
}

/* ------------------------------------------------------------ sizes.csv */

bool pt_write_sizes(const struct pt_analysis *a, const char *path)
{
	static const char *const cols[] = { "point", "size_lo", "size_hi", "packets", "cum_fraction" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	const struct pt_throughput *t = a->tput;
	for (size_t p = 0; t && p < t->npts && p < a->points->n; p++) {
		const uint64_t *v = t->pts[p].sizes;
		if (!v)
			continue;
		uint64_t total = 0, cum = 0;
		for (unsigned b = 0; b < PT_SIZE_NBINS; b++)
			total += v[b];
		for (unsigned b = 0; b < PT_SIZE_NBINS; b++) {
			if (!v[b])
				continue;
			uint32_t lo, hi;
			pt_size_bin_range(b, &lo, &hi);
			cum += v[b];
			pt_csv_str(&c, a->points->v[p].name);
			pt_csv_u64(&c, lo);
			if (hi != UINT32_MAX)
				pt_csv_u64(&c, hi);
			else
				pt_csv_empty(&c);
			pt_csv_u64(&c, v[b]);
			pt_csv_f(&c, (double)cum / (double)total, 6);
			pt_csv_end_row(&c);
		}
	}
	return pt_csv_close(&c);
}

bool pt_sizes_rows(const struct pt_analysis *a, uint32_t point, size_t *first, size_t *n)
{
	const struct pt_throughput *t = a->tput;
	*first = *n = 0;
	for (size_t q = 0; t && q < t->npts && q < a->points->n; q++) {
		size_t m = 0;
		for (unsigned b = 0; t->pts[q].sizes && b < PT_SIZE_NBINS; b++)
			m += t->pts[q].sizes[b] != 0;
		if (q == point) {
			*n = m;
			return m > 0;
		}
		*first += m;
	}
	return false;
}

/* ------------------------------------------------------------ overhead.csv */

/* Points for per-point bar charts: the main flow's path in order, then the
 * others by packets. *n of them; an array to free. */
static uint32_t *point_order(const struct pt_analysis *a, const struct pt_chart_pick *p, size_t *n, size_t *on_path)
{
	const struct pt_throughput *t = a->tput;
	size_t np = a->points->n;
	uint32_t *v = malloc((np ? np : 1) * sizeof *v);
	bool *used = calloc(np ? np : 1, 1);
	*n = *on_path = 0;
	if (!v || !used) {
		free(v);
		free(used);
		return NULL;
	}
	const struct pt_path *path = pt_analysis_path(a, p->main_flow);
	for (uint32_t i = 0; i < path->n; i++)
		if (!used[path->order[i]] && t && path->order[i] < t->npts && t->pts[path->order[i]].packets) {
			used[path->order[i]] = true;
			v[(*n)++] = path->order[i];
		}
	*on_path = *n;
	size_t first_rest = *n;
	for (uint32_t q = 0; q < np; q++)
		if (!used[q] && t && q < t->npts && t->pts[q].packets)
			v[(*n)++] = q;
	/* The rest by packets, most first (insertion sort: stable, and point counts are small). */
	for (size_t i = first_rest + 1; i < *n; i++)
		for (size_t j = i; j > first_rest && t->pts[v[j]].packets > t->pts[v[j - 1]].packets; j--) {
			uint32_t x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	free(used);
	return v;
}

bool pt_write_overhead(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *path)
{
	static const char *const cols[] = { "point",        "packets",       "wire_bytes",   "link_header_bytes",
					    "tunnel_header_bytes", "inner_header_bytes", "payload_bytes", "overhead_pct",
					    "on_main_path" };
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	size_t n, on_path;
	uint32_t *order = point_order(a, p, &n, &on_path);
	for (size_t i = 0; order && i < n; i++) {
		const struct pt_point_bytes *b = &a->tput->pts[order[i]];
		pt_csv_str(&c, a->points->v[order[i]].name);
		pt_csv_u64(&c, b->packets);
		pt_csv_u64(&c, b->wire);
		pt_csv_u64(&c, b->link_hdr);
		pt_csv_u64(&c, b->tunnel_hdr);
		pt_csv_u64(&c, b->inner_hdr);
		pt_csv_u64(&c, b->payload);
		pt_csv_f(&c, b->wire ? 100.0 * (double)(b->wire - b->payload) / (double)b->wire : NAN, 2);
		pt_csv_u64(&c, i < on_path);
		pt_csv_end_row(&c);
	}
	free(order);
	return pt_csv_close(&c);
}

/* ------------------------------------------------------------ scenario.csv */

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Goodput of every flow from src to dst (any ports) of the main flow's
 * protocol (parallel streams, not the pings beside them) at its last
 * point, over the time from the first to the last payload of those that
 * carried at least 1 % of it (iperf's control connection talks before and
 * after the test: it must not stretch the time). */
static double direction_bps(const struct pt_analysis *a, const struct pt_flow_key *k, bool reverse)
{
	const struct pt_throughput *t = a->tput;
	uint64_t bytes = 0;
	int64_t first = INT64_MAX, last = INT64_MIN;
	size_t alen = k->version == 4 ? 4 : 16;
	const uint8_t *src = reverse ? k->dst : k->src, *dst = reverse ? k->src : k->dst;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; t && i < a->match.flows.n; i++) {
			const struct pt_flow *f = a->match.flows.all[i];
			if (f->key.version != k->version || f->key.proto != k->proto || memcmp(f->key.src, src, alen) != 0 ||
			    memcmp(f->key.dst, dst, alen) != 0)
				continue;
			const struct pt_path *path = pt_analysis_path(a, f->id);
			const struct pt_flow_at *x = path->n ? pt_tput_flow_at(t, f->id, path->order[path->n - 1]) : NULL;
			if (!x || !x->goodput_bytes)
				continue;
			if (round == 0) {
				bytes += x->goodput_bytes;
			} else if (x->goodput_bytes * 100 >= bytes) {
				if (x->first_ts < first)
					first = x->first_ts;
				if (x->last_ts > last)
					last = x->last_ts;
			}
		}
	}
	if (!bytes)
		return 0;
	return last > first ? 8.0 * (double)bytes / ((double)(last - first) / 1e9) : NAN;
}

void pt_scenario_numbers(const struct pt_analysis *a, const struct pt_chart_pick *p, struct pt_scenario *s)
{
	memset(s, 0, sizeof *s);
	s->fwd_bps = s->rev_bps = s->peak_bps = s->lat_p50_us = s->lat_p99_us = NAN;
	s->rtt_p50_us = s->rtt_p99_us = s->overhead_pct = NAN;
	s->lat_from = s->lat_to = s->rtt_point = s->overhead_point = -1;
	s->rtt_kind = -1;
	s->main_flow = p->main_flow;
	s->receiver = p->receiver;
	const struct pt_throughput *t = a->tput;
	const struct pt_flow *mf = pt_analysis_flow(a, p->main_flow);
	if (t && mf) {
		s->fwd_bps = direction_bps(a, &mf->key, false);
		s->rev_bps = direction_bps(a, &mf->key, true);
		int32_t slot = pt_tput_slot(t, mf->id);
		const struct pt_tseries *ser = slot >= PT_SLOT_FLOW0 ? pt_tput_series(t, (uint32_t)slot, p->receiver) : NULL;
		uint64_t peak = 0;
		for (size_t i = 0; ser && i < ser->n; i++)
			if (ser->v[i].goodput_bytes > peak)
				peak = ser->v[i].goodput_bytes;
		if (ser)
			s->peak_bps = 8.0 * (double)peak / ((double)t->bin_ns / 1e9);
	}
	/* One-way latency end to end: the latency flow's first point to its last. */
	const struct pt_path *lp = pt_analysis_path(a, p->lat_flow);
	if (lp->n >= 2) {
		struct pt_hop h = { .flow_id = p->lat_flow, .from = lp->order[0], .to = lp->order[lp->n - 1] };
		size_t n;
		struct pt_tsample *v = pt_hop_samples(a, &h, &n);
		int64_t *ns = v ? malloc(n * sizeof *ns) : NULL;
		if (ns) {
			for (size_t i = 0; i < n; i++)
				ns[i] = v[i].ns;
			qsort(ns, n, sizeof *ns, cmp_i64);
			s->lat_p50_us = pt_quantile(ns, n, 0.50) / 1e3;
			s->lat_p99_us = pt_quantile(ns, n, 0.99) / 1e3;
			s->lat_from = h.from;
			s->lat_to = h.to;
		}
		free(ns);
		free(v);
	}
	/* Round trip: ping's if the captures hold one, else TCP's; at the sender's point. */
	for (int kind = PT_RTT_ICMP; a->rtt && kind <= PT_RTT_TCP && s->rtt_kind < 0; kind++) {
		const struct pt_rtt_series *best = NULL;
		for (size_t i = 0; i < p->nrtt; i++) {
			const struct pt_rtt_series *r = pt_rtt_find(a->rtt, p->rtt_flows[i], p->rtt_points[i]);
			if (r && r->kind == kind && (!best || r->count > best->count))
				best = r;
		}
		if (best) {
			s->rtt_kind = kind;
			s->rtt_point = best->point;
			s->rtt_p50_us = best->p50_us;
			s->rtt_p99_us = best->p99_us;
		}
	}
	for (size_t i = 0; i < a->hops.n; i++)
		s->lost += a->hops.v[i].lost;
	for (size_t i = 0; i < a->match.flows.n; i++)
		s->packets += a->match.flows.all[i]->packets;
	/* Encapsulation: the largest share of tunnel headers at a point. */
	for (size_t q = 0; t && q < t->npts && q < a->points->n; q++) {
		const struct pt_point_bytes *b = &t->pts[q];
		if (!b->wire || !b->tunnel_hdr)
			continue;
		double pct = 100.0 * (double)b->tunnel_hdr / (double)b->wire;
		if (isnan(s->overhead_pct) || pct > s->overhead_pct) {
			s->overhead_pct = pct;
			s->overhead_point = (long)q;
		}
	}
	if (t && !isnan(s->fwd_bps) && s->overhead_point < 0)
		s->overhead_pct = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t q = 0; q < a->points->n; q++) {
		const struct pt_point_stats *ps = &a->points->v[q].stats;
		if (!ps->packets)
			continue;
		if (ps->first_ts < lo)
			lo = ps->first_ts;
		if (ps->last_ts > hi)
			hi = ps->last_ts;
	}
	s->duration_s = hi > lo ? (double)(hi - lo) / 1e9 : 0;
}

/* Whether a finding is part of the MTU verdict. */
static bool mtu_kind(enum pt_finding_id id)
{
	switch (id) {
	case PT_F_MTU_ICMP_FRAG_NEEDED:
	case PT_F_MTU_ICMPV6_PTB:
	case PT_F_MTU_MSS_EXCEEDS_PATH:
	case PT_F_MTU_OVERSIZE_DROP:
	case PT_F_MTU_PMTUD_BLACKHOLE:
	case PT_F_FRAG_FRAGMENTED:
		return true;
	default:
		return false;
	}
}

/* The MTU verdict in a few words: its warnings and errors, "name@where",
 * one entry per name and place ("x3" when several flows share it). */
static void mtu_words(const struct pt_analysis *a, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	size_t nv;
	const struct pt_finding **v = pt_findings_in_order(a, &nv);
	for (size_t i = 0; v && i < nv && n < size; i++) {
		const struct pt_finding *f = v[i];
		if (f->severity == PT_SEV_INFO || !mtu_kind(f->id))
			continue;
		bool seen = false;
		unsigned times = 1;
		for (size_t j = 0; j < nv; j++) {
			const struct pt_finding *g = v[j];
			if (j == i || g->id != f->id || g->severity == PT_SEV_INFO || g->point != f->point ||
			    g->from != f->from || g->to != f->to)
				continue;
			if (j < i)
				seen = true;
			else
				times++;
		}
		if (seen)
			continue;
		char where[600] = "";
		if (f->point >= 0)
			snprintf(where, sizeof where, "@%s", pt_point_label(a, f->point));
		else if (f->from >= 0 && f->to >= 0)
			snprintf(where, sizeof where, "@%s>%s", pt_point_label(a, f->from), pt_point_label(a, f->to));
		char count[16] = "";
		if (times > 1)
			snprintf(count, sizeof count, " x%u", times);
		n += (size_t)snprintf(buf + n, size - n, "%s%s%s%s", n ? "; " : "", pt_finding_name(f->id), where, count);
	}
	free(v);
	if (!buf[0])
		snprintf(buf, size, "none");
}

bool pt_write_scenario(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *label,
		       const char *path)
{
	static const char *const cols[] = {
		"label",       "points",       "flows",       "packets",     "duration_s",   "main_flow",
		"main_flow_key", "main_path",  "receiver",    "fwd_goodput_bps", "rev_goodput_bps", "peak_goodput_bps",
		"bin_s",       "lat_from",     "lat_to",      "lat_p50_us",  "lat_p99_us",   "rtt_kind",
		"rtt_point",   "rtt_p50_us",   "rtt_p99_us",  "lost",        "loss_pct",     "overhead_pct",
		"overhead_point", "mtu_findings",
	};
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0]))
		return false;
	struct pt_scenario s;
	pt_scenario_numbers(a, p, &s);
	char buf[4096];
	pt_csv_str(&c, label);
	pt_csv_u64(&c, a->points->n);
	pt_csv_u64(&c, a->match.flows.n);
	pt_csv_u64(&c, s.packets);
	pt_csv_f(&c, s.duration_s, 6);
	const struct pt_flow *mf = pt_analysis_flow(a, s.main_flow);
	if (mf) {
		pt_csv_u64(&c, mf->id);
		pt_flow_key_format(&mf->key, buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_path_format_all(a, pt_analysis_path(a, mf->id), buf, sizeof buf);
		pt_csv_str(&c, buf);
		pt_csv_str(&c, pt_point_label(a, s.receiver));
	} else {
		for (int i = 0; i < 4; i++)
			pt_csv_empty(&c);
	}
	pt_csv_f(&c, s.fwd_bps, 0);
	pt_csv_f(&c, s.rev_bps, 0);
	pt_csv_f(&c, s.peak_bps, 0);
	pt_csv_f(&c, a->tput ? (double)a->tput->bin_ns / 1e9 : NAN, 6);
	pt_csv_str(&c, s.lat_from >= 0 ? pt_point_label(a, s.lat_from) : NULL);
	pt_csv_str(&c, s.lat_to >= 0 ? pt_point_label(a, s.lat_to) : NULL);
	pt_csv_f(&c, s.lat_p50_us, 3);
	pt_csv_f(&c, s.lat_p99_us, 3);
	pt_csv_str(&c, s.rtt_kind >= 0 ? rtt_kind_name(s.rtt_kind) : NULL);
	pt_csv_str(&c, s.rtt_point >= 0 ? pt_point_label(a, s.rtt_point) : NULL);
	pt_csv_f(&c, s.rtt_p50_us, 3);
	pt_csv_f(&c, s.rtt_p99_us, 3);
	pt_csv_u64(&c, s.lost);
	pt_csv_f(&c, s.packets ? 100.0 * (double)s.lost / (double)s.packets : NAN, 3);
	pt_csv_f(&c, s.overhead_pct, 2);
	pt_csv_str(&c, s.overhead_point >= 0 ? pt_point_label(a, s.overhead_point) : NULL);
	mtu_words(a, buf, sizeof buf);
	pt_csv_str(&c, buf);
	pt_csv_end_row(&c);
	return pt_csv_close(&c);
}

int pt_series_write(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
		    const char *dir, char *err, size_t errlen)
{
	static const char *const names[] = { "throughput.csv", "rtt.csv",     "latency.csv", "rtt-hops.csv",
					     "sizes.csv",      "overhead.csv", "scenario.csv" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		bool ok;
		switch (i) {
		case 0: ok = pt_write_throughput(a, path); break;
		case 1: ok = pt_write_rtt(a, p, path); break;
		case 2: ok = pt_write_latency(a, p, path); break;
		case 3: ok = pt_write_rtt_hops(a, path); break;
		case 4: ok = pt_write_sizes(a, path); break;
		case 5: ok = pt_write_overhead(a, p, path); break;
		default: ok = pt_write_scenario(a, p, o->label, path); break;
		}
		if (!ok) {
			snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}
