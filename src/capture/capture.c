/* Opening captures and merging them by timestamp. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pathtrace/capture.h"
#include "pathtrace/decode.h"
#include "capture/inner-filter.h"
#include "capture/pcapng-meta.h"

/* PERF-NOTES: a page-aligned 128 KiB stdio buffer doubles libpcap's read rate
 * on MTU-sized traffic; a misaligned one is several times slower. */
#define READ_BUF_SIZE (128u * 1024u)

struct source {
	char *path;
	/* one packet of lookahead when the clock jumps (see advance) */
	struct pt_packet pending;
	bool have_pending;
	char pending_error[PT_ERRBUF_SIZE];
	uint8_t *hold;
	size_t hold_cap;
	int64_t last_ts;
	bool have_last;
	uint64_t jumps, steps;
	int64_t max_jump_ns, max_step_ns;
	int64_t shift_ns; /* subtracted from every timestamp: a clock known to be off */
	pcap_t *pc;
	FILE *fp;
	void *buf;
	int dlt;
	unsigned fcs_bytes; /* FCS present at the end of each frame, to strip */
	struct bpf_program filter;
	bool has_filter;
	bool is_pcapng;
	struct pt_pcapng_meta meta;
	bool has_meta;
	char *forced_name;
	/* point index by pcapng interface id; -1 unknown yet */
	int *iface_point;
	uint32_t n_iface_point;
	/* current packet */
	bool primed, done, failed;
	struct pt_packet cur;
	uint64_t packets;
};

struct pt_capset {
	struct source *src;
	unsigned nsrc, capsrc;
	struct pt_point_source *points;
	unsigned npoints, cappoints;
	unsigned *heap; /* source indexes, min-heap on (ts, index) */
	unsigned nheap;
	bool started;
	int last; /* source returned by the previous call, to advance first */
	struct pt_decode_opts dec; /* where tunnels are, for the inner filter */
	bool has_dec;
	struct pt_inner_filter inner;
	bool has_inner;
};

struct pt_capset *pt_capset_new(void)
{
	struct pt_capset *cs = calloc(1, sizeof *cs);
	if (cs)
		cs->last = -1;
	return cs;
}

static void source_close(struct source *s)
{
	if (s->pc)
		pcap_close(s->pc); /* closes s->fp too */
	else if (s->fp)
		fclose(s->fp);
	s->pc = NULL;
	s->fp = NULL;
	free(s->buf);
	s->buf = NULL;
	free(s->hold);
	s->hold = NULL;
	if (s->has_filter)
		pcap_freecode(&s->filter);
	s->has_filter = false;
	if (s->has_meta)
		pt_pcapng_meta_close(&s->meta);
	s->has_meta = false;
}

void pt_capset_free(struct pt_capset *cs)
{
	if (!cs)
		return;
	for (unsigned i = 0; i < cs->nsrc; i++) {
		source_close(&cs->src[i]);
		free(cs->src[i].path);
		free(cs->src[i].forced_name);
		free(cs->src[i].iface_point);
	}
	for (unsigned i = 0; i < cs->npoints; i++) {
		free(cs->points[i].name);
		free(cs->points[i].file);
	}
	if (cs->has_inner)
		pt_inner_filter_free(&cs->inner);
	free(cs->src);
	free(cs->points);
	free(cs->heap);
	free(cs);
}

void pt_point_name_from_path(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(buf, size, "%s", base);
	static const char *const exts[] = { ".gz", ".pcapng", ".pcap", ".cap", ".ntar", ".dmp" };
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t n = strlen(buf), e = strlen(exts[i]);
		if (n > e && strcmp(buf + n - e, exts[i]) == 0)
			buf[n - e] = '\0';
	}
}

static int add_point(struct pt_capset *cs, unsigned src, uint32_t if_id, const char *name, bool named)
{
	if (cs->npoints == cs->cappoints) {
		unsigned cap = cs->cappoints ? cs->cappoints * 2 : 8;
		struct pt_point_source *p = realloc(cs->points, cap * sizeof *p);
		if (!p)
			return -1;
		cs->points = p;
		cs->cappoints = cap;
	}
	struct pt_point_source *p = &cs->points[cs->npoints];
	memset(p, 0, sizeof *p);
	p->name = strdup(name);
	p->file = strdup(cs->src[src].path);
	if (!p->name || !p->file) {
		free(p->name);
		free(p->file);
		return -1;
	}
	p->linktype = cs->src[src].dlt;
	p->source = src;
	p->if_id = if_id;
	p->named = named;
	return (int)cs->npoints++;
}

/* The point of interface if_id of source si, created on first sight. A file
 * with one interface is one point named after the file; a file with several
 * names each point by its if_name. */
static int iface_point(struct pt_capset *cs, unsigned si, uint32_t if_id)
{
	struct source *s = &cs->src[si];
	if (if_id >= PT_PCAPNG_MAX_IFACES)
		if_id = 0;
	if (if_id >= s->n_iface_point) {
		uint32_t n = if_id + 1;
		int *m = realloc(s->iface_point, n * sizeof *m);
		if (!m)
			return -1;
		for (uint32_t i = s->n_iface_point; i < n; i++)
			m[i] = -1;
		s->iface_point = m;
		s->n_iface_point = n;
	}
	if (s->iface_point[if_id] >= 0)
		return s->iface_point[if_id];
	char name[256], base[200];
	pt_point_name_from_path(s->path, base, sizeof base);
	bool several = s->has_meta && s->meta.declared > 1;
	bool named = false;
	if (s->forced_name && !several) {
		snprintf(name, sizeof name, "%s", s->forced_name);
		named = true;
	} else if (several && s->meta.if_name[if_id]) {
		snprintf(name, sizeof name, "%s", s->meta.if_name[if_id]);
	} else if (several || if_id > 0) {
		snprintf(name, sizeof name, "%s#%u", s->forced_name ? s->forced_name : base, if_id);
	} else {
		snprintf(name, sizeof name, "%s", base);
	}
	int p = add_point(cs, si, if_id, name, named);
	s->iface_point[if_id] = p;
	return p;
}

int pt_capset_add(struct pt_capset *cs, const char *path, const char *bpf, const char *point_name,
		  char *err, size_t errlen)
{
	if (cs->started) {
		snprintf(err, errlen, "%s: files must be added before reading starts", path);
		return -1;
	}
	if (cs->nsrc == cs->capsrc) {
		unsigned cap = cs->capsrc ? cs->capsrc * 2 : 8;
		struct source *n = realloc(cs->src, cap * sizeof *n);
		if (!n) {
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
		cs->src = n;
		cs->capsrc = cap;
	}
	struct source *s = &cs->src[cs->nsrc];
	memset(s, 0, sizeof *s);

	s->fp = fopen(path, "rb");
	if (!s->fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		page = 4096;
	if (posix_memalign(&s->buf, (size_t)page, READ_BUF_SIZE) == 0)
		setvbuf(s->fp, s->buf, _IOFBF, READ_BUF_SIZE);
	else
		s->buf = NULL;
	s->is_pcapng = pt_pcapng_is_pcapng(s->fp);

	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	s->pc = pcap_fopen_offline_with_tstamp_precision(s->fp, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!s->pc) {
		snprintf(err, errlen, "%s: %s", path, pcap_err[0] ? pcap_err : "not a capture libpcap can read");
		fclose(s->fp);
		s->fp = NULL;
		free(s->buf);
		return -1;
	}
	s->dlt = pcap_datalink(s->pc);
	/* Newer libpcap keeps only the low 16 bits of the link-type field; the
	 * rest are reserved or FCS flags. Older ones hand the reserved bits through. */
	if (s->dlt > 0xffff)
		s->dlt &= 0xffff;
	if (!pt_linktype_supported(s->dlt)) {
		const char *n = pcap_datalink_val_to_name(s->dlt);
		snprintf(err, errlen, "%s: unsupported link type %d (%s)", path, s->dlt, n ? n : "unknown");
		source_close(s);
		return -1;
	}
	/* The upper bits of the link-type field may say that frames end in an FCS. */
	int ext = pcap_datalink_ext(s->pc);
	if (ext & 0x04000000)
		s->fcs_bytes = (unsigned)((ext >> 28) & 0xf) * 2;
	if (bpf && *bpf) {
		if (pcap_compile(s->pc, &s->filter, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errlen, "%s: filter \"%s\": %s", path, bpf, pcap_geterr(s->pc));
			source_close(s);
			return -1;
		}
		s->has_filter = true;
	}
	s->path = strdup(path);
	s->forced_name = point_name ? strdup(point_name) : NULL;
	if (!s->path || (point_name && !s->forced_name)) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(s->path);
		free(s->forced_name);
		source_close(s);
		return -1;
	}
	if (s->is_pcapng)
		s->has_meta = pt_pcapng_meta_open(&s->meta, path);
	unsigned si = cs->nsrc++;
	/* Files with one interface get their point now, so an empty file still shows up. */
	if (!(s->has_meta && s->meta.declared > 1) && iface_point(cs, si, 0) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (s->has_meta && s->meta.declared > 1)
		for (uint32_t i = 0; i < s->meta.declared && i < PT_PCAPNG_MAX_IFACES; i++)
			iface_point(cs, si, i);
	return 0;
}

static int64_t ts_to_ns(const struct timeval *tv)
{
	/* Fuzzed files hold any seconds value; keep the product inside int64. */
	int64_t sec = (int64_t)tv->tv_sec;
	if (sec > 9000000000LL)
		sec = 9000000000LL;
	if (sec < -9000000000LL)
		sec = -9000000000LL;
	return sec * 1000000000LL + (int64_t)tv->tv_usec;
}

/* Reads the source's next packet that passes its filter into pk (its bytes
 * borrowed from libpcap): 1, 0 at the end, -1 on error. */
static int read_next(struct pt_capset *cs, unsigned si, struct pt_packet *pk, char *err, size_t errlen)
{
	struct source *s = &cs->src[si];
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int r = pcap_next_ex(s->pc, &h, &data);
		if (r == PCAP_ERROR_BREAK) {
			s->done = true;
			return 0;
		}
		if (r != 1) {
			snprintf(err, errlen, "%s: %s (after %llu packets)", s->path, pcap_geterr(s->pc),
				 (unsigned long long)s->packets);
			s->done = s->failed = true;
			return -1;
		}
		uint32_t if_id = s->has_meta ? pt_pcapng_meta_next(&s->meta) : 0;
		s->packets++;
		pk->outside_filter = (s->has_filter && !pcap_offline_filter(&s->filter, h, data)) ||
				     (cs->has_inner && !pt_inner_filter_match(&cs->inner, data, h->caplen, h->len,
									     s->dlt, cs->has_dec ? &cs->dec : NULL));
		int p = iface_point(cs, si, if_id);
		pk->ts_ns = ts_to_ns(&h->ts) - cs->src[si].shift_ns; /* iface_point may move points, not sources */
		pk->ts_guessed = false;
		pk->caplen = h->caplen;
		pk->len = h->len;
		uint32_t f = cs->src[si].fcs_bytes;
		if (f) {
			pk->len = pk->len > f ? pk->len - f : 0;
			if (pk->caplen > pk->len)
				pk->caplen = pk->len;
		}
		pk->data = data;
		pk->linktype = cs->src[si].dlt;
		pk->point = p < 0 ? 0 : (unsigned)p;
		pk->source = si;
		return 1;
	}
}

static int64_t gap(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

/* The next packet of a source into s->cur. A stamp further than CLOCK_JUMP
 * from the packet before it is checked against the packet after it: if
 * that one is back near the first, the stamp was a glitch of the clock (one
 * packet years ahead, or behind) and the packet is read at its neighbour's
 * time, so that it cannot expire every other file's packets; if the clock
 * went on from the new time backwards, it stepped back. Either is counted. */
static int advance(struct pt_capset *cs, unsigned si, char *err, size_t errlen)
{
	struct source *s = &cs->src[si];
	struct pt_packet *pk = &s->cur;
	if (s->have_pending) {
		*pk = s->pending;
		s->have_pending = false;
	} else if (s->pending_error[0]) {
		snprintf(err, errlen, "%s", s->pending_error);
		s->pending_error[0] = '\0';
		return -1;
	} else {
		int r = read_next(cs, si, pk, err, errlen);
		if (r != 1)
			return r;
	}
	if (s->have_last && gap(pk->ts_ns, s->last_ts) > PT_CLOCK_JUMP_NS) {
		/* Keep this packet's bytes: looking one ahead releases libpcap's. */
		if (pk->caplen > s->hold_cap) {
			uint8_t *b = realloc(s->hold, pk->caplen);
			if (!b) {
				snprintf(err, errlen, "%s: out of memory", s->path);
				return -1;
			}
			s->hold = b;
			s->hold_cap = pk->caplen;
		}
		memcpy(s->hold, pk->data, pk->caplen);
		pk->data = s->hold;
		int r = read_next(cs, si, &s->pending, s->pending_error, sizeof s->pending_error);
		s->have_pending = r == 1;
		int64_t jump = gap(pk->ts_ns, s->last_ts);
		if (r == 1 && gap(s->pending.ts_ns, s->last_ts) <= PT_CLOCK_JUMP_NS) {
			s->jumps++;
			if (jump > s->max_jump_ns)
				s->max_jump_ns = jump;
			pk->ts_ns = s->last_ts;
			pk->ts_guessed = true;
		} else if (pk->ts_ns < s->last_ts) {
			s->steps++;
			if (jump > s->max_step_ns)
				s->max_step_ns = jump;
		}
	}
	s->last_ts = pk->ts_ns;
	s->have_last = true;
	return 1;
}

static bool heap_less(const struct pt_capset *cs, unsigned a, unsigned b)
{
	int64_t ta = cs->src[a].cur.ts_ns, tb = cs->src[b].cur.ts_ns;
	return ta < tb || (ta == tb && a < b);
}

static void heap_down(struct pt_capset *cs, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < cs->nheap && heap_less(cs, cs->heap[l], cs->heap[m]))
			m = l;
		if (r < cs->nheap && heap_less(cs, cs->heap[r], cs->heap[m]))
			m = r;
		if (m == i)
			return;
		unsigned t = cs->heap[i];
		cs->heap[i] = cs->heap[m];
		cs->heap[m] = t;
		i = m;
	}
}

static void heap_pop(struct pt_capset *cs)
{
	cs->heap[0] = cs->heap[--cs->nheap];
	heap_down(cs, 0);
}

int pt_capset_next(struct pt_capset *cs, struct pt_packet *pkt, char *err, size_t errlen)
{
	if (!cs->started) {
		cs->started = true;
		cs->heap = calloc(cs->nsrc ? cs->nsrc : 1, sizeof *cs->heap);
		if (!cs->heap) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	/* Prime one source per call so that an early error is reported in order. */
	for (unsigned i = 0; i < cs->nsrc; i++) {
		struct source *s = &cs->src[i];
		if (s->primed)
			continue;
		s->primed = true;
		int r = advance(cs, i, err, errlen);
		if (r == 1) {
			cs->heap[cs->nheap++] = i;
			for (unsigned k = cs->nheap / 2 + 1; k-- > 0;)
				heap_down(cs, k);
		}
		if (r < 0)
			return -1;
	}
	if (cs->last >= 0) {
		unsigned si = (unsigned)cs->last;
		cs->last = -1;
		int r = advance(cs, si, err, errlen);
		if (r == 1)
			heap_down(cs, 0);
		else
			heap_pop(cs);
		if (r < 0)
			return -1;
	}
	if (cs->nheap == 0)
		return 0;
	unsigned si = cs->heap[0];
	*pkt = cs->src[si].cur;
	cs->last = (int)si;
	return 1;
}

void pt_capset_decode_opts(struct pt_capset *cs, const struct pt_decode_opts *opts)
{
	cs->dec = *opts;
	cs->has_dec = true;
}

bool pt_capset_check_filter(const char *bpf, char *err, size_t errlen)
{
	/* Ethernet, or the cooked captures of -i any: an expression neither takes is wrong for any file. */
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_RAW };
	char why[PCAP_ERRBUF_SIZE] = "";
	for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++) {
		pcap_t *dead = pcap_open_dead(dlts[i], 262144);
		if (!dead)
			return true; /* each file's own compilation will say */
		struct bpf_program prog;
		bool ok = pcap_compile(dead, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) == 0;
		if (ok)
			pcap_freecode(&prog);
		else if (!why[0])
			snprintf(why, sizeof why, "%s", pcap_geterr(dead));
		pcap_close(dead);
		if (ok)
			return true;
	}
	snprintf(err, errlen, "filter \"%s\": %s", bpf, why);
	return false;
}

bool pt_capset_inner_filter(struct pt_capset *cs, const char *bpf, char *err, size_t errlen)
{
	char why[PCAP_ERRBUF_SIZE] = "";
	if (cs->has_inner)
		pt_inner_filter_free(&cs->inner);
	cs->has_inner = pt_inner_filter_init(&cs->inner, bpf, why, sizeof why);
	if (!cs->has_inner)
		snprintf(err, errlen, "--inner \"%s\": %s", bpf, why);
	return cs->has_inner;
}

bool pt_capset_shift(struct pt_capset *cs, unsigned source, int64_t ns)
{
	if (cs->started || source >= cs->nsrc)
		return false;
	cs->src[source].shift_ns = ns;
	return true;
}

void pt_capset_source_clock(const struct pt_capset *cs, unsigned i, struct pt_clock_glitches *out)
{
	memset(out, 0, sizeof *out);
	if (i >= cs->nsrc)
		return;
	out->jumps = cs->src[i].jumps;
	out->max_jump_ns = cs->src[i].max_jump_ns;
	out->steps = cs->src[i].steps;
	out->max_step_ns = cs->src[i].max_step_ns;
}

unsigned pt_capset_npoints(const struct pt_capset *cs)
{
	return cs->npoints;
}

const struct pt_point_source *pt_capset_point(const struct pt_capset *cs, unsigned i)
{
	return i < cs->npoints ? &cs->points[i] : NULL;
}

unsigned pt_capset_nsources(const struct pt_capset *cs)
{
	return cs->nsrc;
}

const char *pt_capset_source_path(const struct pt_capset *cs, unsigned i)
{
	return i < cs->nsrc ? cs->src[i].path : NULL;
}

uint64_t pt_capset_source_packets(const struct pt_capset *cs, unsigned i)
{
	return i < cs->nsrc ? cs->src[i].packets : 0;
}

bool pt_capset_source_failed(const struct pt_capset *cs, unsigned i)
{
	return i < cs->nsrc && cs->src[i].failed;
}
