#!/bin/sh
# Differential test against tshark: for every corpus file tshark reads, the
# per-packet layer stack, innermost IP addresses and ports, VNIs, GRE keys,
# fragment fields and ICMP MTUs must agree with `pathtrace decode --csv`,
# except for the differences listed (with a reason) in
# tests/known-differences.tsv. A listed difference that no longer occurs
# fails too, so the list stays true.
# Exit 77 (skip) without tshark, python3 or the corpus.
set -u

: "${PT_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
PATHTRACE=${PATHTRACE:-${PT_BUILDDIR:-.}/pathtrace}
if [ -z "${PATHTRACE_CORPUS:-}" ]; then
	for c in "$PT_SRCDIR/../shared/corpus" "$PT_SRCDIR/../../shared/corpus"; do
		[ -f "$c/MANIFEST.tsv" ] && PATHTRACE_CORPUS=$c && break
	done
fi
if [ -z "${PATHTRACE_CORPUS:-}" ] || [ ! -f "$PATHTRACE_CORPUS/MANIFEST.tsv" ]; then
	echo "SKIP: corpus not found (set PATHTRACE_CORPUS)"
	exit 77
fi
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed (Debian package tshark)"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
[ -x "$PATHTRACE" ] || { echo "FAIL: $PATHTRACE is not built"; exit 1; }

KNOWN=${KNOWN_DIFFERENCES:-$PT_SRCDIR/tests/known-differences.tsv}
export PATHTRACE PATHTRACE_CORPUS KNOWN
exec python3 - "$@" <<'PYEOF'
import csv, io, os, subprocess, sys

corpus = os.environ["PATHTRACE_CORPUS"]
pathtrace = os.environ["PATHTRACE"]
known_path = os.environ["KNOWN"]

FIELDS = ["frame.number", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "vxlan.vni", "geneve.vni",
          "gre.key", "ip.flags.mf", "ip.frag_offset", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
          "icmp.mtu", "icmpv6.mtu"]
TSHARK = ["tshark", "-n", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
          "-o", "tcp.desegment_tcp_streams:FALSE", "-d", "udp.port==8472,vxlan",
          "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
for f in FIELDS:
    TSHARK += ["-e", f]

# tshark protocol names -> pathtrace layer names; anything else is dropped
# (ethertype, data, ipv6 extension-header pseudo-protocols, applications).
NAME = {"eth": "eth", "sll": "sll", "null": "null", "raw": "raw", "vlan": "vlan", "ieee8021ad": "vlan", "mpls": "mpls",
        "arp": "arp", "llc": "llc", "ip": "ipv4", "ipv6": "ipv6", "gre": "gre", "erspan": "erspan",
        "vxlan": "vxlan", "geneve": "geneve", "udp": "udp", "tcp": "tcp", "icmp": "icmp",
        "icmpv6": "icmpv6", "ah": "ah", "l2tp": "l2tp"}

def tshark_stack(protocols):
    out = []
    for p in protocols.split(":"):
        n = NAME.get(p)
        if n is None:
            continue
        # tshark shows a whole MPLS label stack as one protocol; pathtrace one layer per label.
        if n == "mpls" and out and out[-1] == "mpls":
            continue
        out.append(n)
        # pathtrace does not walk the ICMP quote as layers, nor past TCP.
        if n in ("icmp", "icmpv6", "tcp"):
            break
    return out

def pt_stack(stack):
    out = []
    for l in stack.split(":") if stack else []:
        l = l.split("[", 1)[0]
        if l == "mpls" and out and out[-1] == "mpls":
            continue
        out.append("sll" if l == "sll2" else l)
    return out

def occ(v, i):
    parts = v.split(",") if v else []
    return parts[i] if 0 <= i < len(parts) else ""

def tshark_facts(row):
    r = dict(zip(FIELDS, row + [""] * (len(FIELDS) - len(row))))
    st = tshark_stack(r["frame.protocols"])
    f = {"stack": ":".join(st)}
    n4 = st.count("ipv4")
    n6 = st.count("ipv6")
    ips = [x for x in st if x in ("ipv4", "ipv6")]
    f["src"] = f["dst"] = ""
    f["frag"] = ""
    if ips:
        if ips[-1] == "ipv4":
            f["src"], f["dst"] = occ(r["ip.src"], n4 - 1), occ(r["ip.dst"], n4 - 1)
            mf = occ(r["ip.flags.mf"], n4 - 1)
            off = occ(r["ip.frag_offset"], n4 - 1)
            mf = "1" if mf in ("1", "True") else "0"
            # tshark 4.0 gives ip.frag_offset in 8-byte units.
            f["frag"] = "%d/%s" % (int(off or "0") * 8, mf)
        else:
            f["src"], f["dst"] = occ(r["ipv6.src"], n6 - 1), occ(r["ipv6.dst"], n6 - 1)
            # Fragment headers of this (innermost) IPv6 header: count those of the outer ones.
            # Only those before an ICMPv6 error's quote count.
            protos = r["frame.protocols"].split(":")
            for stop in ("icmp", "icmpv6"):
                if stop in protos:
                    protos = protos[: protos.index(stop)]
            nf = protos.count("ipv6.fraghdr")
            off = occ(r["ipv6.fraghdr.offset"], nf - 1)
            more = occ(r["ipv6.fraghdr.more"], nf - 1)
            if not nf:
                f["frag"] = "0/0"
            elif off == "":
                f["frag"] = "?"  # tshark saw the header but no offset (cut short)
            else:
                f["frag"] = "%d/%s" % (int(off) * 8, "1" if more in ("1", "True") else "0")
    # Ports: the transport right after the innermost IP header.
    f["sport"] = f["dport"] = ""
    if ips:
        last_ip = max(i for i, x in enumerate(st) if x in ("ipv4", "ipv6"))
        tail = st[last_ip + 1:]
        if tail and tail[0] in ("udp", "tcp"):
            k = st[: last_ip + 2].count(tail[0]) - 1
            f["sport"] = occ(r[tail[0] + ".srcport"], k)
            f["dport"] = occ(r[tail[0] + ".dstport"], k)
    vnis = [v for v in (r["vxlan.vni"].split(",") if r["vxlan.vni"] else []) +
            (r["geneve.vni"].split(",") if r["geneve.vni"] else [])]
    f["vni"] = ";".join(sorted(str(int(v, 0)) for v in vnis))
    f["gre_key"] = ";".join(str(int(k, 0)) for k in (r["gre.key"].split(",") if r["gre.key"] else []))
    mtu = occ(r["icmp.mtu"], 0) or occ(r["icmpv6.mtu"], 0)
    f["mtu"] = mtu
    return f

def pt_facts(row):
    f = {"stack": ":".join(pt_stack(row["stack"]))}
    f["src"], f["dst"] = row["src_ip"], row["dst_ip"]
    f["sport"] = f["dport"] = ""
    if row["proto"] in ("udp", "tcp"):
        f["sport"], f["dport"] = row["src_port"], row["dst_port"]
    f["frag"] = "%s/%s" % (row["frag_offset"] or "0", row["more_fragments"] or "0") if row["src_ip"] else ""
    f["vni"] = ";".join(sorted(v for v in row["vni"].split(";") if v))
    f["gre_key"] = row["gre_key"]
    f["mtu"] = row["icmp_mtu"]
    return f

def load_known():
    known = {}
    with open(known_path) as fp:
        for line in fp:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 4:
                sys.exit("known-differences.tsv: bad line: " + line)
            fname, packets, field, reason = parts[:4]
            known[(fname, field)] = [packets, reason, 0]
    return known

def listed(known, fname, num, field):
    k = known.get((fname, field))
    if not k:
        return False
    packets = k[0]
    ok = packets == "*"
    if not ok:
        for part in packets.split(","):
            if "-" in part:
                a, b = part.split("-")
                ok |= int(a) <= num <= int(b)
            elif part:
                ok |= int(part) == num
    if ok:
        k[2] += 1
    return ok

known = load_known()
files = []
with open(os.path.join(corpus, "MANIFEST.tsv")) as fp:
    for i, line in enumerate(fp):
        name = line.split("\t", 1)[0].strip()
        if i and name:
            files.append(name)

failures = 0
compared = files_read = 0
for fname in files:
    path = os.path.join(corpus, fname)
    t = subprocess.run(TSHARK + ["-r", path], capture_output=True, text=True)
    rows = [l.split("\t") for l in t.stdout.splitlines() if l]
    if t.returncode != 0 and not rows:
        continue  # tshark cannot read it either
    p = subprocess.run([pathtrace, "decode", "-q", "--no-summary", "--csv", "-", path],
                       capture_output=True, text=True)
    prow = list(csv.DictReader(io.StringIO(p.stdout)))
    files_read += 1
    if len(prow) != len(rows):
        if not listed(known, fname, 0, "count"):
            print("FAIL %s: tshark read %d packets, pathtrace %d" % (fname, len(rows), len(prow)))
            failures += 1
    for i, (tr, pr) in enumerate(zip(rows, prow)):
        num = i + 1
        tf, pf = tshark_facts(tr), pt_facts(pr)
        compared += 1
        for field in ("stack", "src", "dst", "sport", "dport", "vni", "gre_key", "frag", "mtu"):
            if tf[field] == pf[field]:
                continue
            if listed(known, fname, num, field):
                continue
            print("FAIL %s #%d %s: tshark %r, pathtrace %r" % (fname, num, field, tf[field], pf[field]))
            failures += 1

for (fname, field), (packets, reason, hits) in sorted(known.items()):
    if hits == 0:
        print("FAIL known difference no longer occurs: %s %s (%s): %s" % (fname, field, packets, reason))
        failures += 1

print("diff-tshark: %d files, %d packets compared, %d unlisted or stale differences"
      % (files_read, compared, failures))
sys.exit(1 if failures else 0)
PYEOF
