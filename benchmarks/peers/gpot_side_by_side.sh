#!/bin/bash
# gpot_side_by_side.sh [SIZE]  -  the G.POT kernel (RasterKernels.GPotEnergy, r.green.gshp's defaults) against numpy
# evaluating the same formula (gpot_numpy.py) and the machine's memory-bandwidth limit (../shared/peers/membw.c), in
# one INTERLEAVED run, the protocol of ../shared/peers and run_side_by_side.sh: every round waits for an idle machine
# (waitidle.sh) and then runs each contender once, so load from other jobs hits all of them alike; only ratios from
# one run are comparable (figures on the shared 2-core VMs swing ±30 % within minutes).
#
# Like the overlay's in-memory stage: every contender is its own process that loads the same float32 GeoTIFFs
# (lambda.tif, t0.tif from `gpot_numpy.py gen`, seeded) untimed, runs the kernel once to warm up (ours: then for a second more, until the BCL's Tier-0 vector log is promoted), then REPS times,
# and prints one JSON line with the median (ours: `KlimaPakt.Geo.Benchmarks gpot-mem`). Round 1 also writes each
# result (untimed) for the cell-by-cell comparison with ../shared/peers/compare.py against float64 numpy and
# float32 numpy; the run fails (exit 1) if the max relative difference exceeds 1e-5 or NoData cells differ.
#
# Env: PEERS (default ../shared/peers next to the repo, else /work/shared/peers), DATA (/tmp/raster-peers-data),
#      OUT (/tmp/kp-gpot), ROUNDS (default 5), REPS (repetitions per process, 7), IDLE_WAIT (longest wait for an
#      idle machine before a round, s, default 120), MEMBW_LG (log2 elements of membw's arrays, 27 = 1 GiB each).
# Needs (Debian): python3-numpy python3-gdal gcc; .NET 10 SDK.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIZE=${1:-8192}
PEERS=${PEERS:-$( [ -d "$ROOT/../shared/peers" ] && cd "$ROOT/../shared/peers" && pwd || echo /work/shared/peers)}
DATA=${DATA:-/tmp/raster-peers-data}
OUT=${OUT:-/tmp/kp-gpot}
ROUNDS=${ROUNDS:-5}
REPS=${REPS:-7}
IDLE_WAIT=${IDLE_WAIT:-120}
MEMBW_LG=${MEMBW_LG:-27}
D=$DATA/gpot/$SIZE
PY=/usr/bin/python3
NP="$PY $HERE/gpot_numpy.py"
mkdir -p "$OUT/o"
: > "$OUT/mem.jsonl"
: > "$OUT/membw.txt"
: > "$OUT/compare.txt"
: > "$OUT/idle.log"
echo -e "started\t$(date -u +%FT%TZ)\t$(nproc) cores\t$(uname -r)\tcommit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" > "$OUT/meta.tsv"
echo -e "uptime at start\t$(uptime)" >> "$OUT/meta.tsv"

[ -f "$D/lambda.tif" ] && [ -f "$D/t0.tif" ] || $NP gen --size "$SIZE" --out "$D" || exit 1

echo "== build (Release) and membw.c"
dotnet build -c Release "$ROOT/benchmarks/KlimaPakt.Geo.Benchmarks" -o "$OUT/bench" -v q -nologo > "$OUT/build.log" 2>&1 \
  || { tail -20 "$OUT/build.log"; exit 1; }
gcc -O3 -march=native -fopenmp -o "$OUT/membw" "$PEERS/membw.c" || exit 1
KP="dotnet $OUT/bench/KlimaPakt.Geo.Benchmarks.dll gpot-mem --data $D --reps $REPS"

# idle : wait up to IDLE_WAIT s for the machine to be idle (< 8 % busy) before a round; what it saw goes into idle.log
idle() { echo "$1: $("$PEERS/waitidle.sh" "$IDLE_WAIT" 8), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/idle.log"; }
# tag ROUND : prefix each JSON line with its round
tag() { sed "s/^{/{\"round\": $1, /" >> "$OUT/mem.jsonl"; tail -1 "$OUT/mem.jsonl" | cut -c1-160; }

for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r of $ROUNDS ($(date +%T))"
  idle "round $r"
  o() { [ "$r" = 1 ] && echo "--out $OUT/o/$1.tif"; }
  OMP_NUM_THREADS=2 OMP_PROC_BIND=close "$OUT/membw" "$MEMBW_LG" 5 | grep -E '^(copy|add|copy_nt) ' | sed "s/^/round $r /" >> "$OUT/membw.txt"
  grep "^round $r " "$OUT/membw.txt" | cut -c1-120
  $KP $(o kp_allcores) | tag "$r"
  $NP mem --data "$D" --impl numpy --reps "$REPS" $(o numpy) | tag "$r"
  $KP --one-core $(o kp_1core) | tag "$r"
  $NP mem --data "$D" --impl numpy_blocked --reps "$REPS" $(o numpy_blocked) | tag "$r"
  # 256-bit vectors forced (KernelPath.Vector256): Best resolves to Vector512 on AVX-512 hardware
  $KP --vector256 --one-core | tag "$r"
  $KP --vector256 | tag "$r"
  # the scalar reference is slow and only informative: round 1 only, three repetitions
  [ "$r" = 1 ] && $KP --scalar --one-core --reps 3 --out "$OUT/o/kp_scalar.tif" | tag "$r"
done
echo -e "finished\t$(date -u +%FT%TZ)" >> "$OUT/meta.tsv"
echo -e "uptime at end\t$(uptime)" >> "$OUT/meta.tsv"

echo "== equality"
$NP mem --data "$D" --impl numpy64 --reps 1 --out "$OUT/o/numpy64.tif" > /dev/null || exit 1
fail=0
for pair in "numpy64 kp_allcores" "numpy64 kp_1core" "numpy64 kp_scalar" "numpy64 numpy" "numpy64 numpy_blocked" "numpy kp_allcores"; do
  set -- $pair
  line=$($PY "$PEERS/compare.py" "$OUT/o/$1.tif" "$OUT/o/$2.tif" | sed "s|$OUT/o/||")
  echo "$2 vs $1: $line" | tee -a "$OUT/compare.txt"
  rel=$(echo "$line" | sed -n 's/.*max rel \([^ ]*\).*/\1/p')
  mism=$(echo "$line" | sed -n 's/.*nodata mismatches \([0-9]*\).*/\1/p')
  if ! $PY -c "import sys; sys.exit(0 if float('$rel') <= 1e-5 and int('$mism') == 0 else 1)"; then
    echo "  FAILED: max relative difference $rel > 1e-5 or $mism NoData mismatches" | tee -a "$OUT/compare.txt"; fail=1
  fi
done
rm -f "$OUT"/o/*.tif

$NP summarize "$OUT" "$SIZE" > "$OUT/summary.md"
cat "$OUT/summary.md"
exit $fail
