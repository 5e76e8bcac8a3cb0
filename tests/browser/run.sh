#!/usr/bin/env bash
# Headless-Chromium test of the planners' map.
#   tests/browser/run.sh [connection-string]
# Starts the API on a loopback port against the database given (argument, else KLIMAPAKT_DB, else the
# project's local cluster, database klimapakt) — it must hold the bundled data
# (dotnet run --project src/KlimaPakt.Geo.Cli -- import bundle data/bundle.json)
# and an EV and a wind run (klimapakt run ev|wind --region lu) —, runs map.test.mjs, leaves screenshots in
# tests/browser/artifacts/ (map.png, map-wind-potential.png, map-connectivity.png, report-esch.png) and exits non-zero on failure.
# Needs: Debian packages chromium and nodejs/npm; npm ci installs playwright-core (no browser download).
# Environment: KLIMAPAKT_BROWSER_PORT (default 5099), CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${KLIMAPAKT_BROWSER_PORT:-5099}"
export KLIMAPAKT_DB="${1:-${KLIMAPAKT_DB:-Host=127.0.0.1;Port=${KLIMAPAKT_PG_PORT:-55432};Database=klimapakt;Username=postgres}}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "chromium not found at $CHROMIUM (apt-get install chromium)" >&2; exit 2; }

if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p "$here/artifacts"
dotnet build "$root/src/KlimaPakt.Geo.Api" -c Release --nologo -v q >/dev/null
dotnet build "$root/src/KlimaPakt.Geo.Cli" -c Release --nologo -v q >/dev/null
# A consultant's key for this run of the test (revoked at the end): the page's writes need one, its reads do not.
cli=(dotnet "$root/src/KlimaPakt.Geo.Cli/bin/Release/net10.0/klimapakt.dll")
export KLIMAPAKT_KEY="$("${cli[@]}" keys create --name "browser test $(date -u +%FT%TZ)" --role consultant --quiet)"
log="$here/artifacts/api.log"
ASPNETCORE_ENVIRONMENT=Production dotnet "$root/src/KlimaPakt.Geo.Api/bin/Release/net10.0/KlimaPakt.Geo.Api.dll" \
  --urls "http://127.0.0.1:$port" --contentRoot "$root/src/KlimaPakt.Geo.Api" >"$log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; "${cli[@]}" keys revoke "${KLIMAPAKT_KEY:0:11}" >/dev/null 2>&1 || true' EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $api 2>/dev/null; then echo "the API exited; see $log" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { echo "the API is not healthy; see $log" >&2; tail -50 "$log" >&2; exit 1; }

# Real GIS clients first (GDAL/OGR, as QGIS reads these URLs): the Features API through the OAPIF driver and a
# composite tile through the MVT driver, checked against PostGIS.
field() { sed -n "s/.*$1=\([^;]*\).*/\1/Ip" <<<"$KLIMAPAKT_DB"; }
expected=$(psql -X -h "$(field Host)" -p "$(field Port)" -U "$(field Username)" -d "$(field Database)" -tAc "SELECT count(*) FROM communes")
served=$(ogrinfo -ro -so "OAPIF:http://127.0.0.1:$port" communes 2>&1 | sed -n 's/^Feature Count: //p')
[ "$served" = "$expected" ] || { echo "not ok ogrinfo OAPIF: $served communes, PostGIS has $expected" >&2; exit 1; }
echo "ok   ogrinfo (OAPIF driver) reads the $served communes"
layers=$(ogrinfo -ro -so -oo Z=12 -oo X=2117 -oo Y=1396 "MVT:/vsicurl/http://127.0.0.1:$port/tiles/communes,ev_chargers/12/2117/1396.pbf" 2>&1 | sed -n 's/^[0-9]*: \([a-z_]*\).*/\1/p' | tr '\n' ' ')
[ "$layers" = "communes ev_chargers " ] || { echo "not ok ogrinfo MVT: layers '$layers'" >&2; exit 1; }
echo "ok   ogrinfo (MVT driver) reads the composite tile's layers: $layers"

# The wind potential legend must list as many classes as the latest published wind run has (none: no wind run, a failure).
wind_classes=$(psql -X -h "$(field Host)" -p "$(field Port)" -U "$(field Username)" -d "$(field Database)" -tAc \
  "SELECT count(DISTINCT class) FROM results.wind_potential WHERE run_id = (SELECT id FROM analysis_runs WHERE kind = 'wind' AND status = 'Published' ORDER BY published_at DESC LIMIT 1)" 2>/dev/null || echo 0)

cd "$here"
KLIMAPAKT_URL="http://127.0.0.1:$port" KLIMAPAKT_WIND_CLASSES="${wind_classes:-0}" node map.test.mjs
