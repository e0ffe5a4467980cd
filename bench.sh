#!/usr/bin/env bash
# Runs the Orderly bench: builds Release, starts the real server binary on loopback ports and measures the
# QUALITY.md performance bars side by side with the raw database. Reports go to bench/results/.
#
# Usage: ./bench.sh [--smoke] [--postgres] [--phase NAME]... [--seed N]
#   --smoke     about a minute; fails on oversold units, lost or duplicated orders, or ratios far below target
#   --postgres  also run the PostgreSQL phases on a throwaway cluster (installed with apt-get when missing)
# Environment: ORDERLY_BENCH_POSTGRES  use this superuser connection string instead of a throwaway cluster
#              ORDERLY_BENCH_KEEP      keep the scratch folder (databases, server logs) after a green run
#              ORDERLY_BENCH_SERVER_X  set X for the server processes alone (e.g. ORDERLY_BENCH_SERVER_DOTNET_TieredPGO=0,
#                                      ORDERLY_BENCH_SERVER_Database__SqliteGroupCommit=false): runtime and settings A/Bs
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench.sh: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/postgres.sh
source "$REPO_ROOT/scripts/postgres.sh"
# The documents phase renders PDFs with a CJK TrueType font (without one the server answers 503 for every PDF).
[[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || apt_install fonts-wqy-microhei
POSTGRES=0
for arg in "$@"; do
    [[ "$arg" == "--postgres" ]] && POSTGRES=1
done

if [[ $POSTGRES -eq 1 && -z "${ORDERLY_BENCH_POSTGRES:-}" ]]; then
    # A throwaway cluster with production durability (fsync, synchronous commit), removed on exit.
    PG_DURABLE=1
    trap stop_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    start_throwaway_postgres
    export ORDERLY_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
fi

# The server as it is deployed (README, "Deploying"): published in Release with ReadyToRun code for this machine's
# runtime identifier, which starts 1-2 s sooner at 1M orders than the plain Release build (docs/performance.md).
RID="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
SERVER_OUT="$REPO_ROOT/src/Orderly.Server/bin/Release/net10.0/$RID/bench-publish"
log "Publishing the server (Release, ReadyToRun, $RID)"
dotnet publish "$REPO_ROOT/src/Orderly.Server/Orderly.Server.csproj" -c Release -r "$RID" --self-contained false \
    -p:PublishReadyToRun=true -o "$SERVER_OUT" -nologo -v quiet
dotnet build "$REPO_ROOT/bench/Orderly.Bench/Orderly.Bench.csproj" -c Release -nologo -v quiet

log "Running the bench"
dotnet "$REPO_ROOT/bench/Orderly.Bench/bin/Release/net10.0/Orderly.Bench.dll" --root "$REPO_ROOT" --server "$SERVER_OUT/Orderly.Server.dll" "$@"
