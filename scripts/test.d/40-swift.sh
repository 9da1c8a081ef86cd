#!/usr/bin/env bash
# Swift binding: the checked-in generated sources must match the generator (fails on drift;
# refresh with scripts/regenerate-bindings.sh). Then `swift test` where a Swift toolchain
# exists. (Debian's `swift` package is OpenStack Swift, hence the version check.)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$root/scripts/regenerate-bindings.sh" "$fresh"
drift=0
for f in Sources/Enrollkit/Enrollkit.swift Sources/EnrollkitFFI/include/EnrollkitFFI.h \
         Sources/EnrollkitFFI/include/module.modulemap; do
    if ! diff -u "bindings/swift/$f" "$fresh/$f" >"$fresh/diff.txt"; then
        echo "DRIFT: bindings/swift/$f differs from the generator (run scripts/regenerate-bindings.sh):"
        head -40 "$fresh/diff.txt"
        drift=1
    fi
done
[ "$drift" -eq 0 ] || exit 1
echo "swift bindings: checked-in sources match the generator"

if command -v swift >/dev/null 2>&1 && swift --version 2>/dev/null | grep -q "Swift version"; then
    export ENROLLKIT_LIB_DIR=${CARGO_TARGET_DIR:-$root/target}/debug
    (cd bindings/swift && swift test)
else
    echo "SKIP: Swift toolchain not found; Swift bindings diff-checked only"
fi
