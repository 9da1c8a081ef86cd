#!/usr/bin/env bash
# Runs every benchmark comparison and rewrites BENCHMARKS.md (see benches/run_all.py).
# Installs what it needs: the Python test environment (cryptography) and the enrollkit Python
# module, built in release mode, for the binding-overhead row.
# Usage: ./benches/run-all.sh [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/python-env.sh
source "$root/scripts/python-env.sh"
if ! "$ENROLLKIT_PYTHON" -c 'import enrollkit' 2>/dev/null; then
    "$ENROLLKIT_PYTHON" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2.0"
    "$ENROLLKIT_PYTHON" -m pip install --quiet --disable-pip-version-check --no-build-isolation ./bindings/python
fi
exec "$ENROLLKIT_PYTHON" benches/run_all.py "$@"
