#!/usr/bin/env bash
# The same inputs through Rust, the CLI, Python and Kotlin give identical codes and verdicts
# (scripts/cross-surface.py); runs after the Python and Kotlin steps built what it needs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cargo build --quiet --locked -p enrollkit-cli
"${ENROLLKIT_PYTHON:-$root/.venv/bin/python}" "$root/scripts/cross-surface.py"
