#!/usr/bin/env bash
# Builds libenrollkit_ffi, generates the Kotlin sources from it, and stages the library under
# JNA's resource layout (<os>-<arch>/libenrollkit_ffi.<ext>) so the jar carries it and a
# consumer needs no jna.library.path.
# Usage: build-native.sh NATIVE_DIR GENERATED_DIR RESOURCE_DIR PROFILE   (called by Maven)
#   PROFILE is the cargo profile (release for the artifact; debug for quick test runs) and
#   NATIVE_DIR is where cargo puts it (<target>/<profile>).
set -euo pipefail
native_dir=$1
generated_dir=$2
resource_dir=$3
profile=$4
cd "$(dirname "$0")/../.."
CARGO_TARGET_DIR=$(cd "$native_dir/.." 2>/dev/null && pwd || dirname "$native_dir")
export CARGO_TARGET_DIR
cargo build --quiet --profile "$profile" -p enrollkit-ffi -p uniffi-bindgen

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) jna_dir=linux-x86-64 lib=libenrollkit_ffi.so ;;
    Linux-aarch64) jna_dir=linux-aarch64 lib=libenrollkit_ffi.so ;;
    Darwin-arm64) jna_dir=darwin-aarch64 lib=libenrollkit_ffi.dylib ;;
    Darwin-x86_64) jna_dir=darwin-x86-64 lib=libenrollkit_ffi.dylib ;;
    *) echo "build-native.sh: no JNA resource directory known for $(uname -sm)" >&2; exit 1 ;;
esac

rm -rf "$generated_dir"
"$native_dir/uniffi-bindgen" generate "$native_dir/$lib" \
    --language kotlin --out-dir "$generated_dir" --no-format >/dev/null
# uniffi leaves Throwable.message null for error objects; make it the readable message
# (Rust Display, the same as toString()) so logs and test reports show it.
kt=$(grep -rl '^open class EnrollkitException : kotlin.Exception' "$generated_dir")
sed -i.bak '/^open class EnrollkitException : kotlin.Exception/a\
    override val message: String? get() = toString()' "$kt" && rm -f "$kt.bak"
grep -q 'override val message: String? get() = toString()' "$kt"

mkdir -p "$resource_dir/$jna_dir"
cp "$native_dir/$lib" "$resource_dir/$jna_dir/$lib"
# The release profile keeps line tables for the benchmarks; the shipped library does not need
# them (the Kotlin sources were generated above, from the unstripped library).
if [ "$profile" = release ] && command -v strip >/dev/null; then
    strip --strip-debug "$resource_dir/$jna_dir/$lib" 2>/dev/null || strip -S "$resource_dir/$jna_dir/$lib"
fi
