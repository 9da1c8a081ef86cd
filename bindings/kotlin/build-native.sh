#!/usr/bin/env bash
# Builds libenrollkit_ffi (debug) and generates the Kotlin sources from it.
# Usage: build-native.sh NATIVE_DIR GENERATED_DIR   (called by the Maven build)
set -euo pipefail
native_dir=$1
generated_dir=$2
cd "$(dirname "$0")/../.."
# Build into the directory the tests load the library from.
CARGO_TARGET_DIR=$(cd "$native_dir/.." 2>/dev/null && pwd || dirname "$native_dir")
export CARGO_TARGET_DIR
cargo build --quiet -p enrollkit-ffi -p uniffi-bindgen
rm -rf "$generated_dir"
"$native_dir/uniffi-bindgen" generate "$native_dir/libenrollkit_ffi.so" \
    --language kotlin --out-dir "$generated_dir" --no-format >/dev/null
# uniffi leaves Throwable.message null for error objects; make it the readable message
# (Rust Display, the same as toString()) so logs and test reports show it.
kt=$(grep -rl '^open class EnrollkitException : kotlin.Exception' "$generated_dir")
sed -i '/^open class EnrollkitException : kotlin.Exception/a\    override val message: String? get() = toString()' "$kt"
grep -q 'override val message: String? get() = toString()' "$kt"
