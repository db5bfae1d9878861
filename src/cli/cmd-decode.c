/* `pathtrace decode`: one line (and optionally one CSV row) per packet, in
 * timestamp order across all files, then a summary. */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathtrace/capture.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "output/csv-writer.h"
#include "output/decode-stats.h"

static const char *const csv_cols[] = {
	"point", "ts", "caplen", "len", "stack", "proto", "src_ip", "src_port", "dst_ip", "dst_port",
	"events", "status", "outer_src_ip", "outer_dst_ip", "ttl", "ip_id", "ip_len", "df", "frag_offset",
	"more_fragments", "tcp_flags", "tcp_seq", "tcp_ack", "payload_len", "vlan_ids", "vni", "gre_key",
	"icmp_type", "icmp_code", "icmp_mtu",
};

static const char *status_name(enum pt_status s)
{
	return s == PT_OK ? "ok" : s == PT_TRUNCATED ? "truncated" : "malformed";
}

static void tcp_flags_str(uint8_t f, char *buf)
{
	static const char letters[] = "FSRPAUEC";
	int n = 0;
	for (int i = 0; i < 8; i++)
		if (f & (1 << i))
			buf[n++] = letters[i];
	buf[n] = '\0';
}

static void events_str(const struct pt_decoded *d, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < d->nevents && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ";" : "",
				      pt_event_name((enum pt_event)d->events[i]));
}

/* The innermost flow's ports: ICMP echo puts its identifier in src_port. */
static bool flow_ports(const struct pt_decoded *d, char *sp, char *dp, size_t size)
{
	sp[0] = dp[0] = '\0';
	if (d->has_ports) {
		snprintf(sp, size, "%u", d->sport);
		snprintf(dp, size, "%u", d->dport);
		return true;
	}
	if ((d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6) && d->icmp.is_echo) {
		snprintf(sp, size, "%u", d->icmp.echo_id);
		return true;
	}
	return false;
}

static const char *l4_name(const struct pt_decoded *d)
{
	if (d->l4_proto != PT_P_NONE)
		return pt_proto_name((enum pt_proto)d->l4_proto);
	if (d->arp_op)
		return "arp";
	const struct pt_ip *ip = pt_inner_ip(d);
	if (ip) {
		static char buf[16];
		snprintf(buf, sizeof buf, "ip-%u", ip->proto);
		return buf;
	}
	return "";
}

static void print_line(FILE *out, const char *point, const struct pt_packet *p, const struct pt_decoded *d)
{
	char ts[48], stack[512], src[64] = "", dst[64] = "", sp[16], dp[16], ev[512];
	pt_format_ts(p->ts_ns, ts, sizeof ts);
	pt_stack_format(d, stack, sizeof stack);
	fprintf(out, "%s %s %" PRIu32 "/%" PRIu32 " %s", point, ts, p->caplen, p->len, stack);
	const struct pt_ip *ip = pt_inner_ip(d);
	if (ip) {
		pt_ip_format(ip->version, ip->src, src, sizeof src);
		pt_ip_format(ip->version, ip->dst, dst, sizeof dst);
		bool ports = d->has_ports && flow_ports(d, sp, dp, sizeof sp);
		if (ports)
			fprintf(out, " %s %s%s%s.%s > %s%s%s.%s", l4_name(d), ip->version == 6 ? "[" : "", src,
				ip->version == 6 ? "]" : "", sp, ip->version == 6 ? "[" : "", dst,
				ip->version == 6 ? "]" : "", dp);
		else
			fprintf(out, " %s %s > %s", l4_name(d), src, dst);
		fprintf(out, " ttl=%u len=%" PRIu32, ip->ttl, ip->total_len);
		if (ip->version == 4)
			fprintf(out, " id=%" PRIu32 "%s", ip->id, ip->df ? " DF" : "");
		if (ip->is_frag)
			fprintf(out, " frag(id=%" PRIu32 " off=%u%s)", ip->id, ip->frag_off, ip->mf ? " MF" : "");
	}
	if (d->l4_proto == PT_P_TCP) {
		char f[9];
		tcp_flags_str(d->tcp.flags, f);
		fprintf(out, " [%s] seq=%" PRIu32 " ack=%" PRIu32 " win=%u", f, d->tcp.seq, d->tcp.ack, d->tcp.win);
		if (d->tcp.mss)
			fprintf(out, " mss=%u", d->tcp.mss);
		fprintf(out, " payload=%" PRIu32, d->payload_len);
	} else if (d->l4_proto == PT_P_UDP) {
		fprintf(out, " payload=%" PRIu32, d->payload_len);
	} else if (d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6) {
		fprintf(out, " type=%u code=%u", d->icmp.type, d->icmp.code);
		if (d->icmp.is_echo)
			fprintf(out, " echo id=%u seq=%u", d->icmp.echo_id, d->icmp.echo_seq);
		if (d->icmp.mtu)
			fprintf(out, " mtu=%" PRIu32, d->icmp.mtu);
		if (d->icmp.quote.present) {
			char qs[64], qd[64];
			pt_ip_format(d->icmp.quote.version, d->icmp.quote.src, qs, sizeof qs);
			pt_ip_format(d->icmp.quote.version, d->icmp.quote.dst, qd, sizeof qd);
			fprintf(out, " quote(%s > %s proto %u", qs, qd, d->icmp.quote.proto);
			if (d->icmp.quote.has_ports)
				fprintf(out, " ports %u > %u", d->icmp.quote.sport, d->icmp.quote.dport);
			fprintf(out, ")");
		}
	} else if (d->arp_op) {
		fprintf(out, " arp op=%u", d->arp_op);
	}
	if (d->nevents) {
		events_str(d, ev, sizeof ev);
		fprintf(out, " !%s", ev);
	}
	fputc('\n', out);
}

static void csv_row(struct pt_csv *c, const char *point, const struct pt_packet *p, const struct pt_decoded *d)
{
	char buf[512], sp[16], dp[16];
	pt_csv_str(c, point);
	pt_csv_ts(c, p->ts_ns);
	pt_csv_u64(c, p->caplen);
	pt_csv_u64(c, p->len);
	pt_stack_format(d, buf, sizeof buf);
	pt_csv_str(c, buf);
	pt_csv_str(c, l4_name(d));
	const struct pt_ip *ip = pt_inner_ip(d), *outer = pt_outer_ip(d);
	flow_ports(d, sp, dp, sizeof sp);
	if (ip) {
		pt_ip_format(ip->version, ip->src, buf, sizeof buf);
		pt_csv_str(c, buf);
		pt_csv_str(c, sp);
		pt_ip_format(ip->version, ip->dst, buf, sizeof buf);
		pt_csv_str(c, buf);
		pt_csv_str(c, dp);
	} else {
		pt_csv_empty(c);
		pt_csv_empty(c);
		pt_csv_empty(c);
		pt_csv_empty(c);
	}
	events_str(d, buf, sizeof buf);
	pt_csv_str(c, buf);
	pt_csv_str(c, status_name(d->status));
	if (outer && d->nips > 1) {
		pt_ip_format(outer->version, outer->src, buf, sizeof buf);
		pt_csv_str(c, buf);
		pt_ip_format(outer->version, outer->dst, buf, sizeof buf);
		pt_csv_str(c, buf);
	} else {
		pt_csv_empty(c);
		pt_csv_empty(c);
	}
	if (ip) {
		pt_csv_u64(c, ip->ttl);
		pt_csv_u64(c, ip->id);
		pt_csv_u64(c, ip->total_len);
		pt_csv_u64(c, ip->df);
		pt_csv_u64(c, ip->frag_off);
		pt_csv_u64(c, ip->mf);
	} else {
		for (int i = 0; i < 6; i++)
			pt_csv_empty(c);
	}
	if (d->l4_proto == PT_P_TCP) {
		tcp_flags_str(d->tcp.flags, buf);
		pt_csv_str(c, buf);
		pt_csv_u64(c, d->tcp.seq);
		pt_csv_u64(c, d->tcp.ack);
	} else {
		pt_csv_empty(c);
		pt_csv_empty(c);
		pt_csv_empty(c);
	}
	if (d->l4_proto != PT_P_NONE)
		pt_csv_u64(c, d->payload_len);
	else
		pt_csv_empty(c);
	/* Tunnel ids, outermost first, ';'-joined when there are several. */
	char vlans[128] = "", vnis[128] = "", keys[128] = "";
	size_t nv = 0, nn = 0, nk = 0;
	for (unsigned i = 0; i < d->nlayers; i++) {
		const struct pt_layer *l = &d->layers[i];
		if (l->id_kind == PT_ID_VLAN && nv < sizeof vlans)
			nv += (size_t)snprintf(vlans + nv, sizeof vlans - nv, "%s%" PRIu32, nv ? ";" : "", l->id);
		else if (l->id_kind == PT_ID_VNI && nn < sizeof vnis)
			nn += (size_t)snprintf(vnis + nn, sizeof vnis - nn, "%s%" PRIu32, nn ? ";" : "", l->id);
		else if (l->id_kind == PT_ID_GRE_KEY && nk < sizeof keys)
			nk += (size_t)snprintf(keys + nk, sizeof keys - nk, "%s%" PRIu32, nk ? ";" : "", l->id);
	}
	pt_csv_str(c, vlans);
	pt_csv_str(c, vnis);
	pt_csv_str(c, keys);
	if (d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6) {
		pt_csv_u64(c, d->icmp.type);
		pt_csv_u64(c, d->icmp.code);
		if (d->icmp.mtu)
			pt_csv_u64(c, d->icmp.mtu);
		else
			pt_csv_empty(c);
	} else {
		pt_csv_empty(c);
		pt_csv_empty(c);
		pt_csv_empty(c);
	}
	pt_csv_end_row(c);
}

int pt_cmd_decode(const struct pt_options *o, pt_report_fn report)
{
	char err[PT_ERRBUF_SIZE];
	int rc = PT_EXIT_OK;
	struct pt_capset *cs = pt_capset_new();
	struct pt_inputs in;
	bool bad_input;
	if (!cs || !pt_cli_inputs(o, &in, &bad_input, report)) {
		pt_capset_free(cs);
		report("out of memory");
		return PT_EXIT_INPUT;
	}
	if (bad_input)
		rc = PT_EXIT_INPUT;
	pt_capset_decode_opts(cs, &o->dec);
	if ((o->inner_bpf && !pt_capset_inner_filter(cs, o->inner_bpf, err, sizeof err)) ||
	    (o->bpf && !pt_capset_check_filter(o->bpf, err, sizeof err))) {
		report(err);
		pt_capset_free(cs);
		pt_cli_inputs_free(&in);
		return PT_EXIT_USAGE;
	}
	unsigned opened = 0;
	for (size_t i = 0; i < in.n; i++) {
		if (pt_capset_add(cs, in.paths[i], o->bpf, NULL, err, sizeof err) == 0)
			opened++;
		else {
			report(err);
			rc = PT_EXIT_INPUT;
		}
	}
	pt_cli_inputs_free(&in);
	struct pt_csv csv;
	bool have_csv = false;
	if (o->csv_path) {
		if (!pt_csv_open(&csv, o->csv_path, csv_cols, sizeof csv_cols / sizeof csv_cols[0])) {
			snprintf(err, sizeof err, "%s: cannot write the CSV file", o->csv_path);
			report(err);
			pt_capset_free(cs);
			return PT_EXIT_OUTPUT;
		}
		have_csv = true;
	}
	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

	struct pt_decode_stats stats;
	pt_decode_stats_init(&stats);
	struct pt_decoded d;
	struct pt_packet p;
	int r;
	uint64_t n = 0;
	while ((r = pt_capset_next(cs, &p, err, sizeof err)) != 0) {
		if (r < 0) {
			fflush(stdout);
			report(err);
			rc = PT_EXIT_INPUT;
			continue;
		}
		if (p.outside_filter)
			continue;
		if (o->limit && n >= o->limit)
			break;
		n++;
		pt_decode(&d, p.data, p.caplen, p.len, p.linktype, &o->dec);
		pt_decode_stats_add(&stats, &d);
		const char *point = pt_capset_point(cs, p.point)->name;
		if (!o->quiet)
			print_line(stdout, point, &p, &d);
		if (have_csv)
			csv_row(&csv, point, &p, &d);
	}
	if (!o->no_summary) {
		fprintf(stdout, "%s%u file(s) read", o->quiet ? "" : "", opened);
		fprintf(stdout, ", %u capture point(s):", pt_capset_npoints(cs));
		for (unsigned i = 0; i < pt_capset_npoints(cs); i++)
			fprintf(stdout, " %s", pt_capset_point(cs, i)->name);
		fputc('\n', stdout);
		pt_decode_stats_print(&stats, stdout);
	}
	fflush(stdout);
	if (have_csv && !pt_csv_close(&csv)) {
		snprintf(err, sizeof err, "%s: writing the CSV file failed", o->csv_path);
		report(err);
		rc = PT_EXIT_OUTPUT;
	}
	pt_decode_stats_free(&stats);
	pt_capset_free(cs);
	return rc;
}
