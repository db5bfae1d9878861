/* Shared helpers of the Check suites: a small frame builder for hand-made
 * packets, the sample frames the truncation sweep cuts, and the corpus
 * locator. One suite per module; each layer's Check program runs its own
 * (tests/check.am). */
#ifndef PATHTRACE_CHECK_PATHTRACE_H
#define PATHTRACE_CHECK_PATHTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "check_main.h"
#include "pathtrace/decode.h"

/* One suite per module, run by the Check program of its layer. */
Suite *pt_base_suite(void);     /* check_base */
Suite *pt_counter_suite(void);
Suite *pt_decode_suite(void);   /* check_decode */
Suite *pt_events_suite(void);
Suite *pt_sweep_suite(void);
Suite *pt_capture_suite(void);  /* check_capture */
Suite *pt_model_suite(void);    /* check_model */
Suite *pt_match_suite(void);    /* check_match */
Suite *pt_analysis_suite(void); /* check_analysis */
Suite *pt_mtu_suite(void);
Suite *pt_roles_suite(void);
Suite *pt_series_suite(void);
Suite *pt_output_suite(void);   /* check_output */
Suite *pt_csv_suite(void);
Suite *pt_charts_suite(void);
Suite *pt_cli_suite(void);      /* check_cli */

/* ---- frame builder: headers appended outermost first, lengths patched by fb_done ---- */
#define FB_MAX 4096
#define FB_MAX_PATCH 40

struct fb {
	uint8_t b[FB_MAX];
	size_t n;
	struct {
		size_t off;
		int kind; /* 4: IPv4 total length, 6: IPv6 payload length, 17: UDP length */
	} patch[FB_MAX_PATCH];
	unsigned npatch;
};

void fb_init(struct fb *f);
void fb_bytes(struct fb *f, const void *p, size_t n);
void fb_u8(struct fb *f, uint8_t v);
void fb_be16(struct fb *f, uint16_t v);
void fb_be32(struct fb *f, uint32_t v);
void fb_zero(struct fb *f, size_t n);
void fb_eth(struct fb *f, uint16_t ethertype);
void fb_vlan(struct fb *f, uint16_t tci, uint16_t ethertype);
/* Linux cooked headers: SLL (16 bytes) and SLL2 (20 bytes), incoming, no address. */
void fb_sll(struct fb *f, uint16_t hatype, uint16_t proto);
void fb_sll2(struct fb *f, uint16_t hatype, uint16_t proto);
/* frag: the 16-bit flags+offset field; opts may be NULL (optlen a multiple of 4). */
void fb_ipv4_ex(struct fb *f, uint8_t proto, uint32_t src, uint32_t dst, uint16_t id, uint16_t frag,
		const uint8_t *opts, size_t optlen);
void fb_ipv4(struct fb *f, uint8_t proto, uint32_t src, uint32_t dst);
/* src/dst: the last byte of 2001:db8::X. */
void fb_ipv6(struct fb *f, uint8_t nh, uint8_t src, uint8_t dst);
void fb_ipv6_frag(struct fb *f, uint8_t nh, uint16_t offset_bytes, bool mf, uint32_t id);
void fb_udp(struct fb *f, uint16_t sport, uint16_t dport);
void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, const uint8_t *opts, size_t optlen);
void fb_vxlan(struct fb *f, uint32_t vni);
void fb_geneve(struct fb *f, uint32_t vni, uint16_t proto, const uint8_t *opts, size_t optlen);
/* flags: GRE flags+version word; key written when the K bit (0x2000) is set. */
void fb_gre(struct fb *f, uint16_t flags, uint16_t proto, uint32_t key);
void fb_icmp(struct fb *f, uint8_t type, uint8_t code, uint32_t rest);
/* IPsec AH with icv_len bytes of ICV (a multiple of 4): payload length (12 + icv_len) / 4 - 2. */
void fb_ah(struct fb *f, uint8_t nh, uint32_t spi, uint32_t seq, size_t icv_len);
/* GUE variant 0: ext_len bytes of extension fields (a multiple of 4, zeros) after the 4-byte header. */
void fb_gue(struct fb *f, uint8_t proto, uint16_t flags, size_t ext_len);
/* L2TPv3 data message header over IP (session id) or over UDP (flags/version 3, reserved,
 * session id), then cookie_len bytes of cookie and, with sublayer, the 4-byte default
 * L2-specific sublayer (zero, as Linux sends it). */
void fb_l2tp(struct fb *f, bool over_udp, uint32_t session, size_t cookie_len, bool sublayer);
/* One MPLS label stack entry; bottom sets the S bit. */
void fb_mpls(struct fb *f, uint32_t label, bool bottom, uint8_t ttl);
void fb_done(struct fb *f);

/* ---- sample frames for the sweep ---- */
struct pt_sample {
	const char *name;
	int dlt;
	uint8_t data[FB_MAX];
	size_t len;
	/* Decoded with these options (a tunnel port no default names), else with none. */
	bool has_opts;
	struct pt_decode_opts opts;
};
/* Builds every hand-made sample into out (at most max); returns how many. */
size_t pt_samples(struct pt_sample *out, size_t max);
/* The options a sample is decoded with: NULL for the defaults. */
const struct pt_decode_opts *pt_sample_opts(const struct pt_sample *s);

/* ---- helpers ---- */
/* Decodes and formats the stack into buf; returns the status. */
enum pt_status pt_t_decode(struct pt_decoded *d, const uint8_t *p, size_t n, int dlt, char *stack,
			   size_t size);
/* The corpus directory, or NULL (after printing a skip message naming why). */
const char *pt_t_corpus(const char *test);
/* corpus dir + "/" + file into buf. */
const char *pt_t_corpus_file(const char *file, char *buf, size_t size);
/* Source tree root ($PT_SRCDIR, else "."). */
const char *pt_t_srcdir(void);

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

#endif
