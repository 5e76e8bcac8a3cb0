#!/usr/bin/env bash
# The main job: PostGIS up (a project-local cluster unless KLIMAPAKT_DB names another database), the bundled data
# imported, the analyses run, and the service started with the planners' map on http://127.0.0.1:${KLIMAPAKT_PORT:-5080}/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PORT="${KLIMAPAKT_PORT:-5080}"

if [ -z "${KLIMAPAKT_DB:-}" ]; then scripts/postgis.sh up >/dev/null; fi
echo "== building"
dotnet build KlimaPakt.Geo.sln -c Release -v quiet -nologo
# The CLI as it ships (scripts/publish-cli.sh: the native front door for raster commands before the self-contained
# composite ReadyToRun CLI, published once, incremental after that). Where no publish is possible, the plain Release build.
CLI=(dotnet "$ROOT/src/KlimaPakt.Geo.Cli/bin/Release/net10.0/klimapakt.dll")
echo "== publishing the CLI (the first time takes a few minutes)"
if EXE=$(scripts/publish-cli.sh "$ROOT/.local/cli"); then
  CLI=("$EXE")
  echo "   CLI: ${EXE#"$ROOT/"}"
else
  echo "   CLI: using the Release build" >&2
fi
echo "== importing the bundled data (data/bundle.json)"
"${CLI[@]}" import bundle data/bundle.json
# Every analysis for both bundled regions, as kind:region: Luxembourg on thin inputs (README: "What the Luxembourg
# figures rest on"), Liechtenstein on its full 2013 OSM extract and 2019 population (which has no charger: EV coverage
# starts at 0 % there and the siting shows where the first chargers would reach most residents).
ANALYSES=(ev:lu wind:lu geothermal:lu corridors:lu connectivity:lu ev:li wind:li geothermal:li corridors:li connectivity:li)
for run in "${ANALYSES[@]}"; do
  echo "== running ${run%%:*} on ${run##*:}"; "${CLI[@]}" run "${run%%:*}" --region "${run##*:}"
done
# Writes (POST/DELETE /runs, imports, keys) need a key; reads stay open (docs/security.md). The first admin key is
# created once and printed here — only its SHA-256 is stored, so keep it; `klimapakt keys create` makes more.
echo "== API keys"
"${CLI[@]}" keys create --name "main job admin" --role admin --first
echo "== serving http://127.0.0.1:$PORT/ (Ctrl-C stops)"
exec dotnet "$ROOT/src/KlimaPakt.Geo.Api/bin/Release/net10.0/KlimaPakt.Geo.Api.dll" --urls "http://127.0.0.1:$PORT" --contentRoot "$ROOT/src/KlimaPakt.Geo.Api"
