#!/usr/bin/env python3
"""`pathtrace compare` over three bundled scenarios (Linux bridge, hybrid veth
plug, VXLAN): the table is the analyses' own scenario.csv rows under the
labels given, the time series is each main flow at its receiving point from
its first payload, and the three charts draw exactly those numbers (their
PNG, PDF and SVG looked into as for analyze's charts). Misuse: a directory
that holds no analysis is named and left out; more labels than directories
is a usage error.

usage: check-compare.py PATHTRACE SAMPLES_DIR WORKDIR
"""
import csv
import importlib.util
import os
import subprocess
import sys

spec = importlib.util.spec_from_file_location("cc", os.path.join(os.path.dirname(__file__), "check-charts.py"))
cc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cc)
check, rows, close, same_points = cc.check, cc.rows, cc.close, cc.same_points

SCENARIOS = [("linuxbridge", "Linux bridge"), ("hybridplug", "hybrid plug, veth"), ("vxlan-1450", None)]


def num(s):
    return float(s) if s not in ("", None) else float("nan")


def main():
    exe, samples, work = sys.argv[1:4]
    dirs = []
    for name, _ in SCENARIOS:
        out = os.path.join(work, name)
        cc.analyze(exe, ["--no-plots", "--bin", "0.01", os.path.join(samples, name)], out)
        dirs.append(out)
    cmp_dir = os.path.join(work, "cmp")
    args = [exe, "compare", "--svg", "-o", cmp_dir]
    for _, label in SCENARIOS:
        if label:
            args += ["--label", label]
    r = subprocess.run(args + dirs, capture_output=True, text=True)
    check(r.returncode == 0, f"pathtrace compare: exit {r.returncode} {r.stderr.strip()[:300]}")
    labels = [label or name for name, label in SCENARIOS]

    # The table: each analysis' scenario.csv row, under its label.
    table = rows(os.path.join(cmp_dir, "compare.csv"))
    check([t["label"] for t in table] == labels, f"compare.csv: one row per scenario {labels}")
    for t, d in zip(table, dirs):
        s = rows(os.path.join(d, "scenario.csv"))[0]
        for col in ("fwd_goodput_bps", "rev_goodput_bps", "lat_p50_us", "lat_p99_us", "rtt_p50_us", "rtt_p99_us",
                    "lost", "loss_pct", "overhead_pct", "mtu_findings", "receiver"):
            check(t[col] == s[col], f"compare.csv {t['label']}: {col} {t[col]!r} is the analysis' {s[col]!r}")
        check(num(t["fwd_goodput_bps"]) > 0, f"compare.csv {t['label']}: forward goodput measured")
        check(t["rtt_kind"] == "icmp" and num(t["rtt_p50_us"]) > 0, f"compare.csv {t['label']}: ping's round trip")
    vx = table[2]
    check(num(vx["overhead_pct"]) > 0 and num(table[0]["overhead_pct"]) == 0,
          "compare.csv: VXLAN has encapsulation overhead, the Linux bridge none")
    text = open(os.path.join(cmp_dir, "compare.txt")).read()
    check(text == r.stdout.split("\nwritten to")[0] and all(l in text for l in labels),
          "compare.txt is the table printed, one line per scenario")

    # The time series: the main flow at its receiving point, from its first payload.
    series = rows(os.path.join(cmp_dir, "compare-throughput.csv"))
    for t, d, label in zip(table, dirs, labels):
        s = rows(os.path.join(d, "scenario.csv"))[0]
        src = [x for x in rows(os.path.join(d, "throughput.csv"))
               if x["point"] == s["receiver"] and x["flow"] == s["main_flow"]]
        first = next(i for i, x in enumerate(src) if float(x["goodput_bps"]) > 0)
        want = [[float(x["t_s"]) - float(src[first]["t_s"]), float(x["goodput_bps"])] for x in src[first:]]
        got = [[float(x["t_s"]), float(x["goodput_bps"])] for x in series if x["label"] == label]
        check(all(x["scenario"] == str(labels.index(label) + 1) for x in series if x["label"] == label),
              f"compare-throughput.csv: {label} is scenario {labels.index(label) + 1}")
        same_points(got, want, f"compare-throughput.csv: {label}")

    # The charts draw those numbers.
    title = " vs ".join(labels)
    for name in ("compare-bars", "compare-latency", "compare-time"):
        v = cc.gp_vars(os.path.join(cmp_dir, name + ".gp"))
        curves = cc.render_table(cmp_dir, name)
        cc.check_images(cmp_dir, name)
        if name == "compare-bars":
            want = {"forward (the main flow's)": "fwd_goodput_bps", "reverse": "rev_goodput_bps"}
            for c in curves[:2]:
                same_points([p[1:2] for p in c[2]], [[num(t[want[c[0]]]) / v["unit"]] for t in table],
                            f"compare-bars: {c[0]}")
            labelled = [p for c in curves[2:] for p in c[2]]
            check(len(labelled) == 2 * len(table), "compare-bars: every bar carries its value")
            def lbl(x):
                return ("%.0f" % x if x >= 100 else "%.1f" % x if x >= 10 else "%.2f" % x if x >= 0.01
                        else "<0.01" if x > 0 else "0")
            cc.check_svg(cmp_dir, name, title, "scenario", f"mean goodput ({v['unit_name']})",
                         list(want) + labels + [lbl(num(t["fwd_goodput_bps"]) / v["unit"]) for t in table])
        elif name == "compare-latency":
            want = {"one-way p50": "lat_p50_us", "one-way p99": "lat_p99_us", "round trip p50": "rtt_p50_us"}
            check([c[0] for c in curves] == list(want), f"compare-latency: bars {list(want)}")
            for c in curves:
                same_points([p[1:2] for p in c[2]], [[num(t[want[c[0]]]) / v["unit"]] for t in table],
                            f"compare-latency: {c[0]}")
            cc.check_svg(cmp_dir, name, title, "scenario", f"time ({v['unit_name']}, log scale)", list(want) + labels)
        else:
            check([c[0] for c in curves] == labels, f"compare-time: one line per scenario {labels}")
            for c in curves:
                same_points([p[:2] for p in c[2]],
                            [[float(x["t_s"]), float(x["goodput_bps"]) / v["unit"]] for x in series if x["label"] == c[0]],
                            f"compare-time: {c[0]}")
            cc.check_svg(cmp_dir, name, title, "time since the flow's first payload (s)", f"goodput ({v['unit_name']})",
                         labels)

    # Misuse.
    r = subprocess.run([exe, "compare", "--no-plots", "-o", os.path.join(work, "cmp2"), dirs[0], samples],
                       capture_output=True, text=True)
    check(r.returncode == 1 and "scenario.csv" in r.stderr and "linuxbridge" in r.stdout,
          f"compare: a directory without an analysis is named, the rest compared (exit {r.returncode})")
    r = subprocess.run([exe, "compare", "--label", "a", "--label", "b", dirs[0]], capture_output=True, text=True)
    check(r.returncode == 2 and "--label" in r.stderr, f"compare: more labels than directories (exit {r.returncode})")

    print(f"{cc.PASSES} passed, {len(cc.FAILS)} failed")
    return 1 if cc.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
