#!/usr/bin/env bash
# Kotlin/JVM binding, as a JVM service consumes it:
# 1. Maven builds libenrollkit_ffi (release) with cargo, generates the Kotlin sources with the
#    workspace's uniffi-bindgen, packs the library into the jar under JNA's resource layout,
#    runs the JUnit tests against the packed library and installs the artifact into the local
#    Maven repository (~/.m2, outside the clone);
# 2. examples/kotlin-consumer depends on dev.enrollkit:enrollkit-kotlin by coordinates, with no
#    jna.library.path, and signs, verifies and lints a profile.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
version=$(python3 "$root/scripts/check-version.py" --print)
cd "$root/bindings/kotlin"
# -B: no colours or progress; -q: only problems and the Surefire summary.
mvn -B -q -Dstyle.color=never -Dnative.profile=release -Dnative.dir="$target_dir/release" \
    -Dsurefire.printSummary=true install
reports=target/surefire-reports
# Maven -q hides Surefire's summary: print one from its reports.
sum() { grep -ho "$1=\"[0-9]*\"" "$2"/TEST-*.xml | grep -o '[0-9]*' | awk '{s += $1} END {print s + 0}'; }
summary() {
    local tests failed skipped
    tests=$(sum tests "$2"); failed=$(( $(sum failures "$2") + $(sum errors "$2") )); skipped=$(sum skipped "$2")
    echo "$1: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"
}
summary kotlin "$reports"

jar="target/enrollkit-kotlin-$version.jar"
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) resource=linux-x86-64/libenrollkit_ffi.so ;;
    *) resource="" ;;
esac
if [ -n "$resource" ]; then
    python3 - "$jar" "$resource" <<'PY'
import sys, zipfile
jar, resource = sys.argv[1], sys.argv[2]
info = zipfile.ZipFile(jar).getinfo(resource)  # KeyError when the jar lacks it
print(f"kotlin: {jar} carries {resource} ({info.file_size} bytes)")
PY
fi

cd "$root/examples/kotlin-consumer"
mvn -B -q -Dstyle.color=never -Denrollkit.version="$version" -Dsurefire.printSummary=true test
summary kotlin-consumer target/surefire-reports
