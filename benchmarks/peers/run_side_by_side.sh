#!/bin/bash
# run_side_by_side.sh [SIZE]  -  the project's `klimapakt raster` CLI and in-memory kernel against the peers in
# ../shared/peers (numpy / numexpr / gdal_calc.py / gdal_proximity.py / scipy / scikit-image / GRASS r.cost, and the
# membw.c bandwidth limit), INTERLEAVED in one run: every round runs each contender once, so load from other jobs hits
# all of them alike (figures on the 2-core VMs swing ±30 % within minutes; only ratios from one run are comparable).
# Writes a dated markdown table to benchmarks/results/ (summarize_side_by_side.py).
#
# Env: PEERS (default ../shared/peers next to the repo, else /work/shared/peers), DATA (/tmp/raster-peers-data),
#      OUT (/tmp/kp-side-by-side), ROUNDS (fast contenders, default 5), SLOW_ROUNDS (scipy, skimage, GRASS: 1),
#      STAGES (default "startup membw overlay_mem score distance cost big"), BIG (side of the strip-memory test, 20000),
#      IDLE_WAIT (longest wait for an idle machine before a round, s, default 120).
# Like for like: every CLI command runs with --compress none, the default (zstd:1) and deflate, each followed by its
# peer writing the same: uncompressed, or with the same codec, level and NUM_THREADS=ALL_CPUS creation options.
# Needs (Debian): gdal-bin python3-gdal python3-numpy python3-numexpr python3-scipy python3-skimage grass-core time gcc.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIZE=${1:-8192}
PEERS=${PEERS:-$( [ -d "$ROOT/../shared/peers" ] && cd "$ROOT/../shared/peers" && pwd || echo /work/shared/peers)}
export DATA=${DATA:-/tmp/raster-peers-data}
OUT=${OUT:-/tmp/kp-side-by-side}
ROUNDS=${ROUNDS:-5}
SLOW_ROUNDS=${SLOW_ROUNDS:-1}
STAGES=${STAGES:-startup membw overlay_mem score distance cost big}
BIG=${BIG:-20000}
IDLE_WAIT=${IDLE_WAIT:-120}
D=$DATA/$SIZE
PY=/usr/bin/python3
mkdir -p "$OUT/o"
TIMES=$OUT/times.tsv
: > "$TIMES"
: > "$OUT/mem.jsonl"
: > "$OUT/compare.txt"
: > "$OUT/idle.log"
: > "$OUT/sizes.tsv"
echo -e "started\t$(date -u +%FT%TZ)\t$(nproc) cores\t$(uname -r)" > "$OUT/meta.tsv"

[ -f "$D/c1.tif" ] || $PY "$PEERS/gen_inputs.py" --size "$SIZE" || exit 1

echo "== build (Release)"
# The CLI as it ships (scripts/publish-cli.sh: the ahead-of-time raster front door before the self-contained composite
# ReadyToRun build), as the main job runs it.
KP=$("$ROOT/scripts/publish-cli.sh" "$OUT/cli") || { tail -20 "$OUT/cli/publish.log"; exit 1; }
case " $STAGES " in *" overlay_mem "*)
  dotnet build -c Release "$ROOT/benchmarks/KlimaPakt.Geo.Benchmarks" -o "$OUT/bench" -v q -nologo >> "$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; } ;;
esac

# idle : the peers' protocol (waitidle.sh): wait up to 2 min for the machine to be idle (< 8 % busy) before a round,
# so no other job's burst lands on one contender only; what it saw goes into idle.log.
idle() { echo "$1 $("$PEERS/waitidle.sh" "$IDLE_WAIT" 8)" >> "$OUT/idle.log"; }

# run STAGE IMPL ROUND CMD [OUTPUT] : one timed run (wall seconds and max RSS of the process, KiB) appended to
# times.tsv. As in the peers' bench.sh (hyperfine --prepare "sync; rm -f OUTPUT"), the previous output is removed and
# pending writeback flushed BEFORE the clock starts: freeing a written 256 MiB file costs ~0.09 s here (the disk is
# mounted with online discard), which would otherwise land on whichever contender replaces its output.
run() {
  local stage=$1 impl=$2 round=$3 cmd=$4 output=${5:-}
  [ -n "$output" ] && rm -f "$output"
  sync
  # Wall time from the shell's nanosecond clock (GNU time's %e has 10 ms steps, a sixth of a 4096² score now); time
  # itself still gives the peak RSS.
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$OUT/t.txt" bash -c "$cmd" > "$OUT/last.log" 2>&1
  local rc=$?
  t1=$(date +%s%N)
  local secs rss
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
  rss=$(tail -1 "$OUT/t.txt")
  echo -e "$stage\t$impl\t$round\t$secs\t$rss\t$rc\t$(cut -d' ' -f1 /proc/loadavg)" >> "$TIMES"
  printf '   %-12s %-26s round %s  %8s s  %8s KiB  rc %s\n' "$stage" "$impl" "$round" "$secs" "$rss" "$rc"
  [ $rc -eq 0 ] || tail -5 "$OUT/last.log"
}

W="0.30*A+0.25*B+0.20*C+0.15*D+0.10*E"
LAYERS="--layer $D/c1.tif:0.30 --layer $D/c2.tif:0.25 --layer $D/c3.tif:0.20 --layer $D/c4.tif:0.15 --layer $D/c5.tif:0.10"
SRC=$($PY -c "
n=$SIZE
pts=[(0.2,0.3),(0.5,0.5),(0.8,0.2),(0.3,0.8),(0.7,0.75)]
print(' '.join(f'{40000+(int(fx*n)+0.5)*10},{140000-(int(fy*n)+0.5)*10}' for fx,fy in pts))")
FROM=$(for p in $SRC; do printf -- '--from %s ' "$p"; done)

for stage in $STAGES; do
case $stage in
membw)
  echo "== membw ($(date +%T))"
  gcc -O3 -march=native -fopenmp -o "$OUT/membw" "$PEERS/membw.c" || exit 1 ;;
overlay_mem)
  # in memory, inputs loaded untimed; each line of mem.jsonl is one process's median over 7 repetitions
  echo "== overlay in memory ($(date +%T))"
  for r in $(seq 1 3); do
    idle "overlay_mem round $r"
    OMP_NUM_THREADS=2 OMP_PROC_BIND=close "$OUT/membw" 27 5 | grep -E '^overlay' | sed "s/^/round $r /" >> "$OUT/membw.txt"
    $PY "$PEERS/overlay_numpy.py" --data "$D" --impl numpy_blocked --mode mem --reps 7 | sed "s/^{/{\"round\": $r, /" >> "$OUT/mem.jsonl"
    $PY "$PEERS/overlay_numpy.py" --data "$D" --impl numexpr --threads 2 --mode mem --reps 7 | sed "s/^{/{\"round\": $r, /" >> "$OUT/mem.jsonl"
    dotnet "$OUT/bench/KlimaPakt.Geo.Benchmarks.dll" overlay-mem --data "$D" --reps 7 | sed "s/^{/{\"round\": $r, /" >> "$OUT/mem.jsonl"
    dotnet "$OUT/bench/KlimaPakt.Geo.Benchmarks.dll" overlay-mem --data "$D" --reps 7 --one-core | sed "s/^{/{\"round\": $r, /" >> "$OUT/mem.jsonl"
    tail -4 "$OUT/mem.jsonl" | cut -c1-150
  done ;;
startup)
  # fixed cost of a command: a 1-cell raster (cut from the inputs, so CRS and NoData are the same), default output
  echo "== start-up, 1-cell rasters ($(date +%T))"
  T1=$OUT/one; mkdir -p "$T1"
  gdal_translate -q -srcwin 0 0 1 1 "$D/c1.tif" "$T1/c1.tif"; gdal_translate -q -srcwin 0 0 1 1 "$D/features.tif" "$T1/features.tif"
  gdal_translate -q -srcwin 0 0 1 1 "$D/cost.tif" "$T1/cost.tif"
  for r in $(seq 1 "$ROUNDS"); do
    idle "startup round $r"
    run startup klimapakt_score "$r" "$KP raster score --layer $T1/c1.tif:1 --out $T1/kp_score.tif" "$T1/kp_score.tif"
    run startup gdal_calc "$r" "gdal_calc.py --quiet -A $T1/c1.tif --outfile=$T1/gdalcalc.tif --calc='A' --type=Float32 --NoDataValue=-9999 --overwrite" "$T1/gdalcalc.tif"
    run startup klimapakt_distance "$r" "$KP raster distance --features $T1/features.tif --out $T1/kp_dist.tif" "$T1/kp_dist.tif"
    run startup gdal_proximity "$r" "gdal_proximity.py -q $T1/features.tif $T1/prox.tif -values 1 -distunits GEO -ot Float32" "$T1/prox.tif"
    run startup klimapakt_cost "$r" "$KP raster cost --cost $T1/cost.tif --from 40005,139995 --out $T1/kp_cost.tif" "$T1/kp_cost.tif"
    run startup gdalinfo_version "$r" "gdalinfo --version"
  done ;;
score)
  # like for like: klimapakt --compress X against gdal_calc.py with the same creation options (tiled 256x256, and for
  # compressed output the same codec and level, compressed on all cores as ours is)
  echo "== score: GeoTIFF in -> GeoTIFF out ($(date +%T))"
  GC="gdal_calc.py --quiet -A $D/c1.tif -B $D/c2.tif -C $D/c3.tif -D $D/c4.tif -E $D/c5.tif -F $D/mask.tif --calc='where(F!=0, -9999, $W)' --type=Float32 --NoDataValue=-9999 --overwrite --co TILED=YES --co BLOCKXSIZE=256 --co BLOCKYSIZE=256"
  for r in $(seq 1 "$ROUNDS"); do
    idle "score round $r"
    run score klimapakt_none "$r" "$KP raster score $LAYERS --mask $D/mask.tif --out $OUT/o/kp_score.tif --compress none" "$OUT/o/kp_score.tif"
    run score gdal_calc_none "$r" "$GC --outfile=$OUT/o/gdalcalc.tif" "$OUT/o/gdalcalc.tif"
    run score klimapakt_zstd "$r" "$KP raster score $LAYERS --mask $D/mask.tif --out $OUT/o/kp_score_zstd.tif" "$OUT/o/kp_score_zstd.tif"
    run score gdal_calc_zstd "$r" "$GC --co COMPRESS=ZSTD --co ZSTD_LEVEL=1 --co NUM_THREADS=ALL_CPUS --outfile=$OUT/o/gdalcalc_zstd.tif" "$OUT/o/gdalcalc_zstd.tif"
    run score klimapakt_deflate "$r" "$KP raster score $LAYERS --mask $D/mask.tif --out $OUT/o/kp_score_deflate.tif --compress deflate" "$OUT/o/kp_score_deflate.tif"
    run score gdal_calc_deflate "$r" "$GC --co COMPRESS=DEFLATE --co NUM_THREADS=ALL_CPUS --outfile=$OUT/o/gdalcalc_deflate.tif" "$OUT/o/gdalcalc_deflate.tif"
    [ "$r" -le "$SLOW_ROUNDS" ] && run score numpy "$r" "$PY $PEERS/overlay_numpy.py --data $D --impl numpy --mode io --out $OUT/o/numpy.tif" "$OUT/o/numpy.tif"
  done
  ls -l "$OUT"/o/kp_score*.tif "$OUT"/o/gdalcalc*.tif | awk '{print "size\tscore\t" $NF "\t" $5}' >> "$OUT/sizes.tsv"
  $PY "$PEERS/compare.py" "$OUT/o/numpy.tif" "$OUT/o/kp_score.tif" | sed 's/^/score vs numpy: /' >> "$OUT/compare.txt"
  $PY "$PEERS/compare.py" "$OUT/o/gdalcalc_zstd.tif" "$OUT/o/kp_score_zstd.tif" | sed 's/^/score(zstd) vs gdal_calc(zstd): /' >> "$OUT/compare.txt" ;;
distance)
  echo "== distance ($(date +%T))"
  # No NUM_THREADS for gdal_proximity.py: it writes its output a line at a time and reads it back for the second
  # pass, and with the GTiff compression pool that took 66-93 s per run here (vs ~2-3 s without it).
  GP="gdal_proximity.py -q $D/features.tif -values 1 -distunits GEO -ot Float32 -co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256"
  for r in $(seq 1 "$ROUNDS"); do
    idle "distance round $r"
    run distance klimapakt_none "$r" "$KP raster distance --features $D/features.tif --out $OUT/o/kp_dist.tif --compress none" "$OUT/o/kp_dist.tif"
    run distance gdal_proximity_none "$r" "$GP $OUT/o/prox.tif" "$OUT/o/prox.tif"
    run distance klimapakt_zstd "$r" "$KP raster distance --features $D/features.tif --out $OUT/o/kp_dist_zstd.tif" "$OUT/o/kp_dist_zstd.tif"
    run distance gdal_proximity_zstd "$r" "$GP -co COMPRESS=ZSTD -co ZSTD_LEVEL=1 $OUT/o/prox_zstd.tif" "$OUT/o/prox_zstd.tif"
    run distance klimapakt_deflate "$r" "$KP raster distance --features $D/features.tif --out $OUT/o/kp_dist_deflate.tif --compress deflate" "$OUT/o/kp_dist_deflate.tif"
    run distance gdal_proximity_deflate "$r" "$GP -co COMPRESS=DEFLATE $OUT/o/prox_deflate.tif" "$OUT/o/prox_deflate.tif"
    [ "$r" -le "$SLOW_ROUNDS" ] && run distance scipy_edt "$r" "$PY $PEERS/dist_python.py --data $D --op edt --out $OUT/o/py_edt.tif" "$OUT/o/py_edt.tif"
  done
  ls -l "$OUT"/o/kp_dist*.tif "$OUT"/o/prox*.tif | awk '{print "size\tdistance\t" $NF "\t" $5}' >> "$OUT/sizes.tsv"
  $PY "$PEERS/compare.py" "$OUT/o/py_edt.tif" "$OUT/o/kp_dist_zstd.tif" | sed 's/^/distance vs scipy: /' >> "$OUT/compare.txt"
  $PY "$PEERS/compare.py" "$OUT/o/py_edt.tif" "$OUT/o/prox.tif" | sed 's/^/gdal_proximity vs scipy: /' >> "$OUT/compare.txt" ;;
cost)
  echo "== cost-distance, 5 sources ($(date +%T))"
  GSRC=$(echo $SRC | tr ' ' ',')
  HAVE_GRASS=0
  if command -v grass > /dev/null; then
    HAVE_GRASS=1
    if [ ! -d "$DATA/grassdb/lux/s$SIZE" ]; then bash "$PEERS/grass_setup.sh" "$SIZE" > "$OUT/grass_setup.log" 2>&1 || { echo "grass setup failed"; HAVE_GRASS=0; }; fi
  else
    echo "GRASS is not installed (apt-get install grass-core): r.cost skipped" | tee -a "$OUT/compare.txt"
  fi
  for r in $(seq 1 "$ROUNDS"); do
    idle "cost round $r"
    run cost klimapakt_none "$r" "$KP raster cost --cost $D/cost.tif $FROM --out $OUT/o/kp_cost.tif --compress none" "$OUT/o/kp_cost.tif"
    run cost klimapakt_zstd "$r" "$KP raster cost --cost $D/cost.tif $FROM --out $OUT/o/kp_cost_zstd.tif" "$OUT/o/kp_cost_zstd.tif"
    run cost klimapakt_zstd_seq "$r" "$KP raster cost --cost $D/cost.tif $FROM --out $OUT/o/kp_cost_seq.tif --threads 1" "$OUT/o/kp_cost_seq.tif"
    if [ "$r" -le "$SLOW_ROUNDS" ]; then
      run cost skimage_mcp "$r" "$PY $PEERS/dist_python.py --data $D --op mcp --out $OUT/o/py_mcp.tif" "$OUT/o/py_mcp.tif"
      [ $HAVE_GRASS = 1 ] && run cost grass_r_cost "$r" "export GMAPSET=s$SIZE; source $PEERS/grass_env.sh; g.region raster=c1; r.cost input=cost output=cd start_coordinates=$GSRC --overwrite"
    fi
  done
  if [ $HAVE_GRASS = 1 ]; then
    ( export GMAPSET=s$SIZE; source "$PEERS/grass_env.sh"; g.region raster=c1
      r.out.gdal -c input=cd output="$OUT/o/grass_cost.tif" format=GTiff type=Float64 createopt=TILED=YES --quiet ) > "$OUT/grass_export.log" 2>&1
  fi
  $PY "$PEERS/compare.py" "$OUT/o/py_mcp.tif" "$OUT/o/kp_cost.tif" | sed 's/^/cost vs skimage MCP: /' >> "$OUT/compare.txt"
  $PY "$PEERS/compare.py" "$OUT/o/kp_cost_seq.tif" "$OUT/o/kp_cost_zstd.tif" | sed 's/^/cost all cores vs --threads 1: /' >> "$OUT/compare.txt"
  [ -f "$OUT/o/grass_cost.tif" ] && $PY "$PEERS/compare.py" "$OUT/o/grass_cost.tif" "$OUT/o/kp_cost.tif" | sed 's/^/cost vs GRASS r.cost: /' >> "$OUT/compare.txt" ;;
big)
  # strip-bounded memory: a BIG x BIG grid (4e8 cells for 20000) scored from uncompressed tiled inputs
  echo "== big ${BIG}x${BIG} ($(date +%T))"
  B=$DATA/big$BIG
  mkdir -p "$B"
  for f in c1 c2 c3 c4 c5 mask; do
    [ -f "$B/$f.tif" ] || gdal_translate -q -outsize "$BIG" "$BIG" -r nearest -co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 -co BIGTIFF=YES "$D/$f.tif" "$B/$f.tif"
  done
  BL="--layer $B/c1.tif:0.30 --layer $B/c2.tif:0.25 --layer $B/c3.tif:0.20 --layer $B/c4.tif:0.15 --layer $B/c5.tif:0.10"
  run big klimapakt_none 1 "$KP raster score $BL --mask $B/mask.tif --out $OUT/o/big.tif --compress none" "$OUT/o/big.tif"
  run big klimapakt_zstd 1 "$KP raster score $BL --mask $B/mask.tif --out $OUT/o/big_zstd.tif" "$OUT/o/big_zstd.tif"
  rm -f "$OUT/o/big.tif" "$OUT/o/big_zstd.tif" ;;
esac
done
echo -e "finished\t$(date -u +%FT%TZ)" >> "$OUT/meta.tsv"
$PY "$HERE/summarize_side_by_side.py" "$OUT" "$SIZE" > "$OUT/summary.md"
cat "$OUT/summary.md"
