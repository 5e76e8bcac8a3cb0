#!/usr/bin/env bash
# Mixed serving load: 60 s of tiles (input and result layers over Luxembourg and Liechtenstein, zooms 6-14), feature
# pages (100 features in a bbox, every collection) and the catalogue, at 16 and then 64 connections, with wrk; 10 %
# of requests uncached (COLD_SHARE). Reports per run: requests/s, errors (socket errors and non-2xx), p50/p99 latency,
# the service's RSS before and after, and the most PostgreSQL connections seen (sampled every second) against the
# pool's maximum. Writes benchmarks/results/<date>-serving-mixed.md (or $OUT).
#   benchmarks/serving/mixed.sh [connection-string]
# The database must hold the bundled data and published runs (scripts/run.sh's, or scripts/test.sh's browser
# database). The benchmark is one client address standing in for many users, so the per-address read limit is raised
# for it (Limits__ExpensiveReadsPerSecond); everything else is the service's defaults. Needs Debian's wrk and psql.
# Environment: DURATION (seconds per run, default 60), CONNECTIONS (default "16 64"), COLD_SHARE (default 0.1),
# PORT (default 5097), NO_BUILD=1, OUT.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${PORT:-5097}"
duration="${DURATION:-60}"
connections="${CONNECTIONS:-16 64}"
db="${1:-${KLIMAPAKT_DB:-Host=127.0.0.1;Port=${KLIMAPAKT_PG_PORT:-55432};Database=klimapakt;Username=postgres}}"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 2; }
pg="$(python3 "$here/pgurl.py" "$db")"
dbname="$(psql "$pg" -X -A -t -c 'SELECT current_database()')"
pool_max=$(sed -n 's/.*Maximum Pool Size=\([0-9]*\).*/\1/ip' <<<"$db"); pool_max="${pool_max:-100}"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
out="${OUT:-$root/benchmarks/results/$(date -u +%F)-serving-mixed.md}"

work="$(mktemp -d)"
api=
trap '[ -n "$api" ] && kill $api 2>/dev/null; rm -rf "$work"' EXIT
. "$here/api.sh"
start_api "$port" KLIMAPAKT_DB="$db" ConnectionStrings__Geo="$db" Limits__ExpensiveReadsPerSecond=1000000 \
  Limits__ExpensiveReadBurst=1000000 Runs__WorkerEnabled=false

# The path list: the tile benchmark's tiles (each region's latest run serves result tiles), one feature page per
# collection and place, and the catalogue. Every path is probed once and must answer 200/204.
curl -fsS "$base/catalog" >"$work/catalog.json"
curl -fsS "$base/collections" >"$work/collections.json"
python3 "$here/tiles.py" "$work/catalog.json" >"$work/tiles.txt"
python3 - "$work/tiles.txt" "$work/collections.json" >"$work/mixed.txt" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    _, layers, z, x, y, _ = line.split()
    print(f"/tiles/{layers}/{z}/{x}/{y}")
bboxes = ["6.08,49.58,6.18,49.64", "5.95,49.48,6.02,49.52", "9.49,47.11,9.55,47.17"]
for c in json.load(open(sys.argv[2]))["collections"]:
    for b in bboxes:
        print(f"/collections/{c['id']}/items?limit=100&bbox={b}")
for _ in range(5):
    print("/catalog")
PY
while read -r path; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
  case "$code" in 200|204) ;; *) echo "$path answered $code" >&2; exit 1 ;; esac
done <"$work/mixed.txt"
tiles=$(grep -c '^/tiles/' "$work/mixed.txt"); pages=$(grep -c '^/collections/' "$work/mixed.txt")

rows=""
for c in $connections; do
  rss_before=$(rss)
  : >"$work/conns"
  ( while kill -0 $api 2>/dev/null; do psql "$pg" -X -A -t -c \
      "SELECT count(*) FROM pg_stat_activity WHERE datname = '$dbname' AND pid <> pg_backend_pid()" >>"$work/conns" 2>/dev/null || true
      sleep 1; done ) & sampler=$!
  (cd "$work" && PATHS="$work/mixed.txt" COLD_SHARE="${COLD_SHARE:-0.1}" wrk -t2 -c"$c" -d"${duration}s" --timeout 10s --latency \
    -s "$here/mixed.lua" "$base") >"$work/wrk-$c.out"
  kill $sampler 2>/dev/null; wait $sampler 2>/dev/null || true
  rss_after=$(rss)
  requests=$(awk '/requests in/ {print $1}' "$work/wrk-$c.out")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$c.out")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk-$c.out"); p99=$(awk '$1=="99%" {print $2}' "$work/wrk-$c.out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-$c.out"); non2xx="${non2xx:-0}"
  statuses=$(sed -n 's/^STATUS 2xx=[0-9]* 429=\([0-9]*\) other4xx=\([0-9]*\) 503=\([0-9]*\) other5xx=\([0-9]*\)$/\1 \/ \2 \/ \3 \/ \4/p' "$work/wrk-$c.out")
  sockerr=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' "$work/wrk-$c.out"); sockerr="${sockerr:-0}"
  conns=$(sort -n "$work/conns" | tail -1)
  rows+="| $c | $requests | $rps | $non2xx ($statuses) | $sockerr | $p50 | $p99 | $rss_before → $rss_after | ${conns:-?} of $pool_max |"$'\n'
  cat "$work/wrk-$c.out" >&2
done
sleep 10
rss_idle=$(rss)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$(dirname "$out")"
cat >"$out" <<MD
# Mixed serving load — $(date -u +%F)

\`benchmarks/serving/mixed.sh\` at commit $(git -C "$root" rev-parse --short HEAD), database \`$dbname\`, ${duration} s per
run with wrk (2 threads), $tiles tile paths + $pages feature pages + the catalogue, picked at random, ${COLD_SHARE:-0.1}
of requests uncached. Machine: $(nproc) cores, load average (1/5/15 min) $load_start at the start and $load_end at the
end — shared with other builds, so the latencies are this machine's, not a server's.

| connections | requests | req/s | non-2xx (429 / other 4xx / 503 / other 5xx) | socket errors | p50 | p99 | RSS MB (before → after) | PostgreSQL connections (max seen) |
|---|---|---|---|---|---|---|---|---|
${rows}
RSS 10 s after the last run: $rss_idle MB.
MD
cat "$out"
