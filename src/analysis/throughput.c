/* Throughput per time bin, per point, per flow and in total; where each
 * point's bytes went (link, tunnel and inner headers, payload) and the sizes
 * of its packets. Goodput is TCP payload counted once at each point: bytes
 * below the highest sequence already seen there are resent, not new, so the
 * receiver's point can be set beside iperf's interval report. Copies of one
 * frame at one point (a promiscuous bridge, -i any) count once, as in
 * points.csv. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "base/grow.h"

unsigned pt_size_bin(uint32_t len)
{
	if (len < 2048)
		return len;
	if (len < 16384)
		return 2048 + (len - 2048) / 128;
	if (len < 65536)
		return 2048 + 112 + (len - 16384) / 1024;
	return PT_SIZE_NBINS - 1;
}

void pt_size_bin_range(unsigned bin, uint32_t *lo, uint32_t *hi)
{
	if (bin < 2048) {
		*lo = *hi = bin;
	} else if (bin < 2048 + 112) {
		*lo = 2048 + (bin - 2048) * 128;
		*hi = *lo + 127;
	} else if (bin < PT_SIZE_NBINS - 1) {
		*lo = 16384 + (bin - 2048 - 112) * 1024;
		*hi = *lo + 1023;
	} else {
		*lo = 65536;
		*hi = UINT32_MAX;
	}
}

static int64_t floor_div(int64_t x, int64_t d)
{
	int64_t q = x / d;
	if (x % d != 0 && (x < 0) != (d < 0))
		q--;
	return q;
}

/* The map takes its buckets from the low bits: mix all of x and y into them
 * (the splitmix64 finaliser), not only y's, as a plain multiplication would. */
static uint64_t pair_hash(uint32_t x, uint32_t y)
{
	uint64_t h = (uint64_t)x << 32 | y;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static struct pt_throughput *state(struct pt_analysis *a)
{
	if (a->tput)
		return a->tput;
	struct pt_throughput *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	pt_hmap_init(&t->series);
	pt_hmap_init(&t->at);
	t->bin_ns = t->asked_bin_ns = a->cfg.bin_ns > 0 ? a->cfg.bin_ns : PT_DEFAULT_BIN_NS;
	if (a->cfg.bin_start_set) {
		t->have_origin = true;
		t->origin = a->cfg.bin_start_ns;
	}
	a->tput = t;
	return t;
}

const struct pt_tseries *pt_tput_series(const struct pt_throughput *t, uint32_t slot, uint32_t point)
{
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, pair_hash(slot, point), &t->series)
	{
		const struct pt_tseries *s = PT_CONTAINER_OF(node, struct pt_tseries, node);
		if (s->slot == slot && s->point == point)
			return s;
	}
	return NULL;
}

const struct pt_flow_at *pt_tput_flow_at(const struct pt_throughput *t, uint32_t flow, uint32_t point)
{
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, pair_hash(flow, point), &t->at)
	{
		const struct pt_flow_at *x = PT_CONTAINER_OF(node, struct pt_flow_at, node);
		if (x->flow == flow && x->point == point)
			return x;
	}
	return NULL;
}

int32_t pt_tput_slot(const struct pt_throughput *t, uint32_t flow)
{
	return flow >= 1 && flow <= t->nflows ? t->flows[flow - 1].slot : -1;
}

static struct pt_tseries *series_get(struct pt_throughput *t, uint32_t slot, uint32_t point)
{
	struct pt_tseries *s = (struct pt_tseries *)pt_tput_series(t, slot, point);
	if (s)
		return s;
	struct pt_tseries **all = pt_grow(t->all, &t->capall, t->nall, sizeof *all, 16);
	if (!all)
		return NULL;
	t->all = all;
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->slot = slot;
	s->point = point;
	if (!pt_hmap_insert(&t->series, &s->node, pair_hash(slot, point))) {
		free(s);
		return NULL;
	}
	t->all[t->nall++] = s;
	return s;
}

static void series_unlink(struct pt_throughput *t, struct pt_tseries *s)
{
	pt_hmap_remove(&t->series, &s->node);
	for (size_t i = 0; i < t->nall; i++)
		if (t->all[i] == s) {
			t->all[i] = t->all[--t->nall];
			break;
		}
	t->cells -= s->n;
	free(s->v);
	free(s);
}

/* Doubles the bin width: bins 2k and 2k+1 (counted from the origin) become
 * bin k. In place: new bin k only takes old bins at or after k, so a forward
 * walk never reads an old bin it already overwrote. */
static void widen(struct pt_throughput *t)
{
	size_t cells = 0;
	for (size_t i = 0; i < t->nall; i++) {
		struct pt_tseries *s = t->all[i];
		if (s->n == 0)
			continue;
		int64_t first = floor_div(s->first, 2), cur = -1;
		for (size_t j = 0; j < s->n; j++) {
			struct pt_bin old = s->v[j];
			int64_t k = floor_div(s->first + (int64_t)j, 2) - first;
			if (k != cur) {
				memset(&s->v[k], 0, sizeof s->v[k]);
				cur = k;
			}
			s->v[k].packets += old.packets;
			s->v[k].wire_bytes += old.wire_bytes;
			s->v[k].goodput_bytes += old.goodput_bytes;
			s->v[k].resent_bytes += old.resent_bytes;
		}
		s->n = (size_t)(cur + 1);
		s->first = first;
		cells += s->n;
	}
	t->cells = cells;
	t->bin_ns *= 2;
	t->last_bin = floor_div(t->last_bin, 2);
	for (size_t f = 0; f < t->nflows; f++)
		t->flows[f].since = floor_div(t->flows[f].since, 2);
	t->widened++;
}

/* Whether growing series s to hold bin makes the series too large. */
static size_t growth(const struct pt_tseries *s, int64_t bin)
{
	if (s->n == 0)
		return 1;
	if (bin < s->first)
		return (size_t)(s->first - bin);
	if (bin >= s->first + (int64_t)s->n)
		return (size_t)(bin - (s->first + (int64_t)s->n) + 1);
	return 0;
}

static struct pt_bin *bin_at(struct pt_throughput *t, struct pt_tseries *s, int64_t bin)
{
	size_t add = growth(s, bin);
	if (add == 0)
		return &s->v[bin - s->first];
	size_t need = s->n + add;
	if (need > s->cap) {
		size_t cap = s->cap ? s->cap : 8;
		while (cap < need)
			cap *= 2;
		struct pt_bin *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	if (s->n == 0) {
		s->first = bin;
		memset(s->v, 0, add * sizeof *s->v);
	} else if (bin < s->first) {
		memmove(s->v + add, s->v, s->n * sizeof *s->v);
		memset(s->v, 0, add * sizeof *s->v);
		s->first = bin;
	} else {
		memset(s->v + s->n, 0, add * sizeof *s->v);
	}
	s->n = need;
	t->cells += add;
	return &s->v[bin - s->first];
}

static int64_t bin_of(const struct pt_throughput *t, int64_t ts)
{
	return floor_div(ts - t->origin, t->bin_ns);
}

/* The bin of ts in series s, the bin width doubled first if holding it
 * would take more than PT_SERIES_CELLS bins over all series. */
static struct pt_bin *bin_for(struct pt_throughput *t, struct pt_tseries *s, int64_t ts)
{
	for (;;) {
		int64_t bin = bin_of(t, ts);
		size_t add = growth(s, bin);
		/* Widening helps only while some series is longer than one bin. */
		if (add && t->cells + add > PT_SERIES_CELLS && t->bin_ns <= INT64_MAX / 4 &&
		    (add > 1 || t->cells > t->nall)) {
			widen(t);
			continue;
		}
		struct pt_bin *b = bin_at(t, s, bin);
		if (!b)
			t->failed++;
		return b;
	}
}

/* Counts a packet in s (made on first use through *cache: a series' address
 * never changes, only its bins move). */
static void add_to(struct pt_throughput *t, struct pt_tseries **cache, uint32_t slot, uint32_t point, int64_t ts,
		   uint32_t wire, uint64_t good, uint64_t resent)
{
	if (!*cache)
		*cache = series_get(t, slot, point);
	struct pt_bin *b = *cache ? bin_for(t, *cache, ts) : NULL;
	if (!b) {
		t->failed += !*cache;
		return;
	}
	b->packets++;
	b->wire_bytes += wire;
	b->goodput_bytes += good;
	b->resent_bytes += resent;
}

/* Adds series from into into (same point), bin by bin. */
static void fold_into(struct pt_throughput *t, struct pt_tseries *from, struct pt_tseries *into)
{
	for (size_t j = 0; j < from->n; j++) {
		const struct pt_bin *o = &from->v[j];
		if (!o->packets)
			continue;
		struct pt_bin *b = bin_at(t, into, from->first + (int64_t)j);
		if (!b) {
			t->failed++;
			continue;
		}
		b->packets += o->packets;
		b->wire_bytes += o->wire_bytes;
		b->goodput_bytes += o->goodput_bytes;
		b->resent_bytes += o->resent_bytes;
	}
}

static struct pt_tflow *tflow(struct pt_throughput *t, uint32_t id)
{
	while (t->nflows < id) {
		struct pt_tflow *v = pt_grow(t->flows, &t->capflows, t->nflows, sizeof *v, 64);
		if (!v)
			return NULL;
		t->flows = v;
		t->flows[t->nflows++] = (struct pt_tflow){ .slot = PT_TF_NEW };
	}
	return &t->flows[id - 1];
}

/* A slot for flow id: a free one, or the one of the smallest tracked flow
 * when this one has outgrown it (Space-Saving). An evicted flow's bins are
 * folded into other, and it stays there: two flows of equal size never
 * trade places packet by packet. */
static void take_slot(struct pt_throughput *t, uint32_t id, struct pt_tflow *tf, int64_t ts)
{
	int32_t free_slot = -1, small = -1;
	for (int32_t k = PT_SLOT_FLOW0; k < PT_NSLOTS && free_slot < 0; k++)
		if (!t->slot_flow[k])
			free_slot = k;
	if (free_slot < 0) {
		if (tf->bytes <= t->min_slot_bytes)
			return;
		uint64_t least = UINT64_MAX;
		for (int32_t k = PT_SLOT_FLOW0; k < PT_NSLOTS; k++) {
			uint64_t b = t->flows[t->slot_flow[k] - 1].bytes;
			if (b < least) {
				least = b;
				small = k;
			}
		}
		t->min_slot_bytes = least;
		if (tf->bytes <= least)
			return;
		struct pt_tflow *old = &t->flows[t->slot_flow[small] - 1];
		for (size_t i = 0; i < t->nall;) {
			struct pt_tseries *s = t->all[i];
			if (s->slot != (uint32_t)small) {
				i++;
				continue;
			}
			struct pt_tseries *other = series_get(t, PT_SLOT_OTHER, s->point);
			if (other)
				fold_into(t, s, other);
			else
				t->failed++;
			if (s->point < t->npts)
				t->pts[s->point].other = other;
			series_unlink(t, s); /* moves the last series to i */
		}
		for (struct pt_flow_at *x = old->ats; x; x = x->next_of_flow)
			x->series = NULL;
		old->slot = PT_TF_EVICTED;
		t->folded++;
		free_slot = small;
	}
	t->slot_flow[free_slot] = id;
	tf->slot = free_slot;
	tf->since = bin_of(t, ts);
}

/* The flow at a point: a walk along the flow's few points, no hashing. */
static struct pt_flow_at *flow_at(struct pt_throughput *t, struct pt_tflow *tf, uint32_t flow, uint32_t point)
{
	for (struct pt_flow_at *x = tf->ats; x; x = x->next_of_flow)
		if (x->point == point)
			return x;
	struct pt_flow_at **v = pt_grow(t->ats, &t->capats, t->nats, sizeof *v, 64);
	if (!v)
		return NULL;
	t->ats = v;
	struct pt_flow_at *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->flow = flow;
	x->point = point;
	if (!pt_hmap_insert(&t->at, &x->node, pair_hash(flow, point))) {
		free(x);
		return NULL;
	}
	x->next_of_flow = tf->ats;
	tf->ats = x;
	t->ats[t->nats++] = x;
	return x;
}

/* Sequence number seq relative to the base, unwrapped near the highest seen. */
static int64_t seq_rel(const struct pt_flow_at *x, uint32_t seq)
{
	uint32_t rel = seq - x->seq_base;
	return x->seq_high + (int32_t)(rel - (uint32_t)x->seq_high);
}

/* TCP at one point: new bytes, resent bytes, or a copy (false). */
static bool tcp_bytes(struct pt_flow_at *x, const struct pt_digest *g, int64_t dup_ns, uint64_t *good,
		      uint64_t *resent)
{
	*good = *resent = 0;
	if (g->tcp_flags & 0x02) {
		if (!x->seq_init) {
			x->seq_init = true;
			x->seq_base = g->tcp_seq + 1;
			x->seq_high = 0;
		}
		return true;
	}
	if (g->payload_len == 0)
		return true;
	if (!x->seq_init) {
		x->seq_init = true;
		x->seq_base = g->tcp_seq;
		x->seq_high = 0;
	}
	int64_t start = seq_rel(x, g->tcp_seq), end = start + g->payload_len;
	if (end <= x->seq_high) {
		for (unsigned i = 0; i < x->nrecent; i++)
			if (x->recent[i].start == start && x->recent[i].ip_id == g->ip.id &&
			    g->ts - x->recent[i].ts <= dup_ns && x->recent[i].ts - g->ts <= dup_ns)
				return false;
	}
	if (end > x->seq_high) {
		uint64_t fresh = (uint64_t)(end - (start > x->seq_high ? start : x->seq_high));
		*good = fresh;
		*resent = g->payload_len - fresh;
		x->seq_high = end;
	} else {
		*resent = g->payload_len;
	}
	x->recent[x->next].start = start;
	x->recent[x->next].ts = g->ts;
	x->recent[x->next].ip_id = g->ip.id;
	x->next = (uint8_t)((x->next + 1) % PT_RECENT);
	if (x->nrecent < PT_RECENT)
		x->nrecent++;
	return true;
}

/* The payload of a packet that is not TCP: an IP fragment's is what follows its IP header. */
static uint64_t other_payload(const struct pt_digest *g)
{
	if (g->ip.is_frag)
		return g->ip.total_len > g->ip.hdr_len ? g->ip.total_len - g->ip.hdr_len : 0;
	return g->payload_len;
}

static struct pt_point_bytes *point_bytes(struct pt_throughput *t, uint32_t point)
{
	if (point >= t->npts) {
		size_t n = point + 1;
		struct pt_point_bytes *v = realloc(t->pts, n * sizeof *v);
		if (!v)
			return NULL;
		memset(v + t->npts, 0, (n - t->npts) * sizeof *v);
		t->pts = v;
		t->npts = n;
	}
	return &t->pts[point];
}

void pt_throughput_packet(struct pt_analysis *a, const struct pt_digest *g, struct pt_flow *f)
{
	struct pt_throughput *t = state(a);
	if (!t)
		return;
	struct pt_point_bytes *pb = point_bytes(t, g->point);
	struct pt_tflow *tf = tflow(t, f->id);
	struct pt_flow_at *x = tf ? flow_at(t, tf, f->id, g->point) : NULL;
	if (!pb || !x) {
		t->failed++;
		return;
	}
	/* The matcher counts a copy of a whole packet or fragment as it sees it. */
	uint64_t dups = a->points->v[g->point].stats.duplicates;
	bool copy = dups != pb->dups_seen;
	pb->dups_seen = dups;
	uint64_t good = 0, resent = 0;
	if (g->l4_proto == PT_P_TCP && !g->ip.is_frag) {
		if (!tcp_bytes(x, g, a->cfg.dup_ns, &good, &resent))
			copy = true;
	} else {
		good = other_payload(g);
	}
	if (copy)
		return;
	if (!t->have_origin) {
		t->have_origin = true;
		t->origin = g->ts;
	}
	int64_t bin = bin_of(t, g->ts);
	if (t->nall == 0 || bin > t->last_bin)
		t->last_bin = bin;

	tf->bytes += g->len;
	if (tf->slot == PT_TF_NEW || (tf->slot == PT_TF_LATE && tf->bytes > t->min_slot_bytes)) {
		bool late = tf->slot == PT_TF_LATE;
		take_slot(t, f->id, tf, g->ts);
		if (tf->slot < 0 && !late)
			t->folded++; /* in other from its first packet, for now */
		if (tf->slot < 0)
			tf->slot = PT_TF_LATE;
	}
	add_to(t, &pb->all, PT_SLOT_ALL, g->point, g->ts, g->len, good, resent);
	if (tf->slot >= 0)
		add_to(t, &x->series, (uint32_t)tf->slot, g->point, g->ts, g->len, good, resent);
	else
		add_to(t, &pb->other, PT_SLOT_OTHER, g->point, g->ts, g->len, good, resent);

	x->packets++;
	x->goodput_bytes += good;
	x->resent_bytes += resent;
	if (good) {
		if (!x->first_ts || g->ts < x->first_ts)
			x->first_ts = g->ts;
		if (g->ts > x->last_ts)
			x->last_ts = g->ts;
	}

	/* Where the bytes go. A GSO/GRO super-frame is many segments on the
	 * wire, each with its own headers: they are counted as many times. */
	uint64_t outer = g->outer_len, inner = g->ip.total_len;
	uint64_t payload = g->l4_proto == PT_P_TCP && !g->ip.is_frag ? g->payload_len : other_payload(g);
	if (payload > inner)
		payload = inner;
	uint64_t link = g->len > outer ? g->len - outer : 0, tunnel = g->nips > 1 && outer > inner ? outer - inner : 0;
	uint64_t hdr = inner - payload, nseg = 1;
	if (payload && pt_super_frame(f, g)) {
		uint32_t seg = pt_wire_len(f, g, true);
		uint64_t per = seg > hdr ? seg - hdr : 0;
		if (per)
			nseg = (payload + per - 1) / per;
	}
	pb->packets++;
	pb->link_hdr += nseg * link;
	pb->tunnel_hdr += nseg * tunnel;
	pb->inner_hdr += nseg * hdr;
	pb->payload += payload;
	pb->wire += nseg * (link + tunnel + hdr) + payload;
	if (!pb->sizes)
		pb->sizes = calloc(PT_SIZE_NBINS, sizeof *pb->sizes);
	if (pb->sizes)
		pb->sizes[pt_size_bin(outer)]++;
	else
		t->failed++;
}

static void limit(struct pt_analysis *a, enum pt_finding_id id, uint64_t count, uint64_t bound)
{
	struct pt_finding *f = pt_findings_add(&a->findings, id, PT_SEV_INFO);
	if (f)
		f->u.limit = (struct pt_f_limit){ count, bound };
}

void pt_throughput_done(struct pt_analysis *a)
{
	struct pt_throughput *t = a->tput;
	if (!t)
		return;
	/* Each point's bins move by its clock offset, to the nearest bin. */
	for (size_t i = 0; i < t->nall; i++) {
		struct pt_tseries *s = t->all[i];
		double off_ns = pt_point_offset(&a->points->v[s->point]) * 1e9;
		s->first -= (int64_t)llround(off_ns / (double)t->bin_ns);
		if (s->n && s->first + (int64_t)s->n - 1 > t->last_bin)
			t->last_bin = s->first + (int64_t)s->n - 1;
	}
	for (size_t i = 0; i < t->nats; i++) {
		struct pt_flow_at *x = t->ats[i];
		int64_t off = (int64_t)llround(pt_point_offset(&a->points->v[x->point]) * 1e9);
		if (x->first_ts || x->last_ts) {
			x->first_ts -= off;
			x->last_ts -= off;
		}
		struct pt_tflow *tf = &t->flows[x->flow - 1];
		if (x->goodput_bytes > tf->goodput_max)
			tf->goodput_max = x->goodput_bytes;
	}
	/* The main flow: the most goodput at one point, then the most bytes. */
	t->main_flow = 0;
	for (uint32_t id = 1; id <= t->nflows; id++) {
		const struct pt_tflow *tf = &t->flows[id - 1], *m = t->main_flow ? &t->flows[t->main_flow - 1] : NULL;
		if (!tf->bytes)
			continue;
		if (!m || tf->goodput_max > m->goodput_max || (tf->goodput_max == m->goodput_max && tf->bytes > m->bytes))
			t->main_flow = id;
	}
	if (t->folded)
		limit(a, PT_F_LIMIT_SERIES_FLOWS, t->folded, PT_SERIES_FLOWS);
	if (t->widened)
		limit(a, PT_F_LIMIT_SERIES_BIN, (uint64_t)(t->bin_ns / 1000000), (uint64_t)(t->asked_bin_ns / 1000000));
	if (t->failed)
		limit(a, PT_F_LIMIT_MEMORY, t->failed, 0);
}

void pt_throughput_free(struct pt_analysis *a)
{
	struct pt_throughput *t = a->tput;
	if (!t)
		return;
	for (size_t i = 0; i < t->nall; i++) {
		free(t->all[i]->v);
		free(t->all[i]);
	}
	for (size_t i = 0; i < t->nats; i++)
		free(t->ats[i]);
	for (size_t i = 0; i < t->npts; i++)
		free(t->pts[i].sizes);
	pt_hmap_destroy(&t->series);
	pt_hmap_destroy(&t->at);
	free(t->all);
	free(t->ats);
	free(t->pts);
	free(t->flows);
	free(t);
	a->tput = NULL;
}
