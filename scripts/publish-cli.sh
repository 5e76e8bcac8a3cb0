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
# In front of it, in DIR/bin: `klimapakt` compiled ahead of time (src/KlimaPakt.Geo.Cli.Native, needs Debian's clang),
# which runs `raster ...` itself (no runtime start-up or JIT: ~5 ms to a 1-cell result against ~56 ms) and hands every
# other command to the managed build, linked beside it as klimapakt-dotnet. Without clang the managed build is printed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$ROOT/.local/cli}"
mkdir -p "$DIR"
LOG="$DIR/publish.log"
publish() { dotnet publish "$ROOT/src/KlimaPakt.Geo.Cli" -c Release -r linux-x64 -p:PublishReadyToRun=true -v quiet -nologo "$@" >> "$LOG" 2>&1; }
: > "$LOG"
if publish --self-contained true -p:PublishReadyToRunComposite=true -o "$DIR/composite"; then
  MANAGED="$DIR/composite/klimapakt"
elif publish --self-contained false -o "$DIR/r2r"; then
  echo "publish-cli.sh: the composite build failed (see $LOG); using the framework-dependent ReadyToRun build" >&2
  MANAGED="$DIR/r2r/klimapakt"
else
  echo "publish-cli.sh: no ReadyToRun publish here (see $LOG)" >&2
  exit 1
fi
if ! command -v clang >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "publish-cli.sh: installing Debian's clang (the native linker of the ahead-of-time build)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends clang >> "$LOG" 2>&1 \
    || { apt-get -o DPkg::Lock::Timeout=900 update -qq >> "$LOG" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends clang >> "$LOG" 2>&1; }
fi
if command -v clang >/dev/null \
   && dotnet publish "$ROOT/src/KlimaPakt.Geo.Cli.Native" -c Release -r linux-x64 -v quiet -nologo -o "$DIR/native" >> "$LOG" 2>&1; then
  mkdir -p "$DIR/bin"
  cp -f "$DIR/native/klimapakt-native" "$DIR/bin/klimapakt"
  ln -sfn "$MANAGED" "$DIR/bin/klimapakt-dotnet"
  echo "$DIR/bin/klimapakt"
else
  echo "publish-cli.sh: no ahead-of-time raster front door (needs clang; see $LOG); raster commands run managed" >&2
  echo "$MANAGED"
fi
