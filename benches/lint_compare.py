#!/usr/bin/env python3
"""Lint throughput of enrollkit-lint next to Python plistlib parsing the same corpus.

Runs, in one go:
  1. `cargo bench -p enrollkit-lint --bench lint` (criterion: lint_parsed, read_and_lint, read_only);
  2. Python `plistlib.loads` over the same files (parse only; Python has no schema linter to compare);
and prints MB/s for each plus the ratios Rust/Python.

Usage: python3 benches/lint_compare.py [--corpus DIR] [--seconds S]
"""

import argparse
import os
import re
import subprocess
import sys
import time
import plistlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNITS = {"B/s": 1, "KiB/s": 1024, "MiB/s": 1024**2, "GiB/s": 1024**3}


def corpus_files(root):
    out = []
    for dirpath, _, names in os.walk(root):
        out.extend(os.path.join(dirpath, n) for n in names if n.endswith(".mobileconfig"))
    return sorted(out)


def python_parse_rate(blobs, seconds):
    total = sum(len(b) for b in blobs)
    rounds = 0
    start = time.perf_counter()
    while True:
        for b in blobs:
            plistlib.loads(b)
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return total * rounds / elapsed


def rust_rates():
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", "/work/targets/enrollkit-lint")
    proc = subprocess.run(
        ["cargo", "bench", "-q", "-p", "enrollkit-lint", "--bench", "lint", "--", "--noplot"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    rates = {}
    current = None
    for line in proc.stdout.splitlines():
        name = re.match(r"^(lint/\S+)", line)
        if name:
            current = name.group(1)
        thrpt = re.search(r"thrpt:\s+\[\S+ \S+ (\S+) (\S+) ", line)
        if thrpt and current:
            rates[current] = float(thrpt.group(1)) * UNITS[thrpt.group(2)]
            current = None
    if not rates:
        sys.exit("no criterion throughput lines found:\n" + proc.stdout)
    return rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    blobs = [open(f, "rb").read() for f in files]
    print(f"corpus: {len(files)} files, {sum(map(len, blobs))} bytes")
    rust = rust_rates()
    py = python_parse_rate(blobs, args.seconds)
    mb = 1e6
    print(f"python plistlib.loads (parse only):      {py / mb:8.1f} MB/s")
    for name, rate in sorted(rust.items()):
        print(f"rust {name:<35} {rate / mb:8.1f} MB/s   ratio vs plistlib {rate / py:6.2f}x")


if __name__ == "__main__":
    main()
