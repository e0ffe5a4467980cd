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
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# PostgreSQL and apt-get helpers shared with bench.sh.
# shellcheck source=scripts/postgres.sh
source "$REPO_ROOT/scripts/postgres.sh"

# --- Chromium for the browser tests ---------------------------------------------------

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

# Server tests need a real PostgreSQL; a caller may bring its own via ORDERLY_TEST_POSTGRES.
provide_postgres() {
    if [[ -n "${ORDERLY_TEST_POSTGRES:-}" ]]; then
        log "Using ORDERLY_TEST_POSTGRES from the environment; starting no cluster"
        return
    fi
    trap stop_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    start_throwaway_postgres
    export ORDERLY_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
}

# --- Build and test -----------------------------------------------------------------

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

# --- Summary ------------------------------------------------------------------------

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
        # The browser tests' server writes its warnings and errors here; its slow requests name what stalled.
        if [[ -s "$RESULTS/server.log" ]]; then
            log "last lines of the browser tests' server log ($RESULTS/server.log)"
            tail -n 60 "$RESULTS/server.log" >&2
        fi
        return 1
    fi
    return 0
}

main() {
    cd "$REPO_ROOT"
    [[ -f "$SOLUTION" ]] || die "solution $SOLUTION not found in $REPO_ROOT"
    ensure_chromium
    [[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc && -x /usr/bin/pdftotext ]] || apt_install fonts-wqy-microhei poppler-utils  # PDF documents (Billing)
    provide_postgres
    build_solution
    run_tests "$@"
    local rc=0
    summarise || rc=$?
    exit "$rc"
}

main "$@"
