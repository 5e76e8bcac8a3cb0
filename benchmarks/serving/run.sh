#!/usr/bin/env bash
# Tile load benchmark: warm (output-cached) and cold (uncached) tiles through the API with wrk, side by side with
# the same ST_AsMVT statements run raw in psql. Writes benchmarks/results/<date>-tiles.md.
#   benchmarks/serving/run.sh [connection-string]
# The database must hold the bundled data. Needs Debian wrk and the PostGIS client (psql).
# Environment: DURATION (seconds per wrk run, default 15), CONNECTIONS (warm, default 32), PORT (default 5098).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${PORT:-5098}"
duration="${DURATION:-15}"
connections="${CONNECTIONS:-16}"
db="${1:-${KLIMAPAKT_DB:-Host=127.0.0.1;Port=${KLIMAPAKT_PG_PORT:-55432};Database=klimapakt;Username=postgres}}"
export KLIMAPAKT_DB="$db"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 2; }
pg="$(python3 "$here/pgurl.py" "$db")"

work="$(mktemp -d)"
trap 'kill $api 2>/dev/null || true; rm -rf "$work"' EXIT
python3 "$here/tiles.py" >"$work/tiles.txt"
count=$(wc -l <"$work/tiles.txt")

dotnet build "$root/src/KlimaPakt.Geo.Api" -c Release --nologo -v q >/dev/null
ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning \
  dotnet "$root/src/KlimaPakt.Geo.Api/bin/Release/net10.0/KlimaPakt.Geo.Api.dll" --urls "http://127.0.0.1:$port" \
  --contentRoot "$root/src/KlimaPakt.Geo.Api" >"$work/api.log" 2>&1 &
api=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done

base="http://127.0.0.1:$port"
# Raw statements: each tile's layer statements with z/x/y substituted, in one psql session, the list 10 times;
# psql's \timing per statement, summed per tile (a composite tile runs one statement per layer).
bytes=0; empty=0
: >"$work/once.sql"
while read -r layers z x y; do
  code=$(curl -s -o "$work/tile" -w '%{http_code}' "$base/tiles/$layers/$z/$x/$y?v=probe")
  [ "$code" = 204 ] && empty=$((empty + 1))
  bytes=$((bytes + $(stat -c %s "$work/tile" 2>/dev/null || echo 0)))
  echo '\echo TILE' >>"$work/once.sql"
  IFS=',' read -ra names <<<"$layers"
  for name in "${names[@]}"; do
    [ -f "$work/$name.sql" ] || curl -fsS "$base/tiles/$name/sql" >"$work/$name.sql"
    printf '%s;\n' "$(sed -e "s/\$1/$z/g; s/\$2/$x/g; s/\$3/$y/g" "$work/$name.sql")" >>"$work/once.sql"
  done
done <"$work/tiles.txt"
{ echo '\timing on'; echo '\o /dev/null'; for _ in $(seq 1 10); do cat "$work/once.sql"; done; } >"$work/raw.sql"
read -r raw_n raw_mean raw_p50 raw_p99 < <(psql "$pg" -X -q -f "$work/raw.sql" 2>&1 | python3 "$here/stats.py")

run_wrk() { # $1 = threads, $2 = connections, $3 = cold flag
  (cd "$work" && TILES="$work/tiles.txt" COLD="$3" wrk -t"$1" -c"$2" -d"${duration}s" --latency -s "$here/wrk.lua" "$base") >"$work/wrk.out"
  local rps p50 p99 mean
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  mean=$(awk '$1=="Latency" {print $2; exit}' "$work/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  echo "$rps $p50 $p99 $mean"
}
# Cold: one connection, every request a cache miss (same statements as raw, plus HTTP and the cache lookup).
read -r cold_rps cold_p50 cold_p99 cold_mean < <(run_wrk 1 1 1)
# Warm: the list is cached first, then served from the output cache.
while read -r layers z x y; do curl -s -o /dev/null "$base/tiles/$layers/$z/$x/$y"; done <"$work/tiles.txt"
read -r warm_rps warm_p50 warm_p99 warm_mean < <(run_wrk 1 "$connections" 0)
read -r warm1_rps warm1_p50 warm1_p99 warm1_mean < <(run_wrk 1 1 0)

date=$(date -u +%Y-%m-%d)
out="$root/benchmarks/results/$date-tiles.md"
mkdir -p "$root/benchmarks/results"
cpus=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
cat >"$out" <<MD
# Tile serving benchmark — $date

Machine: $cpus cores ($cpu), PostgreSQL 15 + PostGIS 3.3 on the same machine, Release build, Kestrel on loopback;
load average at the end of the run: $load (other work on the machine makes p99 noisy).
Workload: $count fixed tiles (benchmarks/serving/tiles.py): communes z6–z14 and the composite
communes,ev_chargers,places,roads z10–z14 around Luxembourg city, Esch, Clervaux and Vaduz, buildings z12–z15 at Vaduz;
$empty of them empty (204); $bytes bytes in all, uncompressed. wrk ${duration} s per row, \`Accept-Encoding: identity\`.

| Path | Connections | Tiles/s | mean | p50 | p99 |
| --- | ---: | ---: | ---: | ---: | ---: |
| Warm (output cache) | $connections | $warm_rps | $warm_mean | $warm_p50 | $warm_p99 |
| Warm (output cache) | 1 | $warm1_rps | $warm1_mean | $warm1_p50 | $warm1_p99 |
| Cold (cache miss: \`?v=\` unique per request) | 1 | $cold_rps | $cold_mean | $cold_p50 | $cold_p99 |
| Raw \`ST_AsMVT\` in psql, per tile (\\timing, $raw_n tiles) | 1 | – | ${raw_mean}ms | ${raw_p50}ms | ${raw_p99}ms |

wrk runs with one thread on the same 2 cores as Kestrel and PostgreSQL. The raw row sums psql's \\timing of each
layer's statement per tile (the same statements the service runs, z/x/y substituted), the list 10 times.
Reproduce: \`benchmarks/serving/run.sh [connection-string]\`.
MD
cat "$out"
