/* The pass before the pass. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/coarse-clock.h"
#include "cli/points.h"
#include "cli/prepass.h"

/* The global point of interface if_id of source, or -1. */
static long global_point(const struct pt_capset *cs, unsigned source, uint32_t if_id)
{
	for (unsigned p = 0; p < pt_capset_npoints(cs); p++) {
		const struct pt_point_source *ps = pt_capset_point(cs, p);
		if (ps->source == source && ps->if_id == if_id)
			return (long)p;
	}
	return -1;
}

/* Feeds the first packets of one file, as its points in cs, to c. */
static void sample_file(struct pt_coarse *c, const struct pt_capset *cs, unsigned source, const struct pt_options *o)
{
	char err[PT_ERRBUF_SIZE];
	struct pt_capset *one = pt_capset_new();
	if (one)
		pt_capset_decode_opts(one, &o->dec);
	if (one && o->inner_bpf)
		pt_capset_inner_filter(one, o->inner_bpf, err, sizeof err); /* checked by the pass itself */
	if (!one || pt_capset_add(one, pt_capset_source_path(cs, source), o->bpf, NULL, err, sizeof err) != 0) {
		pt_capset_free(one);
		return; /* reported by the pass itself */
	}
	struct pt_packet pk;
	struct pt_decoded d;
	struct pt_digest g;
	for (unsigned n = 0; n < PT_PREPASS_SAMPLE;) {
		int r = pt_capset_next(one, &pk, err, sizeof err);
		if (r == 0)
			break;
		if (r < 0)
			continue;
		long p = global_point(cs, source, pt_capset_point(one, pk.point)->if_id);
		if (p < 0)
			continue;
		pt_decode(&d, pk.data, pk.caplen, pk.len, pk.linktype, &o->dec);
		pt_digest_make(&g, &d, pk.data, (uint32_t)p, pk.ts_ns, pk.len, pk.caplen);
		pt_coarse_add(c, &g);
		n++;
	}
	pt_capset_free(one);
}

/* Estimates closer than this are taken for one clock seen across a hop. */
#define SAME_CLOCK_NS 1000000

void pt_cli_prepass(struct pt_capset *cs, struct pt_points *points, const struct pt_options *o,
		    const struct pt_analysis_config *cfg)
{
	size_t n = points->n;
	if (pt_capset_nsources(cs) < 2 || n < 2)
		return;
	struct pt_coarse *c = pt_coarse_new();
	struct pt_coarse_offset *off = calloc(n, sizeof *off);
	if (!c || !off)
		goto out;
	for (unsigned s = 0; s < pt_capset_nsources(cs); s++)
		if (!pt_capset_source_failed(cs, s))
			sample_file(c, cs, s, o);
	pt_coarse_solve(c, n, cfg->reference >= 0 ? (unsigned)cfg->reference : 0, off);
	for (unsigned s = 0; s < pt_capset_nsources(cs); s++) {
		/* A file is one clock: the estimate of its first point with one. */
		long first = -1;
		for (size_t p = 0; p < n && first < 0; p++)
			if (pt_capset_point(cs, (unsigned)p)->source == s && off[p].known)
				first = (long)p;
		if (first < 0)
			continue;
		int64_t shift = off[first].offset_ns;
		if (llabs(shift) * 2 < cfg->window_ns)
			continue;
		/* Files of one host share its clock: estimates a hop delay apart
		 * are one shift, and the fine estimate takes the rest. */
		for (size_t p = 0; p < n; p++)
			if (points->v[p].clock.shift_ns && llabs(points->v[p].clock.shift_ns - shift) < SAME_CLOCK_NS) {
				shift = points->v[p].clock.shift_ns;
				break;
			}
		pt_capset_shift(cs, s, shift);
		for (size_t p = 0; p < n; p++)
			if (pt_capset_point(cs, (unsigned)p)->source == s) {
				struct pt_point_clock *k = &points->v[p].clock;
				k->shift_ns = shift;
				k->shift_via = off[first].via;
				k->shift_packets = off[first].packets;
				k->shift_spread_ns = off[first].spread_ns;
			}
	}
out:
	free(off);
	pt_coarse_free(c);
}
