#!/usr/bin/env bash
# Python binding, as people install it:
# 1. maturin builds the abi3 wheel (release) and the sdist into a directory outside the clone;
# 2. auditwheel reports the manylinux policy the wheel really meets, and the wheel's platform
#    tag must be that one (recorded in $dist/auditwheel.txt);
# 3. a fresh virtual environment, with no cargo or rustc on PATH, installs the wheel and runs
#    the pytest suite (which also runs examples/python/*.py);
# (The parity check reads the Kotlin sources too, so it runs after the Kotlin build: 35-parity.)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=scripts/python-env.sh
source "$root/scripts/python-env.sh"
py=${ENROLLKIT_PYTHON:-$root/.venv/bin/python}
target_dir=${CARGO_TARGET_DIR:-$root/target}
dist=${ENROLLKIT_DIST_DIR:-$target_dir/dist}

"$py" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2.0" "auditwheel>=6" mypy
rm -rf "$dist" && mkdir -p "$dist"
"$py" -m maturin build --quiet --release --manifest-path bindings/python/Cargo.toml --out "$dist"
"$py" -m maturin sdist --manifest-path bindings/python/Cargo.toml --out "$dist" >/dev/null
wheel=$(ls "$dist"/enrollkit-*.whl)
sdist=$(ls "$dist"/enrollkit-*.tar.gz)
echo "python: built $(basename "$wheel") and $(basename "$sdist")"

"$py" -m auditwheel show "$wheel" | tee "$dist/auditwheel.txt"
# The tag auditwheel derives from the symbols the library uses, and the tag the wheel carries.
policy=$(python3 -c 'import re, sys; m = re.search(r"constrains the platform tag to\s+\"([^\"]+)\"", open(sys.argv[1]).read()); print(m.group(1) if m else "")' "$dist/auditwheel.txt")
tags=$(basename "$wheel" .whl | cut -d- -f5)
[ -n "$policy" ] || { echo "auditwheel named no platform tag" >&2; exit 1; }
case ".$tags." in
    *".$policy."*) echo "python: the wheel's tag $tags includes auditwheel's $policy" ;;
    *) echo "the wheel is tagged $tags but auditwheel says $policy" >&2; exit 1 ;;
esac
case "$(basename "$wheel")" in *-cp39-abi3-*) ;; *) echo "not an abi3 (cp39) wheel: $wheel" >&2; exit 1 ;; esac
# The sdist carries the workspace the build needs, and builds: pip compiles it with cargo
# (sharing the target directory, so only the workspace crates are compiled again).
listing=$(tar -tzf "$sdist")
for member in Cargo.toml Cargo.lock bindings/python/Cargo.toml crates/enrollkit/Cargo.toml; do
    grep -qx "[^/]*/$member" <<<"$listing" || { echo "sdist lacks $member" >&2; exit 1; }
done
"$py" -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    --wheel-dir "$dist/from-sdist" "$sdist"
echo "python: the sdist builds $(basename "$(ls "$dist"/from-sdist/*.whl)")"

# A fresh environment, as a user's: no Rust toolchain reachable.
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
python3 -m venv "$fresh/venv"
no_rust_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '\.cargo' -e 'rustup' | paste -sd: -)
no_rust_path="$fresh/venv/bin:$no_rust_path"
if PATH="$no_rust_path" command -v cargo >/dev/null || PATH="$no_rust_path" command -v rustc >/dev/null; then
    echo "cargo is still on PATH in the fresh environment" >&2; exit 1
fi
PATH="$no_rust_path" "$fresh/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "$wheel" -r "$root/scripts/requirements-test.txt" mypy
# Run from a neutral directory so `import enrollkit` is the installed wheel, not the source.
cd "$root/bindings/python/tests"
PATH="$no_rust_path" "$fresh/venv/bin/python" -c \
    'import enrollkit, pathlib; p = pathlib.Path(enrollkit.__file__); assert "site-packages" in str(p), p; print("python: testing", p.parent)'
PATH="$no_rust_path" "$fresh/venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$root/bindings/python" .

# The later steps (cross-surface check) import enrollkit from the test environment: the same wheel.
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
