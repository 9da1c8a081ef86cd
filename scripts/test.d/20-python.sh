#!/usr/bin/env bash
# Python binding: builds and installs the `enrollkit` wheel once (pip + maturin, as a user
# would: `pip install ./bindings/python`) into the test venv, then runs its pytest suite
# (which also runs examples/python/*.py) and the binding parity check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=scripts/python-env.sh
source "$root/scripts/python-env.sh"
py=${ENROLLKIT_PYTHON:-$root/.venv/bin/python}

"$py" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2.0" mypy
# --no-build-isolation: use the maturin just installed (no second download per run).
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    --no-build-isolation ./bindings/python

# Run from a neutral directory so `import enrollkit` is the installed wheel, not the source.
cd "$root/bindings/python/tests"
"$py" -m pytest -q -p no:cacheprovider --rootdir "$root/bindings/python" .

"$py" "$root/scripts/check-parity.py"
