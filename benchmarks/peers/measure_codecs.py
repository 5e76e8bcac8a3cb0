#!/usr/bin/python3
"""measure_codecs.py DIR [THREADS] - size and time of each GeoTIFF codec on the raster core's uncompressed outputs.

DIR holds score.tif, dist.tif and cost.tif (the outputs of `klimapakt raster score|distance|cost --compress none` on
the peers' inputs, see run_side_by_side.sh). Each file is re-encoded with gdal_translate (tiled 256x256,
NUM_THREADS=THREADS, default ALL_CPUS) with every codec/level/predictor the CLI offers; prints median seconds of 3 and
megabytes per file as a tab-separated table. The 'none' row is the cost of reading and writing alone.
"""
import os, subprocess, sys, tempfile, time

files = ["score", "dist", "cost"]
codecs = [("none", []),
  ("deflate1", ["COMPRESS=DEFLATE", "ZLEVEL=1"]), ("deflate1+p2", ["COMPRESS=DEFLATE", "ZLEVEL=1", "PREDICTOR=2"]),
  ("deflate1+p3", ["COMPRESS=DEFLATE", "ZLEVEL=1", "PREDICTOR=3"]),
  ("deflate3", ["COMPRESS=DEFLATE", "ZLEVEL=3"]), ("deflate3+p3", ["COMPRESS=DEFLATE", "ZLEVEL=3", "PREDICTOR=3"]),
  ("deflate6", ["COMPRESS=DEFLATE"]), ("deflate6+p2", ["COMPRESS=DEFLATE", "PREDICTOR=2"]),
  ("deflate6+p3", ["COMPRESS=DEFLATE", "PREDICTOR=3"]),
  ("zstd1", ["COMPRESS=ZSTD", "ZSTD_LEVEL=1"]), ("zstd1+p2", ["COMPRESS=ZSTD", "ZSTD_LEVEL=1", "PREDICTOR=2"]),
  ("zstd1+p3", ["COMPRESS=ZSTD", "ZSTD_LEVEL=1", "PREDICTOR=3"]), ("zstd3+p3", ["COMPRESS=ZSTD", "ZSTD_LEVEL=3", "PREDICTOR=3"]),
  ("lzw", ["COMPRESS=LZW"]), ("lzw+p2", ["COMPRESS=LZW", "PREDICTOR=2"]), ("lzw+p3", ["COMPRESS=LZW", "PREDICTOR=3"]),
]
src = sys.argv[1]
threads = sys.argv[2] if len(sys.argv) > 2 else "ALL_CPUS"
tmp = tempfile.mkdtemp(prefix="kp-codecs-")
print(f"# threads={threads}")
print("codec\t" + "\t".join(f"{f}_s\t{f}_MB" for f in files))
for name, co in codecs:
    row = [name]
    for f in files:
        out = os.path.join(tmp, f"{f}_{name}.tif")
        ts = []
        for _ in range(3):
            if os.path.exists(out):
                os.remove(out)
            args = ["gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=256", "-co", "BLOCKYSIZE=256",
                    "-co", f"NUM_THREADS={threads}"]
            for c in co:
                args += ["-co", c]
            subprocess.run(["sync"])
            t0 = time.perf_counter()
            subprocess.run(args + [os.path.join(src, f + ".tif"), out], check=True)
            ts.append(time.perf_counter() - t0)
        ts.sort()
        row += [f"{ts[1]:.3f}", f"{os.path.getsize(out) / 1e6:.1f}"]
        os.remove(out)
    print("\t".join(row), flush=True)
os.rmdir(tmp)
