#!/usr/bin/env python3
"""The MTU verdict seen through filters: check-mtu-views.py PATHTRACE SCENARIO_DIR OUTDIR.

For a scenario whose manifest records oversize drops (`drop reason=mtu size_gt=N`), pathtrace
analyze runs on the whole set and again through filters a user would type ("icmp", "icmp6",
"not arp", "ip", "icmp or arp", "host <sender>"). Whenever the filter keeps a flow that the manifest says
died for its size, the verdict must be the one the whole set gives: at least one and at most one
per drop hop error-level mtu.* finding, each on a drop hop, with the manifest's usable MTU, and
for a tunnel network both fixes in the advice. A filter that keeps none of those flows must give
no error-level mtu.* finding. (A filter applies past VLAN tags and inside tunnels too: "icmp"
keeps the tenant's pings on an OVS bridge's tagged port and on the underlay; "host <sender>" does
not keep the sender's packets past a NAT that rewrites its address.)
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

    for flt in ("", "not arp", "ip", "icmp", "icmp6", "icmp or arp", "host " + sender):
        od = os.path.join(out, flt.replace(" ", "_") or "all")
        args = [pathtrace, "analyze", "--no-plots", "-o", od] + files + (flt.split() if flt else [])
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode not in (0, 1):
            check(False, f"filter '{flt}': pathtrace exited {r.returncode}: {r.stderr.strip()[:200]}")
            continue
        with open(os.path.join(od, "findings.csv"), newline="") as f:
            errors = [x for x in csv.DictReader(f) if x["severity"] == "error" and x["name"].startswith("mtu.")]
        kept = [d for d in drops if keeps(flt, flows[d["flow"]], nats)]
        hops = sorted({(d["from"], d["to"]) for d in kept})
        if not kept:
            check(not errors, f"filter '{flt}' keeps no flow that died for its size: no mtu error "
                              f"(got {[(e['name'], e['value']) for e in errors]})")
            continue
        check(1 <= len(errors) <= len(hops),
              f"filter '{flt}': 1 to {len(hops)} mtu error(s) for drop hops {hops} (got {len(errors)})")
        for e in errors:
            check((e["from_point"], e["to_point"]) in hops and e["value"] == want,
                  f"filter '{flt}': {e['name']} on {e['from_point']} > {e['to_point']} says {e['value']} "
                  f"(want {want} on one of {hops})")
            if raise_to:
                check(f"--mtu {want}" in e["advice"] and f">= {raise_to}" in e["advice"],
                      f"filter '{flt}': both fixes (--mtu {want}, underlay >= {raise_to}) in: {e['advice']}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
