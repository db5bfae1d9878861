#!/usr/bin/env python3
"""The MTU verdict seen through filters: check-mtu-views.py PATHTRACE SCENARIO_DIR OUTDIR.

For a scenario whose manifest records oversize drops (`drop reason=mtu size_gt=N`), pathtrace
analyze runs on the whole set and again through filters a user would type, after the files
(tcpdump's meaning: the frame as captured) and with --inner (the innermost packet). A filter
chooses what is reported, never what is analysed, so the whole set's verdict must hold: at least
one and at most one per drop hop error-level mtu.* finding, each on a drop hop, with the
manifest's usable MTU, and for a tunnel network both fixes in the advice; every filtered view
reports only errors the whole set reports, and at least one whenever the filter keeps a flow that
died for its size.
Prints one line per check and a closing 'N passed, N failed' line.
"""
import csv
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab_manifest import read_manifest  # noqa: E402

OVERHEAD = {"vxlan": 50, "geneve": 50, "gre": 42}


def keeps(flt, flow, nats=()):
    """Whether filter flt keeps the packets of manifest flow `flow` (all the way: a host filter
    on an address that a `nat` record rewrites keeps them only up to the translation)."""
    if flt in ("", "not arp"):
        return True
    if flt == "ip":
        return ":" not in flow["src"]
    if flt in ("icmp", "icmp or arp"):
        return flow["proto"] == "icmp" and ":" not in flow["src"]
    if flt == "icmp6":
        return flow["proto"] in ("icmp", "icmpv6") and ":" in flow["src"]
    if flt.startswith("host "):
        return flt[5:] in (flow["src"], flow["dst"]) and not any(n["orig"] == flt[5:] for n in nats)
    raise ValueError(flt)


def main():
    pathtrace, scen_dir, out = sys.argv[1:4]
    man = read_manifest(os.path.join(scen_dir, "manifest.tsv"))
    flows = {kv["id"]: kv for t, kv in man if t == "flow"}
    drops = [kv for t, kv in man if t == "drop" and kv.get("reason") == "mtu" and kv.get("size_gt")]
    usable = [kv for t, kv in man if t == "usable_mtu"]
    nats = [kv for t, kv in man if t == "nat"]
    scen = next((kv for t, kv in man if t == "scenario"), {})
    if not drops:
        print("0 passed, 0 failed (no oversize drop in this scenario)")
        return 0
    want = usable[0]["mtu"] if usable else drops[0]["size_gt"]
    net = next((kv["network"] for kv in usable if "network" in kv), "").split(":")[0]
    raise_to = int(scen["underlay_mtu"]) + OVERHEAD[net] if net in OVERHEAD and scen.get("underlay_mtu") else None
    sender = flows[drops[0]["flow"]]["src"]
    files = sorted(os.path.join(scen_dir, f) for f in os.listdir(scen_dir) if f.endswith((".pcap", ".pcapng")))
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("ok   " if ok else "FAIL ") + what)
        passed += ok
        failed += not ok

    def errors_of(args, name):
        od = os.path.join(out, name)
        r = subprocess.run([pathtrace, "analyze", "--no-plots", "-o", od] + args, capture_output=True, text=True)
        if r.returncode not in (0, 1):
            check(False, f"{name}: pathtrace exited {r.returncode}: {r.stderr.strip()[:200]}")
            return None
        with open(os.path.join(od, "findings.csv"), newline="") as f:
            return [x for x in csv.DictReader(f) if x["severity"] == "error" and x["name"].startswith("mtu.")]

    def key(e):
        return (e["name"], e["from_point"], e["to_point"], e["value"])

    whole = errors_of(files, "all")
    if whole is None:
        print(f"{passed} passed, {failed} failed")
        return 1
    hops = sorted({(d["from"], d["to"]) for d in drops})
    check(1 <= len(whole) <= len(hops), f"1 to {len(hops)} mtu error(s) for drop hops {hops} (got {len(whole)})")
    for e in whole:
        check((e["from_point"], e["to_point"]) in hops and e["value"] == want,
              f"{e['name']} on {e['from_point']} > {e['to_point']} says {e['value']} (want {want} on one of {hops})")
        if raise_to:
            check(f"--mtu {want}" in e["advice"] and f">= {raise_to}" in e["advice"],
                  f"both fixes (--mtu {want}, underlay >= {raise_to}) in: {e['advice']}")
    views = [(flt, flt.split()) for flt in ("not arp", "ip", "icmp", "icmp6", "icmp or arp", "host " + sender)]
    views += [("--inner " + flt, ["--inner", flt]) for flt in ("icmp", "icmp6", "host " + sender)]
    for name, args in views:
        got = errors_of(files + args, name.replace(" ", "_"))
        if got is None:
            continue
        flt = name[len("--inner "):] if name.startswith("--inner ") else name
        kept = [d for d in drops if keeps(flt, flows[d["flow"]], nats)]
        check({key(e) for e in got} <= {key(e) for e in whole},
              f"'{name}': only the whole set's mtu errors (got {sorted(key(e) for e in got)})")
        if kept:
            check(len(got) >= 1, f"'{name}' keeps {len(kept)} flow(s) that died for their size: the verdict is "
                                 f"reported (got {len(got)} mtu errors)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
