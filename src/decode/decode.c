/* The layer walk and the dispatch tables: which decoder runs for which
 * link type, ethertype, IP protocol and UDP port. A new protocol is one
 * decode-*.c file and one row here. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode/decode-int.h"

static const struct {
	const char *name;
	pt_decoder_fn fn;
} decoders[PT_P__COUNT] = {
	[PT_P_NONE] = { "none", NULL },
	[PT_P_ETH] = { "eth", pt_decode_eth },
	[PT_P_LLC] = { "llc", pt_decode_llc },
	[PT_P_SLL] = { "sll", pt_decode_sll },
	[PT_P_SLL2] = { "sll2", pt_decode_sll2 },
	[PT_P_NULL] = { "null", pt_decode_null },
	[PT_P_RAW] = { "raw", pt_decode_raw },
	[PT_P_VLAN] = { "vlan", pt_decode_vlan },
	[PT_P_MPLS] = { "mpls", pt_decode_mpls },
	[PT_P_ARP] = { "arp", pt_decode_arp },
	[PT_P_IPV4] = { "ipv4", pt_decode_ipv4 },
	[PT_P_IPV6] = { "ipv6", pt_decode_ipv6 },
	[PT_P_GRE] = { "gre", pt_decode_gre },
	[PT_P_ERSPAN] = { "erspan", pt_decode_erspan },
	[PT_P_VXLAN] = { "vxlan", pt_decode_vxlan },
	[PT_P_GENEVE] = { "geneve", pt_decode_geneve },
	[PT_P_AH] = { "ah", pt_decode_ah },
	[PT_P_GUE] = { "gue", pt_decode_gue },
	[PT_P_L2TP] = { "l2tp", pt_decode_l2tp },
	[PT_P_UDP] = { "udp", pt_decode_udp },
	[PT_P_TCP] = { "tcp", pt_decode_tcp },
	[PT_P_ICMP] = { "icmp", pt_decode_icmp },
	[PT_P_ICMPV6] = { "icmpv6", pt_decode_icmpv6 },
};

const char *pt_proto_name(enum pt_proto p)
{
	return (unsigned)p < PT_P__COUNT && decoders[p].name ? decoders[p].name : "?";
}

/* DLT values as libpcap returns them (already mapped from LINKTYPE_ and masked). */
static enum pt_proto link_proto(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return PT_P_ETH;
	case DLT_LINUX_SLL:
		return PT_P_SLL;
	case 276: /* DLT_LINUX_SLL2, missing from older headers */
		return PT_P_SLL2;
	case DLT_NULL:
	case DLT_LOOP:
		return PT_P_NULL;
	case DLT_RAW:
	case 14:  /* DLT_RAW on OpenBSD */
	case 101: /* LINKTYPE_RAW, in case a libpcap hands it through unmapped */
	case DLT_IPV4:
	case DLT_IPV6:
		return PT_P_RAW;
	default:
		return PT_P_NONE;
	}
}

bool pt_linktype_supported(int dlt)
{
	return link_proto(dlt) != PT_P_NONE;
}

enum pt_proto pt_dispatch_ethertype(uint16_t et)
{
	switch (et) {
	case PT_ETHERTYPE_IPV4:
		return PT_P_IPV4;
	case PT_ETHERTYPE_IPV6:
		return PT_P_IPV6;
	case PT_ETHERTYPE_ARP:
	case 0x8035: /* RARP: ARP's layout */
		return PT_P_ARP;
	case 0x8100: /* 802.1Q */
	case 0x88a8: /* 802.1ad service tag */
	case 0x9100: /* pre-standard QinQ */
	case 0x9200:
		return PT_P_VLAN;
	case 0x8847: /* MPLS unicast */
	case 0x8848: /* MPLS multicast */
		return PT_P_MPLS;
	case PT_ETHERTYPE_TEB:
		return PT_P_ETH;
	default:
		return PT_P_NONE;
	}
}

enum pt_proto pt_dispatch_ipproto(uint8_t p)
{
	switch (p) {
	case 1:
		return PT_P_ICMP;
	case 4:
		return PT_P_IPV4;
	case 6:
		return PT_P_TCP;
	case 17:
		return PT_P_UDP;
	case 41:
		return PT_P_IPV6;
	case 47:
		return PT_P_GRE;
	case 51:
		return PT_P_AH;
	case 58:
		return PT_P_ICMPV6;
	case 115:
		return PT_P_L2TP;
	default:
		return PT_P_NONE;
	}
}

static const struct {
	uint16_t port;
	enum pt_proto proto;
} default_ports[] = {
	{ 4789, PT_P_VXLAN },  /* IANA */
	{ 8472, PT_P_VXLAN },  /* the Linux kernel's legacy default */
	{ 6081, PT_P_GENEVE }, /* IANA */
	{ 6635, PT_P_MPLS },   /* IANA's MPLS-in-UDP, RFC 7510 */
};

void pt_decode_opts_init(struct pt_decode_opts *o)
{
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < sizeof default_ports / sizeof default_ports[0]; i++)
		pt_decode_opts_add_port(o, default_ports[i].proto, default_ports[i].port);
}

/* The port list of a protocol, or NULL. */
static uint16_t *port_list(struct pt_decode_opts *o, enum pt_proto proto, uint8_t **n)
{
	switch (proto) {
	case PT_P_VXLAN:
		*n = &o->n_vxlan_ports;
		return o->vxlan_ports;
	case PT_P_GENEVE:
		*n = &o->n_geneve_ports;
		return o->geneve_ports;
	case PT_P_GUE:
		*n = &o->n_gue_ports;
		return o->gue_ports;
	case PT_P_MPLS:
		*n = &o->n_mpls_ports;
		return o->mpls_ports;
	default:
		return NULL;
	}
}

static bool is_default_port(enum pt_proto proto, uint16_t port)
{
	for (size_t i = 0; i < sizeof default_ports / sizeof default_ports[0]; i++)
		if (default_ports[i].proto == proto && default_ports[i].port == port)
			return true;
	return false;
}

static bool in_list(const uint16_t *ports, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

enum pt_proto pt_decode_opts_port_proto(const struct pt_decode_opts *o, uint16_t port)
{
	if (in_list(o->vxlan_ports, o->n_vxlan_ports, port))
		return PT_P_VXLAN;
	if (in_list(o->geneve_ports, o->n_geneve_ports, port))
		return PT_P_GENEVE;
	if (in_list(o->gue_ports, o->n_gue_ports, port))
		return PT_P_GUE;
	if (in_list(o->mpls_ports, o->n_mpls_ports, port))
		return PT_P_MPLS;
	return PT_P_NONE;
}

enum pt_port_result pt_decode_opts_add_port(struct pt_decode_opts *o, enum pt_proto proto, uint16_t port)
{
	uint8_t *n;
	uint16_t *ports = port_list(o, proto, &n);
	if (!ports)
		return PT_PORT_NOT_A_TUNNEL;
	enum pt_proto now = pt_decode_opts_port_proto(o, port);
	if (now == proto)
		return PT_PORT_ADDED;
	if (*n >= PT_MAX_UDP_TUNNEL_PORTS)
		return PT_PORT_FULL;
	if (now != PT_P_NONE) {
		if (!is_default_port(now, port))
			return PT_PORT_TAKEN;
		uint8_t *on;
		uint16_t *other = port_list(o, now, &on);
		for (unsigned i = 0; i < *on; i++)
			if (other[i] == port) {
				other[i] = other[--*on];
				break;
			}
	}
	ports[(*n)++] = port;
	return PT_PORT_ADDED;
}

bool pt_decode_opts_add_vxlan_port(struct pt_decode_opts *o, uint16_t port)
{
	return pt_decode_opts_add_port(o, PT_P_VXLAN, port) == PT_PORT_ADDED;
}

bool pt_decode_opts_add_geneve_port(struct pt_decode_opts *o, uint16_t port)
{
	return pt_decode_opts_add_port(o, PT_P_GENEVE, port) == PT_PORT_ADDED;
}

static enum pt_proto udp_port_proto(const struct pt_decode_opts *o, uint16_t port)
{
	enum pt_proto p = pt_decode_opts_port_proto(o, port);
	if (p != PT_P_NONE)
		return p;
	if (port == 4754) /* GRE-in-UDP, RFC 8086 */
		return PT_P_GRE;
	if (port == 1701) /* L2TP; the version field tells L2TPv3 from L2TPv2 and L2F */
		return PT_P_L2TP;
	return PT_P_NONE;
}

enum pt_proto pt_dispatch_udp_port(const struct pt_decode_opts *o, uint16_t sport, uint16_t dport)
{
	/* Tunnel endpoints listen on the well-known port; the other side is a flow hash. */
	enum pt_proto p = udp_port_proto(o, dport);
	return p != PT_P_NONE ? p : udp_port_proto(o, sport);
}

void pt_dctx_event(struct pt_dctx *x, enum pt_event ev)
{
	struct pt_decoded *d = x->d;
	/* The event's kind decides the packet's status, so a decoder that notes a
	 * problem and carries on still marks the packet. */
	char kind = pt_event_kind(ev);
	if (kind == 'M')
		d->status = PT_MALFORMED;
	else if (kind == 'T' && d->status == PT_OK)
		d->status = PT_TRUNCATED;
	for (unsigned i = 0; i < d->nevents; i++)
		if (d->events[i] == ev)
			return;
	if (d->nevents < PT_MAX_EVENTS - 1)
		d->events[d->nevents++] = (uint16_t)ev;
	else if (d->nevents == PT_MAX_EVENTS - 1)
		d->events[d->nevents++] = PT_EV_EVENTS_OVERFLOW;
}

bool pt_dctx_in_fragment(const struct pt_dctx *x, bool include_innermost)
{
	const struct pt_decoded *d = x->d;
	unsigned n = d->nips;
	if (!include_innermost && n)
		n--;
	for (unsigned i = 0; i < n; i++)
		if (d->ips[i].is_frag)
			return true;
	return false;
}

enum pt_status pt_need(struct pt_dctx *x, const struct pt_layer_in *in, size_t n,
		       enum pt_event ev_truncated, enum pt_event ev_malformed)
{
	if (in->v.len >= n)
		return PT_OK;
	if (in->wire < n && pt_dctx_in_fragment(x, true)) {
		/* A first fragment too short for the headers it starts (RFC 1858 tiny
		 * fragments, or an outer fragment cutting a tunnel): not the packet's fault. */
		pt_dctx_event(x, PT_EV_IP_TINY_FRAGMENT);
		return PT_TRUNCATED;
	}
	if (in->wire >= n) {
		pt_dctx_event(x, ev_truncated);
		return PT_TRUNCATED;
	}
	pt_dctx_event(x, ev_malformed);
	return PT_MALFORMED;
}

struct pt_ip *pt_dctx_push_ip(struct pt_dctx *x)
{
	struct pt_decoded *d = x->d;
	if (d->nips >= PT_MAX_IPS)
		return NULL;
	struct pt_ip *ip = &d->ips[d->nips++];
	memset(ip, 0, sizeof *ip);
	d->l4_proto = PT_P_NONE;
	d->has_ports = false;
	d->sport = d->dport = 0;
	d->payload_off = d->payload_len = d->l4_off = 0;
	memset(&d->tcp, 0, sizeof d->tcp);
	memset(&d->icmp, 0, sizeof d->icmp);
	return ip;
}

bool pt_decoded_has_event(const struct pt_decoded *d, enum pt_event ev)
{
	for (unsigned i = 0; i < d->nevents; i++)
		if (d->events[i] == ev)
			return true;
	return false;
}

static enum pt_status worse(enum pt_status a, enum pt_status b)
{
	return a > b ? a : b;
}

enum pt_status pt_decode(struct pt_decoded *d, const uint8_t *frame, uint32_t caplen,
			 uint32_t wire_len, int dlt, const struct pt_decode_opts *opts)
{
	static struct pt_decode_opts default_opts;
	static bool default_opts_ready;
	if (!opts) {
		if (!default_opts_ready) {
			pt_decode_opts_init(&default_opts);
			default_opts_ready = true;
		}
		opts = &default_opts;
	}

	/* Only the summary fields need clearing; arrays are valid up to their counts. */
	d->caplen = caplen;
	d->wire_len = wire_len;
	d->linktype = dlt;
	d->status = PT_OK;
	d->nlayers = 0;
	d->depth_exceeded = false;
	d->nevents = 0;
	d->nips = 0;
	d->l4_proto = PT_P_NONE;
	d->sport = d->dport = 0;
	d->has_ports = false;
	d->l4_off = d->payload_off = d->payload_len = 0;
	d->vlan_count = d->tunnel_count = 0;
	d->arp_op = 0;
	memset(&d->tcp, 0, sizeof d->tcp);
	memset(&d->icmp, 0, sizeof d->icmp);

	struct pt_dctx x = { d, opts, frame };
	if (caplen > wire_len) {
		pt_dctx_event(&x, PT_EV_PKT_CAPLEN_EXCEEDS_LEN);
		wire_len = caplen;
		d->wire_len = wire_len;
	} else if (caplen < wire_len) {
		pt_dctx_event(&x, PT_EV_PKT_SNAPLEN_CUT);
	}

	enum pt_proto proto = link_proto(dlt);
	if (proto == PT_P_NONE) {
		pt_dctx_event(&x, PT_EV_LINK_UNSUPPORTED);
		return d->status;
	}

	size_t off = 0, cap_end = caplen, wire_end = wire_len;
	uint16_t aux = 0;
	while (proto != PT_P_NONE) {
		if (d->nlayers >= PT_MAX_LAYERS) {
			d->depth_exceeded = true;
			pt_dctx_event(&x, PT_EV_DEPTH_EXCEEDED);
			d->status = worse(d->status, PT_MALFORMED);
			break;
		}
		/* Nothing left on the wire (a UDP datagram to port 4789 with no
		 * payload): no header follows, so no layer. */
		if (off >= wire_end && d->nlayers > 0)
			break;
		struct pt_layer *layer = &d->layers[d->nlayers++];
		memset(layer, 0, sizeof *layer);
		layer->proto = (uint8_t)proto;
		layer->off = (uint32_t)off;
		layer->aux = aux;

		struct pt_layer_in in;
		in.v.p = frame + off;
		in.v.len = cap_end > off ? cap_end - off : 0;
		in.wire = wire_end > off ? wire_end - off : 0;
		if (in.wire < in.v.len)
			in.wire = in.v.len;
		in.off = (uint32_t)off;

		struct pt_next next = { PT_P_NONE, 0, 0, 0 };
		enum pt_status st = decoders[proto].fn(&x, layer, &in, &next);
		if (st != PT_OK) {
			if (!(st == PT_TRUNCATED && pt_decoded_has_event(d, PT_EV_IP_TINY_FRAGMENT)))
				d->status = worse(d->status, st);
			layer->hdr_len = (uint32_t)(in.v.len < 0xffffffffu ? in.v.len : 0);
			break;
		}
		layer->hdr_len = (uint32_t)next.hdr_len;
		if (next.clamp) {
			if (off + next.clamp < cap_end)
				cap_end = off + next.clamp;
			if (off + next.clamp < wire_end)
				wire_end = off + next.clamp;
			/* Inside the first fragment of an outer datagram (a tunnel packet
			 * fragmented on the underlay) the inner lengths are the packet's
			 * own: the rest is in the next fragments, not missing. */
			else if (pt_dctx_in_fragment(&x, false))
				wire_end = off + next.clamp;
		}
		off += next.hdr_len;
		proto = next.proto;
		aux = next.aux;
	}
	return d->status;
}

size_t pt_stack_format(const struct pt_decoded *d, char *buf, size_t size)
{
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	for (unsigned i = 0; i < d->nlayers; i++) {
		const struct pt_layer *l = &d->layers[i];
		char id[40] = "";
		switch (l->id_kind) {
		case PT_ID_VLAN:
		case PT_ID_MPLS:
			snprintf(id, sizeof id, "[%u]", l->id);
			break;
		case PT_ID_VNI:
			snprintf(id, sizeof id, "[vni=%u]", l->id);
			break;
		case PT_ID_GRE_KEY:
			snprintf(id, sizeof id, "[key=%u]", l->id);
			break;
		case PT_ID_ERSPAN:
			snprintf(id, sizeof id, "[session=%u]", l->id);
			break;
		case PT_ID_SPI:
			snprintf(id, sizeof id, "[spi=0x%x]", l->id);
			break;
		case PT_ID_L2TP_SESSION:
			snprintf(id, sizeof id, "[session=%u]", l->id);
			break;
		default:
			break;
		}
		int w = snprintf(size > n ? buf + n : NULL, size > n ? size - n : 0, "%s%s%s",
				 i ? ":" : "", pt_proto_name((enum pt_proto)l->proto), id);
		if (w > 0)
			n += (size_t)w;
	}
	return n;
}

void pt_ip_format(uint8_t version, const uint8_t a[16], char *buf, size_t size)
{
	if (version == 4) {
		snprintf(buf, size, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	/* RFC 5952: compress the longest run of two or more zero groups. */
	uint16_t g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)((a[2 * i] << 8) | a[2 * i + 1]);
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	/* ::ffff:a.b.c.d is written with the IPv4 tail, as inet_ntop does. */
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < 8 && n < size; i++) {
		if (i == best) {
			n += (size_t)snprintf(buf + n, size - n, "::");
			i += best_len - 1;
			continue;
		}
		if (best == 0 && best_len == 5 && i == 5 && g[5] == 0xffff) {
			snprintf(buf + n, size - n, "ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			return;
		}
		n += (size_t)snprintf(buf + n, size - n, "%s%x",
				      (i && !(best >= 0 && i == best + best_len)) ? ":" : "", g[i]);
	}
}
