#!/usr/bin/env bash
# Builds the solution and runs every test against a throwaway PostgreSQL cluster.
# The last line of output is always the summary `N passed, N failed, N skipped`
# once the tests have run; the exit code is non-zero on any failure.
#
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter Orders]
# Environment:
#   ORDERLY_TEST_POSTGRES  use this connection string and start no cluster
#   ORDERLY_SOLUTION       solution file to build and test (default Orderly.slnx)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOLUTION="${ORDERLY_SOLUTION:-Orderly.slnx}"
RESULTS="$REPO_ROOT/test-results"
PG_FIRST_PORT=55432
PG_PORT_ATTEMPTS=50
PG_OS_USER=postgres   # PostgreSQL refuses to run as root; as root we run it as this user

PG_BIN=""      # directory holding initdb, pg_ctl and pg_isready
PG_TMP=""      # throwaway cluster: data, socket and log live here
PG_DATA=""

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# --- Package installation -------------------------------------------------------------

# CI runs as root; a developer may not, so fall back to sudo for apt-get.
as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
    if [[ $APT_UPDATED -eq 0 ]]; then
        as_root apt-get update
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# --- Step 1: PostgreSQL server binaries -----------------------------------------------

# The server binaries are not on PATH on Debian; take them from the highest installed
# major version under /usr/lib/postgresql rather than trusting any symlinks.
find_pg_bin() {
    local dir best="" best_ver=-1 ver
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/pg_isready" ]] || continue
        ver="$(basename "$(dirname "$dir")")"
        [[ "$ver" =~ ^[0-9]+$ ]] || continue
        if (( ver > best_ver )); then best_ver=$ver; best=$dir; fi
    done
    PG_BIN="$best"
    [[ -n "$PG_BIN" ]]
}

# A fresh CI machine may have no PostgreSQL at all: install Debian's default version.
ensure_postgres_binaries() {
    if find_pg_bin; then
        log "PostgreSQL binaries: $PG_BIN"
        return
    fi
    log "PostgreSQL server not found, installing it with apt-get"
    apt_install postgresql
    find_pg_bin || die "PostgreSQL installed, but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
    log "PostgreSQL binaries: $PG_BIN"
}

# --- Step 2: Chromium for the browser tests -------------------------------------------

# Playwright drives the system Chromium; CJK fonts make the zh-CN screenshots legible.
# Only needed once browser tests exist.
ensure_chromium() {
    [[ -d "$REPO_ROOT/tests/Orderly.Browser.Tests" ]] || return 0
    if [[ -x /usr/bin/chromium ]]; then
        log "Chromium: /usr/bin/chromium"
        return
    fi
    log "Chromium not found, installing it with apt-get"
    apt_install chromium fonts-noto-cjk
    [[ -x /usr/bin/chromium ]] || die "chromium installed, but /usr/bin/chromium is missing"
}

# --- Step 3: a throwaway PostgreSQL cluster -------------------------------------------

# PostgreSQL refuses to run as root, so as root the cluster belongs to `postgres`.
# Run from / so the current directory never has to be readable by that user.
as_pg() {
    if [[ $EUID -eq 0 ]]; then (cd / && runuser -u "$PG_OS_USER" -- "$@"); else "$@"; fi
}

ensure_postgres_user() {
    [[ $EUID -eq 0 ]] || return 0
    id -u "$PG_OS_USER" >/dev/null 2>&1 && return
    log "Creating system user $PG_OS_USER"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$PG_OS_USER"
}

# Prefer a UTF-8 collation-neutral locale; very minimal systems may only have C.
pick_locale() {
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then echo C.UTF-8; else echo C; fi
}

# True when something already accepts connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Runs on every exit (success, failure, Ctrl-C): never leave a server or files behind.
stop_postgres() {
    if [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
        as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -s >/dev/null 2>&1 || true
    fi
    if [[ -n "$PG_TMP" ]]; then
        rm -rf "$PG_TMP"
    fi
}

init_cluster() {
    local locale
    locale="$(pick_locale)"
    PG_TMP="$(mktemp -d /tmp/orderly-pg.XXXXXX)"
    PG_DATA="$PG_TMP/data"
    [[ $EUID -ne 0 ]] || chown "$PG_OS_USER": "$PG_TMP"
    log "Initialising a throwaway cluster in $PG_TMP (locale $locale)"
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" --auth=trust -U postgres --encoding=UTF8 \
            --locale="$locale" --no-sync >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        die "initdb failed"
    fi
}

# Tries successive free ports: another process may grab a port between check and start.
start_cluster() {
    local port attempt
    port=$PG_FIRST_PORT
    for (( attempt = 0; attempt < PG_PORT_ATTEMPTS; attempt++, port++ )); do
        port_in_use "$port" && continue
        # Throwaway data: trade durability for speed; tests open many connections.
        if as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_TMP/postgres.log" -w -t 60 -s \
                -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_TMP \
-c fsync=off -c full_page_writes=off -c synchronous_commit=off \
-c max_connections=300 -c shared_buffers=128MB"; then
            PG_PORT=$port
            return
        fi
        log "PostgreSQL did not start on port $port, trying the next one"
    done
    cat "$PG_TMP/postgres.log" >&2 || true
    die "could not start PostgreSQL on any port from $PG_FIRST_PORT"
}

wait_until_ready() {
    local i
    for (( i = 0; i < 60; i++ )); do
        if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres; then
            return
        fi
        sleep 0.5
    done
    cat "$PG_TMP/postgres.log" >&2 || true
    die "PostgreSQL on port $PG_PORT did not become ready"
}

# Server tests need a real PostgreSQL; a caller may bring its own via ORDERLY_TEST_POSTGRES.
provide_postgres() {
    if [[ -n "${ORDERLY_TEST_POSTGRES:-}" ]]; then
        log "Using ORDERLY_TEST_POSTGRES from the environment; starting no cluster"
        return
    fi
    ensure_postgres_binaries
    ensure_postgres_user
    trap stop_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    init_cluster
    start_cluster
    wait_until_ready
    log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
    export ORDERLY_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
}

# --- Step 4: build and test -----------------------------------------------------------

# Build once up front so a compile error is reported as such, not as failing tests.
build_solution() {
    log "dotnet build $SOLUTION -c Debug"
    local rc=0
    dotnet build "$SOLUTION" -c Debug --nologo || rc=$?
    if [[ $rc -ne 0 ]]; then
        die "dotnet build failed (exit $rc); see the output above"
    fi
}

# Fresh results directory so the summary counts this run only. Exit code in TEST_RC.
run_tests() {
    rm -rf "$RESULTS"
    mkdir -p "$RESULTS"
    log "dotnet test $SOLUTION $*"
    TEST_RC=0
    dotnet test "$SOLUTION" --no-build -c Debug --logger "trx" --results-directory "$RESULTS" "$@" \
        || TEST_RC=$?
}

# --- Step 5: summary ------------------------------------------------------------------

# Value of one attribute of the <Counters .../> element of a TRX file (0 when absent).
trx_counter() {
    local file=$1 name=$2 value
    value="$(tr '\n' ' ' <"$file" | grep -o '<Counters [^>]*>' | head -n 1 \
        | grep -o " $name=\"[0-9]*\"" | grep -o '[0-9][0-9]*' || true)"
    echo "${value:-0}"
}

# Sums all TRX files (one per test project), prints the last line and picks the exit code.
summarise() {
    local file total=0 passed=0 failed=0 skipped=0 t p f n
    while IFS= read -r -d '' file; do
        t=$(trx_counter "$file" total)
        p=$(trx_counter "$file" passed)
        # Errors, timeouts and aborted tests are failures too.
        f=$(( $(trx_counter "$file" failed) + $(trx_counter "$file" error)
            + $(trx_counter "$file" timeout) + $(trx_counter "$file" aborted) ))
        n=$(trx_counter "$file" notExecuted)
        if (( n == 0 && t > p + f )); then n=$(( t - p - f )); fi
        total=$(( total + t )); passed=$(( passed + p )); failed=$(( failed + f ))
        skipped=$(( skipped + n ))
    done < <(find "$RESULTS" -name '*.trx' -print0)

    if (( TEST_RC != 0 )); then log "dotnet test exited with code $TEST_RC"; fi
    if (( passed == 0 )); then log "no test passed"; fi
    echo "$passed passed, $failed failed, $skipped skipped"
    if (( failed > 0 || TEST_RC != 0 || passed == 0 )); then
        return 1
    fi
    return 0
}

main() {
    cd "$REPO_ROOT"
    [[ -f "$SOLUTION" ]] || die "solution $SOLUTION not found in $REPO_ROOT"
    ensure_chromium
    provide_postgres
    build_solution
    run_tests "$@"
    local rc=0
    summarise || rc=$?
    exit "$rc"
}

main "$@"
