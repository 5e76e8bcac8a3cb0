#!/usr/bin/env bash
# Tile load benchmark: warm (output-cached) and cold (uncached) tiles through the API with wrk, side by side with
# the same ST_AsMVT statements run raw in psql, for the input layers and, separately, the analyses' result layers.
# Writes benchmarks/results/<date>-tiles.md (or $OUT).
#   benchmarks/serving/run.sh [connection-string]
# The database must hold the bundled data and, for the result layers, published EV and wind runs. Needs Debian wrk
# and the PostGIS client (psql).
# Environment: DURATION (seconds per warm wrk run and the least a cold one lasts, default 15), CONNECTIONS (warm,
# default 16), PORT (default 5098), RAW_REPEAT (times the raw list is run in psql, default 10), OUT (the Markdown
# file written), SUMMARY (a file that gets the figures as key=value lines, for comparing runs), NO_BUILD=1 (use the
# existing Release build).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${PORT:-5098}"
duration="${DURATION:-15}"
connections="${CONNECTIONS:-16}"
repeat="${RAW_REPEAT:-10}"
db="${1:-${KLIMAPAKT_DB:-Host=127.0.0.1;Port=${KLIMAPAKT_PG_PORT:-55432};Database=klimapakt;Username=postgres}}"
export KLIMAPAKT_DB="$db"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 2; }
pg="$(python3 "$here/pgurl.py" "$db")"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

work="$(mktemp -d)"
api=
trap '[ -n "$api" ] && kill $api 2>/dev/null; rm -rf "$work"' EXIT

. "$here/api.sh"
start_api "$port" ASPNETCORE_ENVIRONMENT=Development

# The tile list, its zoom ranges from /catalog. A result tile is served from the latest published run of its layer's
# kind (run_kind in /catalog) in the tile's region: the service's default (no ?run=) when that is the kind's latest
# run, else pinned with ?run= (as a run's own TileJSON does). $4 of the raw statements is that run.
curl -fsS "$base/catalog" >"$work/catalog.json"
python3 "$here/tiles.py" "$work/catalog.json" >"$work/list.txt"
psql "$pg" -X -q -A -t -F ' ' -c "
  SELECT a.kind, r.code, a.id,
         a.id = first_value(a.id) OVER (PARTITION BY a.kind ORDER BY a.published_at DESC NULLS LAST),
         row_number() OVER (PARTITION BY a.kind, r.code ORDER BY a.published_at DESC NULLS LAST)
  FROM analysis_runs a JOIN regions r ON r.id = a.region_id WHERE a.status = 'Published'" >"$work/runs.txt"
python3 - "$work/catalog.json" "$work/runs.txt" "$work/list.txt" "$work" <<'PY'
import json, sys
catalog = json.load(open(sys.argv[1]))["tiles"]
runs = {}
for line in open(sys.argv[2]):
    kind, region, run, latest, rank = line.split()
    if rank == "1":
        runs[(kind, region)] = (run, latest == "t")
out = {g: open(f"{sys.argv[4]}/{g}.txt", "w") for g in ("input", "result")}
for line in open(sys.argv[3]):
    group, layers, z, x, y, region = line.split()
    kinds = {catalog[n]["run_kind"] for n in layers.split(",") if catalog[n].get("run_kind")}
    if len(kinds) > 1:
        sys.exit(f"{layers}: layers of different kinds in one composite tile")
    run, pin = "-", ""
    if kinds:
        found = runs.get((kinds.pop(), region))
        if found is None:
            continue  # no published run of that kind in that region: nothing to measure
        run, pin = found[0], ("" if found[1] else " " + found[0])
    out[group].write(f"{layers} {z} {x} {y}{pin}\n")
    open(f"{sys.argv[4]}/{group}.runs", "a").write(f"{layers} {z} {x} {y} {run}\n")
PY

run_wrk() { # $1 = tile list, $2 = connections, $3 = cold flag
  # Cold stops after whole passes over the list once DURATION has passed (wrk.lua), at the latest after 20 × DURATION.
  local d="$duration"; [ "$3" = 1 ] && d=$((duration * 20))
  rm -f "$work/wrk.done"
  (cd "$work" && TILES="$1" COLD="$3" MIN_S="$duration" DONE="$work/wrk.done" exec wrk -t1 -c"$2" -d"${d}s" --latency \
    -s "$here/wrk.lua" "$base") >"$work/wrk.out" &
  local w=$!
  # SIGINT ends wrk's sleep: it reports the time it actually ran.
  while kill -0 $w 2>/dev/null; do [ -e "$work/wrk.done" ] && { kill -INT $w 2>/dev/null || true; break; }; sleep 0.1; done
  wait $w
  local rps p50 p99 mean
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  mean=$(awk '$1=="Latency" {print $2; exit}' "$work/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  if grep -q 'Non-2xx' "$work/wrk.out"; then echo "wrk: non-2xx answers on $1" >&2; grep 'Non-2xx' "$work/wrk.out" >&2; fi
  [ "$3" = 1 ] && cold_requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  echo "$rps $p50 $p99 $mean"
}

summary="$work/summary.txt"
: >"$summary"
measure() { # $1 = group (input | result)
  local g="$1" list="$work/$1.txt"
  [ -s "$list" ] || { echo "no $g tiles" >&2; exit 1; }
  # Probe: each tile once (a cache miss), its status and size; the raw statements with z/x/y (and the run) substituted.
  : >"$work/$g.once.sql"; : >"$work/$g.bytes"
  while read -r layers z x y run; do
    local query="?v=probe"; [ -n "$run" ] && query="?run=$run&v=probe"
    local code; code=$(curl -s -o "$work/tile" -w '%{http_code}' "$base/tiles/$layers/$z/$x/$y$query")
    case "$code" in 200|204) ;; *) echo "tile $layers/$z/$x/$y answered $code" >&2; exit 1 ;; esac
    echo "$code $(stat -c %s "$work/tile") $layers $z $x $y" >>"$work/$g.bytes"
  done <"$list"
  while read -r layers z x y run4; do
    echo "\\echo TILE $layers" >>"$work/$g.once.sql"
    IFS=',' read -ra names <<<"$layers"
    for name in "${names[@]}"; do
      [ -f "$work/$name.sql" ] || curl -fsS "$base/tiles/$name/sql" >"$work/$name.sql"
      printf '%s;\n' "$(sed -e "s/\$1/$z/g; s/\$2/$x/g; s/\$3/$y/g; s/\$4/'{$run4}'/g" "$work/$name.sql")" >>"$work/$g.once.sql"
    done
  done <"$work/$g.runs"
  read -r n empty bytes bmean bmax largest < <(python3 "$here/stats.py" bytes <"$work/$g.bytes")
  { echo '\timing on'; echo '\o /dev/null'; for _ in $(seq 1 "$repeat"); do cat "$work/$g.once.sql"; done; } >"$work/$g.raw.sql"
  psql "$pg" -X -q -v ON_ERROR_STOP=1 -f "$work/$g.raw.sql" >"$work/$g.raw.out" 2>&1 || { echo "raw $g statements failed:" >&2; grep -m3 ERROR "$work/$g.raw.out" >&2; exit 1; }
  read -r raw_n raw_mean raw_p50 raw_p99 < <(python3 "$here/stats.py" <"$work/$g.raw.out")
  # Cold: one connection, every request a cache miss (same statements as raw, plus HTTP and the cache lookup).
  run_wrk "$list" 1 1 >"$work/cold.txt"; read -r cold_rps cold_p50 cold_p99 cold_mean <"$work/cold.txt"
  # Warm: the list is cached first, then served from the output cache.
  while read -r layers z x y run; do
    curl -s -o /dev/null "$base/tiles/$layers/$z/$x/$y${run:+?run=$run}"
  done <"$list"
  read -r warm_rps warm_p50 warm_p99 warm_mean < <(run_wrk "$list" "$connections" 0)
  read -r warm1_rps warm1_p50 warm1_p99 warm1_mean < <(run_wrk "$list" 1 0)
  for k in n empty bytes bmean bmax largest raw_n raw_mean raw_p50 raw_p99 cold_requests cold_rps cold_mean cold_p50 cold_p99 \
      warm_rps warm_mean warm_p50 warm_p99 warm1_rps warm1_mean warm1_p50 warm1_p99; do
    echo "${g}_$k=${!k}" >>"$summary"
  done
  python3 "$here/stats.py" layers <"$work/$g.raw.out" >"$work/$g.layers"
  while read -r layers ln lmean lp50 lp99; do echo "${g}_layer_$layers=$ln $lmean $lp50 $lp99" >>"$summary"; done <"$work/$g.layers"
  cat >>"$work/$g.md" <<MD
| Path | Connections | Tiles/s | mean | p50 | p99 |
| --- | ---: | ---: | ---: | ---: | ---: |
| Warm (output cache) | $connections | $warm_rps | $warm_mean | $warm_p50 | $warm_p99 |
| Warm (output cache) | 1 | $warm1_rps | $warm1_mean | $warm1_p50 | $warm1_p99 |
| Cold (cache miss: \`?v=\` unique per request; $cold_requests requests, whole passes) | 1 | $cold_rps | $cold_mean | $cold_p50 | $cold_p99 |
| Raw \`ST_AsMVT\` in psql, per tile (\\timing, $raw_n tiles) | 1 | – | ${raw_mean}ms | ${raw_p50}ms | ${raw_p99}ms |

$n tiles, $empty of them empty (204); $bytes bytes in all, uncompressed: $bmean bytes per tile on average, the largest
$bmax bytes (\`$largest\`).

Raw \`ST_AsMVT\` per layer (a composite: its layers' statements summed):

| Layers | Tiles | mean | p50 | p99 |
| --- | ---: | ---: | ---: | ---: |
$(awk '{printf "| %s | %s | %sms | %sms | %sms |\n", $1, $2, $3, $4, $5}' "$work/$g.layers")
MD
}
measure input
measure result

date=$(date -u +%Y-%m-%d)
out="${OUT:-$root/benchmarks/results/$date-tiles.md}"
mkdir -p "$(dirname "$out")"
cpus=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
runs=$(awk '$5 == 1 {printf "%s%s %s %s", sep, $1, $2, $3; sep = "; "}' "$work/runs.txt")
{ echo "load_start=$load_start"; echo "load_end=$load"; echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo -)"; } >>"$summary"
[ -z "${SUMMARY:-}" ] || cp "$summary" "$SUMMARY"
cat >"$out" <<MD
# Tile serving benchmark — $date

Machine: $cpus cores ($cpu), PostgreSQL + PostGIS on the same machine, Release build, Kestrel on loopback;
load average at the start of the run: $load_start, at the end: $load (other work on the machine makes p99 noisy).
wrk ${duration} s per warm row, cold rows whole passes over the list lasting at least ${duration} s, one thread, \`Accept-Encoding: identity\`. Tiles: benchmarks/serving/tiles.py.

## Input layers

communes z6–z14 and the composite communes,ev_chargers,places,roads z10–z14 around Luxembourg city, Esch, Clervaux
and Vaduz, buildings z12–z15 at Vaduz.

$(cat "$work/input.md")

## Result layers (published runs)

ev_gaps, ev_coverage, ev_sites z6–z14 around Luxembourg city, Esch and Clervaux; wind_potential, wind_exclusions,
wind_turbines z6–z14 and their composite z10–z14 there and at Vaduz. Each tile from the latest published run of its
kind in its region (runs: $runs); a run that is not its kind's latest is asked for with \`?run=\`.

$(cat "$work/result.md")

wrk runs with one thread on the same cores as Kestrel and PostgreSQL. The raw rows sum psql's \\timing of each
layer's statement per tile (the same statements the service runs, z/x/y and the run id substituted), the list
$repeat times.
Reproduce: \`benchmarks/serving/run.sh [connection-string]\`.
MD
cat "$out"
