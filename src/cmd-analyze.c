/* `pathtrace analyze`: one streaming pass over the merged captures; packets
 * matched across points within the window, then clock offsets, paths, hops
 * and findings, written to the output directory and printed. */
#include <config.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-int.h"
#include "pathtrace/commands.h"
#include "pathtrace/explain.h"

static const char *name_for_file(const struct pt_options *o, const char *file)
{
	char base[256];
	pt_point_name_from_path(file, base, sizeof base);
	for (unsigned i = 0; i < o->nnames; i++) {
		const char *k = o->names[i].key;
		const char *slash = strrchr(k, '/');
		if (strcmp(k, file) == 0 || strcmp(slash ? slash + 1 : k, file) == 0)
			return o->names[i].value;
		char kb[256];
		pt_point_name_from_path(k, kb, sizeof kb);
		if (strcmp(kb, base) == 0)
			return o->names[i].value;
	}
	return NULL;
}

static void point_account(struct pt_analysis *a, unsigned p, const struct pt_packet *pk, const struct pt_decoded *d,
			  bool super)
{
	struct pt_point_stats *ps = &a->points[p];
	if (ps->packets == 0 || pk->ts_ns < ps->first_ts)
		ps->first_ts = pk->ts_ns;
	if (ps->packets == 0 || pk->ts_ns > ps->last_ts)
		ps->last_ts = pk->ts_ns;
	ps->packets++;
	ps->bytes += pk->len;
	if (pk->ts_ns % 1000)
		ps->fine_ts = true;
	if (pk->len > ps->max_frame_len)
		ps->max_frame_len = pk->len;
	if (d->nlayers && d->layers[0].proto == PT_P_SLL2 && pk->caplen >= 8) {
		uint32_t ifx = (uint32_t)pk->data[4] << 24 | (uint32_t)pk->data[5] << 16 | (uint32_t)pk->data[6] << 8 |
			       pk->data[7];
		if (ps->packets == 1)
			ps->ifindex = ifx;
		else if (ifx != ps->ifindex)
			ps->aggregate = true;
	}
	if (d->status == PT_MALFORMED)
		ps->malformed++;
	else if (d->status == PT_TRUNCATED)
		ps->truncated++;
	for (unsigned i = 0; i < d->nlayers; i++) {
		uint8_t pr = d->layers[i].proto;
		if (pr == PT_P_VLAN || pr == PT_P_MPLS || pr == PT_P_GRE || pr == PT_P_ERSPAN || pr == PT_P_VXLAN ||
		    pr == PT_P_GENEVE)
			ps->encap_seen |= 1ull << pr;
	}
	const struct pt_ip *outer = pt_outer_ip(d), *inner = pt_inner_ip(d);
	if (!outer)
		return;
	if (d->nips > 1 && d->layers[0].proto != PT_P_NONE) {
		bool ipip = true;
		for (unsigned i = 0; i < d->nlayers; i++)
			if (d->layers[i].proto == PT_P_GRE || d->layers[i].proto == PT_P_VXLAN ||
			    d->layers[i].proto == PT_P_GENEVE)
				ipip = false;
		if (ipip)
			ps->encap_seen |= 1ull << PT_P_IPV4;
	}
	ps->ip_packets++;
	if (outer->total_len > ps->max_ip_len)
		ps->max_ip_len = outer->total_len;
	if (super)
		ps->gso_frames++;
	else {
		if (outer->total_len > ps->max_plain_ip_len)
			ps->max_plain_ip_len = outer->total_len;
		if (inner->total_len > ps->max_inner_ip_len)
			ps->max_inner_ip_len = inner->total_len;
	}
	ps->ip_bytes += outer->total_len;
	uint32_t overhead = 4u * d->vlan_count;
	if (d->nips > 1 && outer->total_len > inner->total_len)
		overhead += outer->total_len - inner->total_len;
	if (overhead) {
		ps->overhead_bytes += overhead;
		ps->overhead_packets++;
	}
	if (d->vlan_count)
		ps->vlan_packets++;
}

int pt_cmd_analyze(const struct pt_options *o, pt_report_fn report)
{
	char err[PT_ERRBUF_SIZE];
	if (o->explain) {
		const char *text = pt_explain(o->explain);
		if (!text) {
			snprintf(err, sizeof err, "no finding named \"%s\" (see doc/findings.md)", o->explain);
			report(err);
			return PT_EXIT_USAGE;
		}
		fputs(text, stdout);
		return PT_EXIT_OK;
	}
	int rc = PT_EXIT_OK;
	struct pt_analysis *a = calloc(1, sizeof *a);
	if (!a) {
		report("out of memory");
		return PT_EXIT_INPUT;
	}
	a->opts = o;
	a->cs = pt_capset_new();
	a->window_ns = (int64_t)llround(o->window_s * 1e9);
	a->reorder_ns = (int64_t)llround(o->reorder_s * 1e9);
	/* Copies of one packet at one point (promiscuous bridge, -i any) arrive
	 * within microseconds; a retransmission needs at least a round trip. */
	a->dup_ns = 500000;
	a->rng = 12345;
	pt_flows_init(&a->flows);
	pt_match_init(&a->match);
	if (!a->cs) {
		free(a);
		report("out of memory");
		return PT_EXIT_INPUT;
	}
	for (unsigned i = 0; i < o->nfiles; i++) {
		if (pt_capset_add(a->cs, o->files[i], o->bpf, name_for_file(o, o->files[i]), err, sizeof err) != 0) {
			report(err);
			rc = PT_EXIT_INPUT;
		}
	}

	struct pt_decoded d;
	struct pt_packet pk;
	int r;
	while ((r = pt_capset_next(a->cs, &pk, err, sizeof err)) != 0) {
		if (r < 0) {
			report(err);
			rc = PT_EXIT_INPUT;
			continue;
		}
		a->npoints = pt_capset_npoints(a->cs);
		if (a->npoints > PT_MAX_POINTS)
			a->npoints = PT_MAX_POINTS;
		if (pk.point >= PT_MAX_POINTS) {
			a->too_many_points++;
			continue;
		}
		a->packets++;
		if (pk.ts_ns > a->now)
			a->now = pk.ts_ns;
		pt_decode(&d, pk.data, pk.caplen, pk.len, pk.linktype, &o->dec);
		struct pt_flow *f = pt_inner_ip(&d) ? pt_match_flow(a, &d, pk.ts_ns) : NULL;
		bool super = pt_super_frame(f, &d);
		point_account(a, pk.point, &pk, &d, super);
		if (!pt_inner_ip(&d)) {
			a->non_ip++;
		} else if (f) {
			pt_match_packet(a, pk.point, pk.ts_ns, &d, pk.data, f, super);
			pt_mtu_note_packet(a, pk.point, pk.ts_ns, &d, f);
		}
		pt_match_expire(a, false);
	}
	a->npoints = pt_capset_npoints(a->cs) < PT_MAX_POINTS ? pt_capset_npoints(a->cs) : PT_MAX_POINTS;
	pt_match_expire(a, true);

	if (!pt_point_roles_assign(a, err, sizeof err)) {
		report(err);
		rc = PT_EXIT_USAGE;
	}
	/* The first point a packet really passes through keeps its clock. */
	a->reference = 0;
	for (unsigned p = a->npoints; p-- > 0;)
		if (a->points[p].role == PT_ROLE_HOP)
			a->reference = p;
	if (o->reference) {
		bool found = false;
		for (unsigned p = 0; p < a->npoints; p++)
			if (strcmp(pt_point_name(a, p), o->reference) == 0) {
				a->reference = p;
				found = true;
			}
		if (!found) {
			snprintf(err, sizeof err, "--reference %s: no such capture point", o->reference);
			report(err);
			rc = PT_EXIT_USAGE;
		}
	}
	for (unsigned k = 0; k < o->noffsets; k++) {
		bool found = false;
		for (unsigned p = 0; p < a->npoints; p++)
			found = found || strcmp(pt_point_name(a, p), o->offsets[k].key) == 0;
		if (!found) {
			snprintf(err, sizeof err, "--clock-offset %s: no such capture point", o->offsets[k].key);
			report(err);
			rc = PT_EXIT_USAGE;
		}
	}
	if (a->npoints) {
		pt_clock_estimate(a);
		pt_paths_compute(a);
		pt_findings_from_analysis(a);
		pt_mtu_findings(a);
		pt_findings_sort(&a->findings);
		if (pt_report_write(a, o->outdir, err, sizeof err) != 0) {
			report(err);
			rc = PT_EXIT_OUTPUT;
		}
		pt_report_summary(a, stdout);
		if (rc != PT_EXIT_OUTPUT)
			printf("\nwritten to %s/\n", o->outdir);
		if (!o->no_plots && rc != PT_EXIT_OUTPUT) {
			char note[512];
			int pr = pt_plot_write(a, o->outdir, note, sizeof note);
			if (pr != 0) {
				report(note);
				rc = PT_EXIT_OUTPUT;
			} else if (note[0]) {
				printf("%s\n", note);
			}
		}
	}
	fflush(stdout);
	pt_findings_free(&a->findings);
	free(a->icmp_mtu);
	free(a->hops);
	free(a->by_pair);
	pt_match_free(&a->match);
	pt_flows_free(&a->flows);
	pt_capset_free(a->cs);
	free(a);
	return rc;
}
