/* The model layer: findings, points and flow keys. */
#include <config.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pathtrace.h"
#include "base/hmap.h"
#include "model/finding.h"
#include "model/flow-key.h"
#include "model/point.h"

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

START_TEST(test_findings_add)
{
	struct pt_findings fs;
	pt_findings_init(&fs);
	struct pt_finding *f = pt_findings_add(&fs, PT_F_LOSS_HOP, PT_SEV_WARNING);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_ptr_eq(f, &fs.v[0]);
	ck_assert_int_eq(f->id, PT_F_LOSS_HOP);
	ck_assert_int_eq(f->severity, PT_SEV_WARNING);
	ck_assert_int_eq(f->point, -1);
	ck_assert_int_eq(f->from, -1);
	ck_assert_int_eq(f->to, -1);
	ck_assert_int_eq(f->flow, -1);
	ck_assert(all_zero(&f->u, sizeof f->u));
	/* Reuse the slot (the list emptied, its memory kept) after dirtying it:
	 * the new record must not inherit anything. */
	memset(f, 0xab, sizeof *f);
	fs.n = 0;
	f = pt_findings_add(&fs, PT_F_PATH_NAT, PT_SEV_ERROR);
	ck_assert_ptr_eq(f, &fs.v[0]);
	ck_assert_int_eq(f->id, PT_F_PATH_NAT);
	ck_assert_int_eq(f->severity, PT_SEV_ERROR);
	ck_assert_int_eq(f->point, -1);
	ck_assert_int_eq(f->from, -1);
	ck_assert_int_eq(f->to, -1);
	ck_assert_int_eq(f->flow, -1);
	ck_assert(all_zero(&f->u, sizeof f->u));
	ck_assert_uint_eq(fs.dropped, 0);
	pt_findings_free(&fs);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_ptr_null(fs.v);
}
END_TEST

static void add_hop(struct pt_findings *fs, enum pt_finding_id id, int64_t flow, long from, long to)
{
	struct pt_finding *f = pt_findings_add(fs, id, PT_SEV_WARNING);
	ck_assert_ptr_nonnull(f);
	f->flow = flow;
	f->from = from;
	f->to = to;
}

START_TEST(test_findings_find)
{
	struct pt_findings fs;
	pt_findings_init(&fs);
	add_hop(&fs, PT_F_LOSS_HOP, 7, 0, 1);           /* 0 */
	add_hop(&fs, PT_F_LOSS_HOP, 8, 0, 1);           /* 1 */
	add_hop(&fs, PT_F_LOSS_HOP, 7, 1, 2);           /* 2 */
	add_hop(&fs, PT_F_MTU_OVERSIZE_DROP, 7, 0, 1);  /* 3 */
	add_hop(&fs, PT_F_LOSS_HOP, 7, 0, 1);           /* 4: same as 0 */
	add_hop(&fs, PT_F_LIMIT_MEMORY, -1, -1, -1);    /* 5: nowhere */
	add_hop(&fs, PT_F_LATENCY_NEGATIVE, -1, 2, 3);  /* 6: a hop, no flow */
	ck_assert_uint_eq(fs.n, 7);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LOSS_HOP, 7, 0, 1), &fs.v[0]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LOSS_HOP, 8, 0, 1), &fs.v[1]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LOSS_HOP, PT_ANY_FLOW, 0, 1), &fs.v[0]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LOSS_HOP, 7, 1, 2), &fs.v[2]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LOSS_HOP, PT_ANY_FLOW, 1, 2), &fs.v[2]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_MTU_OVERSIZE_DROP, 7, 0, 1), &fs.v[3]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LATENCY_NEGATIVE, -1, 2, 3), &fs.v[6]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LATENCY_NEGATIVE, PT_ANY_FLOW, 2, 3), &fs.v[6]);
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_LOSS_HOP, 9, 0, 1));
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_LOSS_HOP, 7, 1, 0)); /* direction counts */
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_LOSS_HOP, 7, 0, 2));
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_PATH_NAT, PT_ANY_FLOW, 0, 1));
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_MTU_OVERSIZE_DROP, 8, 0, 1));
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_LATENCY_NEGATIVE, 7, 2, 3));
	/* No hop, no match: not even the record that is nowhere itself. */
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_LIMIT_MEMORY, -1, -1, -1));
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_LIMIT_MEMORY, PT_ANY_FLOW, -1, -1));
	pt_findings_free(&fs);
}
END_TEST

START_TEST(test_findings_many)
{
	enum { N = 1000 };
	struct pt_findings fs;
	pt_findings_init(&fs);
	for (int i = 0; i < N; i++) {
		struct pt_finding *f = pt_findings_add(&fs, i % 2 ? PT_F_LOSS_HOP : PT_F_CLOCK_OFFSET,
						       (enum pt_severity)(i % 3));
		ck_assert_ptr_nonnull(f);
		f->flow = i;
		f->from = i % 5;
		f->to = i % 5 + 1;
		f->u.loss.lost = (uint64_t)i * 3;
	}
	ck_assert_uint_eq(fs.n, N);
	ck_assert_uint_ge(fs.cap, N);
	ck_assert_uint_eq(fs.dropped, 0);
	for (int i = 0; i < N; i++) {
		const struct pt_finding *f = &fs.v[i];
		ck_assert_int_eq(f->id, i % 2 ? PT_F_LOSS_HOP : PT_F_CLOCK_OFFSET);
		ck_assert_int_eq(f->severity, i % 3);
		ck_assert_int_eq(f->flow, i);
		ck_assert_uint_eq(f->u.loss.lost, (uint64_t)i * 3);
	}
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LOSS_HOP, 999, 4, 5), &fs.v[999]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_CLOCK_OFFSET, 500, 0, 1), &fs.v[500]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_LOSS_HOP, PT_ANY_FLOW, 3, 4), &fs.v[3]);
	ck_assert_ptr_eq(pt_findings_find(&fs, PT_F_CLOCK_OFFSET, PT_ANY_FLOW, 3, 4), &fs.v[8]);
	ck_assert_ptr_null(pt_findings_find(&fs, PT_F_LOSS_HOP, 500, 0, 1));
	pt_findings_free(&fs);
}
END_TEST

START_TEST(test_points_add)
{
	struct pt_points ps;
	pt_points_init(&ps);
	char name[] = "cn1-eth0";
	ck_assert_int_eq(pt_points_add(&ps, name, "a.pcap", 1), 0);
	ck_assert_int_eq(pt_points_add(&ps, "br0", NULL, 113), 1);
	ck_assert_int_eq(pt_points_add(&ps, "cn2-tap3", "b.pcapng", 276), 2);
	name[0] = 'X'; /* the table holds its own copy */
	ck_assert_str_eq(ps.v[0].name, "cn1-eth0");
	ck_assert_str_eq(ps.v[0].file, "a.pcap");
	ck_assert_str_eq(ps.v[1].file, "");
	ck_assert_int_eq(ps.v[1].linktype, 113);
	ck_assert_int_eq(ps.v[0].name_role, PT_ROLE_HOP);
	ck_assert_int_eq(ps.v[1].name_role, PT_ROLE_BRIDGE);
	ck_assert_int_eq(ps.v[1].role, PT_ROLE_BRIDGE);
	ck_assert_int_eq(ps.v[2].name_role, PT_ROLE_HOP);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(ps.v[i].clock.via, -1);
		ck_assert(!ps.v[i].clock.known);
		ck_assert(!ps.v[i].role_given);
		ck_assert_uint_eq(ps.v[i].stats.packets, 0);
		ck_assert_double_eq(pt_point_offset(&ps.v[i]), 0.0);
	}
	/* Past the first allocation: the array moves, the strings stay. */
	char buf[32];
	for (long i = 3; i < 100; i++) {
		snprintf(buf, sizeof buf, "h%ld-br%ld", i, i);
		ck_assert_int_eq(pt_points_add(&ps, buf, buf, (int)i), i);
	}
	ck_assert_uint_eq(ps.n, 100);
	ck_assert_str_eq(ps.v[0].name, "cn1-eth0");
	ck_assert_str_eq(ps.v[99].name, "h99-br99");
	ck_assert_str_eq(ps.v[42].file, "h42-br42");
	ck_assert_int_eq(ps.v[42].linktype, 42);
	ck_assert_int_eq(ps.v[42].name_role, PT_ROLE_BRIDGE);
	pt_points_free(&ps);
	ck_assert_uint_eq(ps.n, 0);
}
END_TEST

START_TEST(test_point_role_from_name)
{
	static const struct {
		const char *name;
		enum pt_point_role role;
	} cases[] = {
		{ "br0", PT_ROLE_BRIDGE },
		{ "br100", PT_ROLE_BRIDGE },
		{ "brq1234abcd-12", PT_ROLE_BRIDGE },         /* Neutron Linux bridge */
		{ "qbr12345678-9a", PT_ROLE_BRIDGE },         /* Neutron hybrid plug */
		{ "cn1-br-int", PT_ROLE_FLOOD },              /* host cn1, OVS br-int: its own port sees floods */
		{ "host-with-dashes-virbr0", PT_ROLE_BRIDGE }, /* the tail after any '-' */
		{ "cn1-br0", PT_ROLE_BRIDGE },
		{ "tap1", PT_ROLE_HOP },
		{ "cn1-eth1", PT_ROLE_HOP },
		{ "vxlan-100", PT_ROLE_HOP },
		{ "cn1-brx", PT_ROLE_HOP },
		{ "eth0-", PT_ROLE_HOP },
		{ "", PT_ROLE_HOP },
		/* Bridges by other hypervisors' and runtimes' names. */
		{ "pve1-vmbr0", PT_ROLE_BRIDGE },             /* Proxmox */
		{ "pve1-vmbr0v100", PT_ROLE_BRIDGE },         /* Proxmox, VLAN-aware */
		{ "lxd1-lxdbr0", PT_ROLE_BRIDGE },
		{ "xen-dom0-xenbr0", PT_ROLE_BRIDGE },
		{ "node1-cbr0", PT_ROLE_BRIDGE },             /* kubenet */
		{ "node1-breth0", PT_ROLE_FLOOD },            /* OVN-Kubernetes: an OVS bridge's own port */
		{ "node1-cni0", PT_ROLE_BRIDGE },
		{ "docker0", PT_ROLE_BRIDGE },
		{ "host-br-14e35b28a16f", PT_ROLE_BRIDGE },   /* a Docker network */
		{ "compute-1-mibr-int", PT_ROLE_BRIDGE },     /* ovs-tcpdump's mirror of br-int */
		{ "ovsmi123456", PT_ROLE_BRIDGE },
		{ "any", PT_ROLE_VANTAGE },
		/* A host part that looks like a bridge is not the interface. */
		{ "docker01-eth0", PT_ROLE_HOP },
		{ "web-bridge-eth0", PT_ROLE_HOP },
		{ "br0-eth1", PT_ROLE_HOP },
		{ "mint-eth0", PT_ROLE_HOP },
		{ "cni-node-vethab12cd34", PT_ROLE_HOP },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(pt_point_role_from_name(cases[i].name) == cases[i].role, "%s: got %d, want %d",
			      cases[i].name, (int)pt_point_role_from_name(cases[i].name), (int)cases[i].role);
}
END_TEST

/* The kinds of the names Nova, Neutron, OVS, libvirt and the CNIs give, and
 * where the interface starts after a host that may hold '-'. */
START_TEST(test_iface_kind_and_host)
{
	static const struct {
		const char *name;
		enum pt_iface_kind kind;
		size_t at;
	} cases[] = {
		{ "compute-1-tap5f3c2a1b-9d", PT_IF_PORT, 10 },
		{ "compute-1-qvo5f3c2a1b-9d", PT_IF_PORT, 10 },
		{ "cn1-vnet3", PT_IF_PORT, 4 },
		{ "node-a-lxc0bf6b6e5cb13", PT_IF_PORT, 7 },
		{ "node-a-cali1234abcd", PT_IF_PORT, 7 },
		{ "cn1-br-int", PT_IF_OVS_INTERNAL, 4 },
		{ "cn1-br-tun", PT_IF_OVS_INTERNAL, 4 },
		{ "cn1-br-ex", PT_IF_OVS_INTERNAL, 4 },
		{ "cn1-br-eth1", PT_IF_BRIDGE, 4 },           /* a provider bridge: some bridge */
		{ "cn1-mibr-int", PT_IF_OVS_MIRROR, 4 },
		{ "compute-2-vxlan_sys_4789", PT_IF_TUNNEL, 10 },
		{ "ch1-genev_sys_6081", PT_IF_TUNNEL, 4 },
		{ "cn1-gre_sys", PT_IF_TUNNEL, 4 },
		{ "cn1-vxlan-100", PT_IF_TUNNEL, 4 },
		{ "node-cilium_vxlan", PT_IF_TUNNEL, 5 },
		{ "pod-tun0", PT_IF_TUNNEL, 4 },
		{ "net-1-qr-1a2b3c4d-5e", PT_IF_ROUTER, 6 },
		{ "net-1-qg-6f7a8b9c-0d", PT_IF_ROUTER, 6 },
		{ "snat-sg-6f7a8b9c-0d", PT_IF_ROUTER, 5 },
		{ "dvr-fg-6f7a8b9c-0d", PT_IF_ROUTER, 4 },
		{ "dvr-rfp-6f7a8b9c-0d", PT_IF_ROUTER, 4 },
		{ "dvr-fpr-6f7a8b9c-0d", PT_IF_ROUTER, 4 },
		{ "cn1-eth1.100", PT_IF_NIC, 4 },
		{ "k8s-worker-2-enp0s3", PT_IF_NIC, 13 },
		{ "cn1-any", PT_IF_ANY, 4 },
		/* Unknown interfaces: the host is what comes before the last '-'. */
		{ "s1-eth1_in", PT_IF_UNKNOWN, 3 },
		{ "node-a-weird0", PT_IF_UNKNOWN, 7 },
		{ "backend", PT_IF_UNKNOWN, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t at = 99;
		enum pt_iface_kind k = pt_iface_split(cases[i].name, &at);
		ck_assert_msg(k == cases[i].kind && at == cases[i].at, "%s: kind %d at %zu, want %d at %zu",
			      cases[i].name, (int)k, at, (int)cases[i].kind, cases[i].at);
	}
	/* One host, two hosts, a name that tells none. */
	struct pt_points ps;
	pt_points_init(&ps);
	static const char *const names[] = { "compute-1-br-int", "compute-1-tap5f3c2a1b-9d", "compute-2-br-int",
					     "compute-2-eth1", "backend", "s1-eth1_in", "s1-eth2_out" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		ck_assert_int_eq(pt_points_add(&ps, names[i], NULL, 1), (long)i);
	ck_assert(pt_point_same_host(&ps.v[0], &ps.v[1]));
	ck_assert(!pt_point_same_host(&ps.v[0], &ps.v[2]));
	ck_assert(pt_point_same_host(&ps.v[2], &ps.v[3]));
	ck_assert(!pt_point_same_host(&ps.v[1], &ps.v[3]));
	ck_assert(pt_point_same_host(&ps.v[5], &ps.v[6]));
	ck_assert(pt_point_host_named(&ps.v[0]));
	ck_assert(!pt_point_host_named(&ps.v[4]));
	ck_assert(pt_point_same_host(&ps.v[4], &ps.v[0])); /* tells nothing */
	/* A host given by the input wins over the name. */
	ck_assert(pt_point_qualify(&ps.v[4], "vm-1-backend", "vm-1"));
	ck_assert(pt_point_host_named(&ps.v[4]));
	ck_assert_uint_eq(ps.v[4].host_len, 4);
	pt_points_free(&ps);
}
END_TEST

START_TEST(test_point_role_names)
{
	ck_assert_str_eq(pt_point_role_name(PT_ROLE_HOP), "hop");
	ck_assert_str_eq(pt_point_role_name(PT_ROLE_BRIDGE), "bridge");
	ck_assert_str_eq(pt_point_role_name(PT_ROLE_VANTAGE), "vantage");
	ck_assert_str_eq(pt_point_role_name(PT_ROLE_FLOOD), "flood");
	const enum pt_point_role all[] = { PT_ROLE_HOP, PT_ROLE_BRIDGE, PT_ROLE_VANTAGE, PT_ROLE_FLOOD };
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(pt_point_role_parse(pt_point_role_name(all[i])), all[i]);
	const char *bad[] = { "", "Hop", "BRIDGE", "br", "hops", "vantage ", "any", "floods" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(pt_point_role_parse(bad[i]) == -1, "'%s' parsed", bad[i]);
}
END_TEST

/* Keys built as the decoder does: in place, from a zeroed struct (they are
 * hashed and compared as bytes, padding included). */
static void key(struct pt_flow_key *k, const char *src, const char *dst, uint8_t proto, uint16_t sport,
		uint16_t dport)
{
	memset(k, 0, sizeof *k);
	k->version = strchr(src, ':') ? 6 : 4;
	int af = k->version == 6 ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(af, src, k->src), 1);
	ck_assert_int_eq(inet_pton(af, dst, k->dst), 1);
	k->proto = proto;
	k->sport = sport;
	k->dport = dport;
	k->has_ports = true;
}

START_TEST(test_flow_key_reverse)
{
	struct pt_flow_key k, r, rr;
	key(&k, "10.0.0.1", "10.0.0.2", 6, 40000, 80);
	pt_flow_key_reverse(&k, &r);
	ck_assert_mem_eq(r.src, k.dst, 16);
	ck_assert_mem_eq(r.dst, k.src, 16);
	ck_assert_uint_eq(r.sport, 80);
	ck_assert_uint_eq(r.dport, 40000);
	ck_assert_uint_eq(r.version, 4);
	ck_assert_uint_eq(r.proto, 6);
	ck_assert(r.has_ports);
	ck_assert(!pt_flow_key_eq(&k, &r));
	pt_flow_key_reverse(&r, &rr);
	ck_assert(pt_flow_key_eq(&rr, &k));

	key(&k, "2001:db8::1", "2001:db8::2", 17, 5353, 53);
	pt_flow_key_reverse(&k, &r);
	ck_assert_mem_eq(r.src, k.dst, 16);
	ck_assert_uint_eq(r.sport, 53);
	ck_assert_uint_eq(r.dport, 5353);

	/* ICMP echo: the reply carries the request's identifier. */
	const uint8_t icmp[] = { 1, 58 };
	for (size_t i = 0; i < 2; i++) {
		if (i)
			key(&k, "2001:db8::1", "2001:db8::2", icmp[i], 0x1234, 0);
		else
			key(&k, "192.0.2.1", "198.51.100.7", icmp[i], 0x1234, 0);
		ck_assert(pt_flow_key_is_icmp(&k));
		pt_flow_key_reverse(&k, &r);
		ck_assert_mem_eq(r.src, k.dst, 16);
		ck_assert_mem_eq(r.dst, k.src, 16);
		ck_assert_uint_eq(r.sport, 0x1234);
		ck_assert_uint_eq(r.dport, 0);
		ck_assert_uint_eq(r.proto, icmp[i]);
	}
	key(&k, "10.0.0.1", "10.0.0.2", 17, 1, 2);
	ck_assert(!pt_flow_key_is_icmp(&k));
}
END_TEST

START_TEST(test_flow_key_unicast)
{
	static const struct {
		const char *src, *dst;
		bool unicast;
	} cases[] = {
		{ "10.0.0.1", "10.0.0.2", true },
		{ "192.0.2.1", "8.8.8.8", true },
		{ "10.0.0.1", "224.0.0.251", false },    /* multicast */
		{ "10.0.0.1", "239.255.255.250", false },
		{ "10.0.0.1", "255.255.255.255", false }, /* broadcast */
		{ "169.254.1.1", "10.0.0.2", false },     /* link-local source */
		{ "10.0.0.1", "169.254.169.254", false },
		{ "2001:db8::1", "2001:db8::2", true },
		{ "fe80::1", "ff02::1", false },
		{ "2001:db8::1", "ff02::1", false },
		{ "fe80::1", "fe80::2", false },
		{ "2001:db8::1", "fe80::", false },
		{ "febf::1", "2001:db8::2", false },      /* still fe80::/10 */
		{ "fec0::1", "2001:db8::2", true },       /* just past it */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pt_flow_key k;
		key(&k, cases[i].src, cases[i].dst, 17, 1000, 2000);
		ck_assert_msg(pt_flow_key_unicast(&k) == cases[i].unicast, "%s > %s", cases[i].src, cases[i].dst);
	}
}
END_TEST

START_TEST(test_flow_key_hash_eq)
{
	struct pt_flow_key a, b, c, r;
	key(&a, "10.0.0.1", "10.0.0.2", 6, 40000, 80);
	key(&b, "10.0.0.1", "10.0.0.2", 6, 40000, 80);
	ck_assert(pt_flow_key_eq(&a, &b));
	ck_assert_uint_eq(pt_flow_key_hash(&a), pt_flow_key_hash(&b));
	memcpy(&c, &b, sizeof c);
	c.dport = 81;
	ck_assert(!pt_flow_key_eq(&a, &c));
	ck_assert_uint_ne(pt_flow_key_hash(&a), pt_flow_key_hash(&c));
	memcpy(&c, &b, sizeof c);
	c.proto = 17;
	ck_assert(!pt_flow_key_eq(&a, &c));
	ck_assert_uint_ne(pt_flow_key_hash(&a), pt_flow_key_hash(&c));
	memcpy(&c, &b, sizeof c);
	c.dst[3] = 3;
	ck_assert(!pt_flow_key_eq(&a, &c));
	pt_flow_key_reverse(&a, &r);
	ck_assert_uint_ne(pt_flow_key_hash(&a), pt_flow_key_hash(&r)); /* directions differ */
	ck_assert_uint_eq(pt_flow_key_hash(&a), pt_hash_bytes(&a, sizeof a, 0));
}
END_TEST

Suite *pt_model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("findings");
	tcase_add_test(tc, test_findings_add);
	tcase_add_test(tc, test_findings_find);
	tcase_add_test(tc, test_findings_many);
	suite_add_tcase(s, tc);
	tc = tcase_create("points");
	tcase_add_test(tc, test_points_add);
	tcase_add_test(tc, test_point_role_from_name);
	tcase_add_test(tc, test_iface_kind_and_host);
	tcase_add_test(tc, test_point_role_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("flow-key");
	tcase_add_test(tc, test_flow_key_reverse);
	tcase_add_test(tc, test_flow_key_unicast);
	tcase_add_test(tc, test_flow_key_hash_eq);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_model_suite)
