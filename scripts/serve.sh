#!/usr/bin/env bash
# Starts the reference enrollment server on a fresh machine: builds it, installs and starts
# Keycloak with the test realm, writes throwaway keys (profile signer, device-identity CA,
# TLS certificate) and an SQLite store, and serves https://localhost:8443 until Ctrl-C,
# then stops everything it started.
#
#   ./scripts/serve.sh            # state in ./serve-state (kept between runs)
#   ENROLLKIT_SERVE_DIR=/tmp/x ./scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="${ENROLLKIT_SERVE_DIR:-$root/serve-state}"

# shellcheck source=scripts/lib/keycloak.sh
source "$root/scripts/lib/keycloak.sh"

server_pid=""
cleanup() {
    echo "serve: stopping the server and Keycloak" >&2
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    keycloak_stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "serve: building enrollkit-server" >&2
cargo build --locked -p enrollkit-server
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c "import json, sys; print(json.load(sys.stdin)['target_directory'])")/debug/enrollkit-server"

mkdir -p "$state/state"
if [ ! -f "$state/keys/signer.key" ]; then
    echo "serve: writing throwaway keys into $state/keys" >&2
    "$bin" init --dir "$state/keys" --tls-name localhost --tls-name 127.0.0.1 --tls-name example.test
fi
if [ ! -f "$state/server.toml" ]; then
    "$bin" config --keys keys --origin https://localhost:8443 --listen 127.0.0.1:8443 \
        --database "sqlite://state/enrollkit.db?mode=rwc" \
        --issuer http://127.0.0.1:18080/realms/enrollkit --client-secret enrollkit-secret \
        >"$state/server.toml"
fi

keycloak_install
keycloak_start 18080 "$state/keycloak.log"

"$bin" serve --config "$state/server.toml" >>"$state/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fsS --cacert "$state/keys/tls-ca.pem" https://localhost:8443/healthz >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { tail -20 "$state/server.log" >&2; exit 1; }
    sleep 0.2
done

cat <<EOF

  enrollkit reference server — running

  Portal:       https://localhost:8443/portal      (open it in a browser; trust $state/keys/tls-ca.pem
                                                   or accept the throwaway certificate)
  Admin view:   https://localhost:8443/admin       (user admin, password: $(sed -n 's/^admin_password = "\(.*\)"/\1/p' "$state/server.toml"))
  Keycloak:     http://127.0.0.1:18080/admin       (admin / admin)

  Test users (realm "enrollkit"):
    alice / alice-password                         alice@example.test
    bob   / bob-password   + TOTP JBSWY3DPEHPK3PXP  bob@example.test (one-time codes)
    carol / carol-password                         carol@example.test

  Logs: $state/server.log, $state/keycloak.log
  Ctrl-C stops the server and Keycloak.

EOF
wait "$server_pid"
