/* The user's filter past tags and tunnels (inner-filter.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/inner-filter.h"

static bool compile(struct bpf_program *prog, int dlt, const char *bpf, char *err, size_t errlen)
{
	pcap_t *dead = pcap_open_dead(dlt, 262144);
	if (!dead) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	bool ok = pcap_compile(dead, prog, bpf, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (!ok)
		snprintf(err, errlen, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return ok;
}

bool pt_inner_filter_init(struct pt_inner_filter *f, const char *bpf, char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	f->has_eth = compile(&f->eth, DLT_EN10MB, bpf, err, errlen);
	f->has_raw = compile(&f->raw, DLT_RAW, bpf, err, errlen);
	return f->has_eth || f->has_raw;
}

void pt_inner_filter_free(struct pt_inner_filter *f)
{
	if (f->has_eth)
		pcap_freecode(&f->eth);
	if (f->has_raw)
		pcap_freecode(&f->raw);
	free(f->scratch);
	memset(f, 0, sizeof *f);
}

static bool run(const struct bpf_program *prog, const uint8_t *p, uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = len > caplen ? len : caplen };
	return pcap_offline_filter(prog, &h, p) != 0;
}

/* The Ethernet frame at off with its n_tags 4-byte tags taken out: the MAC
 * addresses, then what follows the last tag (its type field included). */
static bool run_untagged(struct pt_inner_filter *f, const uint8_t *data, uint32_t caplen, uint32_t len,
			 uint32_t off, uint32_t tags_end)
{
	if (off + 12 > caplen || tags_end > caplen || tags_end < off + 12)
		return false;
	size_t rest = caplen - tags_end, n = 12 + rest;
	if (n > f->scratch_cap) {
		uint8_t *b = realloc(f->scratch, n);
		if (!b)
			return false;
		f->scratch = b;
		f->scratch_cap = n;
	}
	memcpy(f->scratch, data + off, 12);
	memcpy(f->scratch + 12, data + tags_end, rest);
	uint32_t cut = tags_end - off - 12;
	return run(&f->eth, f->scratch, (uint32_t)n, len > off + cut ? len - off - cut : (uint32_t)n);
}

bool pt_inner_filter_match(struct pt_inner_filter *f, const uint8_t *data, uint32_t caplen, uint32_t len, int dlt,
			   const struct pt_decode_opts *opts)
{
	if (!f->has_eth && !f->has_raw)
		return false;
	struct pt_decoded d;
	pt_decode(&d, data, caplen, len, dlt, opts);
	/* The innermost Ethernet frame and the tags right after it; the last IP
	 * header, and whether it is past that frame's own IP (tunnelled bare). */
	long eth = -1, ip = -1;
	unsigned ips_after_eth = 0;
	uint32_t tags_end = 0;
	bool in_tags = false;
	for (unsigned i = 0; i < d.nlayers; i++) {
		const struct pt_layer *l = &d.layers[i];
		if (l->proto == PT_P_VLAN && in_tags) {
			tags_end = l->off + 2; /* this tag's type field becomes the frame's */
			continue;
		}
		in_tags = l->proto == PT_P_ETH;
		if (l->proto == PT_P_ETH) {
			eth = (long)i;
			ips_after_eth = 0;
			tags_end = l->off + 12;
		} else if (l->proto == PT_P_IPV4 || l->proto == PT_P_IPV6) {
			ip = (long)i;
			ips_after_eth++;
		}
	}
	if (eth >= 0 && ips_after_eth <= 1) {
		uint32_t off = d.layers[eth].off;
		if (!f->has_eth)
			return false;
		return tags_end > off + 12 ? run_untagged(f, data, caplen, len, off, tags_end)
					   : run(&f->eth, data + off, caplen - off, len > off ? len - off : 0);
	}
	if (ip >= 0 && f->has_raw) {
		uint32_t off = d.layers[ip].off;
		return off < caplen && run(&f->raw, data + off, caplen - off, len > off ? len - off : 0);
	}
	return false;
}
