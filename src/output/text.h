/* Names and small texts of the output layer: where indexes and enums become
 * words. */
#ifndef PATHTRACE_OUTPUT_TEXT_H
#define PATHTRACE_OUTPUT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"

/* Whether flow id is reported: the user's filters select some packet of it
 * (or of the flow it was translated from). The analysis uses every packet;
 * the filters choose what is shown. */
bool pt_flow_reported(const struct pt_analysis *a, long id);
/* Whether finding f is reported: it concerns no flow, or a reported one. */
bool pt_finding_reported(const struct pt_analysis *a, const struct pt_finding *f);

/* The point's name; NULL for -1. */
const char *pt_point_label(const struct pt_analysis *a, long p);
/* "tcp 10.0.0.1:5201 > 10.0.0.2:40000", "icmp 10.0.0.1 > 10.0.0.2 id 7" */
void pt_flow_key_format(const struct pt_flow_key *k, char *buf, size_t size);
/* The points of a path that are in seen, joined by '>'. */
void pt_path_format(const struct pt_analysis *a, const struct pt_path *path, pt_pset seen, char *buf, size_t size);
/* The whole path. */
void pt_path_format_all(const struct pt_analysis *a, const struct pt_path *path, char *buf, size_t size);
/* "SYN,ACK" */
void pt_tcp_flags_text(uint8_t flags, char *buf, size_t size);
/* "VXLAN", "Geneve", "GRE", "IP-in-IP", "MPLS" for a tunnel protocol. */
const char *pt_encap_name(uint8_t proto);
/* "vlan+vxlan", or "none", for a set of encapsulation bits. */
void pt_encaps_text(uint64_t bits, char *buf, size_t size);
/* "Linux bridge", "Open vSwitch internal port", ... for what a name says,
 * and its article ("a", "an"). */
const char *pt_iface_kind_name(enum pt_iface_kind k);
const char *pt_iface_kind_article(enum pt_iface_kind k);
/* "a hop", "a bridge copy", "a vantage point", "a flood port". */
const char *pt_role_phrase(enum pt_point_role r);
/* Why point p has its role, in a few words: the evidence and its numbers. */
void pt_role_reason_text(const struct pt_analysis *a, size_t p, char *buf, size_t size);
/* "tcp", "udp", "icmp", "icmpv6", "gre", else "ip". */
const char *pt_ip_proto_name(uint8_t proto);

#endif
