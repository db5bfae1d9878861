/* The layered decoder: one top-down walk over a frame, one decoder per protocol.
 *
 * pt_decode() fills a struct pt_decoded with the layer stack (offsets into the
 * frame), the outermost and innermost IP headers, the innermost transport
 * header, tunnel ids and named events. It never allocates, prints or keeps
 * state between packets; the frame bytes are only borrowed during the call.
 */
#ifndef PATHTRACE_DECODE_H
#define PATHTRACE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pathtrace/events.h"
#include "pathtrace/view.h"

/* Bounds on everything that nests or repeats (STYLE.md, principle 5). */
#define PT_MAX_LAYERS 24
#define PT_MAX_IPS 6
#define PT_MAX_EVENTS 8
#define PT_MAX_VLAN_TAGS 8
#define PT_MAX_MPLS_LABELS 8
#define PT_MAX_IPV6_EXTHDRS 8
#define PT_MAX_UDP_TUNNEL_PORTS 8
#define PT_MAX_SACK_BLOCKS 4 /* 40 option bytes hold 4 (RFC 2018) */

enum pt_proto {
	PT_P_NONE = 0,
	PT_P_ETH,
	PT_P_LLC,
	PT_P_SLL,
	PT_P_SLL2,
	PT_P_NULL,
	PT_P_RAW,
	PT_P_VLAN,
	PT_P_MPLS,
	PT_P_ARP,
	PT_P_IPV4,
	PT_P_IPV6,
	PT_P_GRE,
	PT_P_ERSPAN,
	PT_P_VXLAN,
	PT_P_GENEVE,
	PT_P_AH,
	PT_P_GUE,
	PT_P_L2TP,
	PT_P_UDP,
	PT_P_TCP,
	PT_P_ICMP,
	PT_P_ICMPV6,
	PT_P__COUNT
};

/* Short lower-case name as used in stacks: eth, vlan, ipv4, vxlan ... */
const char *pt_proto_name(enum pt_proto p);

enum pt_status {
	PT_OK = 0,        /* decoded as far as the protocols we know go */
	PT_TRUNCATED = 1, /* the capture holds fewer bytes than the headers need */
	PT_MALFORMED = 2, /* the packet contradicts itself */
};

enum pt_layer_id_kind {
	PT_ID_NONE = 0,
	PT_ID_VLAN,    /* 802.1Q VID */
	PT_ID_MPLS,    /* label */
	PT_ID_VNI,     /* VXLAN / Geneve */
	PT_ID_GRE_KEY, /* GRE key (NVGRE: VSID << 8 | FlowID) */
	PT_ID_ERSPAN,  /* session id */
	PT_ID_SPI,     /* IPsec security parameters index */
	PT_ID_L2TP_SESSION, /* L2TPv3 session id */
};

struct pt_layer {
	uint8_t proto;   /* enum pt_proto */
	uint8_t id_kind; /* enum pt_layer_id_kind */
	uint16_t aux;    /* VLAN TPID, GRE protocol, ERSPAN version ... */
	uint32_t off;    /* offset of the header in the frame */
	uint32_t hdr_len;
	uint32_t id;
};

struct pt_ip {
	uint8_t version; /* 4 or 6 */
	uint8_t proto;   /* upper-layer protocol (after IPv6 extension headers and AH) */
	uint8_t ttl;     /* TTL / hop limit */
	uint8_t tos;
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint32_t off;             /* offset of the IP header in the frame */
	uint32_t hdr_len;         /* including IPv6 extension headers */
	uint32_t total_len;       /* claimed: IPv4 total length / 40 + IPv6 payload length */
	uint32_t id;              /* IPv4 ID, IPv6 fragment identification */
	uint16_t frag_off;        /* fragment offset in bytes */
	bool df, mf, is_frag;     /* is_frag: offset != 0 or MF or an IPv6 fragment header */
	bool len_from_frame;      /* total length was 0 (TSO) and taken from the frame */
};

struct pt_tcp {
	uint32_t seq, ack;
	uint16_t win;
	uint8_t flags; /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80 */
	uint8_t hdr_len;
	uint16_t mss;    /* 0 when absent */
	int8_t wscale;   /* -1 when absent */
	bool sack_ok;
	uint8_t sack_blocks;
	/* The blocks themselves: what tells two dup-ACKs of one hole apart. */
	struct {
		uint32_t left, right;
	} sack[PT_MAX_SACK_BLOCKS];
	bool has_ts;
	uint32_t ts_val, ts_ecr;
};

/* What an ICMP error quotes of the packet that caused it. */
struct pt_icmp_quote {
	bool present;
	uint8_t version, proto;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool has_ports;
	bool has_echo_id; /* the quoted packet is an echo request or reply */
	uint16_t echo_id;
	uint32_t ip_id;
	uint32_t total_len;
	/* What NAT leaves alone past the ports: the TCP sequence number, the
	 * ICMP echo sequence. */
	bool has_l4_word;
	uint32_t l4_word;
};

struct pt_icmp {
	uint8_t type, code;
	bool is_v6;
	uint16_t echo_id, echo_seq;
	bool is_echo;
	uint32_t mtu; /* frag-needed next-hop MTU / Packet Too Big MTU; 0 when not such a message */
	struct pt_icmp_quote quote;
};

struct pt_decoded {
	/* Input facts. */
	uint32_t caplen, wire_len;
	int linktype;

	enum pt_status status;
	struct pt_layer layers[PT_MAX_LAYERS];
	uint8_t nlayers;
	bool depth_exceeded;

	uint16_t events[PT_MAX_EVENTS];
	uint8_t nevents;

	struct pt_ip ips[PT_MAX_IPS];
	uint8_t nips; /* ips[0] outermost, ips[nips-1] innermost */

	/* Innermost transport, reset by every IP header so it belongs to ips[nips-1]. */
	uint8_t l4_proto; /* enum pt_proto: PT_P_TCP/UDP/ICMP/ICMPV6, or NONE */
	uint16_t sport, dport;
	bool has_ports;
	struct pt_tcp tcp;
	struct pt_icmp icmp;
	uint32_t l4_off;       /* offset of the innermost transport header */
	uint32_t payload_off;  /* offset of its payload in the frame */
	uint32_t payload_len;  /* claimed payload length (from IP lengths), may exceed caplen */

	uint16_t vlan_count;   /* all VLAN tags in the frame */
	uint16_t tunnel_count; /* vxlan, geneve, gre, erspan, ip-in-ip (also through AH) layers */
	uint16_t arp_op;
};

/* Extra knobs: the UDP ports that mean VXLAN, Geneve, GUE or MPLS. pt_decode_opts_init
 * sets the defaults (VXLAN 4789 and 8472, Geneve 6081, MPLS 6635; GUE has none). */
struct pt_decode_opts {
	uint16_t vxlan_ports[PT_MAX_UDP_TUNNEL_PORTS];
	uint8_t n_vxlan_ports;
	uint16_t geneve_ports[PT_MAX_UDP_TUNNEL_PORTS];
	uint8_t n_geneve_ports;
	uint16_t gue_ports[PT_MAX_UDP_TUNNEL_PORTS];
	uint8_t n_gue_ports;
	uint16_t mpls_ports[PT_MAX_UDP_TUNNEL_PORTS]; /* MPLS over UDP, RFC 7510 */
	uint8_t n_mpls_ports;
};

enum pt_port_result {
	PT_PORT_ADDED = 0,
	PT_PORT_FULL,         /* PT_MAX_UDP_TUNNEL_PORTS already */
	PT_PORT_TAKEN,        /* already added for another protocol */
	PT_PORT_NOT_A_TUNNEL, /* proto has no port list */
};

void pt_decode_opts_init(struct pt_decode_opts *o);
/* Adds a UDP port for proto (PT_P_VXLAN, PT_P_GENEVE, PT_P_GUE, PT_P_MPLS). A port means
 * one protocol: a port that is another protocol's default moves over (the
 * explicit option decides: --vxlan-port 6080 and --gue-port 6080 are two
 * readings of the same port); one added for another protocol is refused. */
enum pt_port_result pt_decode_opts_add_port(struct pt_decode_opts *o, enum pt_proto proto, uint16_t port);
bool pt_decode_opts_add_vxlan_port(struct pt_decode_opts *o, uint16_t port);
bool pt_decode_opts_add_geneve_port(struct pt_decode_opts *o, uint16_t port);
/* The protocol whose list holds port, or PT_P_NONE. */
enum pt_proto pt_decode_opts_port_proto(const struct pt_decode_opts *o, uint16_t port);

/* Is this DLT one we decode? */
bool pt_linktype_supported(int dlt);

/* Decodes one frame. opts may be NULL (defaults). Returns d->status. */
enum pt_status pt_decode(struct pt_decoded *d, const uint8_t *frame, uint32_t caplen,
			 uint32_t wire_len, int dlt, const struct pt_decode_opts *opts);

/* Writes the stack as "eth:vlan[10]:ipv4:udp:vxlan[vni=100]:eth:ipv4:tcp". Returns the
 * length it wanted (snprintf semantics). */
size_t pt_stack_format(const struct pt_decoded *d, char *buf, size_t size);

/* Formats an IP address of the given version. */
void pt_ip_format(uint8_t version, const uint8_t addr[16], char *buf, size_t size);

/* The innermost IP header, or NULL. */
static inline const struct pt_ip *pt_inner_ip(const struct pt_decoded *d)
{
	return d->nips ? &d->ips[d->nips - 1] : NULL;
}

static inline const struct pt_ip *pt_outer_ip(const struct pt_decoded *d)
{
	return d->nips ? &d->ips[0] : NULL;
}

bool pt_decoded_has_event(const struct pt_decoded *d, enum pt_event ev);

#endif
