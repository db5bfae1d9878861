/* The command-line layer: option parsing, --name lookup, and the options
 * that name capture points turned into point fields and indexes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "check_pathtrace.h"
#include "analysis/analysis.h"
#include "cli/options.h"
#include "cli/points.h"
#include "model/point.h"
#include "pathtrace/capture.h"

static char err[512];

/* The compound literal lives as long as the enclosing block: parsing keeps
 * pointers into it. */
#define ARGV(...) (int)(sizeof(const char *[]){ __VA_ARGS__ } / sizeof(char *)), (const char *[]){ __VA_ARGS__ }

static bool parse(struct pt_options *o, const char *cmd, int argc, const char *const *argv)
{
	pt_options_init(o);
	o->command = cmd;
	err[0] = '\0';
	return pt_options_parse(o, argc, argv, err, sizeof err);
}

static void rejects(const char *cmd, int argc, const char *const *argv, const char *want)
{
	struct pt_options o;
	ck_assert_msg(!parse(&o, cmd, argc, argv), "accepted %s %s", argv[0], argc > 1 ? argv[1] : "");
	ck_assert_msg(strstr(err, want) != NULL, "error \"%s\" does not name \"%s\"", err, want);
	pt_options_free(&o);
}

START_TEST(test_parse_files_then_bpf)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("a/cn1-tap1.pcap", "vm1-eth0.pcapng", "dir/noext", "icmp", "and", "host",
					    "10.10.0.11", "x.pcap")));
	ck_assert_uint_eq(o.nfiles, 3);
	ck_assert_str_eq(o.files[0], "a/cn1-tap1.pcap");
	ck_assert_str_eq(o.files[1], "vm1-eth0.pcapng");
	ck_assert_str_eq(o.files[2], "dir/noext");
	/* Once the expression started, a word that looks like a file is BPF. */
	ck_assert_str_eq(o.bpf, "icmp and host 10.10.0.11 x.pcap");
	ck_assert_str_eq(o.outdir, "pathtrace-out");
	ck_assert(o.window_s == 1.0);
	pt_options_free(&o);

	ck_assert(parse(&o, "analyze", ARGV("only.pcap")));
	ck_assert_uint_eq(o.nfiles, 1);
	ck_assert_ptr_null(o.bpf);
	pt_options_free(&o);
}
END_TEST

START_TEST(test_parse_double_dash)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("-o", "out", "--", "-odd.pcap", "--window", "tcp")));
	ck_assert_str_eq(o.outdir, "out");
	ck_assert_uint_eq(o.nfiles, 1);
	ck_assert_str_eq(o.files[0], "-odd.pcap");
	ck_assert_str_eq(o.bpf, "--window tcp");
	ck_assert(o.window_s == 1.0);
	pt_options_free(&o);
}
END_TEST

START_TEST(test_parse_output_and_window)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("-o", "d1", "a.pcap")));
	ck_assert_str_eq(o.outdir, "d1");
	pt_options_free(&o);
	ck_assert(parse(&o, "analyze", ARGV("--output=d2", "--window", "0.5", "a.pcap")));
	ck_assert_str_eq(o.outdir, "d2");
	ck_assert(o.window_s == 0.5);
	ck_assert_uint_eq(o.nfiles, 1);
	pt_options_free(&o);
	ck_assert(parse(&o, "analyze", ARGV("-w", "2", "--window=0.25", "a.pcap")));
	ck_assert(o.window_s == 0.25);
	pt_options_free(&o);

	rejects("analyze", ARGV("--window", "0", "a.pcap"), "--window");
	ck_assert_str_eq(err, "--window needs a positive number of seconds, not \"0\"");
	rejects("analyze", ARGV("--window", "abc", "a.pcap"), "--window");
	ck_assert_ptr_nonnull(strstr(err, "\"abc\""));
	rejects("analyze", ARGV("-w", "-1", "a.pcap"), "--window");
	rejects("analyze", ARGV("a.pcap", "--window"), "--window");
}
END_TEST

START_TEST(test_parse_role_offset_name)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("--role", "cn1-br0=bridge", "--role=any=vantage", "--clock-offset",
					    "cn2-eth1=-0.25", "--name", "x/a.pcap=A", "-n", "b=B", "--reference",
					    "A", "a.pcap")));
	ck_assert_uint_eq(o.roles.n, 2);
	ck_assert_str_eq(o.roles.v[0].key, "cn1-br0");
	ck_assert_str_eq(o.roles.v[0].value, "bridge");
	ck_assert_str_eq(o.roles.v[1].key, "any");
	ck_assert_str_eq(o.roles.v[1].value, "vantage");
	ck_assert_uint_eq(o.offsets.n, 1);
	ck_assert_str_eq(o.offsets.v[0].key, "cn2-eth1");
	ck_assert(strtod(o.offsets.v[0].value, NULL) == -0.25);
	ck_assert_uint_eq(o.names.n, 2);
	ck_assert_str_eq(o.names.v[0].key, "x/a.pcap");
	ck_assert_str_eq(o.names.v[0].value, "A");
	ck_assert_str_eq(o.names.v[1].key, "b");
	ck_assert_str_eq(o.names.v[1].value, "B");
	ck_assert_str_eq(o.reference, "A");
	ck_assert_uint_eq(o.nfiles, 1);
	pt_options_free(&o);

	rejects("analyze", ARGV("--role", "p=router", "a.pcap"), "--role");
	ck_assert_ptr_nonnull(strstr(err, "p=router"));
	rejects("analyze", ARGV("--clock-offset", "p=x", "a.pcap"), "--clock-offset");
	ck_assert_ptr_nonnull(strstr(err, "p=x"));
	rejects("analyze", ARGV("--clock-offset", "p=", "a.pcap"), "--clock-offset");
	rejects("analyze", ARGV("--name", "=P", "a.pcap"), "--name");
	rejects("analyze", ARGV("--name", "a.pcap", "b.pcap"), "--name");
}
END_TEST

START_TEST(test_parse_unknown_and_other_command)
{
	rejects("analyze", ARGV("--bogus", "a.pcap"), "--bogus");
	ck_assert_str_eq(err, "unknown option --bogus for analyze");
	rejects("analyze", ARGV("--csv", "x.csv", "a.pcap"), "--csv");
	rejects("analyze", ARGV("-q", "a.pcap"), "-q");
	rejects("decode", ARGV("--window", "1", "a.pcap"), "--window");
	rejects("analyze", ARGV("--no-plots=yes", "a.pcap"), "--no-plots");
	/* The same words are fine for the command that has the option. */
	struct pt_options o;
	ck_assert(parse(&o, "decode", ARGV("--csv", "x.csv", "-q", "a.pcap")));
	ck_assert_str_eq(o.csv_path, "x.csv");
	ck_assert(o.quiet);
	pt_options_free(&o);
}
END_TEST

/* Tunnel ports: one protocol per port, the explicit option over a default. */
START_TEST(test_parse_tunnel_ports)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("--gue-port", "6080", "--geneve-port=7000", "a.pcap")));
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 6080), PT_P_GUE);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 7000), PT_P_GENEVE);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 4789), PT_P_VXLAN);
	pt_options_free(&o);
	ck_assert(parse(&o, "decode", ARGV("--gue-port", "4789", "a.pcap")));
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 4789), PT_P_GUE);
	pt_options_free(&o);
	rejects("analyze", ARGV("--vxlan-port", "6080", "--gue-port", "6080", "a.pcap"),
		"--gue-port 6080: UDP port 6080 is already given as vxlan");
	rejects("decode", ARGV("--gue-port", "0", "a.pcap"), "--gue-port needs a UDP port");
	ck_assert(parse(&o, "analyze", ARGV("--mpls-udp-port", "51234", "a.pcap")));
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 51234), PT_P_MPLS);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 6635), PT_P_MPLS);
	pt_options_free(&o);
	/* One option for them all. */
	ck_assert(parse(&o, "analyze", ARGV("--tunnel-port", "6080=vxlan", "--tunnel-port=7000=gue", "a.pcap")));
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 6080), PT_P_VXLAN);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o.dec, 7000), PT_P_GUE);
	pt_options_free(&o);
	rejects("analyze", ARGV("--tunnel-port", "6080=foo", "a.pcap"), "--tunnel-port is PORT=vxlan|geneve|gue|mpls");
	rejects("analyze", ARGV("--tunnel-port", "6080", "a.pcap"), "--tunnel-port is PORT=");
}
END_TEST

START_TEST(test_parse_many_names)
{
	enum { N = 333 };
	static char pairs[N][32];
	static const char *av[2 * N + 1];
	for (int i = 0; i < N; i++) {
		snprintf(pairs[i], sizeof pairs[i], "f%d.pcap=p%d", i, i);
		av[2 * i] = "--name";
		av[2 * i + 1] = pairs[i];
	}
	av[2 * N] = "last.pcap";
	struct pt_options o;
	ck_assert(parse(&o, "analyze", 2 * N + 1, av));
	ck_assert_uint_eq(o.names.n, N);
	for (int i = 0; i < N; i++) {
		char k[32], v[32];
		snprintf(k, sizeof k, "f%d.pcap", i);
		snprintf(v, sizeof v, "p%d", i);
		ck_assert_str_eq(o.names.v[i].key, k);
		ck_assert_str_eq(o.names.v[i].value, v);
	}
	ck_assert_uint_eq(o.nfiles, 1);
	ck_assert_str_eq(pt_cli_name_for_file(&o, "dir/f300.pcap"), "p300");
	pt_options_free(&o);
}
END_TEST

/* A directory is an input (the captures in it), not the start of a filter. */
START_TEST(test_parse_directory_word)
{
	char dir[] = "/tmp/pt-check-cli-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct pt_options o;
	bool ok = parse(&o, "analyze", ARGV("a.pcap", dir, "b.pcap", "icmp"));
	ck_assert_int_eq(rmdir(dir), 0);
	ck_assert(ok);
	ck_assert_uint_eq(o.nfiles, 3);
	ck_assert_str_eq(o.files[0], "a.pcap");
	ck_assert_str_eq(o.files[1], dir);
	ck_assert_str_eq(o.files[2], "b.pcap");
	ck_assert_str_eq(o.bpf, "icmp");
	pt_options_free(&o);
}
END_TEST

/* Options after the expression are not options: they join the BPF. */
START_TEST(test_parse_option_after_bpf)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("a.pcap", "icmp", "-o", "out")));
	ck_assert_str_eq(o.bpf, "icmp -o out");
	ck_assert_str_eq(o.outdir, "pathtrace-out");
	pt_options_free(&o);
}
END_TEST

static int bpf_accepts(const char *expr, const struct fb *f)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	ck_assert_msg(pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0, "%s: %s", expr, pcap_geterr(p));
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)f->n, .len = (bpf_u_int32)f->n };
	int r = pcap_offline_filter(&prog, &h, f->b);
	pcap_freecode(&prog);
	pcap_close(p);
	return r;
}

/* --filter and the words after the files are two filters: a packet must
 * pass both. Joined with a bare space, "tcp or udp" + "port 53" reads as
 * "tcp or (udp port 53)" and lets all TCP through. */
START_TEST(test_parse_filter_and_positional_bpf)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("-f", "tcp or udp", "a.pcap", "port", "53")));
	struct fb dns, web;
	fb_init(&dns);
	fb_eth(&dns, 0x0800);
	fb_ipv4(&dns, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&dns, 1234, 53);
	fb_done(&dns);
	fb_init(&web);
	fb_eth(&web, 0x0800);
	fb_ipv4(&web, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&web, 1234, 80, 0x02, NULL, 0);
	fb_done(&web);
	char expr[64];
	snprintf(expr, sizeof expr, "%s", o.bpf ? o.bpf : "");
	pt_options_free(&o);
	ck_assert_msg(bpf_accepts(expr, &dns) != 0, "\"%s\" drops UDP port 53", expr);
	ck_assert_msg(bpf_accepts(expr, &web) == 0, "\"%s\" passes TCP port 80", expr);
}
END_TEST

START_TEST(test_name_for_file)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("--name", "caps/cn1-tap1.pcap=full", "--name", "cn1-br0.pcap=base",
					    "--name", "cn2-eth1=stem", "x.pcap")));
	ck_assert_str_eq(pt_cli_name_for_file(&o, "caps/cn1-tap1.pcap"), "full");
	/* A key with a directory names that one file, not every file of its name. */
	ck_assert_ptr_null(pt_cli_name_for_file(&o, "cn1-tap1.pcap"));
	ck_assert_str_eq(pt_cli_name_for_file(&o, "/data/run1/cn1-br0.pcap"), "base");
	ck_assert_str_eq(pt_cli_name_for_file(&o, "cn1-br0.pcap"), "base");
	ck_assert_str_eq(pt_cli_name_for_file(&o, "/data/cn2-eth1.pcapng"), "stem");
	ck_assert_str_eq(pt_cli_name_for_file(&o, "cn2-eth1.pcap"), "stem");
	ck_assert_ptr_null(pt_cli_name_for_file(&o, "cn2-eth10.pcap"));
	ck_assert_ptr_null(pt_cli_name_for_file(&o, "cn1-tap.pcap"));
	ck_assert_ptr_null(pt_cli_name_for_file(&o, "caps/other.pcap"));
	pt_options_free(&o);
}
END_TEST

/* Two scenarios with the same file names need --name to tell their points
 * apart; a full path must then pick its own file, not the first entry whose
 * base name matches. */
START_TEST(test_name_for_file_same_base)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("--name", "on/cn1-tap1.pcap=on", "--name", "off/cn1-tap1.pcap=off",
					    "on/cn1-tap1.pcap", "off/cn1-tap1.pcap")));
	/* Values point into argv and outlive the options. */
	const char *on = pt_cli_name_for_file(&o, "on/cn1-tap1.pcap");
	const char *off = pt_cli_name_for_file(&o, "off/cn1-tap1.pcap");
	pt_options_free(&o);
	ck_assert_str_eq(on, "on");
	ck_assert_str_eq(off, "off");
}
END_TEST

static void three_points(struct pt_points *ps)
{
	pt_points_init(ps);
	ck_assert_int_eq(pt_points_add(ps, "cn1-tap1", "cn1-tap1.pcap", DLT_EN10MB), 0);
	ck_assert_int_eq(pt_points_add(ps, "cn1-br0", "cn1-br0.pcap", DLT_EN10MB), 1);
	ck_assert_int_eq(pt_points_add(ps, "cn2-eth1", "cn2-eth1.pcap", DLT_EN10MB), 2);
}

START_TEST(test_apply_point_options)
{
	struct pt_points ps;
	three_points(&ps);
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("--role", "cn1-br0=vantage", "--clock-offset", "cn2-eth1=-0.25",
					    "--reference", "cn2-eth1", "a.pcap")));
	struct pt_analysis_config cfg = { .reference = 99 };
	ck_assert(pt_cli_apply_point_options(&ps, &o, &cfg, err, sizeof err));
	ck_assert(!ps.v[0].role_given);
	ck_assert(ps.v[1].role_given);
	ck_assert_int_eq(ps.v[1].given_role, PT_ROLE_VANTAGE);
	ck_assert(!ps.v[2].role_given);
	ck_assert(!ps.v[0].offset_given);
	ck_assert(!ps.v[1].offset_given);
	ck_assert(ps.v[2].offset_given);
	ck_assert(ps.v[2].given_offset_s == -0.25);
	ck_assert_int_eq(cfg.reference, 2);
	pt_options_free(&o);

	ck_assert(parse(&o, "analyze", ARGV("--role", "cn1-tap1=bridge", "a.pcap")));
	cfg.reference = 99;
	ck_assert(pt_cli_apply_point_options(&ps, &o, &cfg, err, sizeof err));
	ck_assert(ps.v[0].role_given);
	ck_assert_int_eq(ps.v[0].given_role, PT_ROLE_BRIDGE);
	ck_assert_int_eq(cfg.reference, -1);
	pt_options_free(&o);
	pt_points_free(&ps);
}
END_TEST

static void apply_fails(int argc, const char *const *argv, const char *want)
{
	struct pt_points ps;
	three_points(&ps);
	struct pt_options o;
	ck_assert(parse(&o, "analyze", argc, argv));
	struct pt_analysis_config cfg = { .reference = -1 };
	ck_assert(!pt_cli_apply_point_options(&ps, &o, &cfg, err, sizeof err));
	ck_assert_str_eq(err, want);
	for (size_t i = 0; i < ps.n; i++)
		ck_assert(!ps.v[i].offset_given);
	pt_options_free(&o);
	pt_points_free(&ps);
}

START_TEST(test_apply_unknown_point)
{
	apply_fails(ARGV("--role", "cn1-br1=bridge", "a.pcap"), "--role cn1-br1: no such capture point");
	apply_fails(ARGV("--clock-offset", "cn2-eth=1", "a.pcap"), "--clock-offset cn2-eth: no such capture point");
	apply_fails(ARGV("--reference", "cn1-tap1.pcap", "a.pcap"), "--reference cn1-tap1.pcap: no such capture point");
}
END_TEST

static void sample(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/samples/delay/%s", pt_t_srcdir(), name);
}

START_TEST(test_sync_points)
{
	char a[4096], b[4096];
	sample(a, sizeof a, "cn1-tap1.pcap");
	sample(b, sizeof b, "vm1-eth0.pcapng");
	struct pt_capset *cs = pt_capset_new();
	ck_assert_ptr_nonnull(cs);
	struct pt_points ps;
	pt_points_init(&ps);
	ck_assert_msg(pt_capset_add(cs, a, NULL, NULL, err, sizeof err) == 0, "%s", err);
	ck_assert(pt_cli_sync_points(&ps, cs));
	ck_assert_uint_eq(ps.n, 1);
	ck_assert_msg(pt_capset_add(cs, b, NULL, "vm1", err, sizeof err) == 0, "%s", err);
	ck_assert(pt_cli_sync_points(&ps, cs));
	ck_assert_uint_eq(ps.n, 2);
	ck_assert_str_eq(ps.v[0].name, "cn1-tap1");
	ck_assert_str_eq(ps.v[0].file, a);
	ck_assert_int_eq(ps.v[0].linktype, DLT_EN10MB);
	ck_assert_str_eq(ps.v[1].name, "vm1");
	ck_assert_str_eq(ps.v[1].file, b);
	ck_assert_int_eq(ps.v[1].linktype, DLT_EN10MB);
	ck_assert(pt_cli_sync_points(&ps, cs));
	ck_assert_uint_eq(ps.n, 2);
	pt_points_free(&ps);

	/* One sync into an empty model copies every point in capture order. */
	pt_points_init(&ps);
	ck_assert(pt_cli_sync_points(&ps, cs));
	ck_assert_uint_eq(ps.n, pt_capset_npoints(cs));
	ck_assert_str_eq(ps.v[0].name, "cn1-tap1");
	ck_assert_str_eq(ps.v[1].name, "vm1");
	pt_points_free(&ps);
	pt_capset_free(cs);
}
END_TEST

START_TEST(test_parse_chart_options)
{
	struct pt_options o;
	ck_assert(parse(&o, "analyze", ARGV("--bin", "0.1", "--bin-start=1700000000.5", "--label", "hybrid veth",
					    "--svg", "--chart-flow", "7", "a.pcap")));
	ck_assert(o.bin_s == 0.1);
	ck_assert(o.bin_start_set && o.bin_start_s == 1700000000.5);
	ck_assert_uint_eq(o.nlabels, 1);
	ck_assert_str_eq(o.labels[0], "hybrid veth");
	ck_assert(o.svg);
	ck_assert_uint_eq(o.chart_flow, 7);
	ck_assert_uint_eq(o.nfiles, 1);
	pt_options_free(&o);
	ck_assert(parse(&o, "analyze", ARGV("a.pcap")));
	ck_assert(o.bin_s == 1.0 && !o.bin_start_set && !o.svg && o.nlabels == 0 && o.chart_flow == 0);
	pt_options_free(&o);
	rejects("analyze", ARGV("--bin", "0", "a.pcap"), "--bin");
	rejects("analyze", ARGV("--bin", "-1", "a.pcap"), "--bin");
	rejects("analyze", ARGV("--bin", "0.0000001", "a.pcap"), "--bin");
	rejects("analyze", ARGV("--bin-start", "soon", "a.pcap"), "--bin-start");
	rejects("analyze", ARGV("--chart-flow", "0", "a.pcap"), "--chart-flow");
	rejects("analyze", ARGV("--label", "", "a.pcap"), "--label");
	rejects("decode", ARGV("--bin", "1", "a.pcap"), "--bin");
}
END_TEST

START_TEST(test_parse_plot_and_compare)
{
	struct pt_options o;
	/* Every word is a directory, existing or not: no BPF expression here. */
	ck_assert(parse(&o, "compare", ARGV("--label", "bridge", "out-lb", "--label", "veth", "-o", "cmp", "out-hp",
					    "no-such-dir")));
	ck_assert_uint_eq(o.nfiles, 3);
	ck_assert_str_eq(o.files[2], "no-such-dir");
	ck_assert_ptr_null(o.bpf);
	ck_assert_uint_eq(o.nlabels, 2);
	ck_assert_str_eq(o.labels[1], "veth");
	ck_assert(o.outdir_given);
	ck_assert_str_eq(o.outdir, "cmp");
	pt_options_free(&o);
	ck_assert(parse(&o, "plot", ARGV("--svg", "--gnuplot", "/opt/gnuplot", "out")));
	ck_assert(o.svg);
	ck_assert_str_eq(o.gnuplot, "/opt/gnuplot");
	ck_assert_uint_eq(o.nfiles, 1);
	pt_options_free(&o);
	rejects("plot", ARGV("--bin", "1", "out"), "--bin");
	rejects("plot", ARGV("-o", "x", "out"), "-o");
	rejects("compare", ARGV("--window", "1", "out"), "--window");
}
END_TEST

Suite *pt_cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, test_parse_files_then_bpf);
	tcase_add_test(tc, test_parse_double_dash);
	tcase_add_test(tc, test_parse_output_and_window);
	tcase_add_test(tc, test_parse_role_offset_name);
	tcase_add_test(tc, test_parse_unknown_and_other_command);
	tcase_add_test(tc, test_parse_tunnel_ports);
	tcase_add_test(tc, test_parse_many_names);
	tcase_add_test(tc, test_parse_directory_word);
	tcase_add_test(tc, test_parse_option_after_bpf);
	tcase_add_test(tc, test_parse_filter_and_positional_bpf);
	tcase_add_test(tc, test_parse_chart_options);
	tcase_add_test(tc, test_parse_plot_and_compare);
	suite_add_tcase(s, tc);
	tc = tcase_create("points");
	tcase_add_test(tc, test_name_for_file);
	tcase_add_test(tc, test_name_for_file_same_base);
	tcase_add_test(tc, test_apply_point_options);
	tcase_add_test(tc, test_apply_unknown_point);
	tcase_add_test(tc, test_sync_points);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_cli_suite)
