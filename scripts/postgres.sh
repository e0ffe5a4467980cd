# Shared by test.sh and bench.sh: package installation with apt-get and a throwaway PostgreSQL cluster.
# Source it; the caller defines log() and die().
#
# PG_DURABLE=1 keeps PostgreSQL's durability (fsync, full page writes, synchronous commit) as in production:
# the bench measures with it. The tests trade it for speed (the data is thrown away).

PG_FIRST_PORT=55432
PG_PORT_ATTEMPTS=50
PG_OS_USER=postgres   # PostgreSQL refuses to run as root; as root we run it as this user

PG_BIN=""      # directory holding initdb, pg_ctl and pg_isready
PG_TMP=""      # throwaway cluster: data, socket and log live here
PG_DATA=""
PG_PORT=""
PG_DURABLE="${PG_DURABLE:-0}"

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

# --- PostgreSQL server binaries -----------------------------------------------------

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

durability_options() {
    if [[ "$PG_DURABLE" == 1 ]]; then
        echo "-c fsync=on -c full_page_writes=on -c synchronous_commit=on"
    else
        echo "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    fi
}

# --- A throwaway PostgreSQL cluster -------------------------------------------------

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
        if as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_TMP/postgres.log" -w -t 60 -s \
                -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_TMP \
$(durability_options) -c max_connections=300 -c shared_buffers=128MB"; then
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

# Installs what is missing, starts a throwaway cluster and sets PG_PORT; stop_postgres removes it.
start_throwaway_postgres() {
    ensure_postgres_binaries
    ensure_postgres_user
    init_cluster
    start_cluster
    wait_until_ready
    log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}
