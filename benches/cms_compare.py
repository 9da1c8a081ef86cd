#!/usr/bin/env python3
"""Compare enrollkit-cms signing/verification with Python `cryptography` and raw `openssl speed`.

Runs all three in the same invocation on the same ~5 KB profile and keys
(crates/enrollkit-cms/tests/data), interleaved for --repeat rounds, and prints the median ops/s
and ratios that issue 3 targets:

  P-256 sign   >= 2.5x cryptography PKCS7SignatureBuilder, and >= 70 % of raw OpenSSL ECDSA sign
  RSA-2048 sign >= 95 % of raw OpenSSL RSA sign
  verify        >= 70 % of raw OpenSSL verify

Clock: `openssl speed` divides by the process's *user CPU time* unless given -elapsed, so on a
shared, loaded machine it must not be compared with wall-clock numbers (criterion). By default
all three sides are measured in CPU time: our `cms_rate` bench reads the thread's on-CPU time,
Python uses time.process_time(). --clock wall compares wall-clock rates instead
(`openssl speed -elapsed`, time.perf_counter()).

Usage (from the repository root): python3 benches/cms_compare.py [--seconds 3] [--repeat 3] [--clock cpu|wall]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "crates", "enrollkit-cms", "tests", "data")


def cryptography_sign_rate(name, seconds, clock):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    cert = x509.load_pem_x509_certificate(open(os.path.join(DATA, name + ".pem"), "rb").read())
    key = serialization.load_pem_private_key(open(os.path.join(DATA, name + ".key"), "rb").read(), None)
    data = open(os.path.join(DATA, "profile-5k.xml"), "rb").read()
    opts = [pkcs7.PKCS7Options.Binary]
    n, wall0, cpu0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < seconds:
        for _ in range(20):
            pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256()).sign(
                serialization.Encoding.DER, opts
            )
        n += 20
    spent = time.process_time() - cpu0 if clock == "cpu" else time.perf_counter() - wall0
    return n / spent


def openssl_speed(seconds, clock):
    cmd = ["openssl", "speed", "-seconds", str(seconds)] + (["-elapsed"] if clock == "wall" else [])
    out = subprocess.run(cmd + ["ecdsap256", "rsa2048"], capture_output=True, text=True, check=True).stdout
    rsa = re.search(r"rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out)
    ec = re.search(r"256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out)
    if not rsa or not ec:
        sys.exit("could not parse openssl speed output:\n" + out)
    return {"rsa2048": (float(rsa.group(1)), float(rsa.group(2))), "p256": (float(ec.group(1)), float(ec.group(2)))}


def enrollkit_rates(seconds, clock):
    out = subprocess.run(
        ["cargo", "bench", "-q", "-p", "enrollkit-cms", "--bench", "cms_rate", "--", "--seconds", str(seconds)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    col = 2 if clock == "cpu" else 3
    return {m.group(1): float(m.group(col)) for m in re.finditer(r"^RATE (\S+) ([\d.]+) ([\d.]+)$", out, re.M)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    a = ap.parse_args()
    rounds = []
    for i in range(a.repeat):
        ours = enrollkit_rates(a.seconds, a.clock)
        ossl = openssl_speed(a.seconds, a.clock)
        py = {k: cryptography_sign_rate(k, a.seconds, a.clock) for k in ("p256", "rsa2048")}
        rounds.append((ours, ossl, py))
        print(f"round {i + 1}/{a.repeat} done", file=sys.stderr)

    def med(f):
        return statistics.median(f(o, s, p) for o, s, p in rounds)

    rows = [
        ("P-256 sign", "sign/p256", [("cryptography", lambda o, s, p: p["p256"], 2.5), ("openssl speed", lambda o, s, p: s["p256"][0], 0.70)]),
        ("P-256 sign (RFC 6979)", "sign/p256-deterministic", [("openssl speed", lambda o, s, p: s["p256"][0], None)]),
        ("RSA-2048 sign", "sign/rsa2048", [("cryptography", lambda o, s, p: p["rsa2048"], None), ("openssl speed", lambda o, s, p: s["rsa2048"][0], 0.95)]),
        ("P-256 verify (Verifier)", "verify/p256", [("openssl speed", lambda o, s, p: s["p256"][1], 0.70)]),
        ("P-256 verify (verify fn)", "verify-oneshot/p256", [("openssl speed", lambda o, s, p: s["p256"][1], None)]),
        ("P-256 verify, root->leaf", "verify/p256-chain", [("openssl speed", lambda o, s, p: s["p256"][1], None)]),
        ("RSA-2048 verify (Verifier)", "verify/rsa2048", [("openssl speed", lambda o, s, p: s["rsa2048"][1], 0.70)]),
        ("RSA-2048 verify (verify fn)", "verify-oneshot/rsa2048", [("openssl speed", lambda o, s, p: s["rsa2048"][1], None)]),
        ("raw aws-lc P-256 sign", "raw/p256-sign", [("openssl speed", lambda o, s, p: s["p256"][0], None)]),
        ("raw aws-lc P-256 verify", "raw/p256-verify", [("openssl speed", lambda o, s, p: s["p256"][1], None)]),
        ("raw aws-lc RSA-2048 sign", "raw/rsa2048-sign", [("openssl speed", lambda o, s, p: s["rsa2048"][0], None)]),
        ("raw aws-lc RSA-2048 verify", "raw/rsa2048-verify", [("openssl speed", lambda o, s, p: s["rsa2048"][1], None)]),
    ]
    print(f"clock: {a.clock}; median of {a.repeat} interleaved rounds of {a.seconds}s each")
    print(f"{'operation':28} {'enrollkit/s':>12}  {'peer':14} {'peer/s':>10} {'ratio':>7} {'target':>7}  ok")
    ok_all = True
    for name, key, peers in rows:
        rate = med(lambda o, s, p: o[key])
        for peer, peer_rate, target in peers:
            prate = med(peer_rate)
            ratio = med(lambda o, s, p: o[key] / peer_rate(o, s, p))
            ok_all &= print_ratio_row(name, rate, peer, prate, ratio, target, (28, 14))
    return 0 if ok_all else 1


def print_ratio_row(name, rate, peer, peer_rate, ratio, target, widths):
    """Prints one comparison row; returns False only when the row has a goal it misses."""
    ok = "" if target is None else ("yes" if ratio >= target else "NO")
    tgt = "" if target is None else f">={target:g}"
    name_w, peer_w = widths
    print(f"{name:{name_w}} {rate:12.0f}  {peer:{peer_w}} {peer_rate:10.0f} {ratio:7.2f} {tgt:>7}  {ok}")
    return ok != "NO"


if __name__ == "__main__":
    sys.exit(main())
