#!/usr/bin/env python3
"""Binding parity check, driven by bindings/capabilities.toml.

Fails when a capability lacks a test reference for a binding, when a referenced test does not
exist in its test source, or when a public Python export (enrollkit.__all__) belongs to no
capability. Prints one line per capability, then a summary.
"""

import ast
import pathlib
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINDINGS = {
    "rust": r"fn\s+{name}\s*\(",
    "python": r"def\s+{name}\s*\(",
    "kotlin": r"fun\s+{name}\s*\(",
    "swift": r"func\s+{name}\s*\(",
}


def python_exports() -> set[str]:
    init = ROOT / "bindings/python/python/enrollkit/__init__.py"
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return {e.value for e in node.value.elts} - {"__version__"}  # type: ignore[attr-defined]
    raise SystemExit("enrollkit/__init__.py has no __all__")


def main() -> int:
    caps = tomllib.loads((ROOT / "bindings/capabilities.toml").read_text())["capability"]
    problems = []
    covered_exports: set[str] = set()
    for cap in caps:
        covered_exports.update(cap.get("python_api", []))
        for binding, pattern in BINDINGS.items():
            ref = cap.get(binding)
            if not ref:
                problems.append(f"{cap['id']}: no {binding} test")
                continue
            path, _, name = ref.partition("::")
            source = ROOT / path
            if not source.is_file():
                problems.append(f"{cap['id']}: {binding} test file {path} not found")
            elif not re.search(pattern.format(name=re.escape(name)), source.read_text()):
                problems.append(f"{cap['id']}: {binding} test {name} not found in {path}")
        print(f"{cap['id']:<20} " + "  ".join(f"{b}:ok" for b in BINDINGS if cap.get(b)))
    for name in sorted(python_exports() - covered_exports):
        problems.append(f"python export {name} belongs to no capability in bindings/capabilities.toml")
    for p in problems:
        print(f"PARITY: {p}")
    print(f"parity: {len(caps) - len({p.split(':')[0] for p in problems})} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
