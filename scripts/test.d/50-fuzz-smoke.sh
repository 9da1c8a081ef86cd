#!/usr/bin/env bash
# Fuzz smoke: builds every cargo-fuzz target once and runs each for a few seconds (at most
# 2 minutes of fuzzing in all). Fails on any crash, panic, timeout or out-of-memory.
# Runs on stable (`-s none`). Skip with ENROLLKIT_SKIP_FUZZ=1.
# Longer runs and their results: docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${ENROLLKIT_SKIP_FUZZ:-0}" = "1" ]; then
    echo "SKIP: fuzz smoke (ENROLLKIT_SKIP_FUZZ=1)"
    exit 0
fi

if ! cargo fuzz --version 2>/dev/null | grep -q '0\.13\.'; then
    cargo install --locked cargo-fuzz@0.13.2
fi

# Instrumented builds must not share the caller's CARGO_TARGET_DIR with plain builds:
# use ENROLLKIT_FUZZ_TARGET_DIR (CI caches it) or fuzz/target.
cd fuzz
export CARGO_TARGET_DIR="${ENROLLKIT_FUZZ_TARGET_DIR:-$PWD/target}"

mapfile -t targets < <(cargo fuzz list)
if [ "${#targets[@]}" -eq 0 ]; then
    echo "no fuzz targets found" >&2
    exit 1
fi
budget=${ENROLLKIT_FUZZ_SMOKE_SECONDS:-110}
per_target=$(( budget / ${#targets[@]} ))
[ "$per_target" -ge 1 ] || per_target=1

echo "building ${#targets[@]} fuzz targets"
cargo fuzz build -s none

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
for target in "${targets[@]}"; do
    echo "--- $target: ${per_target}s"
    mkdir -p "$work/$target"
    # New inputs go to the scratch dir (first); the committed seeds are only read.
    if ! cargo fuzz run -s none "$target" "$work/$target" "corpus/$target" -- \
        -max_total_time="$per_target" -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 2>"$work/$target.log"; then
        tail -n 60 "$work/$target.log" >&2
        failed+=("$target")
        continue
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$target.log" || true
done

if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzz smoke FAILED: ${failed[*]} (reproducers in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz smoke passed: ${targets[*]}"
