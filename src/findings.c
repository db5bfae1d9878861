/* Findings: what pathtrace concludes, as data with stable dotted names
 * (catalogued in doc/findings.md), most severe first. */
#include <config.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-int.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void pt_findings_add(struct pt_findings *fs, enum pt_severity sev, const char *name, const char *point,
		     const char *from, const char *to, int64_t flow_id, const char *value,
		     const char *evidence, const char *advice)
{
	struct pt_finding *v = pt_grow(fs->v, &fs->cap, fs->n, sizeof *v, 32);
	if (!v)
		return;
	fs->v = v;
	struct pt_finding *f = &fs->v[fs->n++];
	f->severity = sev;
	f->name = dup_or_null(name);
	f->point = dup_or_null(point);
	f->from = dup_or_null(from);
	f->to = dup_or_null(to);
	f->value = dup_or_null(value);
	f->evidence = dup_or_null(evidence);
	f->advice = dup_or_null(advice);
	f->flow_id = flow_id;
}

static int by_severity(const void *x, const void *y)
{
	const struct pt_finding *a = x, *b = y;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->flow_id < b->flow_id ? -1 : a->flow_id > b->flow_id;
}

void pt_findings_sort(struct pt_findings *fs)
{
	if (fs->n)
		qsort(fs->v, fs->n, sizeof *fs->v, by_severity);
}

void pt_findings_free(struct pt_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct pt_finding *f = &fs->v[i];
		free(f->name);
		free(f->point);
		free(f->from);
		free(f->to);
		free(f->value);
		free(f->evidence);
		free(f->advice);
	}
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}

struct pt_finding *pt_findings_find(struct pt_findings *fs, const char *name, int64_t flow_id, const char *from,
				    const char *to)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct pt_finding *f = &fs->v[i];
		if (strcmp(f->name, name) == 0 && (flow_id == -2 || f->flow_id == flow_id) && f->from && f->to &&
		    strcmp(f->from, from) == 0 && strcmp(f->to, to) == 0)
			return f;
	}
	return NULL;
}

const char *pt_severity_name(enum pt_severity s)
{
	return s == PT_SEV_ERROR ? "error" : s == PT_SEV_WARNING ? "warning" : "info";
}

static void flags_text(uint8_t f, char *buf, size_t size)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < 8 && n < size; i++)
		if (f & (1 << i))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", names[i]);
}

static void loss_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->nhops; i++) {
		const struct pt_hop *h = &a->hops[i];
		if (!h->lost)
			continue;
		const struct pt_flow *f = a->flows.all[h->flow_id - 1];
		uint64_t total = h->matched + h->lost;
		double share = (double)h->lost / (double)total;
		char value[32], ev[512], fl[64], key[160], passed[64] = "none of this flow passed";
		snprintf(value, sizeof value, "%" PRIu64, h->lost);
		if (h->passed_max_len)
			snprintf(passed, sizeof passed, "largest that passed %u bytes", h->passed_max_len);
		flags_text(h->lost_flags, fl, sizeof fl);
		pt_flow_key_format(&f->key, key, sizeof key);
		snprintf(ev, sizeof ev,
			 "%" PRIu64 " of %" PRIu64 " packets of %s seen at %s never reached %s within the %.3f s window; "
			 "lost sizes %u-%u bytes%s%s%s; %s",
			 h->lost, total, key, pt_point_name(a, h->from), pt_point_name(a, h->to),
			 (double)a->window_ns / 1e9, h->lost_min_len, h->lost_max_len, fl[0] ? ", flags " : "", fl,
			 h->lost_df ? ", DF set" : "", passed);
		enum pt_severity sev = share >= 0.01 || h->lost >= 10 ? PT_SEV_ERROR : PT_SEV_WARNING;
		pt_findings_add(&a->findings, sev, "loss.hop", NULL, pt_point_name(a, h->from), pt_point_name(a, h->to),
				h->flow_id, value, ev,
				"capture on the devices between these two points to narrow the drop down; check their "
				"drop counters (ip -s link), MTU and filtering rules");
	}
}

/* A bridge's copy is stamped at ingress or after egress (point-role.c):
 * negative times into or out of it are how it works, said once per bridge. */
static void bridge_copy_findings(struct pt_analysis *a)
{
	for (unsigned p = 0; p < a->npoints; p++) {
		if (a->points[p].role != PT_ROLE_BRIDGE)
			continue;
		uint64_t negative = 0, matched = 0, hops = 0;
		for (size_t i = 0; i < a->nhops; i++) {
			const struct pt_hop *h = &a->hops[i];
			if (h->from != p && h->to != p)
				continue;
			negative += h->negative;
			matched += h->matched;
			hops += h->negative != 0;
		}
		if (!negative)
			continue;
		char value[32], ev[512];
		snprintf(value, sizeof value, "%" PRIu64, negative);
		snprintf(ev, sizeof ev,
			 "%" PRIu64 " of %" PRIu64 " sampled packets on %" PRIu64 " hops into or out of %s appear there "
			 "after the next point or before the previous one: the copy the bridge hands its own "
			 "interface is stamped with the ingress port's receive time or after the egress port sent "
			 "the frame",
			 negative, matched, hops, pt_point_name(a, p));
		pt_findings_add(&a->findings, PT_SEV_INFO, "latency.bridge_copy", pt_point_name(a, p), NULL, NULL, -1,
				value, ev,
				"read the time through the bridge port to port: the sum of the two hops around it; "
				"capture its ports rather than the bridge for per-hop timing");
	}
}

static void latency_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->nhops; i++) {
		const struct pt_hop *h = &a->hops[i];
		if (!h->negative || a->points[h->from].role == PT_ROLE_BRIDGE || a->points[h->to].role == PT_ROLE_BRIDGE)
			continue;
		char value[64], ev[512];
		snprintf(value, sizeof value, "%.3f", h->min_us);
		snprintf(ev, sizeof ev,
			 "%" PRIu64 " of %" PRIu64 " sampled packets appear at %s before %s (minimum %.3f us) after clock "
			 "correction",
			 h->negative, h->matched, pt_point_name(a, h->to), pt_point_name(a, h->from), h->min_us);
		bool same_clock = fabs(pt_point_offset(a, h->from) - pt_point_offset(a, h->to)) == 0;
		pt_findings_add(&a->findings, PT_SEV_WARNING, "latency.negative", NULL, pt_point_name(a, h->from),
				pt_point_name(a, h->to), h->flow_id, value, ev,
				same_clock
					? "both points share a clock: a bridge captured in promiscuous mode stamps "
					  "copies with the ingress port's receive time, and after VXLAN decapsulation "
					  "the kernel keeps the underlay's receive time; mixing microsecond and "
					  "nanosecond files adds up to 1 us; treat sub-microsecond negatives as zero"
					: "the clock offset between these points is uncertain: give it with "
					  "--clock-offset POINT=SECONDS or capture two-way traffic so it can be estimated");
	}
}

static void point_findings(struct pt_analysis *a)
{
	for (unsigned p = 0; p < a->npoints; p++) {
		const struct pt_point_stats *ps = &a->points[p];
		char value[64], ev[512];
		if (ps->duplicates) {
			snprintf(value, sizeof value, "%" PRIu64, ps->duplicates);
			snprintf(ev, sizeof ev,
				 "%" PRIu64 " packets were captured twice at %s within %.0f us (not counted twice)",
				 ps->duplicates, pt_point_name(a, p), (double)a->dup_ns / 1e3);
			pt_findings_add(&a->findings, PT_SEV_INFO, "capture.duplicates", pt_point_name(a, p), NULL, NULL,
					-1, value, ev,
					"expected for a bridge captured in promiscuous mode or an -i any capture; capture "
					"the bridge with -p to see only its own traffic");
		}
		if (p != a->reference && ps->offset_known && (ps->clock_offset_s != 0 || ps->offset_forced)) {
			snprintf(value, sizeof value, "%.9f", ps->clock_offset_s);
			if (ps->offset_forced)
				snprintf(ev, sizeof ev, "given with --clock-offset");
			else
				snprintf(ev, sizeof ev,
					 "estimated from two-way traffic against %s (minimum-delay method), "
					 "uncertainty +/- %.6f s; latencies are corrected by it",
					 ps->offset_via >= 0 ? pt_point_name(a, (unsigned)ps->offset_via) : "?",
					 ps->clock_uncert_s);
			pt_findings_add(&a->findings, PT_SEV_INFO, "clock.offset", pt_point_name(a, p), NULL, NULL, -1,
					value, ev,
					"synchronise the hosts' clocks (chrony/PTP) for latency below the uncertainty");
		}
	}
}

static void nat_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->flows.n; i++) {
		struct pt_flow *f = a->flows.all[i];
		if (!f->nat_points || f->nat_parent)
			continue;
		/* The hop into the first point that saw another 5-tuple. */
		for (unsigned k = 1; k < f->norder; k++) {
			unsigned p = f->order[k], q = f->order[k - 1];
			if (!(f->nat_points & ((pt_mask)1 << p)) || (f->nat_points & ((pt_mask)1 << q)))
				continue;
			char key[160], ev[400];
			pt_flow_key_format(&f->key, key, sizeof key);
			snprintf(ev, sizeof ev, "packets of %s carry other addresses or ports from %s on", key,
				 pt_point_name(a, p));
			pt_findings_add(&a->findings, PT_SEV_INFO, "path.nat", NULL, pt_point_name(a, q),
					pt_point_name(a, p), f->id, "", ev,
					"expected at a floating-IP router port; matched on IP ID, sequence numbers and payload");
			break;
		}
	}
}

void pt_findings_from_analysis(struct pt_analysis *a)
{
	loss_findings(a);
	latency_findings(a);
	bridge_copy_findings(a);
	point_findings(a);
	nat_findings(a);
	if (a->too_many_points) {
		char v[32];
		snprintf(v, sizeof v, "%" PRIu64, a->too_many_points);
		pt_findings_add(&a->findings, PT_SEV_ERROR, "input.too_many_points", NULL, NULL, NULL, -1, v,
				"packets of capture points beyond the 64th were not analysed",
				"analyse at most 64 capture points at once");
	}
}
