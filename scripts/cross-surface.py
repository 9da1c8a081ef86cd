#!/usr/bin/env python3
"""The same inputs through every surface must give the same codes and verdicts.

Writes the cases with the Rust example (crates/enrollkit/examples/cross_surface.rs), then
answers each case through Rust (the facade), the CLI (`--json`), Python (the installed
`enrollkit` wheel, in this interpreter) and Kotlin (a JUnit test through Maven), and fails on
any difference. Swift is covered by the generated sources matching the generator
(scripts/test.d/40-swift.sh). Run by scripts/test.d/60-cross-surface.sh.
"""

import json
import os
import subprocess
import sys
import tempfile

import enrollkit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def rust(tmp, command):
    return run(["cargo", "run", "--quiet", "--locked", "-p", "enrollkit", "--example",
                "cross_surface", "--", command, tmp], cwd=ROOT)


def codes(findings):
    return sorted(f"{f['code']}:{f['severity']}" for f in findings)


def context_flags(c):
    flags = ["--platform", c["platform"], "--enrollment", c["enrollment"]]
    if c.get("os_version"):
        flags += ["--os-version", c["os_version"]]
    if c["manual_install"]:
        flags.append("--manual-install")
    return flags


def cli(tmp, cases):
    exe = os.path.join(TARGET, "debug", "enrollkit")
    out = {}
    for case in cases:
        new = os.path.join(tmp, case["new"])
        if case["kind"] == "lint":
            p = subprocess.run([exe, "lint", new, "--json", *context_flags(case["context"])],
                               capture_output=True, text=True)
            report = json.loads(p.stdout)
            out[case["name"]] = {"codes": codes(report[0]["findings"])}
            expect_exit = 1 if any(f["severity"] == "error" for f in report[0]["findings"]) else 0
        elif case["kind"] == "install":
            installed = []
            for f in case["installed"]:
                installed += ["--installed", os.path.join(tmp, f)]
            p = subprocess.run([exe, "check-install", new, *installed, "--json",
                                *context_flags(case["context"])], capture_output=True, text=True)
            report = json.loads(p.stdout)
            outcome = report["outcome"]["kind"]
            out[case["name"]] = {"outcome": outcome,
                                 "codes": codes(report["lint"] + report["diagnostics"])}
            expect_exit = 1 if outcome == "rejected" else 0
        else:
            t = case["time"]
            at = subprocess.run(["date", "-u", "-d", f"@{t}", "+%Y-%m-%dT%H:%M:%SZ"],
                                check=True, capture_output=True, text=True).stdout.strip()
            p = subprocess.run([exe, "verify", new, "--trust", os.path.join(tmp, case["trust"]),
                                "--at", at, "--json"], capture_output=True, text=True)
            report = json.loads(p.stdout)
            out[case["name"]] = {"verdict": report["verdict"], "reason": report["reason_code"]}
            expect_exit = 0 if report["verdict"] == "Verified" else 1
        if p.returncode != expect_exit:
            sys.exit(f"cli {case['name']}: exit {p.returncode}, expected {expect_exit}: {p.stderr}")
    return out


def python(tmp, cases):
    def read(name):
        with open(os.path.join(tmp, name), "rb") as f:
            return f.read()
    out = {}
    for case in cases:
        new = read(case["new"])
        ctx = case.get("context", {})
        kwargs = dict(platform=ctx.get("platform"), os_version=ctx.get("os_version"),
                      enrollment=ctx.get("enrollment"), manual_install=ctx.get("manual_install"))
        if case["kind"] == "lint":
            findings = enrollkit.lint_profile(new, **kwargs)
            out[case["name"]] = {"codes": sorted(f"{f.code}:{f.severity}" for f in findings)}
        elif case["kind"] == "install":
            check = enrollkit.check_install(new, [read(f) for f in case["installed"]], **kwargs)
            out[case["name"]] = {"outcome": check.outcome,
                                 "codes": sorted(f"{f.code}:{f.severity}" for f in check.diagnostics)}
        else:
            anchors = enrollkit.parse_certificates(read(case["trust"]))
            v = enrollkit.verify(new, anchors, time=case["time"])
            out[case["name"]] = {"verdict": v.verdict, "reason": v.reason_code}
    return out


def kotlin(tmp):
    # The release library scripts/test.d/30-kotlin.sh already built and packed.
    subprocess.run(["mvn", "-B", "-q", "-Dstyle.color=never", "-Dnative.profile=release",
                    f"-Dnative.dir={TARGET}/release",
                    f"-Dcross.surface.dir={tmp}", "-Dtest=CrossSurfaceTest",
                    "-Dsurefire.failIfNoSpecifiedTests=false", "test"],
                   cwd=os.path.join(ROOT, "bindings", "kotlin"), check=True)
    with open(os.path.join(tmp, "kotlin.json")) as f:
        return json.load(f)


def main():
    with tempfile.TemporaryDirectory(prefix="enrollkit-cross-") as tmp:
        rust(tmp, "cases")
        with open(os.path.join(tmp, "cases.json")) as f:
            cases = json.load(f)
        surfaces = {"rust": json.loads(rust(tmp, "rust")), "cli": cli(tmp, cases),
                    "python": python(tmp, cases), "kotlin": kotlin(tmp)}
        reference = surfaces["rust"]
        failed = False
        for case in cases:
            name = case["name"]
            want = reference[name]
            for surface, results in surfaces.items():
                got = results.get(name)
                if got != want:
                    failed = True
                    print(f"MISMATCH {name} {surface}: {got} != rust {want}")
            print(f"{name:<22} {json.dumps(want)}  rust=cli=python=kotlin")
        # The cases must exercise what the issue names, or the comparison proves little.
        assert "CHK010:error" in reference["signer_change"]["codes"]
        assert "CHK002:error" in reference["profile_list"]["codes"]
        assert reference["ue_forbidden_lint"]["codes"] == ["UE001:error"]
        assert reference["ue_forbidden_install"]["outcome"] == "rejected"
        assert reference["tampered_verify"] == {"verdict": "Invalid", "reason": "CMS108"}
        assert "CHK012:error" in reference["tampered_install"]["codes"]
        if failed:
            sys.exit("cross-surface: surfaces disagree")
        print(f"cross-surface: {len(cases)} cases agree across {', '.join(surfaces)}")


if __name__ == "__main__":
    main()
