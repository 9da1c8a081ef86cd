#!/usr/bin/env bash
# Longer fuzz runs (not part of CI): runs each target (default: all) for SECONDS (default 300),
# niced, one after another, growing fuzz/corpus/<target> (only seed-* files are committed) and
# printing one summary line per target for docs/fuzzing.md. Crashes land in fuzz/artifacts/.
# Usage: scripts/fuzz-long.sh [SECONDS] [TARGET...]
# FUZZ_RUNS=N stops each target after N executions instead (SECONDS then only caps the time).
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
# Instrumented builds get their own target dir (as in the CI smoke), never the main one.
export CARGO_TARGET_DIR="${ENROLLKIT_FUZZ_TARGET_DIR:-$PWD/target}"
seconds=${1:-300}
shift || true
if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi
logs=${FUZZ_LOG_DIR:-$(mktemp -d)}
mkdir -p "$logs"
nice cargo fuzz build -s none || exit 1
status=0
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    nice -n 19 cargo fuzz run -s none "$target" -- -max_total_time="$seconds" -timeout=10 \
        ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} -rss_limit_mb=1024 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    [ "$rc" -eq 0 ] || status=1
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
    rss=$(grep -m1 'stat::peak_rss_mb' "$log" | awk '{print $2}')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | awk '{print $2}')
    crash=$(grep -m1 -o 'Test unit written to [^ ]*' "$log" | awk '{print $NF}' || true)
    echo "$target seconds=$seconds runs=${runs:-?} exec/s=${rate:-?} cov=${cov:-?} peak_rss_mb=${rss:-?} exit=$rc ${crash:+crash=$crash} log=$log"
done
exit $status
