#!/usr/bin/env bash
# The service's memory across analysis runs: starts the API (its background worker on), creates an admin key, and
# queues RUNS wind runs for Luxembourg at the default 10 m through POST /runs, one after the other; samples the API's
# RSS every second. Reports RSS at the start, the peak during each run, after each run, and 10 s after the last.
# Writes benchmarks/results/<date>-service-memory.md (or $OUT).
#   benchmarks/serving/run_memory.sh [connection-string]      (a database holding the bundled data)
# Environment: RUNS (default 2), PORT (default 5095), NO_BUILD=1, OUT.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${PORT:-5095}"; runs="${RUNS:-2}"
db="${1:-${KLIMAPAKT_DB:-Host=127.0.0.1;Port=${KLIMAPAKT_PG_PORT:-55432};Database=klimapakt;Username=postgres}}"
out="${OUT:-$root/benchmarks/results/$(date -u +%F)-service-memory.md}"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
work="$(mktemp -d)"; api=; sampler=
trap '[ -n "$sampler" ] && kill $sampler 2>/dev/null; [ -n "$api" ] && kill $api 2>/dev/null; rm -rf "$work"' EXIT
[ "${NO_BUILD:-0}" = 1 ] || dotnet build "$root/src/KlimaPakt.Geo.Cli" -c Release --nologo -v q >/dev/null
key=$(KLIMAPAKT_DB="$db" dotnet "$root/src/KlimaPakt.Geo.Cli/bin/Release/net10.0/klimapakt.dll" keys create --name "memory benchmark $$" --role admin | grep -E '^kp_[A-Za-z0-9_-]+$' | head -1)
[ -n "$key" ] || { echo "no key created" >&2; exit 1; }
. "$here/api.sh"
start_api "$port" ConnectionStrings__Geo="$db" KLIMAPAKT_DB="$db" Results__Directory="$work/results"
( while kill -0 $api 2>/dev/null; do echo "$(date +%s) $(rss)" >>"$work/rss"; sleep 1; done ) & sampler=$!
sleep 3
start=$(rss); rows=""
for i in $(seq 1 "$runs"); do
  t0=$(date +%s)
  id=$(curl -fsS -X POST "$base/runs" -H "Authorization: Bearer $key" -H 'content-type: application/json' \
    -d '{"kind":"wind","region":"lu"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  while :; do
    status=$(curl -fsS "$base/runs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    case "$status" in Published|published) break ;; Failed|failed|Cancelled|cancelled) echo "run $id $status" >&2; exit 1 ;; esac
    sleep 1
  done
  t1=$(date +%s); sleep 2
  peak=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b && $2 > m {m = $2} END {print m}' "$work/rss")
  rows+="| $i | $((t1 - t0)) | $peak | $(rss) |"$'\n'
done
sleep 10
idle=$(rss)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$(dirname "$out")"
cat >"$out" <<MD
# The service's memory across runs — $(date -u +%F)

\`benchmarks/serving/run_memory.sh\` at commit $(git -C "$root" rev-parse --short HEAD): the API with its worker, $runs wind runs
for Luxembourg at 10 m (5,719 × 8,176 cells) queued through \`POST /runs\` one after the other, RSS sampled every second.
Machine: $(nproc) cores, load average $load_start at the start, $load_end at the end (shared with other jobs).

RSS at the start (after start-up and migrations check): **$start MB**.

| run | seconds (queued → published) | peak RSS during the run, MB | RSS 2 s after it, MB |
|---|---|---|---|
${rows}
RSS 10 s after the last run: **$idle MB**.
MD
cat "$out"
