#!/usr/bin/env bash
# Binding parity from the real surfaces (the Python stubs, the Kotlin sources the Maven build of
# 30-kotlin generated, the checked-in Swift sources), the self-test that proves the check fails
# when a binding lacks a capability, and the one-version check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${ENROLLKIT_PYTHON:-python3}
"$py" "$root/scripts/check-parity.py"
"$py" "$root/scripts/test-parity-check.py"
"$py" "$root/scripts/check-version.py"
