/* Capture files: opening, link types, nanosecond timestamps, pcapng
 * interfaces as points, BPF, bad files, and the k-way merge. Corpus tests
 * skip (pass with a message) when the corpus is absent. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/inner-filter.h"
#include "check_pathtrace.h"
#include "pathtrace/capture.h"

#define CORPUS_OR_SKIP(var)                                                                     \
	const char *var = pt_t_corpus(__func__);                                                \
	if (!var)                                                                               \
		return

static char errbuf[PT_ERRBUF_SIZE];

static const char *cfile(const char *corpus, const char *name)
{
	static char bufs[8][4096];
	static unsigned k;
	char *b = bufs[k++ % 8];
	snprintf(b, 4096, "%s/%s", corpus, name);
	return b;
}

/* Reads a whole capture set; returns the packet count, checks order, counts errors. */
static uint64_t drain(struct pt_capset *cs, bool check_order, unsigned *nerr, char *lasterr, size_t lerrsz)
{
	struct pt_packet p;
	int64_t last = INT64_MIN;
	uint64_t n = 0;
	int r;
	*nerr = 0;
	while ((r = pt_capset_next(cs, &p, errbuf, sizeof errbuf)) != 0) {
		if (r < 0) {
			(*nerr)++;
			if (lasterr)
				snprintf(lasterr, lerrsz, "%s", errbuf);
			continue;
		}
		if (check_order)
			ck_assert_msg(p.ts_ns >= last, "merge went back in time at packet %llu: %lld < %lld",
				      (unsigned long long)n, (long long)p.ts_ns, (long long)last);
		last = p.ts_ns;
		ck_assert_ptr_nonnull(p.data);
		ck_assert_uint_le(p.caplen, 262144);
		n++;
	}
	return n;
}

/* Writes a nanosecond pcap (mkstemp) with one 60-byte frame per timestamp. */
static void write_pcap(char *path, const int64_t *ts, size_t n, int dlt, const uint8_t *const *frames,
		       const uint32_t *lens)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *fp = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(fp);
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, 262144, PCAP_TSTAMP_PRECISION_NANO);
	ck_assert_ptr_nonnull(dead);
	pcap_dumper_t *dp = pcap_dump_fopen(dead, fp);
	ck_assert_ptr_nonnull(dp);
	static uint8_t filler[60] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x88, 0xb5 };
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h;
		memset(&h, 0, sizeof h);
		h.ts.tv_sec = (time_t)(ts[i] / 1000000000);
		h.ts.tv_usec = (suseconds_t)(ts[i] % 1000000000); /* nanoseconds in a nano dumper */
		h.caplen = h.len = lens ? lens[i] : sizeof filler;
		pcap_dump((u_char *)dp, &h, frames ? frames[i] : filler);
	}
	pcap_dump_close(dp);
	pcap_close(dead);
}

START_TEST(test_merge_synthetic)
{
	char a[] = "/tmp/pt-check-a-XXXXXX", b[] = "/tmp/pt-check-b-XXXXXX", c[] = "/tmp/pt-check-c-XXXXXX";
	static const int64_t ta[] = { 1000000000001, 1000000000005, 1000000000005, 1000000000009 };
	static const int64_t tb[] = { 1000000000002, 1000000000005, 1000000000010 };
	static const int64_t tc[] = { 999999999999 };
	write_pcap(a, ta, 4, DLT_EN10MB, NULL, NULL);
	write_pcap(b, tb, 3, DLT_EN10MB, NULL, NULL);
	write_pcap(c, tc, 1, DLT_EN10MB, NULL, NULL);
	struct pt_capset *cs = pt_capset_new();
	ck_assert_int_eq(pt_capset_add(cs, a, NULL, NULL, errbuf, sizeof errbuf), 0);
	ck_assert_int_eq(pt_capset_add(cs, b, NULL, "bee", errbuf, sizeof errbuf), 0);
	ck_assert_int_eq(pt_capset_add(cs, c, NULL, NULL, errbuf, sizeof errbuf), 0);
	ck_assert_uint_eq(pt_capset_npoints(cs), 3);
	ck_assert_str_eq(pt_capset_point(cs, 1)->name, "bee");
	ck_assert(pt_capset_point(cs, 1)->named);
	/* Expected order: ties go to the earlier file. */
	static const int64_t want_ts[] = { 999999999999, 1000000000001, 1000000000002, 1000000000005,
					   1000000000005, 1000000000005, 1000000000009, 1000000000010 };
	static const unsigned want_src[] = { 2, 0, 1, 0, 0, 1, 0, 1 };
	struct pt_packet p;
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_int_eq(pt_capset_next(cs, &p, errbuf, sizeof errbuf), 1);
		ck_assert_int_eq(p.ts_ns, want_ts[i]);
		ck_assert_uint_eq(p.source, want_src[i]);
		ck_assert_uint_eq(p.point, want_src[i]);
		ck_assert_uint_eq(p.caplen, 60);
		ck_assert_int_eq(p.linktype, DLT_EN10MB);
	}
	ck_assert_int_eq(pt_capset_next(cs, &p, errbuf, sizeof errbuf), 0);
	ck_assert_int_eq(pt_capset_next(cs, &p, errbuf, sizeof errbuf), 0);
	ck_assert_uint_eq(pt_capset_source_packets(cs, 0), 4);
	ck_assert_int_eq(pt_capset_add(cs, a, NULL, NULL, errbuf, sizeof errbuf), -1);
	ck_assert_ptr_nonnull(strstr(errbuf, a));
	pt_capset_free(cs);
	unlink(a);
	unlink(b);
	unlink(c);
}
END_TEST

struct rec {
	int64_t ts;
	uint32_t len;
	uint8_t *data;
};

static int rec_cmp(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	return a->ts < b->ts ? -1 : a->ts > b->ts;
}

/* Reads a corpus file with libpcap (ns), sorts it by time (the merge's
 * promise holds for sorted inputs only; real files may be slightly out of
 * order), writes it to a temp pcap. Returns the count. */
static size_t sorted_copy(const char *src, char *dst, bool *was_sorted)
{
	char e[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(src, PCAP_TSTAMP_PRECISION_NANO, e);
	ck_assert_msg(pc != NULL, "%s: %s", src, e);
	int dlt = pcap_datalink(pc);
	size_t n = 0, cap = 64;
	struct rec *r = malloc(cap * sizeof *r);
	struct pcap_pkthdr *h;
	const u_char *data;
	*was_sorted = true;
	while (pcap_next_ex(pc, &h, &data) == 1) {
		if (n == cap)
			r = realloc(r, (cap *= 2) * sizeof *r);
		ck_assert_ptr_nonnull(r);
		r[n].ts = (int64_t)h->ts.tv_sec * 1000000000LL + h->ts.tv_usec;
		r[n].len = h->caplen;
		r[n].data = malloc(h->caplen ? h->caplen : 1);
		memcpy(r[n].data, data, h->caplen);
		if (n && r[n].ts < r[n - 1].ts)
			*was_sorted = false;
		n++;
	}
	pcap_close(pc);
	qsort(r, n, sizeof *r, rec_cmp);
	int64_t *ts = malloc(n * sizeof *ts);
	const uint8_t **fr = malloc(n * sizeof *fr);
	uint32_t *lens = malloc(n * sizeof *lens);
	for (size_t i = 0; i < n; i++) {
		ts[i] = r[i].ts;
		fr[i] = r[i].data;
		lens[i] = r[i].len;
	}
	write_pcap(dst, ts, n, dlt, fr, lens);
	for (size_t i = 0; i < n; i++)
		free(r[i].data);
	free(r);
	free(ts);
	free(fr);
	free(lens);
	return n;
}

START_TEST(test_merge_corpus_sorted_inputs)
{
	CORPUS_OR_SKIP(corpus);
	static const char *const files[] = { "vxlan-basic.pcap", "eth-ipv4-tcp-http.pcap", "icmp-needfrag-smtp.pcap",
					     "gre-ipv4-sample.pcap", "pcapng-nsec-http.pcapng", "sll2-large-gro-tcp.pcap",
					     "ipv4-frag-udp-afs.pcap" };
	enum { N = sizeof files / sizeof files[0] };
	char tmp[N][64];
	size_t want = 0;
	bool sorted[N];
	struct pt_capset *cs = pt_capset_new();
	struct pt_capset *orig = pt_capset_new();
	for (unsigned i = 0; i < N; i++) {
		snprintf(tmp[i], sizeof tmp[i], "/tmp/pt-check-sorted-XXXXXX");
		want += sorted_copy(cfile(corpus, files[i]), tmp[i], &sorted[i]);
		ck_assert_int_eq(pt_capset_add(cs, tmp[i], NULL, NULL, errbuf, sizeof errbuf), 0);
		/* Files that are already sorted are merged as they are too. */
		if (sorted[i])
			ck_assert_int_eq(pt_capset_add(orig, cfile(corpus, files[i]), NULL, NULL, errbuf, sizeof errbuf), 0);
	}
	unsigned nerr;
	ck_assert_uint_eq(drain(cs, true, &nerr, NULL, 0), want);
	ck_assert_uint_eq(nerr, 0);
	drain(orig, true, &nerr, NULL, 0);
	ck_assert_uint_eq(nerr, 0);
	pt_capset_free(cs);
	pt_capset_free(orig);
	for (unsigned i = 0; i < N; i++)
		unlink(tmp[i]);
}
END_TEST

START_TEST(test_nanoseconds_kept)
{
	CORPUS_OR_SKIP(corpus);
	struct pt_capset *cs = pt_capset_new();
	ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, "pcap-nsec-sll-tcp-handshake.pcap"), NULL, NULL, errbuf,
				       sizeof errbuf), 0);
	struct pt_packet p;
	ck_assert_int_eq(pt_capset_next(cs, &p, errbuf, sizeof errbuf), 1);
	ck_assert_int_eq(p.ts_ns, 1418145369924505488LL);
	ck_assert_int_eq(pt_capset_next(cs, &p, errbuf, sizeof errbuf), 1);
	ck_assert_int_eq(p.ts_ns, 1418145370052027262LL);
	ck_assert_str_eq(pt_capset_point(cs, 0)->name, "pcap-nsec-sll-tcp-handshake");
	pt_capset_free(cs);

	/* A microsecond pcap scales to nanoseconds. */
	cs = pt_capset_new();
	ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, "vxlan-basic.pcap"), NULL, NULL, errbuf, sizeof errbuf), 0);
	ck_assert_int_eq(pt_capset_next(cs, &p, errbuf, sizeof errbuf), 1);
	ck_assert_int_eq(p.ts_ns % 1000, 0);
	pt_capset_free(cs);
}
END_TEST

START_TEST(test_pcapng_interfaces_are_points)
{
	CORPUS_OR_SKIP(corpus);
	struct pt_capset *cs = pt_capset_new();
	ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, "pcapng-multi-interface.pcapng"), NULL, NULL, errbuf,
				       sizeof errbuf), 0);
	ck_assert_uint_eq(pt_capset_npoints(cs), 2);
	ck_assert_str_eq(pt_capset_point(cs, 0)->name, "eth0");
	ck_assert_str_eq(pt_capset_point(cs, 1)->name, "\\Device\\NPF_{5AE6EDB4-EFF9-46B3-A3C2-EE50C688A9E6}");
	ck_assert_uint_eq(pt_capset_point(cs, 1)->if_id, 1);
	unsigned per[2] = { 0, 0 };
	struct pt_packet p;
	int r;
	while ((r = pt_capset_next(cs, &p, errbuf, sizeof errbuf)) == 1) {
		ck_assert_uint_lt(p.point, 2);
		per[p.point]++;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(per[0], 2);
	ck_assert_uint_eq(per[1], 4);
	ck_assert_uint_eq(pt_capset_nsources(cs), 1);
	pt_capset_free(cs);

	/* A single-interface pcapng is one point named after the file. */
	cs = pt_capset_new();
	ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, "sll-nsec.pcapng"), NULL, NULL, errbuf, sizeof errbuf), 0);
	unsigned nerr;
	ck_assert_uint_eq(drain(cs, false, &nerr, NULL, 0), 6);
	ck_assert_uint_eq(pt_capset_npoints(cs), 1);
	ck_assert_str_eq(pt_capset_point(cs, 0)->name, "sll-nsec");
	pt_capset_free(cs);
}
END_TEST

START_TEST(test_bad_files_named_others_read)
{
	CORPUS_OR_SKIP(corpus);
	struct pt_capset *cs = pt_capset_new();
	static const char *const bad[] = { "malformed-pcap-invalid-version.pcap", "truncated-headc-global-header.pcap",
					   "truncated-headc-pcapng-in-idb.pcapng", "malformed-pcapng-shb-option-too-long.pcapng",
					   "does-not-exist.pcap" };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *f = cfile(corpus, bad[i]);
		errbuf[0] = '\0';
		ck_assert_int_eq(pt_capset_add(cs, f, NULL, NULL, errbuf, sizeof errbuf), -1);
		ck_assert_msg(strstr(errbuf, f) != NULL, "error \"%s\" does not name %s", errbuf, f);
		ck_assert_ptr_null(strchr(errbuf, '\n'));
	}
	const char *cut = cfile(corpus, "truncated-headc-mid-record.pcap");
	ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, "vxlan-basic.pcap"), NULL, NULL, errbuf, sizeof errbuf), 0);
	ck_assert_int_eq(pt_capset_add(cs, cut, NULL, NULL, errbuf, sizeof errbuf), 0);
	ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, "pcap-empty.pcap"), NULL, NULL, errbuf, sizeof errbuf), 0);
	ck_assert_uint_eq(pt_capset_nsources(cs), 3);
	ck_assert_uint_eq(pt_capset_npoints(cs), 3); /* the empty file still is a point */
	unsigned nerr;
	char last[PT_ERRBUF_SIZE] = "";
	ck_assert_uint_eq(drain(cs, false, &nerr, last, sizeof last), 10 + 49);
	ck_assert_uint_eq(nerr, 1);
	ck_assert_msg(strstr(last, cut) != NULL, "error \"%s\" does not name the cut file", last);
	ck_assert(pt_capset_source_failed(cs, 1));
	ck_assert(!pt_capset_source_failed(cs, 0));
	ck_assert_uint_eq(pt_capset_source_packets(cs, 1), 49);
	pt_capset_free(cs);

	/* The cut pcapng and record-header files also yield their whole packets. */
	static const struct {
		const char *f;
		uint64_t n;
	} cuts[] = { { "truncated-headc-record-header.pcap", 60 }, { "truncated-headc-pcapng-mid-epb.pcapng", 30 } };
	for (unsigned i = 0; i < 2; i++) {
		cs = pt_capset_new();
		ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, cuts[i].f), NULL, NULL, errbuf, sizeof errbuf), 0);
		ck_assert_uint_eq(drain(cs, false, &nerr, NULL, 0), cuts[i].n);
		ck_assert_uint_le(nerr, 1);
		pt_capset_free(cs);
	}
}
END_TEST

static uint64_t last_records; /* what count_udp_outer read, inside the filter or not */

static uint64_t count_udp_outer(const char *path, const char *bpf, bool only_udp)
{
	struct pt_capset *cs = pt_capset_new();
	ck_assert_int_eq(pt_capset_add(cs, path, bpf, NULL, errbuf, sizeof errbuf), 0);
	struct pt_packet p;
	struct pt_decoded d;
	uint64_t n = 0, all = 0, records = 0, outside = 0;
	while (pt_capset_next(cs, &p, errbuf, sizeof errbuf) == 1) {
		pt_decode(&d, p.data, p.caplen, p.len, p.linktype, NULL);
		records++;
		/* Every record comes back, those the filter leaves out marked (their time is the capture's window). */
		if (p.outside_filter) {
			outside++;
			continue;
		}
		all++;
		/* The outer transport: the first layer after the first IP header. */
		bool udp = false;
		for (unsigned i = 0; i + 1 < d.nlayers; i++)
			if (d.layers[i].proto == PT_P_IPV4 || d.layers[i].proto == PT_P_IPV6) {
				udp = d.layers[i + 1].proto == PT_P_UDP;
				break;
			}
		if (only_udp)
			ck_assert_msg(udp, "filter let a non-UDP packet through");
		n += udp;
	}
	pt_capset_free(cs);
	if (!bpf)
		ck_assert_uint_eq(outside, 0);
	last_records = records;
	return only_udp ? all : n;
}

START_TEST(test_bpf_filter)
{
	CORPUS_OR_SKIP(corpus);
	static const char *const files[] = { "vxlan-basic.pcap", "eth-mixed-v4-v6-arp.pcap", "gre-over-udp-4754.pcap" };
	for (unsigned i = 0; i < 3; i++) {
		const char *f = cfile(corpus, files[i]);
		uint64_t expected = count_udp_outer(f, NULL, false);
		ck_assert_uint_gt(expected, 0);
		ck_assert_uint_eq(count_udp_outer(f, "udp", true), expected);
	}
	const char *http = cfile(corpus, "eth-ipv4-tcp-http.pcap");
	ck_assert_uint_eq(count_udp_outer(http, "udp", true), 0);
	uint64_t outside = last_records;
	count_udp_outer(http, NULL, false);
	ck_assert_uint_gt(outside, 0);
	ck_assert_uint_eq(outside, last_records); /* every record came back, marked */
	struct pt_capset *cs = pt_capset_new();
	const char *f = cfile(corpus, "vxlan-basic.pcap");
	ck_assert_int_eq(pt_capset_add(cs, f, "udp and and", NULL, errbuf, sizeof errbuf), -1);
	ck_assert_ptr_nonnull(strstr(errbuf, f));
	pt_capset_free(cs);
}
END_TEST

START_TEST(test_link_types_decode)
{
	CORPUS_OR_SKIP(corpus);
	static const struct {
		const char *file;
		int dlt;
		const char *prefix;
	} cases[] = {
		{ "sll-tcp-mptcp.pcap", 113, "sll:ipv4:tcp" },
		{ "pcap-nsec-sll-tcp-handshake.pcap", 113, "sll:ipv4:tcp" },
		{ "sll2-icmp-arp.pcap", 276, "sll2" }, /* the last frame is RARP: sll2 alone */
		{ "derived-sll2-as-pcapng.pcapng", 276, "sll2" },
		{ "null-v4-v6.pcap", 0, "null:ipv" },
		{ "null-ipv6-quic.pcap", 0, "null:ipv6:udp" },
		{ "raw-ipv4-tcp.pcap", 12, "raw:ipv4:tcp" },
		{ "raw-ipv6.pcap", 12, "raw:ipv6" },
		{ "linktype-ipv4-228.pcap", 228, "raw:ipv4:udp" },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pt_capset *cs = pt_capset_new();
		ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, cases[i].file), NULL, NULL, errbuf, sizeof errbuf), 0);
		ck_assert_int_eq(pt_capset_point(cs, 0)->linktype, cases[i].dlt);
		struct pt_packet p;
		struct pt_decoded d;
		char stack[512];
		unsigned n = 0;
		while (pt_capset_next(cs, &p, errbuf, sizeof errbuf) == 1) {
			enum pt_status st = pt_decode(&d, p.data, p.caplen, p.len, p.linktype, NULL);
			pt_stack_format(&d, stack, sizeof stack);
			ck_assert_msg(st == PT_OK, "%s packet %u: status %d (%s)", cases[i].file, n + 1, st, stack);
			ck_assert_msg(strncmp(stack, cases[i].prefix, strlen(cases[i].prefix)) == 0,
				      "%s packet %u: stack %s", cases[i].file, n + 1, stack);
			n++;
		}
		ck_assert_uint_gt(n, 0);
		pt_capset_free(cs);
	}
}
END_TEST

START_TEST(test_empty_and_reserved_bits)
{
	CORPUS_OR_SKIP(corpus);
	static const char *const files[] = { "pcap-empty.pcap", "pcapng-empty.pcapng", "malformed-linktype-reserved-bits.pcap" };
	for (unsigned i = 0; i < 3; i++) {
		struct pt_capset *cs = pt_capset_new();
		ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, files[i]), NULL, NULL, errbuf, sizeof errbuf), 0);
		unsigned nerr;
		ck_assert_uint_eq(drain(cs, true, &nerr, NULL, 0), 0);
		ck_assert_uint_eq(nerr, 0);
		ck_assert_uint_eq(pt_capset_npoints(cs), 1);
		pt_capset_free(cs);
	}
	/* FCS flags in the link-type field: the 4-byte FCS is stripped. */
	struct pt_capset *cs = pt_capset_new();
	ck_assert_int_eq(pt_capset_add(cs, cfile(corpus, "malformed-udp-length.pcap"), NULL, NULL, errbuf, sizeof errbuf), 0);
	ck_assert_int_eq(pt_capset_point(cs, 0)->linktype, 1);
	struct pt_packet p;
	ck_assert_int_eq(pt_capset_next(cs, &p, errbuf, sizeof errbuf), 1);
	ck_assert_uint_le(p.caplen, p.len);
	pt_capset_free(cs);
}
END_TEST

START_TEST(test_point_names)
{
	char b[64];
	pt_point_name_from_path("/a/b/host-eth0.pcapng", b, sizeof b);
	ck_assert_str_eq(b, "host-eth0");
	pt_point_name_from_path("x.pcap.gz", b, sizeof b);
	ck_assert_str_eq(b, "x");
	pt_point_name_from_path("noext", b, sizeof b);
	ck_assert_str_eq(b, "noext");
	pt_point_name_from_path(".pcap", b, sizeof b);
	ck_assert_str_eq(b, ".pcap");
}
END_TEST

/* --inner finds the tenant's packet inside VXLAN (an inner Ethernet frame),
 * inside GRE (an inner IP packet) and behind a VLAN tag; link-layer words
 * that cannot apply to raw IP leave that case out. */
static void tunnel_frame(struct fb *f, bool gre)
{
	fb_init(f);
	fb_eth(f, 0x0800);
	if (gre) {
		fb_ipv4(f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
		fb_gre(f, 0, 0x0800, 0);
	} else {
		fb_ipv4(f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
		fb_udp(f, 40000, 4789);
		fb_vxlan(f, 100);
		fb_eth(f, 0x0800);
	}
	fb_ipv4(f, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_icmp(f, 8, 0, 1);
	fb_zero(f, 32);
	fb_done(f);
}

static bool inner_match(const char *bpf, const struct fb *f)
{
	struct pt_inner_filter x;
	char why[256];
	ck_assert_msg(pt_inner_filter_init(&x, bpf, why, sizeof why), "%s: %s", bpf, why);
	bool m = pt_inner_filter_match(&x, f->b, (uint32_t)f->n, (uint32_t)f->n, DLT_EN10MB, NULL);
	pt_inner_filter_free(&x);
	return m;
}

START_TEST(test_filter_inside_tunnels)
{
	struct fb vx, gre, plain;
	tunnel_frame(&vx, false);
	tunnel_frame(&gre, true);
	fb_init(&plain);
	fb_eth(&plain, 0x0800);
	fb_ipv4(&plain, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_icmp(&plain, 8, 0, 1);
	fb_done(&plain);
	ck_assert(inner_match("icmp", &vx));
	ck_assert(inner_match("icmp", &gre));
	ck_assert(inner_match("host 10.0.0.2", &vx));
	ck_assert(inner_match("host 10.0.0.2", &gre));
	ck_assert(!inner_match("tcp", &vx));
	ck_assert(!inner_match("host 192.0.2.1", &gre)); /* the outer's: libpcap's own program judges that */
	ck_assert(inner_match("icmp", &plain)); /* without a tunnel the innermost packet is the packet */
	ck_assert(!inner_match("udp", &plain));
	ck_assert(inner_match("ether dst 02:00:00:00:00:02 and icmp", &vx));
	/* Behind a tag (an OVS local VLAN), inside VXLAN too: "icmp" needs no "vlan and". */
	struct fb tagged;
	fb_init(&tagged);
	fb_eth(&tagged, 0x8100);
	fb_vlan(&tagged, 1, 0x0800);
	fb_ipv4(&tagged, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_icmp(&tagged, 8, 0, 1);
	fb_done(&tagged);
	ck_assert(inner_match("icmp", &tagged));
	ck_assert(inner_match("host 10.0.0.1 and icmp", &tagged));
	ck_assert(!inner_match("udp", &tagged));
	/* An expression libpcap cannot compile is refused with its reason. */
	struct pt_capset *cs = pt_capset_new();
	ck_assert(!pt_capset_inner_filter(cs, "icmp and and", errbuf, sizeof errbuf));
	ck_assert_ptr_nonnull(strstr(errbuf, "--inner \"icmp and and\""));
	ck_assert(pt_capset_inner_filter(cs, "icmp", errbuf, sizeof errbuf));
	pt_capset_free(cs);
	ck_assert(!inner_match("ether dst 02:00:00:00:00:02 and icmp", &gre)); /* no Ethernet inside GRE here */
}
END_TEST

Suite *pt_capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_merge_synthetic);
	tcase_add_test(tc, test_merge_corpus_sorted_inputs);
	tcase_add_test(tc, test_nanoseconds_kept);
	tcase_add_test(tc, test_pcapng_interfaces_are_points);
	tcase_add_test(tc, test_bad_files_named_others_read);
	tcase_add_test(tc, test_bpf_filter);
	tcase_add_test(tc, test_link_types_decode);
	tcase_add_test(tc, test_empty_and_reserved_bits);
	tcase_add_test(tc, test_point_names);
	tcase_add_test(tc, test_filter_inside_tunnels);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_capture_suite)
