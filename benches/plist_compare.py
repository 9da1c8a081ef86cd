#!/usr/bin/env python3
"""Compare enrollkit-profile plist parse/serialize with Python plistlib and Go howett.net/plist.

All three run in the same invocation on the same bytes: every profile in ../shared/corpus and a
large synthetic profile (800 payloads, about 1 MB of XML, written here with plistlib). Prints
operations per second and the ratio enrollkit / peer (> 1 means enrollkit is faster).
Go is skipped (with a note) when `go` is missing or cannot fetch howett.net/plist.

Usage (from the repository root): python3 benches/plist_compare.py [--seconds 3] [--json FILE]
"""
import argparse
import datetime
import json
import os
import plistlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus")
UNITS = {"ps": 1e-12, "ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def large_profile():
    payloads = []
    for i in range(800):
        payloads.append({
            "PayloadType": f"com.example.settings.{i % 20}",
            "PayloadIdentifier": f"com.example.payload.{i}",
            "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"payload-{i}")).upper(),
            "PayloadVersion": 1,
            "PayloadDisplayName": f"Settings & more <{i}>",
            "Enabled": i % 2 == 0,
            "Ratio": i * 0.25,
            "Items": [f"item-{i}-{j}" for j in range(8)],
            "Blob": bytes(range(128)),
            "Installed": datetime.datetime(2024, 5, 2, 9, 0, i % 60),
            "Nested": {"Level": i, "Name": f"nested-{i}"},
        })
    return {
        "PayloadContent": payloads,
        "PayloadIdentifier": "com.example.large",
        "PayloadType": "Configuration",
        "PayloadUUID": "6F1D8B2C-3A4E-4F5A-9B6C-7D8E9FA0B1C2",
        "PayloadVersion": 1,
    }


def corpus_files():
    files = []
    for base, _, names in os.walk(CORPUS):
        files += [os.path.join(base, n) for n in names if n.endswith(".mobileconfig")]
    return [open(f, "rb").read() for f in sorted(files)]


def rate(seconds, op):
    """Operations per second of `op`, run repeatedly for about `seconds`."""
    op()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        op()
        n += 1
    return n / (time.perf_counter() - start)


def plistlib_rates(seconds, corpus, xml, binary):
    value = plistlib.loads(xml)
    out = {
        "parse_xml/large": rate(seconds, lambda: plistlib.loads(xml)),
        "parse_binary/large": rate(seconds, lambda: plistlib.loads(binary)),
        "write_xml/large": rate(seconds, lambda: plistlib.dumps(value, sort_keys=False)),
        "write_binary/large": rate(
            seconds, lambda: plistlib.dumps(value, fmt=plistlib.FMT_BINARY, sort_keys=False)),
    }
    if corpus:
        out["parse_xml/corpus"] = rate(seconds, lambda: [plistlib.loads(f) for f in corpus])
    return out


def enrollkit_rates(seconds, inputs):
    env = dict(os.environ, ENROLLKIT_PLIST_BENCH_INPUTS=inputs)
    out = subprocess.run(
        ["cargo", "bench", "-p", "enrollkit-profile", "--bench", "plist", "--",
         "--warm-up-time", "1", "--measurement-time", str(seconds)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit("cargo bench failed:\n" + out.stderr[-3000:])
    rates = {}
    for m in re.finditer(r"^plist/(\S+)\s*\n?\s+time:\s+\[\S+ \S+ ([\d.]+) (\S+) ", out.stdout, re.M):
        rates[m.group(1)] = 1.0 / (float(m.group(2)) * UNITS[m.group(3)])
    return rates


def go_rates(seconds, inputs):
    if shutil.which("go") is None:
        return None, "go not installed"
    godir = os.path.join(ROOT, "benches", "go")
    out = subprocess.run(
        ["go", "run", ".", "-seconds", str(seconds), "-corpus", CORPUS,
         "-large", os.path.join(inputs, "large.xml")],
        cwd=godir, capture_output=True, text=True,
    )
    if out.returncode != 0:
        return None, "go run failed: " + out.stderr.strip().splitlines()[-1:][0] if out.stderr.strip() else "go run failed"
    return {k: 1e9 / v for k, v in json.loads(out.stdout).items()}, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    a = ap.parse_args()
    corpus = corpus_files() if os.path.isdir(CORPUS) else []
    if not corpus:
        print("SKIP: ../shared not present (corpus rows left out)")
    with tempfile.TemporaryDirectory() as inputs:
        value = large_profile()
        xml = plistlib.dumps(value, sort_keys=False)
        binary = plistlib.dumps(value, fmt=plistlib.FMT_BINARY, sort_keys=False)
        open(os.path.join(inputs, "large.xml"), "wb").write(xml)
        ours = enrollkit_rates(a.seconds, inputs)
        py = plistlib_rates(a.seconds, corpus, xml, binary)
        go, go_note = go_rates(a.seconds, inputs)
    print(f"large profile: {len(xml)} bytes XML, {len(binary)} bytes binary (plistlib); "
          f"corpus: {len(corpus)} files, {sum(map(len, corpus))} bytes")
    rows = []
    print(f"{'operation':22} {'enrollkit/s':>12}  {'peer':18} {'peer/s':>10} {'ratio':>7}")
    for op in ["parse_xml/corpus", "parse_xml/large", "parse_binary/large", "write_xml/large", "write_binary/large"]:
        if op not in ours:
            continue
        for peer, rates in [("Python plistlib", py), ("Go howett.net/plist", go)]:
            if rates is None or op not in rates:
                continue
            ratio = ours[op] / rates[op]
            rows.append({"operation": op, "enrollkit_per_s": ours[op], "peer": peer,
                         "peer_per_s": rates[op], "ratio": ratio})
            print(f"{op:22} {ours[op]:12.1f}  {peer:18} {rates[op]:10.1f} {ratio:7.2f}")
    if "read_profile/large" in ours:
        print(f"{'read_profile/large':22} {ours['read_profile/large']:12.1f}  (typed model, no peer)")
    if go_note:
        print(f"note: Go peer skipped: {go_note}")
    if a.json:
        json.dump({"rows": rows, "enrollkit": ours, "go_note": go_note,
                   "sizes": {"large_xml": len(xml), "large_binary": len(binary),
                             "corpus_files": len(corpus), "corpus_bytes": sum(map(len, corpus))}},
                  open(a.json, "w"), indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
