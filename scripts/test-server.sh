#!/usr/bin/env bash
# The reference server's suite (tests/server): builds the server, installs and starts
# Keycloak (the identity provider), PostgreSQL, NanoMDM and Chromium's test driver, runs the suite,
# and stops everything it started, also on failure or Ctrl-C. Everything listens on loopback.
#
#   ./scripts/test-server.sh                 # the whole suite
#   ./scripts/test-server.sh -k account      # pytest's selection
#
# ENROLLKIT_SKIP_SERVER=1 skips it (a SKIP: line says so). ENROLLKIT_LOAD_COUNT sets the load
# runs' size (default 1000). Screenshots and load reports go to tests/server/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${ENROLLKIT_SKIP_SERVER:-0}" = 1 ]; then
    echo "SKIP: the server suite (ENROLLKIT_SKIP_SERVER=1)"
    exit 0
fi

# shellcheck source=scripts/lib/keycloak.sh
source "$root/scripts/lib/keycloak.sh"
# shellcheck source=scripts/lib/postgres.sh
source "$root/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/nanomdm.sh
source "$root/scripts/lib/nanomdm.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/enrollkit-server-suite.XXXXXX")
chmod 755 "$work" # the postgres OS user creates its cluster inside
cleanup() {
    status=$?
    echo "test-server: stopping what it started" >&2
    keycloak_stop || true
    postgres_stop --remove || true
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT INT TERM

echo "test-server: building the server, the device simulator and the CLI" >&2
cargo build --locked -p enrollkit-server -p enrollkit-cli
bin_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c "import json, sys; print(json.load(sys.stdin)['target_directory'])")/debug"

# The browser: Debian's Chromium, driven by playwright-core (no bundled browser download).
if ! command -v chromium >/dev/null; then
    echo "test-server: installing Debian's chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/server/browser && npm ci --silent --no-audit --no-fund)

keycloak_install
keycloak_start 18080 "$work/keycloak.log"

postgres_install
postgres_start 15432 "$work/postgres"

# NanoMDM v0.9.0, the peer that takes the same check-in stream (the test starts it).
nanomdm_install
export NANOMDM_BIN

# shellcheck source=scripts/python-env.sh
source "$root/scripts/python-env.sh"

export ENROLLKIT_BIN_DIR="$bin_dir"
export KEYCLOAK_URL=http://127.0.0.1:18080
export ENROLLKIT_PG_DSN_BASE="postgres://enrollkit@127.0.0.1:15432"
export ENROLLKIT_SERVER_ARTIFACTS="$root/tests/server/artifacts"
rm -rf "$ENROLLKIT_SERVER_ARTIFACTS"
python -m pytest -q -p no:cacheprovider tests/server "$@"
