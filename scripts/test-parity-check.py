#!/usr/bin/env python3
"""The parity check must fail when one binding lacks a capability or changes its shape.

Copies the files scripts/check-parity.py reads into a temporary tree, then breaks the copy
three ways — a function removed from the Swift surface, a parameter renamed in the Python
stubs, a type removed from the Kotlin sources — and requires a failure naming the capability
and the language each time; the unbroken copy must pass.
"""

import importlib.util
import pathlib
import re
import shutil
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_parity", ROOT / "scripts/check-parity.py")
assert spec and spec.loader
parity = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parity)

FILES = [parity.PYI, parity.INIT, parity.KOTLIN, parity.SWIFT, parity.DOCS, "bindings/capabilities.toml"]


def copy_tree(dest: pathlib.Path) -> None:
    for rel in FILES:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, dest / rel)
    # The test files the capabilities name.
    for rel in {line.split('"')[1].split("::")[0] for line in (ROOT / "bindings/capabilities.toml").read_text().splitlines()
                if re.match(r'^(rust|python|kotlin|swift) = "', line)}:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, dest / rel)


def run(root: pathlib.Path) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = parity.main(["--root", str(root)])
    return code, out.getvalue()


def edit(root: pathlib.Path, rel: str, pattern: str, replacement: str) -> None:
    path = root / rel
    text, n = re.subn(pattern, replacement, path.read_text(), count=1, flags=re.M)
    assert n == 1, f"{pattern} not found in {rel}"
    path.write_text(text)


def main() -> int:
    cases = [
        ("swift lacks generateWindowsPackage", parity.SWIFT, r"^public func generateWindowsPackage\(", "public func generateWindowsPackageGone(",
         "ppkg.generate: swift has no function generateWindowsPackage"),
        ("python renames a parameter", parity.PYI, r"^def validate_answer_file\(xml:", "def validate_answer_file(answer:",
         "ppkg.generate: python validate_answer_file(answer) differs from (xml)"),
        ("kotlin lacks CheckinInfo", parity.KOTLIN, r"^data class CheckinInfo \(", "data class CheckinInfoGone (",
         "protocol.checkin: kotlin has no type CheckinInfo"),
    ]
    with tempfile.TemporaryDirectory(prefix="enrollkit-parity-") as tmp:
        clean = pathlib.Path(tmp) / "clean"
        copy_tree(clean)
        code, out = run(clean)
        assert code == 0, f"the unbroken copy fails:\n{out}"
        for i, (label, rel, pattern, replacement, expected) in enumerate(cases):
            broken = pathlib.Path(tmp) / f"broken{i}"
            copy_tree(broken)
            edit(broken, rel, pattern, replacement)
            code, out = run(broken)
            assert code == 1, f"{label}: the check passed:\n{out}"
            assert f"PARITY: {expected}" in out, f"{label}: expected `{expected}` in\n{out}"
            print(f"parity self-test: {label}: fails as it should")
    return 0


if __name__ == "__main__":
    sys.exit(main())
