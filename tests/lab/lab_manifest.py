"""Reading a scenario's manifest.tsv (doc/lab-manifest.md), for every checker
that judges captures or pathtrace's output against it."""


def read_manifest(path):
    """[(record type, {key: value})] in file order; comments and blank lines skipped."""
    recs = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            kv = {}
            for p in parts[1:]:
                if "=" in p:
                    k, v = p.split("=", 1)
                    kv[k] = v
            recs.append((parts[0], kv))
    return recs
