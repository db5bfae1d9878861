#!/usr/bin/env python3
"""Clocks as real capture sets have them, on the clock-offset sample.

Usage: check-clocks.py PATHTRACE SRCDIR WORKDIR

Host cn2's captures are shifted further (file time minus true time), past the
1 s matching window: +1.25 s, -30 s, +10 min. check-analyze.py must then
find the same paths, no loss, and cn2's offset (the shift plus the sample's
own 0.25 s) within 1 ms, as on the sample itself. One packet of one file
stamped 100 s ahead, or behind, must change nothing but a capture.clock_jump
finding at that point; a file whose clock steps back must say so
(capture.clock_step). One line per check.
"""
import csv
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
passed = failed = 0


def check(ok, what):
    global passed, failed
    passed, failed = passed + bool(ok), failed + (not ok)
    print(("ok   " if ok else "FAIL ") + what)


def shift_pcap(path, edit):
    """Rewrites every packet's timestamp t (ns) as edit(index, t), in pcap or pcapng."""
    data = bytearray(open(path, "rb").read())
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        shift_pcapng(data, edit)
    else:
        end = "<" if struct.unpack("<I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        unit = 1 if struct.unpack(end + "I", data[:4])[0] == 0xa1b23c4d else 1000
        off, i = 24, 0
        while off + 16 <= len(data):
            sec, frac, incl = struct.unpack(end + "III", data[off:off + 12])
            t = edit(i, sec * 10**9 + frac * unit)
            struct.pack_into(end + "II", data, off, t // 10**9, (t % 10**9) // unit)
            off, i = off + 16 + incl, i + 1
    open(path, "wb").write(bytes(data))


def shift_pcapng(data, edit):
    end, units, off, i = "<", [], 0, 0
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0a0d0d0a:
            end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            units = []
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        if btype == 1:  # interface: if_tsresol (option 9) or microseconds
            unit, o = 1000, off + 16
            while o + 4 <= off + blen - 4:
                code, olen = struct.unpack(end + "HH", data[o:o + 4])
                if code == 0:
                    break
                if code == 9:
                    r = data[o + 4]
                    unit = 10**9 // (2 ** (r & 0x7f) if r & 0x80 else 10 ** r)
                o += 4 + (olen + 3) // 4 * 4
            units.append(unit)
        elif btype == 6:  # enhanced packet
            ifid, hi, lo = struct.unpack(end + "III", data[off + 8:off + 20])
            unit = units[ifid] if ifid < len(units) else 1000
            t = edit(i, ((hi << 32) | lo) * unit)
            v = t // unit
            struct.pack_into(end + "II", data, off + 12, v >> 32, v & 0xffffffff)
            i += 1
        off += blen


def variant(src, dst, host, edit, offset_s=None):
    shutil.copytree(src, dst)
    lines = []
    for line in open(os.path.join(dst, "manifest.tsv")):
        if line.startswith("point\t") and "\thost=%s\t" % host in line:
            f = [x for x in line.split("\t") if x.startswith("file=")][0][5:]
            shift_pcap(os.path.join(dst, f), edit)
        if offset_s is not None and line.startswith("clock\t") and "host=%s\t" % host in line + "\t":
            line = "clock\thost=%s\toffset_s=%.6f\n" % (host, offset_s)
        lines.append(line)
    open(os.path.join(dst, "manifest.tsv"), "w").writelines(lines)


def judge(exe, dst, what):
    r = subprocess.run([sys.executable, os.path.join(HERE, "check-analyze.py"), exe, dst, dst + ".out"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    fails = [x for x in r.stdout.splitlines() if x.startswith("FAIL")]
    check(r.returncode == 0, "%s: %s" % (what, "as on the sample" if r.returncode == 0 else "; ".join(fails[:3])))
    return r


def findings(out):
    try:
        with open(os.path.join(out, "findings.csv")) as f:
            return [(r["name"], r["point"]) for r in csv.DictReader(f)]
    except OSError:
        return []


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, src, work = sys.argv[1:]
    sample = os.path.join(src, "samples", "clock-offset")
    for shift in (1.25, -30.0, 600.0):
        dst = os.path.join(work, "shift%+g" % shift)
        variant(sample, dst, "cn2", lambda i, t, s=shift: t + int(s * 1e9), 0.25 + shift)
        judge(exe, dst, "cn2 %+g s further off" % shift)
    for name, edit in (("ahead", lambda i, t: t + 100 * 10**9 if i == 20 else t),
                       ("behind", lambda i, t: t - 100 * 10**9 if i == 20 else t)):
        dst = os.path.join(work, "glitch-" + name)
        variant(sample, dst, "cn2", edit)
        judge(exe, dst, "one packet of each cn2 file 100 s %s" % name)
        kinds = findings(dst + ".out")
        check(sorted(p for k, p in kinds if k == "capture.clock_jump") == ["cn2-br0", "cn2-eth1", "cn2-tap2",
                                                                           "cn2-vxlan0"],
              "capture.clock_jump at each cn2 point, 100 s %s (%s)" % (name, kinds))
    dst = os.path.join(work, "step")
    variant(sample, dst, "cn1", lambda i, t: t - 5 * 10**9 if i >= 30 else t)
    subprocess.run([exe, "analyze", "--no-plots", "-o", dst + ".out"] + sorted(
        os.path.join(dst, f) for f in os.listdir(dst) if f.endswith(".pcap")), stdout=subprocess.DEVNULL)
    steps = [p for k, p in findings(dst + ".out") if k == "capture.clock_step"]
    check(sorted(steps) == ["cn1-br0", "cn1-eth1", "cn1-tap1", "cn1-vxlan0"],
          "a clock set back 5 s mid-capture is reported at each of cn1's points (%s)" % steps)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
