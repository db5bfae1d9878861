/* The truncation sweep (STYLE.md, principle 10): every sample frame, hand-made
 * and the first frames of every corpus file that decode OK, is cut at every
 * capture length with the wire length unchanged. Each cut must come out OK or
 * TRUNCATED, never MALFORMED: the capture being short is not the packet's
 * fault. The converse cuts the wire length too and only asks for no crash
 * (and a status that agrees with the events). Each cut is copied into an
 * allocation of exactly that size so that ASan sees any overread. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "check_pathtrace.h"

#define CORPUS_FRAMES 20
#define EXACT_COPY_LIMIT 4096 /* past this, cuts reuse a full-size copy */

struct frame {
	char name[160];
	int dlt;
	uint8_t *data;
	uint32_t caplen, len;
	const struct pt_decode_opts *opts; /* NULL: the defaults */
};

static struct frame *frames;
static size_t nframes, capframes;

static void add_frame(const char *name, int dlt, const uint8_t *data, uint32_t caplen, uint32_t len,
		      const struct pt_decode_opts *opts)
{
	if (nframes == capframes) {
		capframes = capframes ? capframes * 2 : 256;
		frames = realloc(frames, capframes * sizeof *frames);
		ck_assert_ptr_nonnull(frames);
	}
	struct frame *f = &frames[nframes++];
	snprintf(f->name, sizeof f->name, "%s", name);
	f->dlt = dlt;
	f->data = malloc(caplen ? caplen : 1);
	ck_assert_ptr_nonnull(f->data);
	memcpy(f->data, data, caplen);
	f->caplen = caplen;
	f->len = len;
	f->opts = opts;
}

static void load_corpus(void)
{
	const char *corpus = pt_t_corpus("sweep (corpus frames)");
	if (!corpus)
		return;
	char path[4200];
	snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus);
	FILE *m = fopen(path, "r");
	ck_assert_ptr_nonnull(m);
	char line[4096];
	unsigned files = 0;
	while (fgets(line, sizeof line, m)) {
		char *tab = strchr(line, '\t');
		if (!tab || strncmp(line, "file\t", 5) == 0)
			continue;
		*tab = '\0';
		snprintf(path, sizeof path, "%s/%s", corpus, line);
		char e[PCAP_ERRBUF_SIZE];
		pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, e);
		if (!pc)
			continue;
		int dlt = pcap_datalink(pc) & 0xffff;
		struct pcap_pkthdr *h;
		const u_char *data;
		struct pt_decoded d;
		for (unsigned i = 1; i <= CORPUS_FRAMES && pcap_next_ex(pc, &h, &data) == 1; i++) {
			if (pt_decode(&d, data, h->caplen, h->len, dlt, NULL) != PT_OK)
				continue;
			char name[160];
			snprintf(name, sizeof name, "%.120s#%u", line, i);
			add_frame(name, dlt, data, h->caplen, h->len, NULL);
		}
		pcap_close(pc);
		files++;
	}
	fclose(m);
	ck_assert_uint_gt(files, 50);
}

static void setup(void)
{
	if (frames)
		return;
	static struct pt_sample s[64];
	size_t n = pt_samples(s, 64);
	for (size_t i = 0; i < n; i++)
		add_frame(s[i].name, s[i].dlt, s[i].data, (uint32_t)s[i].len, (uint32_t)s[i].len, pt_sample_opts(&s[i]));
	load_corpus();
}

static bool status_consistent(const struct pt_decoded *d)
{
	bool m = false, t = false;
	for (unsigned i = 0; i < d->nevents; i++) {
		char k = pt_event_kind((enum pt_event)d->events[i]);
		m |= k == 'M';
		t |= k == 'T';
	}
	if (d->status == PT_MALFORMED)
		return m;
	if (d->status == PT_TRUNCATED)
		return t || pt_decoded_has_event(d, PT_EV_IP_TINY_FRAGMENT);
	return !m && !t;
}

/* Decodes frame f cut to caplen c (and wire w) from an exact-size copy. */
static enum pt_status cut(const struct frame *f, uint8_t *full, uint32_t c, uint32_t w, struct pt_decoded *d)
{
	if (c <= EXACT_COPY_LIMIT) {
		uint8_t *b = malloc(c ? c : 1);
		memcpy(b, f->data, c);
		enum pt_status st = pt_decode(d, c ? b : NULL, c, w, f->dlt, f->opts);
		free(b);
		return st;
	}
	return pt_decode(d, full, c, w, f->dlt, f->opts);
}

static void describe(const struct pt_decoded *d, char *buf, size_t size)
{
	size_t n = pt_stack_format(d, buf, size);
	for (unsigned i = 0; i < d->nevents && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, " %s", pt_event_name((enum pt_event)d->events[i]));
}

START_TEST(test_sweep_caplen)
{
	setup();
	ck_assert_uint_gt(nframes, 20);
	struct pt_decoded d;
	char why[1024];
	unsigned long long cuts = 0;
	for (size_t i = 0; i < nframes; i++) {
		const struct frame *f = &frames[i];
		for (uint32_t c = 0; c <= f->caplen; c++) {
			enum pt_status st = cut(f, f->data, c, f->len, &d);
			cuts++;
			if (st == PT_MALFORMED) {
				describe(&d, why, sizeof why);
				ck_abort_msg("%s cut to caplen %u of %u (len %u): MALFORMED: %s", f->name, c, f->caplen,
					     f->len, why);
			}
			if (c == f->caplen)
				ck_assert_int_eq(st, PT_OK);
		}
	}
	fprintf(stderr, "sweep: %zu frames, %llu cuts\n", nframes, cuts);
}
END_TEST

START_TEST(test_sweep_caplen_status_consistent)
{
	setup();
	struct pt_decoded d;
	char why[1024];
	for (size_t i = 0; i < nframes; i++) {
		const struct frame *f = &frames[i];
		for (uint32_t c = 0; c <= f->caplen; c++) {
			cut(f, f->data, c, f->len, &d);
			if (!status_consistent(&d)) {
				describe(&d, why, sizeof why);
				ck_abort_msg("%s cut to caplen %u (len %u): status %d disagrees with events: %s", f->name, c,
					     f->len, d.status, why);
			}
		}
	}
}
END_TEST

START_TEST(test_sweep_wire_no_crash)
{
	setup();
	struct pt_decoded d;
	for (size_t i = 0; i < nframes; i++) {
		const struct frame *f = &frames[i];
		for (uint32_t c = 0; c <= f->caplen; c++) {
			enum pt_status st = cut(f, f->data, c, c, &d);
			ck_assert_int_le(st, PT_MALFORMED);
			ck_assert_uint_le(d.nlayers, PT_MAX_LAYERS);
			ck_assert_uint_le(d.nevents, PT_MAX_EVENTS);
			ck_assert_uint_le(d.nips, PT_MAX_IPS);
			for (unsigned k = 0; k < d.nlayers; k++)
				ck_assert_uint_le(d.layers[k].off, c);
		}
	}
}
END_TEST

/* Collects distinct inconsistencies (by event list) so one run names them all. */
struct bad {
	char what[16][512];
	unsigned n;
};

static void note_bad(struct bad *b, const struct frame *f, uint32_t c, const struct pt_decoded *d)
{
	char why[400];
	describe(d, why, sizeof why);
	const char *ev = strchr(why, ' ');
	for (unsigned i = 0; i < b->n; i++)
		if (strstr(b->what[i], ev ? ev : why))
			return;
	if (b->n < 16)
		snprintf(b->what[b->n++], sizeof b->what[0], "\n  %.100s cut %u: status %d: %.300s", f->name, c, d->status, why);
}

START_TEST(test_sweep_wire_status_consistent)
{
	setup();
	struct pt_decoded d;
	static struct bad b;
	for (size_t i = 0; i < nframes; i++) {
		const struct frame *f = &frames[i];
		for (uint32_t c = 0; c <= f->caplen; c++) {
			cut(f, f->data, c, c, &d);
			if (!status_consistent(&d))
				note_bad(&b, f, c, &d);
		}
	}
	if (b.n) {
		static char msg[16 * 512 + 64];
		size_t n = (size_t)snprintf(msg, sizeof msg, "caplen = len cuts whose status disagrees with the events:");
		for (unsigned i = 0; i < b.n && n < sizeof msg; i++)
			n += (size_t)snprintf(msg + n, sizeof msg - n, "%s", b.what[i]);
		ck_abort_msg("%s", msg);
	}
}
END_TEST

Suite *pt_sweep_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("sweep");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_sweep_caplen);
	tcase_add_test(tc, test_sweep_caplen_status_consistent);
	tcase_add_test(tc, test_sweep_wire_no_crash);
	tcase_add_test(tc, test_sweep_wire_status_consistent);
	suite_add_tcase(s, tc);
	return s;
}
