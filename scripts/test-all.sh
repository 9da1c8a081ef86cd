#!/usr/bin/env bash
# Runs every test: Rust (fmt, clippy, tests, doctests), Python, Kotlin, and Swift where a
# Swift toolchain exists. Installs what it needs (Python packages into .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

section() { printf '\n==> %s\n' "$*"; }

section "Rust: formatting"
cargo fmt --all -- --check

section "Rust: clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

section "Python test environment"
# shellcheck source=scripts/python-env.sh
source "$root/scripts/python-env.sh"

section "Rust: tests (unit, integration, doctests)"
cargo test --workspace --locked

for step in "$root"/scripts/test.d/*.sh; do
    [ -e "$step" ] || continue
    section "$(basename "$step" .sh)"
    bash "$step"
done

section "all tests passed"
