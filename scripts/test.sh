#!/usr/bin/env bash
# The test command: starts the project's PostGIS (installing Debian's packages when missing), runs every test
# project against it, then the browser test of the planners' map, and prints the closing line "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/postgis.sh up >/dev/null || { echo "PostGIS could not be started" >&2; exit 1; }

# Beyond PostGIS and GDAL (postgis.sh): redis-server for the shared output-cache test, chromium for the browser test,
# clang to link the ahead-of-time raster front door (NativeFrontDoorTests).
missing=()
for p in redis-server chromium clang; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian's ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { echo "could not install ${missing[*]}" >&2; exit 1; }
fi

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

# The browser test: the planners' map in headless Chromium, against a database holding the bundled data, an EV run,
# a wind run, a geothermal run (100 m), a corridors run (Liechtenstein, 50 m) and a connectivity run (400 m) (Luxembourg at a coarse grid to keep CI short; seven score classes, so the legend's class count
# is seen to come from the data, not from a fixed five).
browser_rc=0
if [ -x tests/browser/run.sh ]; then
  browser_db="Host=127.0.0.1;Port=${KLIMAPAKT_PG_PORT:-55432};Database=klimapakt_test_browser;Username=postgres"
  cli=(dotnet "$ROOT/src/KlimaPakt.Geo.Cli/bin/Release/net10.0/klimapakt.dll")
  if scripts/postgis.sh psql -c "DROP DATABASE IF EXISTS klimapakt_test_browser WITH (FORCE)" -c "CREATE DATABASE klimapakt_test_browser" \
     && KLIMAPAKT_DB="$browser_db" "${cli[@]}" import bundle data/bundle.json >/dev/null \
     && KLIMAPAKT_DB="$browser_db" "${cli[@]}" run ev --region lu >/dev/null \
     && KLIMAPAKT_DB="$browser_db" "${cli[@]}" run wind --region lu --cell-size-meters 50 --output-cell-size-meters 100 --score-classes 7 >/dev/null \
     && KLIMAPAKT_DB="$browser_db" "${cli[@]}" run geothermal --region lu --cell-size-meters 100 >/dev/null \
     && KLIMAPAKT_DB="$browser_db" "${cli[@]}" run corridors --region li --cell-size-meters 50 >/dev/null \
     && KLIMAPAKT_DB="$browser_db" "${cli[@]}" run connectivity --region lu --cell-size-meters 400 >/dev/null \
     && tests/browser/run.sh "$browser_db"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); browser_rc=1
    echo "browser test failed" >&2
  fi
fi

echo "$passed passed, $failed failed"
[ "$dotnet_rc" -eq 0 ] && [ "$browser_rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
