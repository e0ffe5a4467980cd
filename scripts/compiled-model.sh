#!/usr/bin/env bash
# Regenerates the EF Core compiled models of both contexts (src/Orderly.Server/Data/CompiledModels/{Sqlite,Postgres}).
# Run it after every change to the model: an entity, a configuration, a migration. CompiledModelTests fails
# while they are stale. The server reads the compiled model at start instead of building the model (P11);
# Database:CompiledModel=false builds it at runtime instead.
#
# Usage: scripts/compiled-model.sh
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO_ROOT/src/Orderly.Server"
log() { printf '==> %s\n' "$*" >&2; }

cd "$REPO_ROOT"
dotnet tool restore >/dev/null
log "Building the server"
dotnet build "$PROJECT" -c Debug -nologo -v quiet

optimize() {
    local context="$1" folder="$2"
    log "Compiling the model of $context into Data/CompiledModels/$folder"
    # Generated afresh: a file left from a removed entity type would still compile into the model.
    rm -rf "$PROJECT/Data/CompiledModels/$folder"
    dotnet ef dbcontext optimize --no-build --project "$PROJECT" --context "$context" \
        --output-dir "Data/CompiledModels/$folder" --namespace "Orderly.Server.Data.CompiledModels.$folder"
    # The generated assembly attribute would make EF use the compiled model even when Database:CompiledModel is
    # false; DatabaseSetup passes the model to UseModel itself.
    rm -f "$PROJECT/Data/CompiledModels/$folder/${context}AssemblyAttributes.cs"
}

optimize SqliteOrderlyDbContext Sqlite
optimize PostgresOrderlyDbContext Postgres
log "Done; check with: ./test.sh --filter FullyQualifiedName~CompiledModelTests"
