#!/usr/bin/env bash
# publish-cli.sh [DIR]  -  the CLI as it ships, published once into DIR (default <repo>/.local/cli); prints the
# executable's path. Used by the main job (scripts/run.sh) and the side-by-side benchmarks, so what is measured is
# what a user runs.
#
# First choice: self-contained, ReadyToRun in one composite image of the app and the .NET runtime libraries. The
# composite also precompiles the generic instantiations that cross assemblies (async state machines of EF Core and
# Npgsql, collections of the app's structs), which a per-assembly ReadyToRun build leaves to the JIT: a Luxembourg
# wind run JIT-compiles about 4,200 methods instead of 8,200 and its stages take 0.86x the time (median of 13
# interleaved rounds, benchmarks/results/2026-12-03-cli-build.md). The first publish takes ~3.5 min on 2 cores; later
# ones are incremental (seconds) until a source changes.
# Fallbacks: framework-dependent ReadyToRun, where the runtime pack cannot be restored; else exit 1 (the caller then
# uses the plain Release build).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$ROOT/.local/cli}"
mkdir -p "$DIR"
LOG="$DIR/publish.log"
publish() { dotnet publish "$ROOT/src/KlimaPakt.Geo.Cli" -c Release -r linux-x64 -p:PublishReadyToRun=true -v quiet -nologo "$@" >> "$LOG" 2>&1; }
: > "$LOG"
if publish --self-contained true -p:PublishReadyToRunComposite=true -o "$DIR/composite"; then
  echo "$DIR/composite/klimapakt"
elif publish --self-contained false -o "$DIR/r2r"; then
  echo "publish-cli.sh: the composite build failed (see $LOG); using the framework-dependent ReadyToRun build" >&2
  echo "$DIR/r2r/klimapakt"
else
  echo "publish-cli.sh: no ReadyToRun publish here (see $LOG)" >&2
  exit 1
fi
