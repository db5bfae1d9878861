#!/usr/bin/env python3
"""run.py -- pathtrace's benchmark (`make bench`).

Writes the four-point VXLAN capture set with gen-captures, warms the page
cache, then times on the same files, in the same run:
  - pcap-loop: a plain libpcap pcap_next_ex loop, the floor for reading;
  - pathtrace analyze (charts included, as users run it);
  - tshark -q -z conv,tcp on each file in turn (it cannot match across files:
    its per-file conversation table is the nearest job it does);
  - tcpdump -r FILE -w /dev/null on each file in turn, when installed;
  - with --baseline, another pathtrace build (say, before a change), the same way.
Each is run --runs times; the table gives medians of wall, user and system
time, the largest resident set, frames and MB per second, and each tool's
time as a multiple of the libpcap loop's. A second pathtrace run on a quarter
of the packets shows how memory grows with the input: per-flow latency
reservoirs fill up to 2048 samples per pair of points, then only the matching
window counts.
Results also go to --csv. Timing is the machine's: compare ratios, not
seconds, between machines.
"""
import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv, ok=(0,)):
    """Wall, user and system seconds and peak RSS (KiB) of one command."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in ok:
        raise RuntimeError("%s exited %d: %s" % (" ".join(argv[:3]), p.returncode, err.strip()[:300]))
    return wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss


def measure(cmds, runs, ok=(0,)):
    """cmds: commands run one after the other as one job (a tool run per file)."""
    walls, users, syss, rss = [], [], [], 0
    for _ in range(runs):
        w = u = s = 0.0
        for argv in cmds:
            cw, cu, cs, cr = timed(argv, ok)
            w, u, s, rss = w + cw, u + cu, s + cs, max(rss, cr)
        walls.append(w)
        users.append(u)
        syss.append(s)
    return statistics.median(walls), statistics.median(users), statistics.median(syss), rss


def generate(gen, where, packets, snaplen, connections):
    subprocess.run([gen, where, str(packets), str(snaplen), str(connections)], check=True,
                   stdout=subprocess.DEVNULL)
    files = sorted(os.path.join(where, f) for f in os.listdir(where) if f.endswith(".pcap"))
    for f in files:  # warm the page cache: every tool then reads from memory
        with open(f, "rb") as fh:
            while fh.read(1 << 20):
                pass
    return files


def count_frames(loop, files):
    out = subprocess.run([loop] + files, check=True, stdout=subprocess.PIPE, text=True).stdout
    return int(out.split()[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pathtrace", required=True)
    ap.add_argument("--gen", required=True, help="gen-captures program")
    ap.add_argument("--pcap-loop", required=True, help="pcap-loop program")
    ap.add_argument("--packets", type=int, default=200000, help="packets sent from vm1's side")
    ap.add_argument("--snaplen", type=int, default=65535)
    ap.add_argument("--connections", type=int, default=64, help="TCP connections between the two VMs")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--csv", default="bench-results.csv")
    ap.add_argument("--no-tshark", action="store_true", help="leave tshark out (it is slow)")
    ap.add_argument("--baseline", help="another pathtrace build to time on the same files (before a change)")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="pathtrace-bench-")
    try:
        files = generate(args.gen, os.path.join(work, "full"), args.packets, args.snaplen,
                         args.connections)
        frames = count_frames(args.pcap_loop, files)
        size_mb = sum(os.path.getsize(f) for f in files) / 1e6
        print("capture set: %d files, %d frames, %.0f MB (%d packets from vm1 on %d connections, snaplen %d);"
              " %d runs each" % (len(files), frames, size_mb, args.packets, args.connections, args.snaplen,
                                 args.runs))
        out = os.path.join(work, "out")
        # pathtrace exits 1 when it reports an error-level finding: the set has losses.
        pt = [args.pathtrace, "analyze", "-o", out]
        jobs = [("libpcap loop", [[args.pcap_loop] + files], (0,)),
                ("pathtrace analyze", [pt + files], (0, 1)),
                ("  without charts", [pt + ["--no-plots"] + files], (0, 1))]
        if args.baseline:
            jobs.append(("baseline pathtrace", [[args.baseline, "analyze", "-o", out] + files], (0, 1)))
        if not args.no_tshark and shutil.which("tshark"):
            jobs.append(("tshark conv,tcp", [["tshark", "-n", "-r", f, "-q", "-z", "conv,tcp"] for f in files],
                         (0,)))
        if shutil.which("tcpdump"):
            jobs.append(("tcpdump -w /dev/null", [["tcpdump", "-n", "-r", f, "-w", "/dev/null"] for f in files],
                         (0,)))
        rows = []
        for name, cmds, ok in jobs:
            wall, user, sys_s, rss = measure(cmds, args.runs, ok)
            rows.append(dict(tool=name, wall_s=wall, user_s=user, sys_s=sys_s, max_rss_mib=rss / 1024,
                             frames_per_s=frames / wall, mb_per_s=size_mb / wall))
        base = rows[0]["wall_s"]
        for r in rows:
            r["x_libpcap_loop"] = r["wall_s"] / base
            r["x_pathtrace"] = r["wall_s"] / rows[1]["wall_s"]

        quarter = generate(args.gen, os.path.join(work, "quarter"), max(1, args.packets // 4), args.snaplen,
                           args.connections)
        _, _, _, rss_q = measure([pt + quarter], 1, (0, 1))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("%-22s %8s %8s %8s %9s %12s %8s %10s" % ("tool", "wall s", "user s", "sys s", "RSS MiB",
                                                   "frames/s", "MB/s", "x libpcap"))
    for r in rows:
        print("%-22s %8.3f %8.3f %8.3f %9.1f %12.0f %8.0f %10.2f" % (
            r["tool"], r["wall_s"], r["user_s"], r["sys_s"], r["max_rss_mib"], r["frames_per_s"],
            r["mb_per_s"], r["x_libpcap_loop"]))
    print("pathtrace takes %.2fx the libpcap loop's time" % rows[1]["x_libpcap_loop"])
    for r in rows[3:]:
        print("%s takes %.2fx pathtrace's time" % (r["tool"], r["x_pathtrace"]))
    print("pathtrace peak memory: %.1f MiB on all packets, %.1f MiB on a quarter of them (x%.2f for x4 the "
          "input: per-flow latency samples stop at %d per pair of points, the rest follows the matching window)"
          % (rows[1]["max_rss_mib"], rss_q / 1024, rows[1]["max_rss_mib"] * 1024 / rss_q, 2048))
    with open(args.csv, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()) + ["frames", "mb", "runs"])
        w.writeheader()
        for r in rows:
            w.writerow(dict(r, frames=frames, mb=round(size_mb, 1), runs=args.runs))
    print("results written to %s" % args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
