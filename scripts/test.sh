#!/usr/bin/env bash
# The test command: starts the project's PostGIS (installing Debian's packages when missing), runs every test
# project against it, then the browser test of the planners' map, and prints the closing line "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/postgis.sh up >/dev/null || { echo "PostGIS could not be started" >&2; exit 1; }

RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"
dotnet test KlimaPakt.Geo.sln -c Release --logger "trx" --results-directory "$RESULTS" "$@"
dotnet_rc=$?

passed=0; failed=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done

browser_rc=0
if [ -x tests/browser/run.sh ]; then
  if tests/browser/run.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); browser_rc=1; fi
fi

echo "$passed passed, $failed failed"
[ "$dotnet_rc" -eq 0 ] && [ "$browser_rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
