/* Flows keyed by the innermost 5-tuple, and what each keeps until the end:
 * per-point counts, path signatures, and a bounded sample of the delay
 * between every pair of points its packets were seen at. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-int.h"

void pt_flows_init(struct pt_flow_table *t)
{
	memset(t, 0, sizeof *t);
}

void pt_flows_free(struct pt_flow_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct pt_flow *f = t->all[i];
		for (uint32_t k = 0; k < f->npairs; k++)
			free(f->pairs[k].samples);
		free(f->pairs);
		free(f->sigs);
		/* Units are owned here: the match list only borrows them. */
		for (size_t k = 0; k < f->units_n; k++)
			free(f->units[f->units_head + k]);
		free(f->units);
		free(f);
	}
	free(t->all);
	free(t->buckets);
	memset(t, 0, sizeof *t);
}

static uint64_t key_hash(const struct pt_flow_key *k)
{
	uint64_t h = 1469598103934665603ull;
	const uint8_t *p = (const uint8_t *)k;
	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

static bool key_eq(const struct pt_flow_key *a, const struct pt_flow_key *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

static bool rehash(struct pt_flow_table *t)
{
	size_t n = t->nbuckets ? t->nbuckets * 2 : 1024;
	struct pt_flow **b = calloc(n, sizeof *b);
	if (!b)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		struct pt_flow *f = t->all[i];
		size_t j = key_hash(&f->key) & (n - 1);
		f->next_hash = b[j];
		b[j] = f;
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	return true;
}

struct pt_flow *pt_flow_find(const struct pt_flow_table *t, const struct pt_flow_key *k)
{
	if (!t->nbuckets)
		return NULL;
	for (struct pt_flow *f = t->buckets[key_hash(k) & (t->nbuckets - 1)]; f; f = f->next_hash)
		if (key_eq(&f->key, k))
			return f;
	return NULL;
}

struct pt_flow *pt_flow_get(struct pt_flow_table *t, const struct pt_flow_key *k, int64_t ts)
{
	struct pt_flow *f = pt_flow_find(t, k);
	if (f)
		return f;
	struct pt_flow **all = pt_grow(t->all, &t->cap, t->n, sizeof *all, 256);
	if (!all)
		return NULL;
	t->all = all;
	if ((t->n + 1) * 2 > t->nbuckets && !rehash(t))
		return NULL;
	f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->key = *k;
	f->id = (uint32_t)t->n + 1;
	f->first_ts = f->last_ts = ts;
	t->all[t->n++] = f;
	size_t j = key_hash(k) & (t->nbuckets - 1);
	f->next_hash = t->buckets[j];
	t->buckets[j] = f;
	/* The reverse direction, for clock offsets and the summary. */
	struct pt_flow_key r = *k;
	memcpy(r.src, k->dst, sizeof r.src);
	memcpy(r.dst, k->src, sizeof r.dst);
	if (k->proto == 1 || k->proto == 58) {
		r.sport = k->sport; /* echo replies keep the identifier */
	} else {
		r.sport = k->dport;
		r.dport = k->sport;
	}
	struct pt_flow *rev = pt_flow_find(t, &r);
	if (rev && rev != f) {
		f->reverse = rev;
		rev->reverse = f;
	}
	return f;
}

/* Segments a TCP sender puts on the wire are bounded by the MSS its peer
 * announced (its own, when the peer's SYN was not captured). */
static uint16_t segment_mss(const struct pt_flow *f)
{
	if (f->reverse && f->reverse->mss)
		return f->reverse->mss;
	return f->mss;
}

bool pt_super_frame(const struct pt_flow *f, const struct pt_decoded *d)
{
	for (unsigned i = 0; i < d->nips; i++)
		if (d->ips[i].len_from_frame)
			return true;
	if (d->l4_proto != PT_P_TCP || d->payload_len == 0)
		return false;
	uint16_t mss = f ? segment_mss(f) : 0;
	if (mss)
		return d->payload_len > mss;
	const struct pt_ip *ip = pt_inner_ip(d);
	return ip && ip->total_len > 1500;
}

uint32_t pt_wire_len(const struct pt_flow *f, const struct pt_decoded *d, bool super)
{
	const struct pt_ip *ip = pt_inner_ip(d);
	if (!super)
		return ip->total_len;
	uint16_t mss = f ? segment_mss(f) : 0;
	uint32_t seg = ip->hdr_len + 20 + (mss ? mss : 1460);
	return seg < ip->total_len ? seg : ip->total_len;
}

bool pt_flow_unicast(const struct pt_flow_key *k)
{
	if (k->version == 4) {
		bool link_local = (k->src[0] == 169 && k->src[1] == 254) || (k->dst[0] == 169 && k->dst[1] == 254);
		bool broadcast = k->dst[0] == 255 && k->dst[1] == 255 && k->dst[2] == 255 && k->dst[3] == 255;
		return !link_local && !broadcast && (k->dst[0] & 0xf0) != 0xe0;
	}
	bool link_local = (k->src[0] == 0xfe && (k->src[1] & 0xc0) == 0x80) ||
			  (k->dst[0] == 0xfe && (k->dst[1] & 0xc0) == 0x80);
	return !link_local && k->dst[0] != 0xff;
}

struct pt_flow *pt_flow_canonical(struct pt_flow *f)
{
	for (int i = 0; f && f->nat_parent && i < 8; i++)
		f = f->nat_parent;
	return f;
}

struct pt_pair *pt_flow_pair(struct pt_flow *f, unsigned a, unsigned b)
{
	for (uint32_t i = 0; i < f->npairs; i++)
		if (f->pairs[i].a == a && f->pairs[i].b == b)
			return &f->pairs[i];
	return NULL;
}

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s ? *s : 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

void pt_flow_add_pair(struct pt_analysis *a, struct pt_flow *f, unsigned pa, int64_t ta, unsigned pb, int64_t tb)
{
	if (pa > pb) {
		unsigned tp = pa;
		pa = pb;
		pb = tp;
		int64_t tt = ta;
		ta = tb;
		tb = tt;
	}
	struct pt_pair *p = pt_flow_pair(f, pa, pb);
	if (!p) {
		struct pt_pair *n = pt_grow(f->pairs, &f->cappairs, f->npairs, sizeof *n, 4);
		if (!n)
			return;
		f->pairs = n;
		p = &f->pairs[f->npairs++];
		memset(p, 0, sizeof *p);
		p->a = (uint8_t)pa;
		p->b = (uint8_t)pb;
		p->min = INT64_MAX;
		p->max = INT64_MIN;
	}
	int64_t d = tb - ta;
	p->count++;
	if (d < p->min)
		p->min = d;
	if (d > p->max)
		p->max = d;
	/* Reservoir sampling keeps the quantiles honest with bounded memory. */
	if (p->nsamples < PT_PAIR_RESERVOIR) {
		if (p->nsamples == p->cap) {
			uint32_t cap = p->cap ? p->cap * 2 : 16;
			int64_t *s = realloc(p->samples, cap * sizeof *s);
			if (!s)
				return;
			p->samples = s;
			p->cap = cap;
		}
		p->samples[p->nsamples++] = d;
	} else {
		uint64_t r = ((uint64_t)xorshift(&a->rng) << 32 | xorshift(&a->rng)) % p->count;
		if (r < PT_PAIR_RESERVOIR)
			p->samples[r] = d;
	}
}

struct pt_pathsig *pt_flow_sig(struct pt_flow *f, pt_mask seen, pt_mask uncertain, pt_mask not_started, bool sized)
{
	for (uint32_t i = 0; i < f->nsigs; i++)
		if (f->sigs[i].seen == seen && f->sigs[i].uncertain == uncertain &&
		    f->sigs[i].not_started == not_started && f->sigs[i].sized == sized)
			return &f->sigs[i];
	struct pt_pathsig *n = pt_grow(f->sigs, &f->capsigs, f->nsigs, sizeof *n, 4);
	if (!n)
		return NULL;
	f->sigs = n;
	struct pt_pathsig *s = &f->sigs[f->nsigs++];
	memset(s, 0, sizeof *s);
	s->seen = seen;
	s->uncertain = uncertain;
	s->not_started = not_started;
	s->sized = sized;
	s->min_ts = INT64_MAX;
	s->max_ts = INT64_MIN;
	s->min_len = UINT32_MAX;
	return s;
}

void pt_flow_key_format(const struct pt_flow_key *k, char *buf, size_t size)
{
	char s[64], d[64];
	pt_ip_format(k->version, k->src, s, sizeof s);
	pt_ip_format(k->version, k->dst, d, sizeof d);
	const char *p = k->proto == 6 ? "tcp" : k->proto == 17 ? "udp" : k->proto == 1 ? "icmp"
		      : k->proto == 58 ? "icmpv6" : "ip";
	if (k->has_ports && (k->proto == 1 || k->proto == 58))
		snprintf(buf, size, "%s %s > %s id %u", p, s, d, k->sport);
	else if (k->has_ports)
		snprintf(buf, size, "%s %s:%u > %s:%u", p, s, k->sport, d, k->dport);
	else
		snprintf(buf, size, "%s %s > %s", p, s, d);
}
