#!/usr/bin/env python3
"""Capture sets laid out as operators lay them out: one directory per host
holding files named after the interface only (cn1/eth1.pcap, cn2/eth1.pcap).

Usage: check-layouts.py PATHTRACE SRCDIR WORKDIR

For every bundled sample in which two hosts share an interface name, the
captures are copied to HOST/IFNAME.EXT and pathtrace analyze is run on the
host directories: the points must come out named HOST-IFNAME as the manifest
says, and check-analyze.py must pass on the result. Then the ways a layout
goes wrong: two files that nothing tells apart, a --role that names a point
of several hosts, a name given twice, a typo in an option that names a
point (refused before anything is written). One line per check.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab_manifest import read_manifest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
passed = failed = 0


def check(ok, what):
    global passed, failed
    passed, failed = passed + bool(ok), failed + (not ok)
    print(("ok   " if ok else "FAIL ") + what)


def run(exe, args):
    return subprocess.run([exe, "analyze"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def lay_out(scen, dst):
    """Copies scen's captures to dst/HOST/IFNAME.EXT with a manifest naming them."""
    os.makedirs(dst)
    lines = []
    with open(os.path.join(scen, "manifest.tsv")) as f:
        for line in f:
            if line.startswith("point\t"):
                kv = dict(x.split("=", 1) for x in line.rstrip("\n").split("\t")[1:])
                ext = os.path.splitext(kv["file"])[1]
                rel = os.path.join(kv["host"], kv["ifname"] + ext)
                os.makedirs(os.path.join(dst, kv["host"]), exist_ok=True)
                shutil.copy(os.path.join(scen, kv["file"]), os.path.join(dst, rel))
                line = line.replace("file=" + kv["file"], "file=" + rel)
            lines.append(line)
    with open(os.path.join(dst, "manifest.tsv"), "w") as f:
        f.writelines(lines)


def host_dirs_scenarios(exe, src, work):
    for name in sorted(os.listdir(os.path.join(src, "samples"))):
        scen = os.path.join(src, "samples", name)
        if not os.path.isfile(os.path.join(scen, "manifest.tsv")):
            continue
        pts = [kv for t, kv in read_manifest(os.path.join(scen, "manifest.tsv")) if t == "point"]
        ifnames = [p["ifname"] for p in pts]
        if len(set(ifnames)) == len(ifnames):
            continue  # nothing to tell apart: bare interface names stay bare
        dst = os.path.join(work, name)
        lay_out(scen, dst)
        r = subprocess.run([sys.executable, os.path.join(HERE, "check-analyze.py"), exe, dst, dst + ".out"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        fails = [x for x in r.stdout.splitlines() if x.startswith("FAIL")]
        check(r.returncode == 0, "%s laid out by host directory: %s" % (
            name, "names and analysis as in the manifest" if r.returncode == 0 else "; ".join(fails[:3])))


def misuse(exe, src, work):
    two = os.path.join(work, "clock-offset")
    out = os.path.join(work, "misuse.out")
    hosts = [os.path.join(two, h) for h in ("cn1", "cn2")]

    same = os.path.join(work, "same-dir")
    os.makedirs(same)
    shutil.copy(os.path.join(two, "cn1", "eth1.pcap"), os.path.join(same, "eth1.pcap"))
    shutil.copy(os.path.join(two, "cn2", "eth1.pcap"), os.path.join(same, "eth1.pcapng"))
    r = run(exe, ["-o", out, same])
    check(r.returncode == 2 and "--name" in r.stderr and "eth1.pcapng" in r.stderr and not os.path.exists(out),
          "two captures nothing tells apart are refused before reading, saying how to fix it (%s)"
          % r.stderr.strip())

    r = run(exe, ["-o", out, "--role", "eth1=hop"] + hosts)
    check(r.returncode == 2 and "cn1-eth1" in r.stderr and "cn2-eth1" in r.stderr and not os.path.exists(out),
          "--role with a name several hosts have is refused, naming the choices (%s)" % r.stderr.strip())

    r = run(exe, ["--no-plots", "-o", out, "--role", "tap1=bridge", "--role", "cn2-tap2=bridge"] + hosts)
    roles = {}
    if r.returncode == 0:
        import csv
        with open(os.path.join(out, "points.csv")) as f:
            roles = {row["point"]: row["role"] for row in csv.DictReader(f)}
    check(roles.get("cn1-tap1") == "bridge" and roles.get("cn2-tap2") == "bridge" and roles.get("cn1-eth1") == "hop",
          "--role by the plain name of a point only one host has, or by its full name (%s)" % roles)
    shutil.rmtree(out, ignore_errors=True)

    for opt in (["--clock-offset", "nosuch=0.1"], ["--reference", "nosuch"], ["--role", "nosuch=hop"]):
        r = run(exe, ["-o", out] + opt + hosts)
        check(r.returncode == 2 and "nosuch" in r.stderr and not os.path.exists(out),
              "%s %s: refused before reading, nothing written (%s)" % (opt[0], opt[1], r.stderr.strip()))

    f = os.path.join(two, "cn1", "tap1.pcap")
    r1 = run(exe, ["--no-plots", "-o", out, f])
    once = open(os.path.join(out, "points.csv")).read() if r1.returncode == 0 else "?"
    r2 = run(exe, ["--no-plots", "-o", out, f, two + "/cn1/../cn1/tap1.pcap"])
    twice = open(os.path.join(out, "points.csv")).read() if r2.returncode == 0 else "!"
    check(r2.returncode == 0 and once == twice and "given twice" in r2.stderr,
          "the same file given twice is read once, with a note (%s)" % r2.stderr.strip())


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, src, work = sys.argv[1:]
    host_dirs_scenarios(exe, src, work)
    misuse(exe, src, work)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
