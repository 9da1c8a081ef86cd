# shellcheck shell=bash
# Sourced by test scripts: a NanoMDM server (github.com/micromdm/nanomdm) on loopback.
#
#   source scripts/lib/nanomdm.sh
#   nanomdm_install                       # go install ...@v0.9.0 into the CI cache; sets NANOMDM_BIN
#   nanomdm_pgsql_schema "$dsn"           # once per fresh database, for -storage pgsql
#   nanomdm_start 19000 ca.pem pgsql "$dsn" /tmp/nanomdm.log [extra nanomdm flags...]
#   curl -X PUT -H 'Content-Type: application/x-apple-aspen-mdm-checkin' \
#        -H "Mdm-Signature: $(nanomdm_mdm_signature body.plist device.pem device.key)" \
#        --data-binary @body.plist "$NANOMDM_URL/mdm"
#   nanomdm_stop
#
# What v0.9.0 does (read from its cmd/nanomdm/main.go):
# - Check-ins and command reports both go to /mdm; a check-in is told apart by its
#   Content-Type, application/x-apple-aspen-mdm-checkin. -checkin moves check-ins to
#   /checkin and leaves /mdm to command reports. The method is not checked (PUT is Apple's).
# - The device identity comes from the Mdm-Signature header (base64 of a detached CMS
#   SignedData over the body, the signer's certificate inside) and must chain to -ca, with
#   clientAuth in its extended key usage (or no EKU extension). That is the default, and no
#   flag turns it off; -cert-header replaces it with a certificate in a proxy's header. A
#   request without the header, or with a bad signature or a certificate from another CA,
#   gets 400. Authenticate binds the certificate to the UDID: a later check-in for that UDID
#   with another certificate, or that certificate for another UDID, gets 500.
# - Topic is stored, not checked: a check-in needs no push certificate (only a push does).
# - -storage accepts file (deprecated: needs -storage-options enable_deprecated=1, which
#   nanomdm_start adds), filekv (the default; a directory), inmem, mysql, pgsql. For pgsql
#   the DSN goes to lib/pq, which defaults to sslmode=require: nanomdm_start adds
#   sslmode=disable to a DSN that names no sslmode.
# - Every NANOMDM_<FLAG> variable in the environment sets that flag, so the server is started
#   with all NANOMDM_* variables removed from its environment.
#
# Variables set: NANOMDM_BIN, and after nanomdm_start NANOMDM_PID, NANOMDM_PORT, NANOMDM_URL,
# NANOMDM_API_KEY (API user name is `nanomdm`), NANOMDM_LOG. Nothing is exported. Functions
# report on stderr and return non-zero (never exit) on failure.

NANOMDM_MODULE=github.com/micromdm/nanomdm
NANOMDM_VERSION=${NANOMDM_VERSION:-v0.9.0}
NANOMDM_BIN=${NANOMDM_BIN:-}
NANOMDM_PID=${NANOMDM_PID:-}
NANOMDM_PORT=${NANOMDM_PORT:-}
NANOMDM_URL=${NANOMDM_URL:-}
NANOMDM_API_KEY=${NANOMDM_API_KEY:-}
NANOMDM_LOG=${NANOMDM_LOG:-}

_nanomdm_log() { printf 'nanomdm: %s\n' "$*" >&2; }

_nanomdm_gobin() {
    printf '%s/go-bin\n' "${ENROLLKIT_CI_CACHE:-$HOME/.cache/enrollkit-ci}"
}

# True when $1 is a nanomdm binary built from NANOMDM_VERSION.
_nanomdm_is_version() {
    [ -x "$1" ] && go version -m "$1" 2>/dev/null |
        grep -Eq "^[[:space:]]+mod[[:space:]]+${NANOMDM_MODULE}[[:space:]]+${NANOMDM_VERSION}([[:space:]]|\$)"
}

nanomdm_install() {
    local gobin bin started=$SECONDS
    gobin=$(_nanomdm_gobin)
    bin=$gobin/nanomdm
    command -v go >/dev/null || {
        _nanomdm_log "go is not installed"
        return 1
    }
    if _nanomdm_is_version "$bin"; then
        NANOMDM_BIN=$bin
        return 0
    fi
    _nanomdm_log "go install $NANOMDM_MODULE/cmd/nanomdm@$NANOMDM_VERSION into $gobin"
    mkdir -p "$gobin" || return 1
    # Outside any go.mod, so that the install is of the module alone.
    (cd / && GOBIN=$gobin GOFLAGS='' go install "$NANOMDM_MODULE/cmd/nanomdm@$NANOMDM_VERSION") || {
        _nanomdm_log "go install failed"
        return 1
    }
    _nanomdm_is_version "$bin" || {
        _nanomdm_log "$bin is not $NANOMDM_MODULE $NANOMDM_VERSION after go install"
        return 1
    }
    NANOMDM_BIN=$bin
    _nanomdm_log "installed $bin ($((SECONDS - started))s)"
}

# Prints the module's source directory (downloading it into the module cache if needed).
nanomdm_source_dir() {
    local dir
    dir="$(go env GOMODCACHE)/$NANOMDM_MODULE@$NANOMDM_VERSION"
    if [ ! -f "$dir/go.mod" ]; then
        _nanomdm_log "go mod download $NANOMDM_MODULE@$NANOMDM_VERSION"
        dir=$(cd / && GOFLAGS='' go mod download -json "$NANOMDM_MODULE@$NANOMDM_VERSION" |
            sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    fi
    if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
        _nanomdm_log "no source for $NANOMDM_MODULE@$NANOMDM_VERSION"
        return 1
    fi
    printf '%s\n' "$dir"
}

_nanomdm_psql() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/psql" ]; then
            printf '%s\n' "$d/psql"
            return 0
        fi
    done
    command -v psql
}

# nanomdm_pgsql_schema DSN: applies storage/pgsql/schema.sql to the database at DSN, unless
# it already has NanoMDM's tables (the schema's CREATE TABLEs are not idempotent).
nanomdm_pgsql_schema() {
    if [ $# -ne 1 ]; then
        _nanomdm_log "usage: nanomdm_pgsql_schema DSN"
        return 2
    fi
    local dsn=$1 src psql have
    src=$(nanomdm_source_dir) || return 1
    psql=$(_nanomdm_psql) || {
        _nanomdm_log "psql is not installed"
        return 1
    }
    have=$("$psql" -X -Atq -d "$dsn" -c "select to_regclass('public.enrollments') is not null") || {
        _nanomdm_log "cannot connect to $dsn"
        return 1
    }
    if [ "$have" = t ]; then
        _nanomdm_log "schema already applied to $dsn"
        return 0
    fi
    _nanomdm_log "applying $NANOMDM_VERSION storage/pgsql/schema.sql to $dsn"
    "$psql" -X -q -v ON_ERROR_STOP=1 -d "$dsn" -f "$src/storage/pgsql/schema.sql" >/dev/null
}

# True when something accepts TCP connections on 127.0.0.1:$1.
_nanomdm_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# nanomdm_start PORT CA_PEM STORAGE DSN LOGFILE [extra flags...]
nanomdm_start() {
    if [ $# -lt 5 ]; then
        _nanomdm_log "usage: nanomdm_start PORT CA_PEM STORAGE DSN LOGFILE [extra flags...]"
        return 2
    fi
    local port=$1 ca=$2 storage=$3 dsn=$4 log=$5
    shift 5
    local -a extra=("$@")
    case $port in '' | *[!0-9]*)
        _nanomdm_log "port must be a number: '$port'"
        return 2
        ;;
    esac
    if [ -n "$NANOMDM_PID" ] && kill -0 "$NANOMDM_PID" 2>/dev/null; then
        _nanomdm_log "a NanoMDM started here is still running (pid $NANOMDM_PID); nanomdm_stop it first"
        return 1
    fi
    if [ -z "$NANOMDM_BIN" ]; then
        if _nanomdm_is_version "$(_nanomdm_gobin)/nanomdm"; then
            NANOMDM_BIN=$(_nanomdm_gobin)/nanomdm
        else
            _nanomdm_log "no nanomdm binary: run nanomdm_install first"
            return 1
        fi
    fi
    [ -r "$ca" ] || {
        _nanomdm_log "cannot read CA certificate $ca"
        return 1
    }
    case $storage in
        pgsql)
            case $dsn in
                *sslmode=*) ;;
                *\?*) dsn="$dsn&sslmode=disable" ;;
                *) dsn="$dsn?sslmode=disable" ;;
            esac
            ;;
        file | filekv)
            mkdir -p "$dsn" || return 1
            if [ "$storage" = file ] && [[ " ${extra[*]} " != *" -storage-options "* ]]; then
                extra+=(-storage-options enable_deprecated=1)
            fi
            ;;
    esac
    if _nanomdm_port_busy "$port"; then
        _nanomdm_log "127.0.0.1:$port is already in use"
        return 1
    fi
    local key pidfile envs started=$SECONDS
    key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    pidfile=$(mktemp) || return 1
    mkdir -p "$(dirname "$log")" || return 1
    # NANOMDM_* variables would set flags (and -storage/-storage-dsn accumulate).
    envs=$(env | sed -n 's/^\(NANOMDM_[A-Za-z0-9_]*\)=.*/-u \1/p' | tr '\n' ' ')
    _nanomdm_log "starting NanoMDM $NANOMDM_VERSION on 127.0.0.1:$port (storage $storage, CA $ca${extra[*]:+, extra: ${extra[*]}}, log $log)"
    # setsid gives it its own session and process group; the inner shell records the pid
    # that the exec keeps, whether or not setsid had to fork.
    # shellcheck disable=SC2086,SC2016 # $envs: `-u NAME` words; $$ and $@ are the inner shell's
    setsid env $envs bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" \
        "$NANOMDM_BIN" -listen "127.0.0.1:$port" -ca "$ca" \
        -storage "$storage" -storage-dsn "$dsn" -api "$key" "${extra[@]}" \
        >>"$log" 2>&1 </dev/null &
    local pid=""
    for _ in $(seq 1 100); do
        pid=$(cat "$pidfile" 2>/dev/null)
        [ -n "$pid" ] && break
        sleep 0.05
    done
    rm -f "$pidfile"
    if [ -z "$pid" ]; then
        _nanomdm_log "NanoMDM did not start"
        return 1
    fi
    for _ in $(seq 1 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            _nanomdm_log "NanoMDM exited during start-up; last lines of $log:"
            tail -n 20 "$log" >&2
            return 1
        fi
        if curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$port/version" 2>/dev/null; then
            NANOMDM_PID=$pid
            NANOMDM_PORT=$port
            NANOMDM_URL=http://127.0.0.1:$port
            NANOMDM_API_KEY=$key
            NANOMDM_LOG=$log
            _nanomdm_log "NanoMDM is up on $NANOMDM_URL (pid $pid, $((SECONDS - started))s)"
            return 0
        fi
        sleep 0.1
    done
    _nanomdm_log "NanoMDM did not answer on /version within 30s; stopping it"
    kill -TERM -- "-$pid" 2>/dev/null
    return 1
}

# nanomdm_stop: stops the NanoMDM that nanomdm_start started (its whole process group).
nanomdm_stop() {
    local pid=$NANOMDM_PID
    if [ -z "$pid" ]; then
        _nanomdm_log "no NanoMDM started here"
        return 0
    fi
    if kill -0 "$pid" 2>/dev/null && [ "$(ps -o comm= -p "$pid")" = nanomdm ]; then
        _nanomdm_log "stopping NanoMDM (pid $pid)"
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            _nanomdm_log "NanoMDM (pid $pid) ignored SIGTERM; sending SIGKILL"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        fi
    else
        _nanomdm_log "NanoMDM (pid $pid) is no longer running"
    fi
    NANOMDM_PID=
    NANOMDM_PORT=
    NANOMDM_URL=
    NANOMDM_API_KEY=
}

# nanomdm_mdm_signature BODY_FILE CERT_PEM KEY_PEM: prints the value of an Mdm-Signature
# header for BODY_FILE, as a device signs it: base64 (one line) of a DER CMS SignedData,
# detached (no content), binary (no MIME canonicalisation), signer certificate included.
nanomdm_mdm_signature() {
    if [ $# -ne 3 ]; then
        _nanomdm_log "usage: nanomdm_mdm_signature BODY_FILE CERT_PEM KEY_PEM"
        return 2
    fi
    openssl cms -sign -binary -in "$1" -signer "$2" -inkey "$3" -outform DER |
        base64 -w0
}
