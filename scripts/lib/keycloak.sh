# shellcheck shell=bash
# Sourced by scripts: Keycloak (an OpenID Certified provider) on loopback, from Maven Central.
#
#   source scripts/lib/keycloak.sh
#   keycloak_install                 # into the CI cache, outside the clone; needs Java 21+
#   keycloak_start 18080 LOGFILE     # dev mode, in-memory database, realm tests/server/keycloak
#   keycloak_stop
#
# The realm `enrollkit` has the client `enrollkit` (secret `enrollkit-secret`) and the test
# users; issuer http://127.0.0.1:PORT/realms/enrollkit.

KEYCLOAK_VERSION=26.7.3
_keycloak_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_keycloak_cache="${ENROLLKIT_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/enrollkit-ci}"
KEYCLOAK_HOME="$_keycloak_cache/keycloak-$KEYCLOAK_VERSION"
KEYCLOAK_PID=""

_keycloak_log() { printf 'keycloak: %s\n' "$*" >&2; }

# A JDK of version 21 or later (Keycloak 26 needs it; the machine's default may be 17).
_keycloak_java_home() {
    local candidate version
    for candidate in "${KEYCLOAK_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
        version=$("$candidate/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
        if [ "${version:-0}" -ge 21 ]; then
            echo "$candidate"
            return 0
        fi
    done
    _keycloak_log "no JDK 21 or later under /usr/lib/jvm (set KEYCLOAK_JAVA_HOME)"
    return 1
}

keycloak_install() {
    if [ -x "$KEYCLOAK_HOME/bin/kc.sh" ]; then
        return 0
    fi
    command -v unzip >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null; }
    _keycloak_log "installing Keycloak $KEYCLOAK_VERSION from Maven Central into $KEYCLOAK_HOME"
    local download="$_keycloak_cache/downloads"
    mkdir -p "$download"
    mvn -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
        -DoutputDirectory="$download" >&2
    rm -rf "$KEYCLOAK_HOME.partial"
    mkdir -p "$KEYCLOAK_HOME.partial"
    unzip -q "$download/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" -d "$KEYCLOAK_HOME.partial"
    mv "$KEYCLOAK_HOME.partial/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME"
    rm -rf "$KEYCLOAK_HOME.partial"
}

keycloak_start() { # PORT LOGFILE
    local port=$1 log=$2 java_home
    java_home=$(_keycloak_java_home) || return 1
    mkdir -p "$KEYCLOAK_HOME/data/import"
    cp "$_keycloak_root/tests/server/keycloak/enrollkit-realm.json" "$KEYCLOAK_HOME/data/import/"
    # A fresh in-memory database each start: the realm is imported from the file.
    _keycloak_log "starting Keycloak on http://127.0.0.1:$port (log: $log)"
    JAVA_HOME="$java_home" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
        setsid "$KEYCLOAK_HOME/bin/kc.sh" start-dev --db=dev-mem --http-host=127.0.0.1 \
        --http-port="$port" --import-realm --health-enabled=false >"$log" 2>&1 &
    KEYCLOAK_PID=$!
    local url="http://127.0.0.1:$port/realms/enrollkit/.well-known/openid-configuration"
    local waited=0
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        if ! kill -0 "$KEYCLOAK_PID" 2>/dev/null; then
            _keycloak_log "Keycloak exited:"; tail -30 "$log" >&2; KEYCLOAK_PID=""; return 1
        fi
        if [ "$waited" -ge 240 ]; then
            _keycloak_log "not ready after 240 s:"; tail -30 "$log" >&2; keycloak_stop; return 1
        fi
        sleep 1; waited=$((waited + 1))
    done
    _keycloak_log "ready after ${waited} s"
}

keycloak_stop() {
    if [ -n "$KEYCLOAK_PID" ] && kill -0 "$KEYCLOAK_PID" 2>/dev/null; then
        _keycloak_log "stopping Keycloak (process group $KEYCLOAK_PID)"
        kill -TERM -- "-$KEYCLOAK_PID" 2>/dev/null || kill -TERM "$KEYCLOAK_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$KEYCLOAK_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$KEYCLOAK_PID" 2>/dev/null || true
        wait "$KEYCLOAK_PID" 2>/dev/null || true
    fi
    KEYCLOAK_PID=""
}
