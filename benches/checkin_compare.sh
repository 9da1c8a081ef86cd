#!/usr/bin/env bash
# Check-in throughput, the reference server against NanoMDM v0.9.0, in one run on one machine.
#
# Both get the same stream: each device's signed Authenticate, then its TokenUpdate, with
# device-identity verification on (Mdm-Signature against the same device CA). Each runs on its
# embedded storage (the reference server: SQLite WAL; NanoMDM: filekv) and on PostgreSQL (one
# database each). Both speak plain HTTP on loopback, so TLS is not measured.
#
# The stream is made by real enrollments (account-driven, Keycloak sign-in) that stop before
# their first check-in; the reference server then restarts without TLS on the same store.
#
#   benches/checkin_compare.sh [DEVICES] [CONCURRENCY]     # defaults 2000 32
#
# Prints one JSON line per run and a ratio table, with each server's CPU time per check-in
# (from /proc: what the server itself spent, whatever the client and the machine allow).
# Not part of the test suite.
# CHECKIN_BENCH_STORAGES="sqlite" limits the storages; CHECKIN_BENCH_PERF=FILE records the
# reference server's check-in run with `perf record -g` into FILE.STORAGE (to see where time goes).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
devices=${1:-2000}
concurrency=${2:-32}

source "$root/scripts/lib/keycloak.sh"
source "$root/scripts/lib/postgres.sh"
source "$root/scripts/lib/nanomdm.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/enrollkit-checkin-bench.XXXXXX")
chmod 755 "$work" # the postgres OS user creates its cluster inside
server_pid=""
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
cleanup() {
    status=$?
    stop_server
    nanomdm_stop || true
    keycloak_stop || true
    postgres_stop --remove || true
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT INT TERM

cargo build --locked --release -p enrollkit-server
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c "import json, sys; print(json.load(sys.stdin)['target_directory'])")/release"
nanomdm_install
keycloak_install
keycloak_start 18080 "$work/keycloak.log"
postgres_install
postgres_start 15432 "$work/pg"
postgres_createdb enrollkit_bench
postgres_createdb nanomdm_bench
nanomdm_pgsql_schema "$(postgres_dsn nanomdm_bench)"

"$bin/enrollkit-server" init --dir "$work/keys" --tls-name enroll.example.test --tls-name example.test >/dev/null
secret=bench-scep-secret
device_args=(--origin https://enroll.example.test:18443 --https-port 18443 --tls-ca "$work/keys/tls-ca.pem"
    --keys "$work/keys" --scep-secret "$secret")

start_server() { # CONFIG
    RUST_LOG=warn "$bin/enrollkit-server" serve --config "$1" >>"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        curl -fsS -k https://127.0.0.1:18443/healthz >/dev/null 2>&1 && return 0
        curl -fsS http://127.0.0.1:18443/healthz >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    tail -20 "$work/server.log" >&2
    return 1
}

# CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"
}
# Adds the server's CPU time per check-in to a bench-checkins JSON line.
with_cpu() { # JSON CPU_BEFORE CPU_AFTER
    python3 -c 'import json, sys
r = json.loads(sys.argv[1]); cpu = float(sys.argv[3]) - float(sys.argv[2])
r["server_cpu_seconds"] = cpu; r["server_cpu_us_per_checkin"] = cpu / r["checkins"] * 1e6
print(json.dumps(r))' "$@"
}

results=()
storages=${CHECKIN_BENCH_STORAGES:-sqlite postgresql}
for storage in $storages; do
    dir="$work/$storage"
    mkdir -p "$dir/state"
    if [ "$storage" = sqlite ]; then db="sqlite://state/bench.db?mode=rwc"; else db="$(postgres_dsn enrollkit_bench)"; fi
    "$bin/enrollkit-server" config --keys "$work/keys" --origin https://enroll.example.test:18443 \
        --listen 127.0.0.1:18443 --database "$db" --issuer http://127.0.0.1:18080/realms/enrollkit \
        --client-secret enrollkit-secret --scep-webhook-secret "$secret" >"$dir/tls.toml"
    # The same configuration without its [tls] table: plain HTTP, as NanoMDM is measured.
    python3 - "$dir/tls.toml" "$dir/plain.toml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.sub(r"\n\[tls\]\n(?:[^\[\n][^\n]*\n)*", "\n", text))
EOF
    start_server "$dir/tls.toml"
    echo "bench: enrolling $devices devices up to their first check-in ($storage)" >&2
    "$bin/enrollkit-device" prepare-checkins "${device_args[@]}" --count "$devices" --concurrency 64 \
        --out "$dir/stream.json" >&2
    stop_server
    start_server "$dir/plain.toml"
    perf_pid=""
    if [ -n "${CHECKIN_BENCH_PERF:-}" ]; then
        perf record -F 1999 -g -p "$server_pid" -o "$CHECKIN_BENCH_PERF.$storage" 2>/dev/null &
        perf_pid=$!
        sleep 1
    fi
    before=$(cpu_seconds "$server_pid")
    ours=$("$bin/enrollkit-device" bench-checkins --stream "$dir/stream.json" --origin http://127.0.0.1:18443 \
        --concurrency "$concurrency" --label "enrollkit-$storage")
    ours=$(with_cpu "$ours" "$before" "$(cpu_seconds "$server_pid")")
    if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
    stop_server
    if [ "$storage" = sqlite ]; then
        nanomdm_start 19000 "$work/keys/device-ca.pem" filekv "$work/nanomdm-kv" "$work/nanomdm.log"
    else
        nanomdm_start 19000 "$work/keys/device-ca.pem" pgsql "$(postgres_dsn nanomdm_bench)" "$work/nanomdm.log"
    fi
    before=$(cpu_seconds "$NANOMDM_PID")
    theirs=$("$bin/enrollkit-device" bench-checkins --stream "$dir/stream.json" --origin "$NANOMDM_URL" \
        --path /mdm --concurrency "$concurrency" --label "nanomdm-$storage")
    theirs=$(with_cpu "$theirs" "$before" "$(cpu_seconds "$NANOMDM_PID")")
    nanomdm_stop
    echo "$ours"
    echo "$theirs"
    results+=("$ours" "$theirs")
done

printf '%s\n' "${results[@]}" | python3 -c '
import json, sys
runs = {r["label"]: r for r in map(json.loads, sys.stdin)}
row = "{:<11} {:<10} {:>12} {:>8} {:>8} {:>8} {:>13}"
print(row.format("storage", "server", "check-ins/s", "p50 ms", "p99 ms", "refused", "server CPU us"))
for storage in [s for s in ("sqlite", "postgresql") if "enrollkit-" + s in runs]:
    for name in ("enrollkit", "nanomdm"):
        r = runs[name + "-" + storage]
        lat = r["latency"]
        print(row.format(storage, name, "%.0f" % r["checkins_per_second"], "%.2f" % lat["p50_ms"],
                         "%.2f" % lat["p99_ms"], r["refused"], "%.0f" % r["server_cpu_us_per_checkin"]))
    a, b = runs["enrollkit-" + storage], runs["nanomdm-" + storage]
    print("{:<11} ratio      {:>11.2f}x  p99 {:.2f}x  server CPU per check-in {:.2f}x".format(
        storage, a["checkins_per_second"] / b["checkins_per_second"], a["latency"]["p99_ms"] / b["latency"]["p99_ms"],
        a["server_cpu_us_per_checkin"] / b["server_cpu_us_per_checkin"]))
'
