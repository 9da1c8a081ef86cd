# Sourced by the test scripts: a virtualenv with the Python test oracles (plistlib is in the
# standard library; cryptography and PyYAML are used as independent oracles), put first on PATH.
venv="${ENROLLKIT_VENV:-$root/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/scripts/requirements-test.txt"
export PATH="$venv/bin:$PATH"
export ENROLLKIT_PYTHON="$venv/bin/python"
