/* Summary counters for the decode command. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "output/decode-stats.h"

void pt_decode_stats_init(struct pt_decode_stats *s)
{
	memset(s, 0, sizeof *s);
	pt_counter_init(&s->stacks, 4096);
	pt_counter_init(&s->linktypes, 64);
	pt_counter_init(&s->tunnel_ids, 4096);
	pt_counter_init(&s->icmp_mtu, 4096);
}

void pt_decode_stats_free(struct pt_decode_stats *s)
{
	pt_counter_free(&s->stacks);
	pt_counter_free(&s->linktypes);
	pt_counter_free(&s->tunnel_ids);
	pt_counter_free(&s->icmp_mtu);
}

void pt_icmp_mtu_describe(const struct pt_decoded *d, char *buf, size_t size)
{
	const struct pt_ip *ip = pt_inner_ip(d);
	const struct pt_icmp_quote *q = &d->icmp.quote;
	char from[64] = "?", qs[64] = "?", qd[64] = "?";
	if (ip)
		pt_ip_format(ip->version, ip->src, from, sizeof from);
	if (q->present) {
		pt_ip_format(q->version, q->src, qs, sizeof qs);
		pt_ip_format(q->version, q->dst, qd, sizeof qd);
	}
	snprintf(buf, size, "%s mtu=%" PRIu32 " from %s about %s > %s proto %u",
		 d->icmp.is_v6 ? "packet-too-big" : "frag-needed", d->icmp.mtu, from, qs, qd, q->proto);
}

void pt_decode_stats_add(struct pt_decode_stats *s, const struct pt_decoded *d)
{
	char buf[512];
	s->packets++;
	s->bytes += d->wire_len;
	s->status[d->status]++;
	for (unsigned i = 0; i < d->nevents; i++) {
		s->events[d->events[i]]++;
		if (d->events[i] == PT_EV_PKT_SNAPLEN_CUT)
			s->snaplen_cut++;
	}
	pt_stack_format(d, buf, sizeof buf);
	pt_counter_add(&s->stacks, buf, 1);
	const char *lt = pcap_datalink_val_to_name(d->linktype);
	snprintf(buf, sizeof buf, "%s (%d)", lt ? lt : "unknown", d->linktype);
	pt_counter_add(&s->linktypes, buf, 1);
	for (unsigned i = 0; i < d->nlayers; i++) {
		const struct pt_layer *l = &d->layers[i];
		const char *kind = NULL;
		switch (l->id_kind) {
		case PT_ID_VLAN: kind = "vlan"; break;
		case PT_ID_MPLS: kind = "mpls label"; break;
		case PT_ID_VNI: kind = l->proto == PT_P_GENEVE ? "geneve vni" : "vxlan vni"; break;
		case PT_ID_GRE_KEY: kind = "gre key"; break;
		case PT_ID_ERSPAN: kind = "erspan session"; break;
		case PT_ID_SPI: kind = "ah spi"; break;
		case PT_ID_L2TP_SESSION: kind = "l2tp session"; break;
		default: break;
		}
		if (kind) {
			snprintf(buf, sizeof buf, "%s %" PRIu32, kind, l->id);
			pt_counter_add(&s->tunnel_ids, buf, 1);
		}
	}
	for (unsigned i = 0; i < d->nips; i++) {
		const struct pt_ip *ip = &d->ips[i];
		if (!ip->is_frag)
			continue;
		if (ip->version == 4)
			s->frag_v4++;
		else
			s->frag_v6++;
		if (ip->frag_off == 0)
			s->frag_first++;
		else
			s->frag_later++;
	}
	if (d->icmp.mtu && (d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6)) {
		pt_icmp_mtu_describe(d, buf, sizeof buf);
		pt_counter_add(&s->icmp_mtu, buf, 1);
	}
}

static void print_counter(const char *title, const struct pt_counter *c, FILE *fp)
{
	size_t n;
	struct pt_counter_entry *e = pt_counter_sorted(c, &n);
	if (!e)
		return;
	fprintf(fp, "%s:%s\n", title, n || c->other ? "" : " none");
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "  %10" PRIu64 "  %s\n", e[i].count, e[i].key);
	if (c->other)
		fprintf(fp, "  %10" PRIu64 "  (other)\n", c->other);
	free(e);
}

void pt_decode_stats_print(const struct pt_decode_stats *s, FILE *fp)
{
	fprintf(fp, "\n== summary ==\n");
	fprintf(fp, "packets: %" PRIu64 " (%" PRIu64 " bytes on the wire): %" PRIu64 " ok, %" PRIu64
		" truncated, %" PRIu64 " malformed; %" PRIu64 " cut by the snap length\n",
		s->packets, s->bytes, s->status[PT_OK], s->status[PT_TRUNCATED], s->status[PT_MALFORMED],
		s->snaplen_cut);
	print_counter("link types", &s->linktypes, fp);
	print_counter("stacks", &s->stacks, fp);
	print_counter("tunnel ids", &s->tunnel_ids, fp);
	fprintf(fp, "fragments: %" PRIu64 " IPv4, %" PRIu64 " IPv6 (%" PRIu64 " first, %" PRIu64 " later)\n",
		s->frag_v4, s->frag_v6, s->frag_first, s->frag_later);
	print_counter("ICMP MTU messages", &s->icmp_mtu, fp);
	bool any = false;
	fprintf(fp, "events:");
	for (int i = 0; i < PT_EV__COUNT; i++) {
		if (!s->events[i])
			continue;
		fprintf(fp, "\n  %10" PRIu64 "  %s", s->events[i], pt_event_name((enum pt_event)i));
		any = true;
	}
	fprintf(fp, "%s\n", any ? "" : " none");
}
