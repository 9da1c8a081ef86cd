#!/usr/bin/env python3
"""Compare enrollkit-cms signing/verification with Python `cryptography` and raw `openssl speed`.

Runs all three in the same invocation on the same ~5 KB profile and keys
(crates/enrollkit-cms/tests/data) and prints ops/s plus the ratios that issue 3 targets:

  P-256 sign   >= 2.5x cryptography PKCS7SignatureBuilder, and >= 70 % of raw OpenSSL ECDSA sign
  RSA-2048 sign >= 95 % of raw OpenSSL RSA sign
  verify        >= 70 % of raw OpenSSL verify

Usage (from the repository root): python3 benches/cms_compare.py [--seconds 3]
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "crates", "enrollkit-cms", "tests", "data")


def cryptography_sign_rate(name, seconds):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    cert = x509.load_pem_x509_certificate(open(os.path.join(DATA, name + ".pem"), "rb").read())
    key = serialization.load_pem_private_key(open(os.path.join(DATA, name + ".key"), "rb").read(), None)
    data = open(os.path.join(DATA, "profile-5k.xml"), "rb").read()
    opts = [pkcs7.PKCS7Options.Binary]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(20):
            pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256()).sign(
                serialization.Encoding.DER, opts
            )
        n += 20
    return n / (time.perf_counter() - start)


def openssl_speed(seconds):
    out = subprocess.run(
        ["openssl", "speed", "-seconds", str(seconds), "ecdsap256", "rsa2048"],
        capture_output=True, text=True, check=True,
    ).stdout
    rsa = re.search(r"rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out)
    ec = re.search(r"256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out)
    if not rsa or not ec:
        sys.exit("could not parse openssl speed output:\n" + out)
    return {"rsa2048": (float(rsa.group(1)), float(rsa.group(2))), "p256": (float(ec.group(1)), float(ec.group(2)))}


def enrollkit_rates(seconds):
    out = subprocess.run(
        ["cargo", "bench", "-p", "enrollkit-cms", "--bench", "cms", "--",
         "--warm-up-time", "1", "--measurement-time", str(seconds)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    rates = {}
    units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    for m in re.finditer(r"^(\S+)\s*\n?\s+time:\s+\[\S+ \S+ ([\d.]+) (\S+) ", out, re.M):
        rates[m.group(1)] = 1.0 / (float(m.group(2)) * units[m.group(3)])
    return rates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=3)
    a = ap.parse_args()
    ours = enrollkit_rates(a.seconds)
    ossl = openssl_speed(a.seconds)
    py = {k: cryptography_sign_rate(k, a.seconds) for k in ("p256", "rsa2048")}
    rows = [
        ("P-256 sign", ours["sign/p256"], [("cryptography", py["p256"], 2.5), ("openssl speed", ossl["p256"][0], 0.70)]),
        ("P-256 sign (RFC 6979)", ours["sign/p256-deterministic"], [("cryptography", py["p256"], None), ("openssl speed", ossl["p256"][0], None)]),
        ("RSA-2048 sign", ours["sign/rsa2048"], [("cryptography", py["rsa2048"], None), ("openssl speed", ossl["rsa2048"][0], 0.95)]),
        ("P-256 verify", ours["verify/p256"], [("openssl speed", ossl["p256"][1], 0.70)]),
        ("RSA-2048 verify", ours["verify/rsa2048"], [("openssl speed", ossl["rsa2048"][1], 0.70)]),
    ]
    print(f"{'operation':24} {'enrollkit/s':>12}  {'peer':14} {'peer/s':>10} {'ratio':>7} {'target':>7}  ok")
    ok_all = True
    for name, rate, peers in rows:
        for peer, prate, target in peers:
            ratio = rate / prate
            ok = "" if target is None else ("yes" if ratio >= target else "NO")
            ok_all &= ok != "NO"
            tgt = "" if target is None else f">={target:g}"
            print(f"{name:24} {rate:12.0f}  {peer:14} {prate:10.0f} {ratio:7.2f} {tgt:>7}  {ok}")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
