/* gen-captures OUTDIR [PACKETS [SNAPLEN [CONNECTIONS]]] -- write the
 * benchmark's four-point VXLAN capture set:
 *   cn1-tap1 > cn1-eth1 > cn2-eth1 > cn2-tap1
 *
 * PACKETS packets start at vm1's side, 20 k per second: TCP data of
 * CONNECTIONS connections (64 by default) in 1448-byte segments, ACKed every
 * second segment from the other side, and a ping every 1000 packets. Each is
 * written at every point it crosses: the taps see the VM's frame, the
 * underlay the VXLAN packet (VNI 100) carrying it. Hops take 8-60 us with
 * jitter, so files are slightly out of time order as real ones are; 1 in
 * 2000 data segments is lost on the underlay, and cn2's clock runs 1.5 ms
 * ahead. OUTDIR/manifest.tsv says so in the lab's format. Deterministic: same
 * arguments, same bytes.
 *
 * Written here rather than with a packet library so that a million-packet
 * set takes seconds and needs nothing beyond the C library.
 */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NPOINTS 4
#define NFLOWS_DEFAULT 64
#define MSS 1448
#define BASE_S 1700000000u
#define CN2_AHEAD_NS 1500000

static const char *const point_names[NPOINTS] = { "cn1-tap1", "cn1-eth1", "cn2-eth1", "cn2-tap1" };
static const int point_tunnelled[NPOINTS] = { 0, 1, 1, 0 };
static const int point_ns[NPOINTS] = { 1, 0, 0, 1 }; /* taps in ns, NICs in us */
static const int64_t hop_base_ns[NPOINTS - 1] = { 8000, 55000, 12000 };

struct out {
	FILE *fp;
	uint64_t frames;
};

static struct out outs[NPOINTS];
static uint32_t snaplen = 65535;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void ip_checksum(uint8_t *ip)
{
	uint32_t sum = 0;
	put16(ip + 10, 0);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, (uint16_t)~sum);
}

static size_t put_eth(uint8_t *p, uint8_t dst_last, uint8_t src_last)
{
	static const uint8_t oui[5] = { 0xfa, 0x16, 0x3e, 0x00, 0x00 };
	memcpy(p, oui, 5);
	p[5] = dst_last;
	memcpy(p + 6, oui, 5);
	p[11] = src_last;
	put16(p + 12, 0x0800);
	return 14;
}

static size_t put_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, uint16_t total,
		       uint8_t ttl)
{
	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, total);
	put16(p + 4, id);
	put16(p + 6, 0x4000); /* DF */
	p[8] = ttl;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	ip_checksum(p);
	return 20;
}

static void write_header(FILE *fp, int ns)
{
	uint8_t h[24];
	uint32_t magic = ns ? 0xa1b23c4du : 0xa1b2c3d4u;
	memcpy(h, &magic, 4); /* host byte order, as libpcap writes it */
	uint16_t v[2] = { 2, 4 };
	memcpy(h + 4, v, 4);
	uint32_t z[2] = { 0, 0 }, rest[2] = { snaplen, 1 };
	memcpy(h + 8, z, 8);
	memcpy(h + 16, rest, 8);
	fwrite(h, 1, sizeof h, fp);
}

static void write_frame(int point, int64_t ts_ns, const uint8_t *frame, uint32_t len)
{
	struct out *o = &outs[point];
	if (point >= 2)
		ts_ns += CN2_AHEAD_NS;
	uint32_t cap = len < snaplen ? len : snaplen;
	uint32_t rec[4];
	rec[0] = BASE_S + (uint32_t)(ts_ns / 1000000000);
	uint32_t frac = (uint32_t)(ts_ns % 1000000000);
	rec[1] = point_ns[point] ? frac : frac / 1000;
	rec[2] = cap;
	rec[3] = len;
	fwrite(rec, 1, sizeof rec, o->fp);
	fwrite(frame, 1, cap, o->fp);
	o->frames++;
}

struct flow {
	uint16_t sport, ip_id_fwd, ip_id_rev;
	uint32_t seq, ack_seq, unacked;
	uint32_t sent, lost, acks;
};

static uint16_t outer_id[2];

/* One packet from its first point to its last (or to where it is lost). */
static void send_packet(const uint8_t *inner, uint32_t inner_len, int forward, int64_t t, int lost_on_underlay,
			uint16_t hash)
{
	uint8_t outer[14 + 20 + 8 + 8 + 2048];
	int order[NPOINTS];
	for (int i = 0; i < NPOINTS; i++)
		order[i] = forward ? i : NPOINTS - 1 - i;
	for (int k = 0; k < NPOINTS; k++) {
		int p = order[k];
		if (k > 0) {
			int hop = forward ? p - 1 : p;
			t += hop_base_ns[hop] + (int64_t)(rnd() % 4000);
			if (lost_on_underlay && hop == 1)
				return;
		}
		if (!point_tunnelled[p]) {
			write_frame(p, t, inner, inner_len);
			continue;
		}
		uint32_t src = forward ? 0xc0a80a0b : 0xc0a80a0c, dst = forward ? 0xc0a80a0c : 0xc0a80a0b;
		size_t n = put_eth(outer, forward ? 0x12 : 0x11, forward ? 0x11 : 0x12);
		uint16_t total = (uint16_t)(20 + 8 + 8 + inner_len);
		n += put_ipv4(outer + n, src, dst, 17, outer_id[forward]++, total, 64);
		put16(outer + n, (uint16_t)(49152 + (hash & 0x3fff)));
		put16(outer + n + 2, 4789);
		put16(outer + n + 4, (uint16_t)(total - 20));
		put16(outer + n + 6, 0);
		n += 8;
		memset(outer + n, 0, 8);
		outer[n] = 0x08;
		outer[n + 4] = 0;
		outer[n + 5] = 0;
		outer[n + 6] = 100; /* VNI 100 */
		n += 8;
		memcpy(outer + n, inner, inner_len);
		write_frame(p, t, outer, (uint32_t)(n + inner_len));
	}
}

static uint32_t tcp_frame(uint8_t *f, const struct flow *fl, int forward, uint32_t seq, uint32_t ack,
			  uint8_t flags, uint32_t payload)
{
	uint32_t vm1 = 0x0a000005, vm2 = 0x0a000006;
	size_t n = put_eth(f, forward ? 0x06 : 0x05, forward ? 0x05 : 0x06);
	uint16_t id = forward ? fl->ip_id_fwd : fl->ip_id_rev;
	n += put_ipv4(f + n, forward ? vm1 : vm2, forward ? vm2 : vm1, 6, id, (uint16_t)(40 + payload), 64);
	uint8_t *t = f + n;
	put16(t, forward ? fl->sport : 5201);
	put16(t + 2, forward ? 5201 : fl->sport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 502);
	put32(t + 16, 0);
	n += 20;
	for (uint32_t i = 0; i < payload; i++)
		f[n + i] = (uint8_t)(seq + i);
	return (uint32_t)(n + payload);
}

static uint32_t ping_frame(uint8_t *f, int forward, uint16_t seqno)
{
	uint32_t vm1 = 0x0a000005, vm2 = 0x0a000006;
	size_t n = put_eth(f, forward ? 0x06 : 0x05, forward ? 0x05 : 0x06);
	n += put_ipv4(f + n, forward ? vm1 : vm2, forward ? vm2 : vm1, 1, seqno, 84, 64);
	uint8_t *c = f + n;
	memset(c, 0, 64);
	c[0] = forward ? 8 : 0;
	put16(c + 4, 0x1234);
	put16(c + 6, seqno);
	for (int i = 8; i < 64; i++)
		c[i] = (uint8_t)i;
	return (uint32_t)(n + 64);
}

/* The truth about the set, in the lab's manifest format (doc/lab-manifest.md),
 * so that tests/e2e/check-analyze.py can judge pathtrace on it. */
static int write_manifest(const char *dir, const struct flow *flows, unsigned long nflows, unsigned pings)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/manifest.tsv", dir);
	FILE *m = fopen(path, "w");
	if (!m) {
		fprintf(stderr, "gen-captures: %s: %s\n", path, strerror(errno));
		return 0;
	}
	fprintf(m, "scenario\tname=bench\ttitle=Generated four-point VXLAN set (bench/gen-captures.c)\t"
		   "source=generated\toffloads=n/a\n");
	for (int p = 0; p < NPOINTS; p++)
		fprintf(m, "point\tname=%s\tfile=%s.pcap\thost=%.3s\tifname=%s\tkind=%s\tmtu=1500\tencap=%s\t"
			   "format=pcap\tclock_offset_s=%s\ttsresol=%s\n",
			point_names[p], point_names[p], point_names[p], point_names[p] + 4,
			point_tunnelled[p] ? "phys" : "tap", point_tunnelled[p] ? "vxlan:100:4789" : "none",
			p >= 2 ? "0.0015" : "0", point_ns[p] ? "ns" : "us");
	fprintf(m, "clock\thost=cn2\toffset_s=0.0015\n");
	const char *fwd = "cn1-tap1>cn1-eth1>cn2-eth1>cn2-tap1", *rev = "cn2-tap1>cn2-eth1>cn1-eth1>cn1-tap1";
	for (unsigned long i = 0; i < nflows; i++) {
		const struct flow *f = &flows[i];
		if (f->sent) {
			fprintf(m, "flow\tid=c2s-%u\tproto=tcp\tsrc=10.0.0.5\tsport=%u\tdst=10.0.0.6\tdport=5201\n",
				f->sport, f->sport);
			fprintf(m, "path\tflow=c2s-%u\tpoints=%s\n", f->sport, fwd);
			fprintf(m, "deliver\tflow=c2s-%u\tresult=%s\n", f->sport,
				f->lost == f->sent ? "none" : f->lost ? "some" : "all");
			if (f->lost)
				fprintf(m, "drop\tflow=c2s-%u\tfrom=cn1-eth1\tto=cn2-eth1\tcount=%u\treason=queue\n",
					f->sport, f->lost);
		}
		if (f->acks) {
			fprintf(m, "flow\tid=s2c-%u\tproto=tcp\tsrc=10.0.0.6\tsport=5201\tdst=10.0.0.5\tdport=%u\n",
				f->sport, f->sport);
			fprintf(m, "path\tflow=s2c-%u\tpoints=%s\n", f->sport, rev);
			fprintf(m, "deliver\tflow=s2c-%u\tresult=all\n", f->sport);
		}
	}
	if (pings) {
		fprintf(m, "flow\tid=ping-req\tproto=icmp\tsrc=10.0.0.5\tsport=4660\tdst=10.0.0.6\tdport=\n"
			   "path\tflow=ping-req\tpoints=%s\ndeliver\tflow=ping-req\tresult=all\n"
			   "flow\tid=ping-rep\tproto=icmp\tsrc=10.0.0.6\tsport=4660\tdst=10.0.0.5\tdport=\n"
			   "path\tflow=ping-rep\tpoints=%s\ndeliver\tflow=ping-rep\tresult=all\n",
			fwd, rev);
	}
	if (fclose(m) != 0) {
		fprintf(stderr, "gen-captures: writing %s: %s\n", path, strerror(errno));
		return 0;
	}
	return 1;
}

static const char usage[] =
	"usage: gen-captures OUTDIR [PACKETS [SNAPLEN [CONNECTIONS]]]\n"
	"writes the benchmark's four-point capture set (pcap, one file per point) into OUTDIR:\n"
	"PACKETS sent from vm1's side (200000), SNAPLEN (65535), TCP CONNECTIONS (64)\n";

/* A whole decimal number, or the default when the argument is absent. */
static bool number(const char *s, unsigned long long *v)
{
	if (!s)
		return true;
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && end != s && !*end && *s != '-';
}

int main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2 || argc > 5 || argv[1][0] == '-') {
		fputs(usage, stderr);
		return 2;
	}
	const char *dir = argv[1];
	unsigned long long packets = 200000, snap = snaplen, nflows = NFLOWS_DEFAULT;
	if (!number(argc > 2 ? argv[2] : NULL, &packets) || !number(argc > 3 ? argv[3] : NULL, &snap) ||
	    !number(argc > 4 ? argv[4] : NULL, &nflows) || snap > UINT32_MAX) {
		fprintf(stderr, "gen-captures: PACKETS, SNAPLEN and CONNECTIONS are whole numbers\n%s", usage);
		return 2;
	}
	snaplen = (uint32_t)snap;
	if (packets == 0 || snaplen < 64 || nflows == 0 || nflows > 25000) {
		fprintf(stderr, "gen-captures: PACKETS must be > 0, SNAPLEN >= 64, CONNECTIONS 1-25000\n");
		return 2;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen-captures: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int p = 0; p < NPOINTS; p++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.pcap", dir, point_names[p]);
		outs[p].fp = fopen(path, "wb");
		if (!outs[p].fp) {
			fprintf(stderr, "gen-captures: %s: %s\n", path, strerror(errno));
			return 1;
		}
		setvbuf(outs[p].fp, NULL, _IOFBF, 1 << 20);
		write_header(outs[p].fp, point_ns[p]);
	}

	struct flow *flows = calloc(nflows, sizeof *flows);
	if (!flows) {
		fprintf(stderr, "gen-captures: out of memory\n");
		return 1;
	}
	for (unsigned long i = 0; i < nflows; i++) {
		flows[i].sport = (uint16_t)(40000 + i);
		flows[i].ip_id_fwd = (uint16_t)rnd();
		flows[i].ip_id_rev = (uint16_t)rnd();
		flows[i].seq = rnd();
		flows[i].ack_seq = rnd();
		flows[i].unacked = 0;
	}
	uint8_t frame[2048];
	int64_t t = 0;
	uint16_t ping_seq = 0;
	for (unsigned long long k = 0; k < packets; k++) {
		/* 20 k packets/s (240 Mbit/s): a run lasts many matching windows,
		 * so memory that grew with the input would show. */
		t += 40000 + rnd() % 20000;
		if (k % 1000 == 999) {
			uint32_t n = ping_frame(frame, 1, ++ping_seq);
			send_packet(frame, n, 1, t, 0, 7);
			n = ping_frame(frame, 0, ping_seq);
			send_packet(frame, n, 0, t + 90000, 0, 7);
			continue;
		}
		struct flow *fl = &flows[rnd() % nflows];
		uint32_t n = tcp_frame(frame, fl, 1, fl->seq, fl->ack_seq, 0x10, MSS);
		int lost = rnd() % 2000 == 0;
		send_packet(frame, n, 1, t, lost, fl->sport);
		fl->sent++;
		fl->lost += (uint32_t)lost;
		fl->ip_id_fwd++;
		fl->seq += MSS;
		if (++fl->unacked == 2) {
			fl->unacked = 0;
			n = tcp_frame(frame, fl, 0, fl->ack_seq, fl->seq, 0x10, 0);
			send_packet(frame, n, 0, t + 80000, 0, fl->sport);
			fl->acks++;
			fl->ip_id_rev++;
		}
	}
	int status = write_manifest(dir, flows, nflows, ping_seq) ? 0 : 1;
	free(flows);
	for (int p = 0; p < NPOINTS; p++) {
		if (fclose(outs[p].fp) != 0) {
			fprintf(stderr, "gen-captures: writing %s: %s\n", point_names[p], strerror(errno));
			status = 1;
		}
	}
	if (status == 0)
		printf("gen-captures: %llu packets from vm1's side, %llu frames at cn1-tap1, in %s\n", packets,
		       (unsigned long long)outs[0].frames, dir);
	return status;
}
