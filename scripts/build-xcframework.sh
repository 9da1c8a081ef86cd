#!/usr/bin/env bash
# Builds EnrollkitFFI.xcframework (iOS device, iOS simulator, macOS) from the enrollkit-ffi
# static library, for the Swift package's binary target. macOS with Xcode and rustup only; it
# cannot run on this project's Linux CI (docs/bindings.md, "Swift package").
#   scripts/build-xcframework.sh            -> bindings/swift/EnrollkitFFI.xcframework
#                                              and dist/EnrollkitFFI-<version>.xcframework.zip
# bindings/swift/Package.swift uses the XCFramework as a binary target when that directory
# exists; `swift package compute-checksum` prints the checksum a remote binaryTarget needs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }
version=$(python3 scripts/check-version.py --print)
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
    cargo build --release -p enrollkit-ffi --target "$t"
done
target_dir=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lib=libenrollkit_ffi.a
# One library per platform slice: simulators and Macs are fat (arm64 + x86_64).
mkdir -p "$work/ios" "$work/ios-sim" "$work/macos" "$work/headers"
cp "$target_dir/aarch64-apple-ios/release/$lib" "$work/ios/$lib"
lipo -create -output "$work/ios-sim/$lib" \
    "$target_dir/aarch64-apple-ios-sim/release/$lib" "$target_dir/x86_64-apple-ios/release/$lib"
lipo -create -output "$work/macos/$lib" \
    "$target_dir/aarch64-apple-darwin/release/$lib" "$target_dir/x86_64-apple-darwin/release/$lib"
# The header and module map uniffi generated (checked in, diff-checked by scripts/test.d/40-swift.sh).
cp bindings/swift/Sources/EnrollkitFFI/include/EnrollkitFFI.h "$work/headers/"
cp bindings/swift/Sources/EnrollkitFFI/include/module.modulemap "$work/headers/module.modulemap"
out=bindings/swift/EnrollkitFFI.xcframework
rm -rf "$out"
xcodebuild -create-xcframework \
    -library "$work/ios/$lib" -headers "$work/headers" \
    -library "$work/ios-sim/$lib" -headers "$work/headers" \
    -library "$work/macos/$lib" -headers "$work/headers" \
    -output "$out"
mkdir -p dist
zip_file="dist/EnrollkitFFI-$version.xcframework.zip"
rm -f "$zip_file"
(cd bindings/swift && zip -qry "$root/$zip_file" EnrollkitFFI.xcframework)
echo "built $out and $zip_file"
echo "checksum: $(swift package compute-checksum "$zip_file")"
