#!/usr/bin/env bash
# Regenerates rcost_*.asc: GRASS r.cost (Debian grass-core) on a seeded 60 × 40 cost raster of 25 m cells in EPSG:2169,
# from the cells of one patch, untruncated and with max_cost. The test compares the raster core's windowed search with
# these outputs, so CI needs no GRASS. Run from this folder: ./make_rcost_fixture.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
/usr/bin/python3 - "$here" <<'PY'
import sys, numpy as np
out = sys.argv[1]
rng = np.random.default_rng(2026)
h, w = 40, 60
cost = 1 + 99 * rng.random((h, w))
cost[rng.random((h, w)) < 0.05] = np.nan            # barriers
start = np.zeros((h, w), bool)
start[8:12, 10:15] = True                            # the patch: a 5 × 4 block
start[12, 12] = True
cost[start] = 1
def write(name, a, fmt):
    with open(f"{out}/{name}", "w") as f:
        f.write("north: 80000\nsouth: 79000\neast: 61500\nwest: 60000\nrows: 40\ncols: 60\nnull: *\n")
        for row in a:
            f.write(" ".join("*" if not np.isfinite(v) else fmt % v for v in row) + "\n")
write("rcost_cost.asc", cost, "%.9g")
write("rcost_start.asc", np.where(start, 1.0, np.nan), "%d")
PY
grass --tmp-location EPSG:2169 --exec bash -c "
set -e
r.in.ascii input=$here/rcost_cost.asc output=cost --quiet
r.in.ascii input=$here/rcost_start.asc output=start --quiet
g.region raster=cost
r.cost input=cost output=acc start_raster=start --quiet
r.cost input=cost output=acc_max start_raster=start max_cost=600 --quiet
r.out.ascii input=acc output=$here/rcost_out.asc precision=9 null_value=* --quiet
r.out.ascii input=acc_max output=$here/rcost_out_max600.asc precision=9 null_value=* --quiet
"
grass --version 2>&1 | grep -m1 GRASS > "$here/rcost_version.txt"
