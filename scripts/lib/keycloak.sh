# shellcheck shell=bash
# Sourced by scripts: Keycloak (an OpenID Certified provider) on loopback, from Maven Central.
#
#   source scripts/lib/keycloak.sh
#   keycloak_install                 # into the CI cache, outside the clone; needs Java 21+
#   keycloak_start 18080 LOGFILE     # dev mode, in-memory database, realm tests/server/keycloak
#   keycloak_stop                    # the whole process group keycloak_start started
#
# The realm `enrollkit` has the client `enrollkit` (secret `enrollkit-secret`) and the test
# users (tests/server/keycloak/enrollkit-realm.json); its issuer is
# http://127.0.0.1:PORT/realms/enrollkit. Each start imports the realm into a fresh in-memory
# database, so nothing carries over from one start to the next.
#
# Environment: ENROLLKIT_CI_CACHE (default ~/.cache/enrollkit-ci) holds the installation;
# KEYCLOAK_JAVA_HOME picks the JDK; JAVA_OPTS_KC_HEAP sizes Keycloak's heap.

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
_keycloak_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_keycloak_cache="${ENROLLKIT_CI_CACHE:-$HOME/.cache/enrollkit-ci}"
KEYCLOAK_HOME="$_keycloak_cache/keycloak-$KEYCLOAK_VERSION"
KEYCLOAK_REALM_FILE="$_keycloak_root/tests/server/keycloak/enrollkit-realm.json"
KEYCLOAK_PID=""       # the process group keycloak_start started (its leader's PID)
KEYCLOAK_PID_FILE=""  # the same, on disk: LOGFILE.pid

_keycloak_log() { printf 'keycloak: %s\n' "$*" >&2; }

# A JDK of version 21 or later: Keycloak 26 needs it, and the machine's default may be 17.
_keycloak_java_home() {
    local candidate version
    for candidate in "${KEYCLOAK_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
        if [ -z "$candidate" ] || [ ! -x "$candidate/bin/java" ]; then
            continue
        fi
        version=$("$candidate/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
        if [ "${version:-0}" -ge 21 ]; then
            echo "$candidate"
            return 0
        fi
    done
    _keycloak_log "Keycloak $KEYCLOAK_VERSION needs Java 21 or later, and there is no such JDK under" \
        "/usr/lib/jvm (found: $(cd /usr/lib/jvm 2>/dev/null && echo *)); install one" \
        "(e.g. apt-get install openjdk-21-jdk-headless) or set KEYCLOAK_JAVA_HOME"
    return 1
}

keycloak_install() {
    if [ -x "$KEYCLOAK_HOME/bin/kc.sh" ]; then
        _keycloak_log "Keycloak $KEYCLOAK_VERSION is installed in $KEYCLOAK_HOME"
        return 0
    fi
    _keycloak_java_home >/dev/null || return 1
    if ! command -v unzip >/dev/null; then
        _keycloak_log "installing unzip (Debian)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null || return 1
    fi
    command -v mvn >/dev/null || { _keycloak_log "mvn is needed to fetch Keycloak from Maven Central"; return 1; }
    _keycloak_log "installing Keycloak $KEYCLOAK_VERSION (org.keycloak:keycloak-quarkus-dist) into $KEYCLOAK_HOME"
    local download="$_keycloak_cache/downloads"
    local zip="$download/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
    mkdir -p "$download"
    if ! mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
            -DoutputDirectory="$download" >&2 || [ ! -s "$zip" ]; then
        _keycloak_log "Maven could not fetch org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip"
        return 1
    fi
    # Unpacked beside the target and moved into place last: an interrupted install is not
    # mistaken for a finished one.
    rm -rf "$KEYCLOAK_HOME.partial"
    mkdir -p "$KEYCLOAK_HOME.partial"
    unzip -q "$zip" -d "$KEYCLOAK_HOME.partial" || return 1
    mv "$KEYCLOAK_HOME.partial/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME" || return 1
    rm -rf "$KEYCLOAK_HOME.partial"
    _keycloak_log "installed Keycloak $KEYCLOAK_VERSION"
}

keycloak_start() { # PORT LOGFILE
    local port=${1:?keycloak_start PORT LOGFILE} log=${2:?keycloak_start PORT LOGFILE} java_home
    local url="http://127.0.0.1:$port/realms/enrollkit/.well-known/openid-configuration"
    [ -x "$KEYCLOAK_HOME/bin/kc.sh" ] || { _keycloak_log "not installed: run keycloak_install first"; return 1; }
    java_home=$(_keycloak_java_home) || return 1
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
        _keycloak_log "something already answers on 127.0.0.1:$port: stop it first (a Keycloak left running?)"
        return 1
    fi
    mkdir -p "$KEYCLOAK_HOME/data/import" "$(dirname "$log")"
    rm -f "$KEYCLOAK_HOME/data/import/"*.json
    cp "$KEYCLOAK_REALM_FILE" "$KEYCLOAK_HOME/data/import/enrollkit-realm.json"
    KEYCLOAK_PID_FILE="$log.pid"
    rm -f "$KEYCLOAK_PID_FILE"
    _keycloak_log "starting Keycloak $KEYCLOAK_VERSION on http://127.0.0.1:$port (Java: $java_home; log: $log)"
    # Its own session and process group, whose leader writes its PID (= the group's ID) before
    # it becomes kc.sh: keycloak_stop kills the whole group, the JVM included.
    # shellcheck disable=SC2016 # $$ and $1 belong to the inner bash
    env JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="${JAVA_OPTS_KC_HEAP:--Xms64m -Xmx768m}" \
        KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
        setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' keycloak "$KEYCLOAK_PID_FILE" \
        "$KEYCLOAK_HOME/bin/kc.sh" start-dev --db=dev-mem --http-host=127.0.0.1 --http-port="$port" \
        --import-realm --health-enabled=false </dev/null >"$log" 2>&1 &
    local waited=0
    while [ ! -s "$KEYCLOAK_PID_FILE" ] && [ "$waited" -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    KEYCLOAK_PID=$(cat "$KEYCLOAK_PID_FILE" 2>/dev/null)
    if [ -z "$KEYCLOAK_PID" ]; then
        _keycloak_log "Keycloak did not start:"; tail -30 "$log" >&2; return 1
    fi
    _keycloak_log "started process group $KEYCLOAK_PID; waiting for $url (up to 180 s)"
    local started=$SECONDS next_note=15
    until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url")" = 200 ]; do
        if ! kill -0 "$KEYCLOAK_PID" 2>/dev/null; then
            _keycloak_log "Keycloak exited before it was ready; the log's last lines:"
            tail -40 "$log" >&2
            KEYCLOAK_PID=""; rm -f "$KEYCLOAK_PID_FILE"
            return 1
        fi
        if [ $((SECONDS - started)) -ge 180 ]; then
            _keycloak_log "not ready after 180 s; the log's last lines:"
            tail -40 "$log" >&2
            keycloak_stop
            return 1
        fi
        if [ $((SECONDS - started)) -ge "$next_note" ]; then
            _keycloak_log "still starting ($((SECONDS - started)) s; log: $log)"
            next_note=$((next_note + 15))
        fi
        sleep 1
    done
    _keycloak_log "ready after $((SECONDS - started)) s: issuer http://127.0.0.1:$port/realms/enrollkit"
}

keycloak_stop() {
    local pid=$KEYCLOAK_PID
    if [ -z "$pid" ] && [ -n "$KEYCLOAK_PID_FILE" ] && [ -s "$KEYCLOAK_PID_FILE" ]; then
        pid=$(cat "$KEYCLOAK_PID_FILE")
    fi
    if [ -z "$pid" ]; then
        return 0
    fi
    if kill -0 -- "-$pid" 2>/dev/null; then
        _keycloak_log "stopping Keycloak (process group $pid)"
        kill -TERM -- "-$pid" 2>/dev/null || true
        local _
        for _ in $(seq 1 60); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 -- "-$pid" 2>/dev/null; then
            _keycloak_log "Keycloak did not stop within 30 s: killing process group $pid"
            kill -KILL -- "-$pid" 2>/dev/null || true
            sleep 0.5
        fi
        wait "$pid" 2>/dev/null || true
        _keycloak_log "stopped Keycloak (process group $pid)"
    fi
    KEYCLOAK_PID=""
    [ -n "$KEYCLOAK_PID_FILE" ] && rm -f "$KEYCLOAK_PID_FILE"
    return 0
}
