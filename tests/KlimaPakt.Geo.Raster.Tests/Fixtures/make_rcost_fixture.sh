#!/usr/bin/env bash
# Generates rcost.f64 (committed) for PeerFixtureTests: GRASS GIS r.cost (Debian's grass-core, 8 neighbours, the
# default; null cells are barriers) on the same 97 x 61 cost.f32 as make_peer_fixture.py, 10 m cells, from the same
# three source cells. r.cost's unit is the per-cell cost times the step in cells (1 or sqrt 2), halved over the two
# cells of each step. Unreached / barrier cells are written as NaN. Run once: bash make_rcost_fixture.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
grass -c XY "$work/loc" -e
grass "$work/loc/PERMANENT" --exec bash -c "
set -e
g.region n=610 s=0 e=970 w=0 rows=61 cols=97 --quiet
r.in.bin -f input='$here/cost.f32' output=cost bytes=4 order=native north=610 south=0 east=970 west=0 rows=61 cols=97 --quiet
r.univar -g map=cost | grep -E '^(n|null_cells)='
# the sources (row, col) (5, 7), (40, 80), (30, 30) at their cell centres
r.cost input=cost output=acc start_coordinates=75,555,805,205,305,305 --quiet
r.out.bin -f input=acc output='$work/acc.f64' bytes=8 null=-1 --quiet
"
/usr/bin/python3 - "$work/acc.f64" "$here/rcost.f64" <<'PY'
import sys, numpy as np
a = np.fromfile(sys.argv[1], dtype="<f8")
a[a < 0] = np.nan
assert a.size == 97 * 61
a.astype("<f8").tofile(sys.argv[2])
print("rcost cells", np.isfinite(a).sum(), "max", np.nanmax(a))
PY
