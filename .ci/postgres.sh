#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the history tests.
# Source it: `. .ci/postgres.sh`; it exports PARINDEX_TEST_POSTGRES_URL and
# stops the server when the calling shell exits. In CI (CI=true) any failure
# is fatal; on a developer machine it warns and the PostgreSQL tests skip.
pg_fail() {
    if [[ "${CI:-}" == "true" ]]; then
        echo "error: $*" >&2
        exit 1
    fi
    echo "warning: $* (the PostgreSQL tests will be skipped)" >&2
    return 1
}

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

pg_start() {
    if [[ -n "${PARINDEX_TEST_POSTGRES_URL:-}" ]]; then
        echo "using PARINDEX_TEST_POSTGRES_URL from the environment"
        return 0
    fi
    local bindir
    bindir=$(pg_bindir)
    if [[ -z "$bindir" ]]; then
        if ! command -v apt-get >/dev/null 2>&1; then
            pg_fail "PostgreSQL is not installed and apt-get is unavailable"
            return 1
        fi
        if [[ $(id -u) -ne 0 ]]; then
            pg_fail "PostgreSQL is not installed and installing it needs root"
            return 1
        fi
        echo "installing PostgreSQL from Debian's packages"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
            || { pg_fail "apt-get install postgresql failed"; return 1; }
        bindir=$(pg_bindir)
        [[ -n "$bindir" ]] || { pg_fail "initdb not found after installing PostgreSQL"; return 1; }
    fi
    # initdb refuses to run as root: run the server as the 'postgres' user then.
    local run=()
    PG_DATA=$(mktemp -d "${TMPDIR:-/tmp}/parindex-pg.XXXXXX")
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$PG_DATA"
        run=(runuser -u postgres --)
    fi
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${run[@]}" "$bindir/initdb" -D "$PG_DATA/data" -U parindex --auth=trust -E UTF8 >/dev/null \
        || { pg_fail "initdb failed"; return 1; }
    "${run[@]}" "$bindir/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w \
        -o "-k $PG_DATA -h 127.0.0.1 -p $port" start >/dev/null \
        || { cat "$PG_DATA/server.log" >&2; pg_fail "the PostgreSQL server did not start"; return 1; }
    PG_STOP=("${run[@]}" "$bindir/pg_ctl" -D "$PG_DATA/data" -m fast -w stop)
    trap 'pg_stop' EXIT
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U parindex parindex_test \
        || { pg_fail "createdb failed"; return 1; }
    export PARINDEX_TEST_POSTGRES_URL="postgresql://parindex@127.0.0.1:$port/parindex_test"
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

pg_stop() {
    if [[ -n "${PG_DATA:-}" ]]; then
        "${PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$PG_DATA"
    fi
}

pg_start || true
