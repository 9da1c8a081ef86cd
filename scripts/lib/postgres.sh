# shellcheck shell=bash
# Sourced by test scripts: a throwaway PostgreSQL cluster on loopback, owned by this script.
#
#   source scripts/lib/postgres.sh
#   postgres_install                      # Debian's postgresql package, if no initdb is there
#   postgres_start 15432 /tmp/pgtest      # fresh cluster; sets POSTGRES_DIR and POSTGRES_PORT
#   postgres_createdb enrollkit
#   dsn=$(postgres_dsn enrollkit)         # postgres://enrollkit@127.0.0.1:15432/enrollkit
#   postgres_stop --remove                # fast shutdown, then removes POSTGRES_DIR
#
# The cluster has one superuser, `enrollkit`, with trust authentication, and listens on
# 127.0.0.1 and on a Unix socket inside its own directory only. Nothing is exported; every
# function reports on stderr what it does, and returns non-zero (never exits) on failure.
# The Debian cluster that the package's install may create is never used, and is stopped
# and set to `manual` if this script installed the package.

POSTGRES_DIR=${POSTGRES_DIR:-}
POSTGRES_PORT=${POSTGRES_PORT:-}
POSTGRES_USER=enrollkit
# Written into a cluster directory made here: only such a directory is ever removed.
_POSTGRES_MARKER=.enrollkit-throwaway-cluster

_postgres_log() { printf 'postgres: %s\n' "$*" >&2; }

# The newest installed server's bin directory, e.g. /usr/lib/postgresql/15/bin.
_postgres_bindir() {
    local d best=""
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] || continue
        if [ -z "$best" ] || [ "${d//[!0-9]/}" -gt "${best//[!0-9]/}" ]; then best=$d; fi
    done
    [ -n "$best" ] || return 1
    printf '%s\n' "$best"
}

# Runs a command as the cluster's OS owner: `postgres` when we are root (initdb and
# postgres refuse to run as root), ourselves otherwise.
_postgres_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
_postgres_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

postgres_install() {
    if _postgres_bindir >/dev/null; then
        return 0
    fi
    _postgres_log "no /usr/lib/postgresql/*/bin/initdb: installing Debian's postgresql package"
    if ! { apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }; then
        _postgres_log "apt-get install postgresql failed"
        return 1
    fi
    _postgres_bindir >/dev/null || {
        _postgres_log "postgresql installed, but still no initdb under /usr/lib/postgresql/*/bin"
        return 1
    }
    # The package creates (and may start) a default cluster on 5432; it is not ours to use.
    local version cluster _rest
    if command -v pg_lsclusters >/dev/null; then
        while read -r version cluster _rest; do
            [ -n "$cluster" ] || continue
            _postgres_log "stopping and disabling Debian's default cluster $version/$cluster"
            pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
            if [ -f "/etc/postgresql/$version/$cluster/start.conf" ]; then
                echo manual >"/etc/postgresql/$version/$cluster/start.conf"
            fi
        done < <(pg_lsclusters --no-header 2>/dev/null)
    fi
}

# postgres_start PORT DIR: a new cluster in DIR (which must be absent, empty, or a stopped
# cluster made by this script), started and accepting connections on 127.0.0.1:PORT.
postgres_start() {
    if [ $# -ne 2 ]; then
        _postgres_log "usage: postgres_start PORT DIR"
        return 2
    fi
    local port=$1 dir=$2 bindir
    case $port in '' | *[!0-9]*)
        _postgres_log "port must be a number: '$port'"
        return 2
        ;;
    esac
    case $dir in /*) ;; *) dir="$PWD/$dir" ;; esac
    dir=${dir%/}
    case $dir in *[[:space:]]*)
        _postgres_log "DIR must not contain whitespace: '$dir'"
        return 2
        ;;
    esac
    bindir=$(_postgres_bindir) || {
        _postgres_log "no PostgreSQL server installed (run postgres_install)"
        return 1
    }
    if [ -n "$POSTGRES_DIR" ] && [ -f "$POSTGRES_DIR/postmaster.pid" ] &&
        _postgres_as_owner "$bindir/pg_ctl" -D "$POSTGRES_DIR" status >/dev/null 2>&1; then
        _postgres_log "a cluster started here is still running in $POSTGRES_DIR; postgres_stop it first"
        return 1
    fi
    # Unix socket paths are limited to 107 bytes.
    if [ $((${#dir} + ${#port} + 11)) -gt 107 ]; then
        _postgres_log "DIR is too long for a Unix socket path: $dir"
        return 1
    fi
    if _postgres_port_busy "$port"; then
        _postgres_log "127.0.0.1:$port is already in use"
        return 1
    fi
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        if [ -f "$dir/$_POSTGRES_MARKER" ] &&
            _postgres_as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
            _postgres_log "a throwaway cluster is still running in $dir: postgres_stop $dir first"
            return 1
        elif [ -f "$dir/$_POSTGRES_MARKER" ]; then
            _postgres_log "removing the stopped throwaway cluster left in $dir"
            rm -rf "$dir"
        else
            _postgres_log "$dir exists, is not empty and is not a throwaway cluster: refusing to use it"
            return 1
        fi
    fi
    mkdir -p "$dir" || return 1
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir" || return 1
    fi
    if ! _postgres_as_owner test -w "$dir"; then
        _postgres_log "the postgres OS user cannot write $dir (is a parent directory closed to it?)"
        return 1
    fi

    local started=$SECONDS
    _postgres_log "initdb $dir (superuser $POSTGRES_USER, trust auth, $(basename "$(dirname "$bindir")"))"
    if ! _postgres_as_owner "$bindir/initdb" -D "$dir" -A trust -U "$POSTGRES_USER" \
        -E UTF8 --locale=C --no-sync >"$dir.initdb.log" 2>&1; then
        _postgres_log "initdb failed:"
        cat "$dir.initdb.log" >&2
        rm -f "$dir.initdb.log"
        return 1
    fi
    rm -f "$dir.initdb.log"
    _postgres_as_owner touch "$dir/$_POSTGRES_MARKER"

    _postgres_log "starting PostgreSQL on 127.0.0.1:$port (socket in $dir, log $dir/log)"
    if ! _postgres_as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
        start >/dev/null; then
        _postgres_log "pg_ctl start failed; last lines of $dir/log:"
        tail -n 20 "$dir/log" >&2 2>/dev/null
        return 1
    fi
    POSTGRES_DIR=$dir
    POSTGRES_PORT=$port
    _postgres_log "PostgreSQL is up on 127.0.0.1:$port (pid $(head -n1 "$dir/postmaster.pid"), $((SECONDS - started))s)"
}

# postgres_dsn NAME: prints the URL of database NAME on the running cluster.
postgres_dsn() {
    if [ $# -ne 1 ] || [ -z "$POSTGRES_PORT" ]; then
        _postgres_log "usage: postgres_dsn NAME (after postgres_start)"
        return 2
    fi
    printf 'postgres://%s@127.0.0.1:%s/%s\n' "$POSTGRES_USER" "$POSTGRES_PORT" "$1"
}

# postgres_createdb NAME: an empty database NAME, owned by enrollkit.
postgres_createdb() {
    if [ $# -ne 1 ] || [ -z "$POSTGRES_PORT" ]; then
        _postgres_log "usage: postgres_createdb NAME (after postgres_start)"
        return 2
    fi
    local bindir
    bindir=$(_postgres_bindir) || return 1
    _postgres_log "createdb $1 on 127.0.0.1:$POSTGRES_PORT"
    "$bindir/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" "$1"
}

# postgres_psql NAME [psql args...]: psql on database NAME, stopping at the first error.
postgres_psql() {
    if [ $# -lt 1 ] || [ -z "$POSTGRES_PORT" ]; then
        _postgres_log "usage: postgres_psql NAME [psql args...] (after postgres_start)"
        return 2
    fi
    local bindir db=$1
    shift
    bindir=$(_postgres_bindir) || return 1
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d "$db" "$@"
}

# postgres_stop [--remove] [DIR]: fast shutdown of the cluster in DIR (default POSTGRES_DIR);
# with --remove, then deletes DIR (only if this script made it).
postgres_stop() {
    local remove=0 dir bindir
    if [ "${1:-}" = --remove ]; then
        remove=1
        shift
    fi
    dir=${1:-$POSTGRES_DIR}
    if [ -z "$dir" ]; then
        _postgres_log "postgres_stop: no cluster started (POSTGRES_DIR is empty)"
        return 1
    fi
    bindir=$(_postgres_bindir) || return 1
    if [ -f "$dir/postmaster.pid" ] && _postgres_as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        _postgres_log "stopping PostgreSQL in $dir (pid $(head -n1 "$dir/postmaster.pid"))"
        _postgres_as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null || {
            _postgres_log "pg_ctl stop failed for $dir"
            return 1
        }
    else
        _postgres_log "no PostgreSQL running in $dir"
    fi
    if [ "$remove" -eq 1 ] && [ -d "$dir" ]; then
        if [ -f "$dir/$_POSTGRES_MARKER" ]; then
            _postgres_log "removing $dir"
            rm -rf "$dir"
        else
            _postgres_log "not removing $dir: it was not made by postgres_start"
            return 1
        fi
    fi
    if [ "$remove" -eq 1 ] && [ "$dir" = "$POSTGRES_DIR" ]; then
        POSTGRES_DIR=
        POSTGRES_PORT=
    fi
}
