#!/usr/bin/env bash
# Runs every benchmark comparison and rewrites BENCHMARKS.md (see benches/run_all.py).
# Usage: ./benches/run-all.sh [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 benches/run_all.py "$@"
