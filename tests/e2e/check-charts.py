#!/usr/bin/env python3
"""The charts of `pathtrace analyze` and `pathtrace compare`, judged against
the CSV files they come from.

For every chart of an analysis (and of a comparison) this checks:
  - the PNG is a 1200x750 image that is not blank and holds the first line
    colour; the PDF is a PDF;
  - the SVG names the capture set in its title, carries the axis labels with
    their units, and names in its legend what the data are (points, hops,
    flows, parts);
  - the numbers the chart draws (gnuplot's own table of them: the script run
    with formats='table') are the CSV rows it claims to draw, point by point.
Then what the charts must show on known scenarios: on `delay` the latency
charts hold the 20 ms hop apart from the others; on `vxlan-mtu1500` the
throughput chart of the stalled TCP flow collapses at the tunnel. Finally
`pathtrace plot` re-renders an edited CSV, and without gnuplot analyze still
writes scripts and CSV files, warns once and succeeds.

usage: check-charts.py PATHTRACE SAMPLES_DIR WORKDIR
"""
import csv
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

FAILS = []
PASSES = 0


def check(ok, what):
    global PASSES
    if ok:
        PASSES += 1
    else:
        FAILS.append(what)
        print("FAIL", what)
    return ok


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def gp_vars(path):
    """The choices pathtrace wrote at the top of a script: if (!exists("x")) x = v."""
    out = {}
    pat = re.compile(r'^if \(!exists\("(\w+)"\)\) \w+ = (.*)$')
    with open(path) as f:
        for line in f:
            m = pat.match(line.rstrip("\n"))
            if not m:
                continue
            v, name = m.group(2), m.group(1)
            if name in out:
                continue  # the first (pathtrace's choice) is the one gnuplot keeps
            if v.startswith("'"):
                out[name] = v[1:-1].replace("''", "'")
            elif v.startswith('"'):
                out[name] = v[1:-1]
            else:
                out[name] = float(v)
    return out


def table(path):
    """gnuplot's table: [(title, columns, [[numbers]])], undefined points left out."""
    curves, cur, cols = [], None, []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if re.match(r"# Curve \d+ of \d+", line):
                cur = ("", [], [])  # a curve kept out of the key has no title line
                curves.append(cur)
            elif line.startswith("# Curve title:") and cur is not None:
                cur = (line.split(":", 1)[1].strip().strip('"'), cur[1], cur[2])
                curves[-1] = cur
            elif line.startswith("# x "):
                cols = line[2:].split()
                if cur is not None:
                    cur[1].extend(cols)
            elif line and not line.startswith("#") and cur is not None:
                f_ = line.split()
                if f_[-1] == "u":
                    continue
                cur[2].append([float(x) for x in f_[:-1]])
    return curves


def close(a, b, rel=2e-5, abso=1e-6):
    return abs(a - b) <= max(abso, rel * max(abs(a), abs(b)))


def same_points(got, want, what):
    if not check(len(got) == len(want), f"{what}: {len(got)} points drawn, {len(want)} in the CSV"):
        return
    bad = [(g, w) for g, w in zip(got, want) if not all(close(x, y) for x, y in zip(g, w))]
    check(not bad, f"{what}: drawn {bad[:1]} but the CSV says so otherwise" if bad else what)


# ------------------------------------------------------------------ images

def png_pixels(path):
    """Width, height and RGB rows of an 8-bit RGB/RGBA PNG (what pngcairo writes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    if depth != 8 or ctype not in (2, 6):
        return None
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(bytes(line))
        prev = line
    return w, h, bpp, out


def check_images(out, name):
    png = os.path.join(out, name + ".png")
    px = png_pixels(png) if os.path.exists(png) else None
    if not check(px is not None, f"{name}.png is a PNG"):
        return
    w, h, bpp, lines = px
    check((w, h) == (1200, 750), f"{name}.png is 1200x750 (got {w}x{h})")
    inked, blue = 0, 0
    for line in lines[::3]:
        for x in range(0, w * bpp, bpp * 3):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if r < 240 or g < 240 or b < 240:
                inked += 1
            # The first series' colour (#0072B2), solid or as a lighter fill.
            k = (255 - r) / 255
            if k > 0.2 and abs(g - (255 - 141 * k)) < 24 and abs(b - (255 - 77 * k)) < 24:
                blue += 1
    total = len(lines[::3]) * len(range(0, w * bpp, bpp * 3))
    check(inked > 0.01 * total, f"{name}.png is not blank ({inked} of {total} sampled pixels inked)")
    check(blue > 0, f"{name}.png draws the first series' colour")
    with open(os.path.join(out, name + ".pdf"), "rb") as f:
        pdf = f.read()
    check(pdf[:5] == b"%PDF-" and len(pdf) > 2000, f"{name}.pdf is a PDF")


def svg_texts(path):
    t = ET.parse(path)
    return [re.sub(r"\s+", " ", "".join(el.itertext())).strip() for el in t.iter() if el.tag.endswith("text")]


def check_svg(out, name, label, xlabel, ylabel, legend):
    texts = svg_texts(os.path.join(out, name + ".svg"))
    check(any(t == label or t.startswith(label + ":") for t in texts),
          f"{name}.svg: the title names the capture set {label!r}")
    if xlabel:
        check(any(xlabel in t for t in texts), f"{name}.svg: x axis label {xlabel!r}")
    check(any(ylabel in t for t in texts), f"{name}.svg: y axis label {ylabel!r} (units)")
    missing = [x for x in legend if x and x not in texts]
    check(not missing, f"{name}.svg: the legend names {missing or legend}")


def render_table(out, name):
    r = subprocess.run(["gnuplot", "-e", "formats='table'", name + ".gp"], cwd=out, capture_output=True, text=True)
    check(r.returncode == 0, f"{name}.gp renders as a table: {r.stderr.strip()[:200]}")
    return table(os.path.join(out, name + ".table"))


# ------------------------------------------------------------------ the charts of an analysis

def listed(v, name):
    return [v[f"{name}_{i}"] for i in range(1, int(v[f"n{name}s"] if f"n{name}s" in v else 0) + 1)]


def chart_checks(out, label):
    charts = sorted(f[:-3] for f in os.listdir(out) if f.endswith(".gp"))
    check(len(charts) >= 6, f"{out}: {len(charts)} charts ({', '.join(charts)})")
    drawn = {}
    for name in charts:
        v = gp_vars(os.path.join(out, name + ".gp"))
        curves = render_table(out, name)
        drawn[name] = (v, curves)
        check_images(out, name)
        titles = [c[0] for c in curves]
        if name == "throughput":
            pts = [v[f"point_{i}"] for i in range(1, int(v["npoints"]) + 1)]
            check(titles == pts, f"throughput: one line per point, in path order {pts} (got {titles})")
            t = rows(os.path.join(out, "throughput.csv"))
            flow = str(int(v["flow"]))
            for c in curves:
                want = [[float(r["t_s"]) + float(r["bin_s"]) / 2, float(r["goodput_bps"]) / v["unit"]]
                        for r in t if r["point"] == c[0] and r["flow"] == flow]
                same_points([p[:2] for p in c[2]], want, f"throughput: {c[0]}")
            check_svg(out, name, label, "time since the first packet (s)", f"goodput ({v['unit_name']})", pts)
            ys = [p[1] for c in curves for p in c[2]]
            tics = [float(x) for x in svg_texts(os.path.join(out, name + ".svg")) if re.fullmatch(r"-?[\d.]+", x)]
            check(ys and tics and max(tics) >= max(ys) * 0.999, f"throughput: the y axis reaches the largest value {max(ys or [0])}")
        elif name == "throughput-flows":
            t = rows(os.path.join(out, "throughput.csv"))
            n = int(v["nflows"])
            want_titles = [v[f"flow_title_{i}"] for i in range(1, n + 1)]
            check(titles == want_titles, f"throughput-flows: one line per flow {want_titles}")
            for i, c in enumerate(curves, 1):
                want = [[float(r["t_s"]) + float(r["bin_s"]) / 2, float(r["goodput_bps"]) / v["unit"]]
                        for r in t if r["point"] == v[f"flow_point_{i}"] and r["flow"] == str(int(v[f"flow_{i}"]))]
                same_points([p[:2] for p in c[2]], want, f"throughput-flows: {c[0]}")
            check_svg(out, name, label, "time since the first packet (s)", f"goodput ({v['unit_name']})", want_titles)
        elif name in ("latency-cdf", "latency-time"):
            lat = rows(os.path.join(out, "latency.csv"))
            n = int(v["nhops"])
            want_titles = [v[f"hop_title_{i}"] for i in range(1, n + 1)]
            check(titles == want_titles, f"{name}: one line per hop {want_titles}")
            for i, c in enumerate(curves, 1):
                sel = [r for r in lat if r["flow_id"] == str(int(v["flow"])) and r["hop"] == str(int(v[f"hop_{i}"]))]
                if name == "latency-cdf":
                    # One step per distinct latency, to the share of packets no slower.
                    xs = sorted(max(float(r["latency_us"]), 0.1) for r in sel)
                    want = [[x, sum(1 for y in xs if y <= x) / len(xs)] for x in sorted(set(xs))]
                    same_points([p[:2] for p in c[2]], want, f"latency-cdf: {c[0]}")
                else:
                    want = [[float(r["t_s"]), max(float(r["latency_us"]), 0.1)] for r in sel]
                    same_points([p[:2] for p in c[2]], want, f"latency-time: {c[0]}")
            check_svg(out, name, label, "latency (microseconds" if name == "latency-cdf" else "time since the first packet (s)",
                      "fraction of packets" if name == "latency-cdf" else "latency (microseconds", want_titles)
        elif name == "latency-box":
            hops = [r for r in rows(os.path.join(out, "hops.csv")) if r["flow_id"] == str(int(v["flow"]))
                    and r["hop"] in v["hop_list"].split()]
            f = lambda x: max(float(x), 0.1)
            want = [[i, f(r["lat_p25_us"]), f(r["lat_min_us"]), f(r["lat_p99_us"]), f(r["lat_p75_us"])] for i, r in enumerate(hops)]
            same_points([p[:5] for p in curves[0][2]], want, "latency-box: boxes and whiskers")
            same_points([p[:2] for p in curves[1][2]], [[i, f(r["lat_p50_us"])] for i, r in enumerate(hops)], "latency-box: medians")
            check_svg(out, name, label, "hop (from > to)", "latency (microseconds",
                      [f"{r['from_point']} > {r['to_point']}" for r in hops])
        elif name == "rtt":
            t = rows(os.path.join(out, "rtt.csv"))
            n = int(v["nrtt"])
            want_titles = [v[f"rtt_title_{i}"] for i in range(1, n + 1)]
            check(titles == want_titles, f"rtt: one line per flow {want_titles}")
            for i, c in enumerate(curves, 1):
                want = [[float(r["t_s"]), float(r["rtt_us"]) / v["unit"]] for r in t
                        if r["flow_id"] == str(int(v[f"rtt_flow_{i}"])) and r["point"] == v[f"rtt_point_{i}"]]
                same_points([p[:2] for p in c[2]], want, f"rtt: {c[0]}")
            check_svg(out, name, label, "time since the first packet (s)", f"round-trip time ({v['unit_name']})", want_titles)
        elif name == "rtt-hops":
            t = rows(os.path.join(out, "rtt-hops.csv"))
            n = int(v["nrows"])
            check(len(curves) == n + 1 and len(t) == n, f"rtt-hops: one box per part ({n}) and the measured bars")
            for i in range(min(n, len(curves))):
                r, p = t[i], curves[i][2]
                p50 = float(r["p50_us"]) if r["p50_us"] else 0.0
                want = [[float(r["start_us"]) / v["unit"], (float(r["start_us"]) + p50) / v["unit"]]]
                same_points([[q[4], q[5]] for q in p], want, f"rtt-hops: part {i + 1} ({r['part']} {r['from_point']} > {r['to_point']})")
            measured = [[0.0, float(r["measured_p50_us"]) / v["unit"]] for r in t if r["part_no"] == "1"]
            same_points([[q[4], q[5]] for q in curves[-1][2]], measured, "rtt-hops: measured round trips")
            check_svg(out, name, label, None, f"median time ({v['unit_name']})",
                      [v[f"row_title_{i}"] for i in range(1, n + 1)] + ["measured round trip"])
        elif name == "sizes":
            t = rows(os.path.join(out, "sizes.csv"))
            pts = [v[f"point_{i}"] for i in range(1, int(v["npoints"]) + 1)]
            check(titles == pts, f"sizes: one line per point {pts}")
            for c in curves:
                want = [[float(r["size_lo"]), float(r["cum_fraction"])] for r in t if r["point"] == c[0]]
                same_points([p[:2] for p in c[2]], want, f"sizes: {c[0]}")
            check_svg(out, name, label, "IP packet length (bytes", "fraction of packets", pts)
        elif name == "overhead":
            t = rows(os.path.join(out, "overhead.csv"))[: int(v["nbars"])]
            cols = {"payload": "payload_bytes", "inner IP + L4 headers": "inner_header_bytes",
                    "tunnel headers": "tunnel_header_bytes", "link headers": "link_header_bytes"}
            check(titles == list(cols), f"overhead: stacked {list(cols)}")
            for c in curves:
                want = [[i, 100.0 * float(r[cols[c[0]]]) / float(r["wire_bytes"])] for i, r in enumerate(t)]
                same_points([p[:2] for p in c[2]], want, f"overhead: {c[0]}")
            check_svg(out, name, label, "capture point", "share of the bytes on the wire (%)",
                      list(cols) + [r["point"] for r in t])
    return drawn


def analyze(exe, args, out, env=None):
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run([exe, "analyze", "-o", out] + args, capture_output=True, text=True, env=env)
    check(r.returncode == 0, f"pathtrace analyze {' '.join(args)}: exit {r.returncode} {r.stderr.strip()[:300]}")
    return r


def flow_id(out, proto, sport, dport):
    for r in rows(os.path.join(out, "flows.csv")):
        if r["proto"] == proto and r["src_port"] == str(sport) and r["dst_port"] == str(dport):
            return r["flow_id"]
    return None


def main():
    exe, samples, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)

    # delay: a 20 ms relay on the vm1 tap hop.
    out = os.path.join(work, "delay")
    analyze(exe, ["--svg", "--bin", "0.005", os.path.join(samples, "delay")], out)
    drawn = chart_checks(out, "delay")
    if "latency-box" in drawn:
        box = drawn["latency-box"][1]
        med = [p[1] for p in box[1][2]]
        hops = [r for r in rows(os.path.join(out, "hops.csv")) if r["flow_id"] == str(int(drawn["latency-box"][0]["flow"]))]
        slow = [i for i, r in enumerate(hops) if (r["from_point"], r["to_point"]) == ("vm1-eth0", "cn1-tap1")]
        check(slow and med[slow[0]] > 19000 and all(m < 1000 for i, m in enumerate(med) if i != slow[0]),
              f"delay: the box plot holds vm1-eth0 > cn1-tap1 (~20 ms) apart from the other hops (medians {med})")
    if "latency-cdf" in drawn:
        curves = drawn["latency-cdf"][1]
        slow = [c for c in curves if "vm1-eth0 > cn1-tap1" in c[0]]
        rest = [p[0] for c in curves if c not in slow for p in c[2]]
        check(slow and rest and min(p[0] for p in slow[0][2]) > 10 * max(rest),
              "delay: the CDF of vm1-eth0 > cn1-tap1 lies right of every other hop's")

    # vxlan-mtu1500: the TCP flow without TSO stalls at the bridge before the vxlan device.
    out = os.path.join(work, "vxlan-mtu1500")
    analyze(exe, ["--no-plots", os.path.join(samples, "vxlan-mtu1500")], out)
    stall = flow_id(out, "tcp", 40001, 5201)
    check(stall is not None, "vxlan-mtu1500: the stalled flow (40001 > 5201) is in flows.csv")
    analyze(exe, ["--svg", "--bin", "0.02", "--chart-flow", str(stall), os.path.join(samples, "vxlan-mtu1500")], out)
    drawn = chart_checks(out, "vxlan-mtu1500")
    if "throughput" in drawn:
        curves = {c[0]: sum(p[1] for p in c[2]) for c in drawn["throughput"][1]}
        before = [curves.get(p, 0) for p in ("vm1-eth0", "cn1-tap1", "cn1-br0")]
        after = [curves.get(p, 0) for p in ("cn1-vxlan0", "cn1-eth1", "cn2-eth1", "cn2-vxlan0", "vm2-eth0")]
        check(min(before) > 0 and max(after) < 0.2 * min(before),
              f"vxlan-mtu1500: goodput collapses at the tunnel (before {before}, after {after})")

    # linuxbridge with the default 1 s bins: the chart of a flow shorter than a bin is one point.
    out = os.path.join(work, "linuxbridge")
    analyze(exe, ["--svg", os.path.join(samples, "linuxbridge")], out)
    chart_checks(out, "linuxbridge")

    # pathtrace plot: an edited CSV is what the re-rendered chart draws.
    out = os.path.join(work, "delay")
    v = gp_vars(os.path.join(out, "throughput.gp"))
    path = os.path.join(out, "throughput.csv")
    t = rows(path)
    for r in t:
        if r["point"] == "vm1-eth0" and r["flow"] == str(int(v["flow"])):
            r["goodput_bps"] = str(float(r["goodput_bps"]) * 2 + 1e6)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(t[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(t)
    before = open(os.path.join(out, "throughput.png"), "rb").read()
    r = subprocess.run([exe, "plot", out], capture_output=True, text=True)
    check(r.returncode == 0 and "charts rendered" in r.stdout, f"pathtrace plot: exit {r.returncode} {r.stdout}{r.stderr}")
    check(open(os.path.join(out, "throughput.png"), "rb").read() != before, "pathtrace plot: throughput.png drawn anew")
    curves = render_table(out, "throughput")
    want = [[float(r["t_s"]) + float(r["bin_s"]) / 2, float(r["goodput_bps"]) / v["unit"]]
            for r in t if r["point"] == "vm1-eth0" and r["flow"] == str(int(v["flow"]))]
    same_points([p[:2] for p in curves[0][2]], want, "pathtrace plot: the chart draws the edited CSV")
    r = subprocess.run([exe, "plot", os.path.join(work, "no-such-dir")], capture_output=True, text=True)
    check(r.returncode != 0 and "no-such-dir" in r.stderr, "pathtrace plot: a missing directory is an error naming it")

    # Without gnuplot: scripts and CSV files, one warning, success.
    env = dict(os.environ, PATHTRACE_GNUPLOT=os.path.join(work, "no-gnuplot-here"))
    out = os.path.join(work, "no-gnuplot")
    r = analyze(exe, [os.path.join(samples, "delay")], out, env=env)
    warnings = [l for l in r.stderr.splitlines() if "gnuplot" in l]
    check(len(warnings) == 1 and "gnuplot not found" in warnings[0], f"no gnuplot: one warning ({warnings})")
    files = os.listdir(out)
    check(any(f.endswith(".gp") for f in files) and "throughput.csv" in files and not any(f.endswith(".png") for f in files),
          f"no gnuplot: scripts and CSV files, no images ({sorted(files)})")
    r = subprocess.run([exe, "plot", out], capture_output=True, text=True, env=env)
    check(r.returncode == 0 and len(r.stderr.strip().splitlines()) == 1, f"no gnuplot: plot warns once and succeeds ({r.stderr})")

    print(f"{PASSES} passed, {len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
