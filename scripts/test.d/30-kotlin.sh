#!/usr/bin/env bash
# Kotlin/JVM binding: Maven builds libenrollkit_ffi (debug) with cargo, generates the Kotlin
# sources with the workspace's uniffi-bindgen and runs the JUnit 5 tests (bindings/kotlin).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
cd "$root/bindings/kotlin"
# -B: no colours or progress; -q: only problems and the Surefire summary.
mvn -B -q -Dstyle.color=never -Dnative.dir="$target_dir/debug" -Dsurefire.printSummary=true test
reports=target/surefire-reports
# Maven -q hides Surefire's summary: print one from its reports.
sum() { grep -ho "$1=\"[0-9]*\"" "$reports"/TEST-*.xml | grep -o '[0-9]*' | awk '{s += $1} END {print s + 0}'; }
tests=$(sum tests); failed=$(( $(sum failures) + $(sum errors) )); skipped=$(sum skipped)
echo "kotlin: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"
