#!/bin/bash
# circuit_side_by_side.sh [SIZES]  -  `klimapakt raster current` against Debian's python3-scipy solving the same grounded
# Laplacian (circuit_scipy.py: scipy.sparse.linalg spsolve, cg, and cg with a Jacobi preconditioner, same relative
# residual 1e-8), on seeded random resistance rasters (circuit_inputs.py, 1-1000 ohm, 3 point sources of 1 A, 2 point
# grounds, 8 neighbours). Each size: the CLI, then each scipy method, one round (the scipy solves take minutes), every
# run after the peers' idle wait (waitidle.sh), wall seconds and peak RSS by /usr/bin/time; voltages compared cell by
# cell against the CLI's --voltage-out. Writes $OUT/circuits.tsv and prints a markdown table (circuit_summary.py).
#
# Env: PEERS (../shared/peers), DATA (/tmp/raster-peers-data), OUT (/tmp/kp-circuits),
#      CAP_FACTOR (10): at sizes >= 2048 each scipy solve is capped at CAP_FACTOR x the CLI's wall seconds measured
#      just before in the same run (whole process, reading and writing included; the cap counts scipy's solve alone,
#      so scipy's wall is longer still): a capped run reports the iterations and residual it reached, and its ratio
#      is a lower bound (">= 10x measured"). LIMIT (s) overrides the relative cap with a fixed one. IDLE_WAIT (60),
#      METHODS_SMALL ("spsolve cg cg-jacobi", sizes < 2048), METHODS_LARGE ("cg-jacobi spsolve"),
#      SPSOLVE_MAX (largest size given to spsolve, 2048: SuperLU's fill on 16 M unknowns exceeds the machine),
#      MEM_KB (address-space cap of a scipy run, default 10 GiB, so a factorisation that explodes fails alone),
#      CHECK_FROM_CLI (1): at sizes >= 2048 also scipy's cg started from the CLI's voltages, to scipy's residual 1e-8,
#      and its voltages compared with the CLI's (the voltage check where the cold solves are capped).
# Sizes < 2048 run without a time cap (plain cg there may take over 15 minutes on a loaded 2-core VM).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIZES=${1:-"1024 2048 4096"}
PEERS=${PEERS:-$( [ -d "$ROOT/../shared/peers" ] && cd "$ROOT/../shared/peers" && pwd || echo /work/shared/peers)}
export DATA=${DATA:-/tmp/raster-peers-data}
OUT=${OUT:-/tmp/kp-circuits}
LIMIT=${LIMIT:-}
CAP_FACTOR=${CAP_FACTOR:-10}
IDLE_WAIT=${IDLE_WAIT:-60}
METHODS_SMALL=${METHODS_SMALL:-"spsolve cg cg-jacobi"}
METHODS_LARGE=${METHODS_LARGE:-"cg-jacobi spsolve"}
SPSOLVE_MAX=${SPSOLVE_MAX:-2048}
MEM_KB=${MEM_KB:-10485760}
PY=/usr/bin/python3
mkdir -p "$OUT"
TSV=$OUT/circuits.tsv
echo -e "size\timpl\tseconds\trss_kib\trc\tload\tdetail" > "$TSV"
echo -e "started\t$(date -u +%FT%TZ)\t$(nproc) cores\t$(uname -r)" > "$OUT/meta.tsv"

echo "== build (the CLI as it ships: scripts/publish-cli.sh)"
KP=$("$ROOT/scripts/publish-cli.sh" "$OUT/cli") || { tail -20 "$OUT/cli/publish.log"; exit 1; }

idle() { echo "$1 $("$PEERS/waitidle.sh" "$IDLE_WAIT" 8 2>/dev/null)" >> "$OUT/idle.log"; }

# timed SIZE IMPL CMD : wall seconds and max RSS (KiB) of CMD; its last output line goes into the detail column.
timed() {
  local size=$1 impl=$2 cmd=$3
  idle "$size $impl"
  sync
  /usr/bin/time -f "%e %M" -o "$OUT/t.txt" bash -c "$cmd" > "$OUT/last.log" 2>&1
  local rc=$?
  read -r secs rss < <(tail -1 "$OUT/t.txt")
  local detail
  detail=$(grep -E '^\{|current:|error' "$OUT/last.log" | tail -1)
  echo -e "$size\t$impl\t$secs\t$rss\t$rc\t$(cut -d' ' -f1 /proc/loadavg)\t$detail" >> "$TSV"
  printf '   %-6s %-12s %8s s  %9s KiB  rc %s  %s\n' "$size" "$impl" "$secs" "$rss" "$rc" "${detail:0:160}"
}

for n in $SIZES; do
  D=$DATA/circuits/$n
  [ -f "$D/r.tif" ] || $PY "$HERE/circuit_inputs.py" --size "$n" --peers "$PEERS" || exit 1
  echo "== $n x $n ($(date +%T))"
  V="$OUT/v-kp-$n.tif"
  timed "$n" klimapakt "'$KP' raster current --resistance $D/r.tif --sources $D/s.tif --grounds $D/g.tif --out $OUT/i-kp-$n.tif --voltage-out $V --compress none"
  kp_secs=$(awk -F'\t' -v n="$n" '$1 == n && $2 == "klimapakt" { s = $3 } END { print s }' "$TSV")
  if [ "$n" -lt 2048 ]; then methods=$METHODS_SMALL; lim=100000
  else
    methods=$METHODS_LARGE
    # The cap relative to the CLI's measured wall time (rounded up), unless LIMIT fixes it.
    lim=${LIMIT:-$(awk -v s="$kp_secs" -v f="$CAP_FACTOR" 'BEGIN { c = s * f; print (c == int(c)) ? c : int(c) + 1 }')}
    echo "   scipy cap: $lim s of solve (${LIMIT:+fixed by LIMIT}${LIMIT:-$CAP_FACTOR x the CLI $kp_secs s})"
    echo -e "cap\t$n\t$lim\t${LIMIT:+fixed}${LIMIT:-$CAP_FACTOR x $kp_secs s}" >> "$OUT/meta.tsv"
  fi
  for m in $methods; do
    [ "$m" = spsolve ] && [ "$n" -gt "$SPSOLVE_MAX" ] && continue
    # spsolve cannot stop itself at the time cap: timeout ends it (rc 124) and the row says so. The margin over the
    # cap is for building the Laplacian, the final residual and the comparison (minutes at 4096² on a loaded VM).
    timed "$n" "scipy-$m" "ulimit -v $MEM_KB; timeout $((lim + 900)) $PY '$HERE/circuit_scipy.py' --resistance $D/r.tif --sources $D/s.tif --grounds $D/g.tif --method $m --tol 1e-8 --time-limit $lim --compare $V"
  done
  # Where the cold scipy solves are capped: the voltage check. scipy's cg + Jacobi starts from the CLI's float32
  # voltages and must bring scipy's own residual to 1e-8; the voltages it converges to are compared with the CLI's.
  # A check, not a contender (no ratio).
  if [ "$n" -ge 2048 ] && [ "${CHECK_FROM_CLI:-1}" = 1 ]; then
    timed "$n" "check-scipy-from-klimapakt" "ulimit -v $MEM_KB; $PY '$HERE/circuit_scipy.py' --resistance $D/r.tif --sources $D/s.tif --grounds $D/g.tif --method cg-jacobi --tol 1e-8 --x0 $V --compare $V"
  fi
done
echo -e "finished\t$(date -u +%FT%TZ)" >> "$OUT/meta.tsv"
$PY "$HERE/circuit_summary.py" "$OUT" | tee "$OUT/summary.md"
