#!/usr/bin/env python3
"""One version for every artifact, set in Cargo.toml's [workspace.package].

  check-version.py           fail when the Maven artifact, the Kotlin consumer example or
                             CHANGELOG.md names another version (the wheel takes the crate
                             version through maturin; the Swift package is versioned by its
                             git tag and the XCFramework script reads this file)
  check-version.py --print   print the version
  check-version.py --set X   write X everywhere, then check
"""

import pathlib
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = pathlib.Path(__file__).resolve().parents[1]

# (file, pattern whose group 1 is the version)
PLACES = [
    ("bindings/kotlin/pom.xml", r"<artifactId>enrollkit-kotlin</artifactId>\s*(?:<!--.*?-->\s*)?<version>([^<]+)</version>"),
    ("examples/kotlin-consumer/pom.xml", r"<enrollkit.version>([^<]+)</enrollkit.version>"),
    ("CHANGELOG.md", r"^## \[?([0-9][^\]\s]*)\]? "),
]


def workspace_version() -> str:
    return tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]["version"]


def set_version(new: str) -> None:
    cargo = ROOT / "Cargo.toml"
    text = cargo.read_text()
    text = re.sub(r'(\[workspace\.package\][^\[]*?\nversion = ")[^"]+"', rf'\g<1>{new}"', text, count=1)
    cargo.write_text(text)
    for path, pattern in PLACES[:2]:
        f = ROOT / path
        content = f.read_text()
        m = re.search(pattern, content, re.S)
        if m:
            f.write_text(content[: m.start(1)] + new + content[m.end(1):])


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--print"]:
        print(workspace_version())
        return 0
    if argv[1:2] == ["--set"] and len(argv) == 3:
        set_version(argv[2])
    expected = workspace_version()
    problems = []
    for path, pattern in PLACES:
        m = re.search(pattern, (ROOT / path).read_text(), re.S | re.M)
        if not m:
            problems.append(f"{path}: no version found")
        elif m.group(1) != expected:
            problems.append(f"{path}: version {m.group(1)}, Cargo.toml says {expected}")
    for p in problems:
        print(f"VERSION: {p}")
    if not problems:
        print(f"version {expected}: Cargo.toml, Maven artifact, consumer example, CHANGELOG.md agree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
