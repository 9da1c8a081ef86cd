#!/usr/bin/env bash
# Regenerates the checked-in Swift bindings (bindings/swift/Sources) from the enrollkit-ffi
# library with the workspace's uniffi-bindgen.
#   scripts/regenerate-bindings.sh          write them into bindings/swift/Sources
#   scripts/regenerate-bindings.sh DIR      write them under DIR instead (used by the diff check)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dest=${1:-$root/bindings/swift}
target_dir=${CARGO_TARGET_DIR:-$root/target}
cargo build --quiet -p enrollkit-ffi -p uniffi-bindgen
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
"$target_dir/debug/uniffi-bindgen" generate "$target_dir/debug/libenrollkit_ffi.so" \
    --language swift --out-dir "$gen" --no-format >/dev/null
mkdir -p "$dest/Sources/Enrollkit" "$dest/Sources/EnrollkitFFI/include"
cp "$gen/Enrollkit.swift" "$dest/Sources/Enrollkit/Enrollkit.swift"
cp "$gen/EnrollkitFFI.h" "$dest/Sources/EnrollkitFFI/include/EnrollkitFFI.h"
# SwiftPM looks for include/module.modulemap in a C target.
cp "$gen/EnrollkitFFI.modulemap" "$dest/Sources/EnrollkitFFI/include/module.modulemap"
