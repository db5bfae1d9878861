/* Decoder events: whatever was truncated, malformed or unusual in a packet.
 *
 * Names are stable and dotted (Suricata style) because they are data: they go
 * to CSV and are documented in doc/events.md. Add at the end of a group; never
 * rename. Kind: T = truncated (the capture cut the bytes), M = malformed (the
 * packet itself is inconsistent), I = informational.
 */
#ifndef PATHTRACE_EVENTS_H
#define PATHTRACE_EVENTS_H

#define PT_EVENT_LIST(X) \
	X(LINK_UNSUPPORTED,        'I', "decoder.link.unsupported") \
	X(DEPTH_EXCEEDED,          'M', "decoder.depth_exceeded") \
	X(ETH_TRUNCATED,           'T', "decoder.eth.truncated") \
	X(ETH_MALFORMED,           'M', "decoder.eth.malformed") \
	X(ETH_UNKNOWN_ETHERTYPE,   'I', "decoder.eth.unknown_ethertype") \
	X(LLC_TRUNCATED,           'T', "decoder.llc.truncated") \
	X(SLL_TRUNCATED,           'T', "decoder.sll.truncated") \
	X(SLL_MALFORMED,           'M', "decoder.sll.malformed") \
	X(NULL_TRUNCATED,          'T', "decoder.null.truncated") \
	X(NULL_UNKNOWN_FAMILY,     'I', "decoder.null.unknown_family") \
	X(RAW_BAD_VERSION,         'M', "decoder.raw.bad_version") \
	X(VLAN_TRUNCATED,          'T', "decoder.vlan.truncated") \
	X(VLAN_MALFORMED,          'M', "decoder.vlan.malformed") \
	X(VLAN_TOO_MANY_TAGS,      'M', "decoder.vlan.too_many_tags") \
	X(MPLS_TRUNCATED,          'T', "decoder.mpls.truncated") \
	X(MPLS_MALFORMED,          'M', "decoder.mpls.malformed") \
	X(MPLS_TOO_MANY_LABELS,    'M', "decoder.mpls.too_many_labels") \
	X(MPLS_UNKNOWN_PAYLOAD,    'I', "decoder.mpls.unknown_payload") \
	X(ARP_TRUNCATED,           'T', "decoder.arp.truncated") \
	X(ARP_MALFORMED,           'M', "decoder.arp.malformed") \
	X(IPV4_TRUNCATED,          'T', "decoder.ipv4.truncated") \
	X(IPV4_MALFORMED,          'M', "decoder.ipv4.malformed") \
	X(IPV4_BAD_VERSION,        'M', "decoder.ipv4.bad_version") \
	X(IPV4_BAD_HLEN,           'M', "decoder.ipv4.bad_header_length") \
	X(IPV4_LEN_EXCEEDS_FRAME,  'M', "decoder.ipv4.total_length_exceeds_frame") \
	X(IPV4_LEN_ZERO,           'I', "decoder.ipv4.total_length_zero") \
	X(IPV4_BAD_OPTION,         'M', "decoder.ipv4.bad_option") \
	X(IPV4_FRAG_OVERSIZE,      'M', "decoder.ipv4.fragment_oversize") \
	X(IPV6_TRUNCATED,          'T', "decoder.ipv6.truncated") \
	X(IPV6_MALFORMED,          'M', "decoder.ipv6.malformed") \
	X(IPV6_BAD_VERSION,        'M', "decoder.ipv6.bad_version") \
	X(IPV6_LEN_EXCEEDS_FRAME,  'M', "decoder.ipv6.payload_length_exceeds_frame") \
	X(IPV6_LEN_ZERO,           'I', "decoder.ipv6.payload_length_zero") \
	X(IPV6_EXTHDR_TRUNCATED,   'T', "decoder.ipv6.exthdr_truncated") \
	X(IPV6_EXTHDR_MALFORMED,   'M', "decoder.ipv6.exthdr_malformed") \
	X(IPV6_TOO_MANY_EXTHDRS,   'M', "decoder.ipv6.too_many_exthdrs") \
	X(IPV6_FRAG_OVERSIZE,      'M', "decoder.ipv6.fragment_oversize") \
	X(IP_UNKNOWN_PROTO,        'I', "decoder.ip.unknown_protocol") \
	X(IP_TINY_FRAGMENT,        'I', "decoder.ip.tiny_fragment") \
	X(IP_INSIDE_FRAGMENT,      'I', "decoder.ip.inside_fragment") \
	X(UDP_TRUNCATED,           'T', "decoder.udp.truncated") \
	X(UDP_MALFORMED,           'M', "decoder.udp.malformed") \
	X(UDP_BAD_LENGTH,          'M', "decoder.udp.bad_length") \
	X(TCP_TRUNCATED,           'T', "decoder.tcp.truncated") \
	X(TCP_MALFORMED,           'M', "decoder.tcp.malformed") \
	X(TCP_BAD_DATA_OFFSET,     'M', "decoder.tcp.bad_data_offset") \
	X(TCP_OPT_TRUNCATED,       'T', "decoder.tcp.option_truncated") \
	X(TCP_BAD_OPTION,          'M', "decoder.tcp.bad_option") \
	X(ICMP_TRUNCATED,          'T', "decoder.icmp.truncated") \
	X(ICMP_MALFORMED,          'M', "decoder.icmp.malformed") \
	X(ICMP_QUOTE_TRUNCATED,    'T', "decoder.icmp.quote_truncated") \
	X(ICMPV6_TRUNCATED,        'T', "decoder.icmpv6.truncated") \
	X(ICMPV6_MALFORMED,        'M', "decoder.icmpv6.malformed") \
	X(ICMPV6_PTB_BELOW_MIN,    'I', "decoder.icmpv6.ptb_mtu_below_minimum") \
	X(GRE_TRUNCATED,           'T', "decoder.gre.truncated") \
	X(GRE_MALFORMED,           'M', "decoder.gre.malformed") \
	X(GRE_BAD_VERSION,         'M', "decoder.gre.bad_version") \
	X(GRE_UNKNOWN_PROTO,       'I', "decoder.gre.unknown_protocol") \
	X(GRE_PPTP,                'I', "decoder.gre.pptp_payload") \
	X(ERSPAN_TRUNCATED,        'T', "decoder.erspan.truncated") \
	X(ERSPAN_MALFORMED,        'M', "decoder.erspan.malformed") \
	X(VXLAN_TRUNCATED,         'T', "decoder.vxlan.truncated") \
	X(VXLAN_BAD_FLAGS,         'M', "decoder.vxlan.bad_flags") \
	X(GENEVE_TRUNCATED,        'T', "decoder.geneve.truncated") \
	X(GENEVE_MALFORMED,        'M', "decoder.geneve.malformed") \
	X(GENEVE_BAD_VERSION,      'M', "decoder.geneve.bad_version") \
	X(GENEVE_UNKNOWN_PROTO,    'I', "decoder.geneve.unknown_protocol") \
	X(PKT_SNAPLEN_CUT,         'I', "capture.snaplen_cut") \
	X(PKT_CAPLEN_EXCEEDS_LEN,  'M', "capture.caplen_exceeds_len") \
	X(EVENTS_OVERFLOW,         'I', "decoder.events_overflow") \
	X(VXLAN_MALFORMED,         'M', "decoder.vxlan.malformed") \
	X(NULL_MALFORMED,          'M', "decoder.null.malformed") \
	X(AH_TRUNCATED,            'T', "decoder.ah.truncated") \
	X(AH_MALFORMED,            'M', "decoder.ah.malformed") \
	X(GUE_TRUNCATED,           'T', "decoder.gue.truncated") \
	X(GUE_MALFORMED,           'M', "decoder.gue.malformed") \
	X(GUE_BAD_VERSION,         'M', "decoder.gue.bad_version") \
	X(GUE_UNKNOWN_PROTO,       'I', "decoder.gue.unknown_protocol") \
	X(GUE_CONTROL,             'I', "decoder.gue.control") \
	X(L2TP_TRUNCATED,          'T', "decoder.l2tp.truncated") \
	X(L2TP_MALFORMED,          'M', "decoder.l2tp.malformed") \
	X(L2TP_BAD_VERSION,        'M', "decoder.l2tp.bad_version") \
	X(L2TP_OTHER_VERSION,      'I', "decoder.l2tp.other_version") \
	X(L2TP_CONTROL,            'I', "decoder.l2tp.control") \
	X(L2TP_UNKNOWN_PAYLOAD,    'I', "decoder.l2tp.unknown_payload")

enum pt_event {
#define PT_EVENT_ENUM(id, kind, name) PT_EV_##id,
	PT_EVENT_LIST(PT_EVENT_ENUM)
#undef PT_EVENT_ENUM
	PT_EV__COUNT
};

const char *pt_event_name(enum pt_event ev);
/* 'T' truncated, 'M' malformed, 'I' informational. */
char pt_event_kind(enum pt_event ev);
/* Looks an event up by its dotted name; -1 when unknown. */
int pt_event_by_name(const char *name);

#endif
