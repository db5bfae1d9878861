#!/usr/bin/env python3
"""pathtrace's throughput and round trips held to the tools' own reports, on
fresh kernel captures (tests/lab/lab.sh truth): goodput per 1 s bin at the
receiver's point within 5 % of iperf3's per-interval report (iperf3-server.json:
the receiving end), the bins started where the data did (the first payload at
that point, found with tshark, given as --bin-start); ping's round trips
within 10 % or 20 us of pathtrace's at the sender's point, echo for echo
(pathtrace's may not exceed ping's: ping's clock also runs through the
sender's own stack, the wire's does not).
Then the charts of that analysis, judged as tests/e2e/check-charts.py judges
the samples'.

usage: check-truth.py PATHTRACE CAPTURE_DIR WORKDIR
"""
import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

spec = importlib.util.spec_from_file_location(
    "cc", os.path.join(os.path.dirname(__file__), "..", "e2e", "check-charts.py"))
cc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cc)
check, rows = cc.check, cc.rows


def main():
    exe, caps, work = sys.argv[1:4]
    out = os.path.join(work, "truth.out")
    # Where the iperf3 data began at the receiver's point, by tshark, not by pathtrace.
    r = subprocess.run(["tshark", "-r", os.path.join(caps, "vm2-eth0.pcapng"), "-Y",
                        "tcp.srcport == 40001 && tcp.len > 0", "-T", "fields", "-e", "frame.time_epoch"],
                       capture_output=True, text=True)
    t0 = (r.stdout.split() or [""])[0]
    if not check(re.fullmatch(r"\d+\.\d+", t0) is not None, f"tshark finds the first data segment at vm2-eth0 ({t0!r})"):
        return 1
    args = ["--label", "truth", "--bin", "1", "--bin-start", t0, "--svg" if shutil.which("gnuplot") else "--no-plots"]
    cc.analyze(exe, args + [caps], out)
    flows = rows(os.path.join(out, "flows.csv"))
    data = [f["flow_id"] for f in flows if f["proto"] == "tcp" and f["src_port"] == "40001" and f["dst_port"] == "5201"]
    ping = [f["flow_id"] for f in flows if f["proto"] == "icmp" and f["src_port"] == "9001" and f["src_ip"] == "10.10.0.11"]
    check(len(data) == 1 and len(ping) == 1, f"flows.csv holds the iperf3 data flow {data} and the ping flow {ping}")

    # Goodput per 1 s bin at the receiver's point against iperf3's receiving end.
    srv = json.load(open(os.path.join(caps, "iperf3-server.json")))
    intervals = [iv["sum"] for iv in srv["intervals"] if iv["sum"]["seconds"] >= 0.99]
    bins = {round(float(x["t_s"])): int(x["goodput_bytes"]) for x in rows(os.path.join(out, "throughput.csv"))
            if x["point"] == "vm2-eth0" and x["flow"] == (data[0] if data else "")}
    check(len(intervals) >= 4, f"iperf3 reported {len(intervals)} full intervals")
    for iv in intervals:
        k = round(iv["start"])
        got, want = bins.get(k, 0), iv["bytes"]
        print(f"  [{k}, {k + 1}) s: pathtrace {got} bytes, iperf3 {want}")
        check(abs(got - want) <= 0.05 * want,
              f"goodput at vm2-eth0 in [{k}, {k + 1}) s: pathtrace {got} bytes, iperf3 {want} ({100.0 * (got - want) / want:+.2f} %)")

    # Round trips at the sender's point against ping's, echo for echo (in time order).
    pings = [float(m.group(1)) * 1000 for m in re.finditer(r"icmp_seq=\d+ .*time=([\d.]+) ms",
                                                            open(os.path.join(caps, "ping.txt")).read())]
    ours = sorted((float(x["ts"]), float(x["rtt_us"])) for x in rows(os.path.join(out, "rtt.csv"))
                  if x["point"] == "vm1-eth0" and x["flow_id"] == (ping[0] if ping else ""))
    check(len(pings) >= 15 and len(ours) == len(pings), f"{len(ours)} round trips at vm1-eth0 for ping's {len(pings)}")
    for i, (want, (_, got)) in enumerate(zip(pings, ours), 1):
        print(f"  echo {i}: pathtrace {got:.1f} us, ping {want:.1f} us")
        check(abs(got - want) <= max(0.10 * want, 20.0) and got <= want + 20.0,
              f"echo {i}: pathtrace {got:.1f} us at vm1-eth0, ping {want:.1f} us")

    if shutil.which("gnuplot"):
        cc.chart_checks(out, "truth")
    print(f"{cc.PASSES} passed, {len(cc.FAILS)} failed")
    return 1 if cc.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
