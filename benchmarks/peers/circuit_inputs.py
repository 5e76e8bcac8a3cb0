#!/usr/bin/python3
"""Seeded random resistance rasters for the circuit side-by-side (benchmarks/peers/circuit_side_by_side.sh).

Writes $DATA/circuits/<size>/{r,s,g}.tif on the peers' grid (EPSG:2169, 10 m cells, origin (40000, 140000), tiled 256):
  r.tif  resistance 1..1000 ohm: 10**(3 * clip(0.7 * smooth + 0.3 * noise)), smooth = gen_inputs.smooth_field
  s.tif  1 A at the cells (int(fx*n), int(fy*n)) for (fx, fy) in (0.2,0.3) (0.5,0.5) (0.8,0.2), 0 elsewhere
  g.tif  1 (ground) at (0.7,0.75) and (0.3,0.8), 0 elsewhere
usage: circuit_inputs.py --size N [--peers DIR]
"""
import argparse, os, sys
import numpy as np

SOURCES = [(0.2, 0.3), (0.5, 0.5), (0.8, 0.2)]
GROUNDS = [(0.7, 0.75), (0.3, 0.8)]
SEED = 20261202


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--peers", default=os.environ.get("PEERS", "/work/shared/peers"))
    a = ap.parse_args()
    sys.path.insert(0, a.peers)
    from gen_inputs import smooth_field, write  # the peers' own generator and GeoTIFF writer
    from osgeo import gdal
    n = a.size
    out = os.path.join(os.environ.get("DATA", "/tmp/raster-peers-data"), "circuits", str(n))
    os.makedirs(out, exist_ok=True)
    f = smooth_field(n, SEED, noise=0.0)
    noise = np.random.default_rng(SEED).random((n, n), dtype=np.float32)
    f = np.clip(np.float32(0.7) * f + np.float32(0.3) * noise, 0, 1)
    r = np.power(np.float32(10), np.float32(3) * f).astype(np.float32)
    write(os.path.join(out, "r.tif"), r, gdal.GDT_Float32, "NONE")
    del r, f, noise
    s = np.zeros((n, n), dtype=np.float32)
    for fx, fy in SOURCES:
        s[int(fy * n), int(fx * n)] = 1
    write(os.path.join(out, "s.tif"), s, gdal.GDT_Float32, "NONE")
    g = np.zeros((n, n), dtype=np.uint8)
    for fx, fy in GROUNDS:
        g[int(fy * n), int(fx * n)] = 1
    write(os.path.join(out, "g.tif"), g, gdal.GDT_Byte, "NONE")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
