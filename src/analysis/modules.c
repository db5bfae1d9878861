/* The modules of the analysis, in the order their done hooks run: each may
 * use what the ones above it computed. A new module is one file and one row. */
#include <config.h>

#include "analysis/analysis.h"

const struct pt_module pt_modules[] = {
	{ "roles", NULL, pt_roles_done, NULL },
	{ "clock", NULL, pt_clock_done, NULL },
	{ "order", NULL, pt_order_done, pt_order_free },
	{ "hops", NULL, pt_hops_done, pt_hops_free },
	{ "loss", NULL, pt_loss_done, NULL },
	{ "latency", NULL, pt_latency_done, NULL },
	{ "capture", NULL, pt_capture_done, NULL },
	{ "nat", NULL, pt_nat_done, NULL },
	{ "icmp", pt_icmp_packet, pt_icmp_done, pt_icmp_free },
	{ "mtu", NULL, pt_mtu_done, NULL },
	{ "frag", NULL, pt_frag_done, NULL },
	{ "encap", NULL, pt_encap_done, NULL },
	{ "limits", NULL, pt_limits_done, NULL },
	{ "throughput", pt_throughput_packet, pt_throughput_done, pt_throughput_free },
	{ "rtt", pt_rtt_packet, pt_rtt_done, pt_rtt_free },
};

const size_t pt_nmodules = sizeof pt_modules / sizeof pt_modules[0];
