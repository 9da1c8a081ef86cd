#!/usr/bin/env python3
"""Lint throughput of enrollkit-lint next to Python plistlib parsing the same corpus.

Runs, in one go:
  1. `cargo bench -p enrollkit-lint --bench lint` (criterion: lint_parsed, read_and_lint, read_only);
  2. Python `plistlib.loads` over the same files (parse only; Python has no schema linter to compare);
  3. CPU-time rates: the `cost` example (fixed rounds of read / lint / read_and_lint over the
     same files) timed by the CPU time the child process used, next to plistlib timed by
     `time.process_time()`. On a shared, loaded machine wall time also counts the time a process
     waits for a core; CPU time is what "on one core" means;
and prints MB/s for each plus the ratios Rust/Python.

Usage: python3 benches/lint_compare.py [--corpus DIR] [--seconds S]
"""

import argparse
import json
import os
import re
import resource
import statistics
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


def python_cpu_rate(blobs, seconds):
    total = sum(len(b) for b in blobs)
    rounds = 0
    start = time.process_time()
    while True:
        for b in blobs:
            plistlib.loads(b)
        rounds += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return total * rounds / elapsed


def cargo_env():
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", "/work/targets/enrollkit-lint")
    return env


def cost_example():
    proc = subprocess.run(
        ["cargo", "build", "-q", "--profile", "bench", "-p", "enrollkit-lint", "--example", "cost",
         "--message-format=json"],
        cwd=ROOT, env=cargo_env(), capture_output=True, text=True, check=True,
    )
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "cost":
            return msg["executable"]
    sys.exit("cost example not built")


def child_cpu_seconds(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def rust_cpu_rates(total_bytes, rounds, repeats):
    """Median CPU-time rate per mode; the 0-round run (setup only) is subtracted.

    The `cost` example always reads ../shared/corpus; it prints its byte count, checked here."""
    exe = cost_example()
    rates = {}
    for mode in ["read", "lint", "read_and_lint"]:
        samples = []
        for _ in range(repeats):
            setup, out = child_cpu_seconds([exe, mode, "0"])
            if f" {total_bytes} bytes" not in out:
                sys.exit(f"cost example read a different corpus: {out.strip()}")
            busy, _ = child_cpu_seconds([exe, mode, str(rounds)])
            samples.append(total_bytes * rounds / max(busy - setup, 1e-9))
        rates[mode] = statistics.median(samples)
    return rates


def rust_rates():
    env = cargo_env()
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
    parser.add_argument("--rounds", type=int, default=300, help="corpus passes per CPU-time sample")
    parser.add_argument("--repeats", type=int, default=5, help="CPU-time samples (median shown)")
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    blobs = [open(f, "rb").read() for f in files]
    print(f"corpus: {len(files)} files, {sum(map(len, blobs))} bytes")
    rust = rust_rates()
    py = python_parse_rate(blobs, args.seconds)
    mb = 1e6
    print("wall time (criterion median; includes waiting for a core on a loaded machine):")
    print(f"python plistlib.loads (parse only):      {py / mb:8.1f} MB/s")
    for name, rate in sorted(rust.items()):
        print(f"rust {name:<35} {rate / mb:8.1f} MB/s   ratio vs plistlib {rate / py:6.2f}x")
    total = sum(map(len, blobs))
    py_cpu = python_cpu_rate(blobs, args.seconds)
    cpu = rust_cpu_rates(total, args.rounds, args.repeats)
    print(f"CPU time (one core; Rust: median of {args.repeats} runs of {args.rounds} passes):")
    print(f"python plistlib.loads (parse only):      {py_cpu / mb:8.1f} MB/s")
    for name, rate in cpu.items():
        print(f"rust cost {name:<30} {rate / mb:8.1f} MB/s   ratio vs plistlib {rate / py_cpu:6.2f}x")


if __name__ == "__main__":
    main()
