#!/usr/bin/env python3
"""Compare the protocol engine's per-core throughput with raw `openssl speed` (issue 13).

Runs the engine's CPU-time rate harness (crates/enrollkit-protocol/benches/engine_rate.rs) and
`openssl speed rsa2048 ecdsap256` in the same invocation, interleaved for --repeat rounds, and
prints the median rates and ratios the issue targets:

  check-in handling (route, parse, Mdm-Signature verify, device and Topic checks, the state
  update) >= 0.8x raw openssl verify of the same key type, for RSA-2048 and P-256 device keys;
  per-enrollment profile build + lint + sign >= 0.7x raw openssl P-256 sign.

The parts of each (the Mdm-Signature alone, the check-in plist alone, and a profile's value,
lint, XML and signature alone) are printed too, without targets, to show where time goes.

Usage (from the repository root): python3 benches/engine_compare.py [--seconds 3] [--repeat 3]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cms_compare import openssl_speed, print_ratio_row  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def engine_rates(seconds):
    out = subprocess.run(
        ["cargo", "bench", "-q", "-p", "enrollkit-protocol", "--bench", "engine_rate", "--", "--seconds", str(seconds)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^RATE (\S+) ([\d.]+) ([\d.]+)$", out, re.M)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rounds = []
    for i in range(a.repeat):
        rounds.append((engine_rates(a.seconds), openssl_speed(a.seconds, "cpu")))
        print(f"round {i + 1}/{a.repeat} done", file=sys.stderr)
    rsa_verify = lambda s: s["rsa2048"][1]  # noqa: E731
    p256_verify = lambda s: s["p256"][1]  # noqa: E731
    p256_sign = lambda s: s["p256"][0]  # noqa: E731
    rows = [
        ("check-in, RSA-2048 device key", "checkin/rsa2048", "openssl verify", rsa_verify, 0.8),
        ("check-in, P-256 device key", "checkin/p256", "openssl verify", p256_verify, 0.8),
        ("profile build + lint + sign", "profile/build-lint-sign", "openssl P-256 sign", p256_sign, 0.7),
        ("  Mdm-Signature alone, RSA-2048", "mdm-signature/rsa2048", "openssl verify", rsa_verify, None),
        ("  Mdm-Signature alone, P-256", "mdm-signature/p256", "openssl verify", p256_verify, None),
        ("  check-in plist alone", "parse/p256", "openssl verify", p256_verify, None),
        ("  profile to value", "profile/part-to-value", "openssl P-256 sign", p256_sign, None),
        ("  profile lint", "profile/part-lint", "openssl P-256 sign", p256_sign, None),
        ("  profile XML", "profile/part-xml", "openssl P-256 sign", p256_sign, None),
        ("  profile CMS sign", "profile/part-sign", "openssl P-256 sign", p256_sign, None),
    ]
    print(f"clock: cpu; median of {a.repeat} interleaved rounds of {a.seconds}s each")
    print(f"{'operation':34} {'enrollkit/s':>12}  {'peer':18} {'peer/s':>10} {'ratio':>7} {'target':>7}  ok")
    ok_all = True
    for name, key, peer, peer_rate, target in rows:
        if not all(key in o for o, _ in rounds):
            continue
        rate = statistics.median(o[key] for o, _ in rounds)
        prate = statistics.median(peer_rate(s) for _, s in rounds)
        ratio = statistics.median(o[key] / peer_rate(s) for o, s in rounds)
        ok_all &= print_ratio_row(name, rate, peer, prate, ratio, target, (34, 18))
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
