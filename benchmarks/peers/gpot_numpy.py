#!/usr/bin/python3
"""G.POT per cell with numpy: the peer of RasterKernels.GPotEnergy for benchmarks/peers/gpot_side_by_side.sh.

G.POT (Casasso & Sethi 2016, as in GRASS r.green.gshp; ../shared/docs/DOMAIN.md section 2), r.green.gshp's defaults:
  t'c = tc/365,  alpha = lambda/rhoc,  u'c = rb^2/(4 alpha tc_s),  u's = rb^2/(4 alpha ts_s)
  G   = -0.619 t'c ln(u's) + (0.532 t'c - 0.962) ln(u'c) - 0.455 t'c - 1.619
  Q   = 8 (T0 - Tlim) lambda L t'c / (G + 4 pi lambda Rb)   [W];   E = Q 8760 / 1e6   [MWh/yr]
  Rb  = ln(rb / (sqrt(n) rp)) / (2 pi lambda_grout)         (Shonder & Beck; 0.0677803 m K/W with the defaults)
lambda <= 0 or NaN gives NaN (as the kernel).

usage:
  gpot_numpy.py gen --size N --out DIR            deterministic lambda.tif (W/m/K, 0.5-4.0, ~0.5 % NaN = NoData) and
                                                  t0.tif (degC, 8-13): float32 GeoTIFF, EPSG:2169, 10 m, tiled 256x256,
                                                  uncompressed, origin (40000, 140000) like ../shared/peers/gen_inputs.py
  gpot_numpy.py mem --data DIR --impl IMPL [--reps 7] [--out OUT.tif]
      inputs loaded untimed, kernel timed in-process (median of reps after one warm-up); one JSON line.
      IMPL numpy          the formula as written above, per cell (two logs, a temporary per operator: how a user
                          writes it, and what r.green.gshp's r.mapcalc expression evaluates)
           numpy_blocked  the same algebra the kernel uses (G = g0 + g1 ln lambda, constants folded in double once,
                          one log per cell), ufuncs with out= over 8-row strips: the fastest plain numpy we found
           numpy64        the formula as written in float64: the accuracy reference (not a contender)
  gpot_numpy.py summarize OUT SIZE               markdown summary of one gpot_side_by_side.sh run
"""
import argparse, json, math, os, re, resource, statistics, sys, time
from collections import defaultdict

import numpy as np

# r.green.gshp's defaults (GPotParameters in src/KlimaPakt.Geo.Core/Geothermal/GPotParameters.cs)
RHOC = 2.5e6        # J/m3/K
TLIM = -2.0         # degC
TC_DAYS = 180.0     # heating season
L = 100.0           # m
RB = 0.075          # m
RP = 0.016          # m
NPIPES = 4
LGROUT = 2.0        # W/m/K
TS_YEARS = 50.0
RBH = math.log(RB / (math.sqrt(NPIPES) * RP)) / (2 * math.pi * LGROUT)  # borehole resistance, m K/W
MWH = 8760 / 1e6
NOD = -9999.0
CELL, X0, Y0 = 10.0, 40000.0, 140000.0
SEED = 20261202


def gen(a):
    from osgeo import gdal, osr
    gdal.UseExceptions()
    n = a.size
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    lam = np.empty((n, n), np.float32)
    t0 = np.empty((n, n), np.float32)
    for r0 in range(0, n, 256):
        r1 = min(n, r0 + 256)
        lam[r0:r1] = np.float32(0.5) + np.float32(3.5) * rng.random((r1 - r0, n), dtype=np.float32)
        t0[r0:r1] = np.float32(8.0) + np.float32(5.0) * rng.random((r1 - r0, n), dtype=np.float32)
        lam[r0:r1][rng.random((r1 - r0, n)) < 0.005] = np.nan  # NoData cells
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2169)
    for name, arr in (("lambda.tif", lam), ("t0.tif", t0)):
        ds = gdal.GetDriverByName("GTiff").Create(os.path.join(a.out, name), n, n, 1, gdal.GDT_Float32,
                                                 options=["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "BIGTIFF=IF_SAFER"])
        ds.SetGeoTransform((X0, CELL, 0.0, Y0, 0.0, -CELL))
        ds.SetProjection(srs.ExportToWkt())
        b = ds.GetRasterBand(1)
        b.SetNoDataValue(NOD)
        b.WriteArray(np.where(np.isnan(arr), np.float32(NOD), arr))
        b.FlushCache()
        ds = None
    print(json.dumps(dict(size=n, out=a.out, nan_cells=int(np.isnan(lam).sum()))))


def read1(path):
    from osgeo import gdal
    gdal.UseExceptions()
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    arr = b.ReadAsArray()
    nd = b.GetNoDataValue()
    if nd is not None:
        arr[arr == np.float32(nd)] = np.nan
    ds = None
    return arr


def k_formula(lam, t0, dtype):
    """The formula exactly as written, one numpy expression per line."""
    lam = lam.astype(dtype, copy=False)
    t0 = t0.astype(dtype, copy=False)
    f = lambda x: dtype(x)  # noqa: E731  scalars of the arrays' type (float32 stays float32)
    tcr = f(TC_DAYS / 365)
    tc_s, ts_s = f(TC_DAYS * 86400), f(TS_YEARS * 365 * 86400)
    alpha = lam / f(RHOC)
    uc = f(RB * RB) / (f(4) * alpha * tc_s)
    us = f(RB * RB) / (f(4) * alpha * ts_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = f(-0.619) * tcr * np.log(us) + (f(0.532) * tcr - f(0.962)) * np.log(uc) - f(0.455) * tcr - f(1.619)
        q = f(8) * (t0 - f(TLIM)) * lam * f(L) * tcr / (g + f(4 * math.pi) * lam * f(RBH))
        e = q * f(MWH)
        return np.where(lam > 0, e, dtype(np.nan))


def folded_constants():
    tcr = TC_DAYS / 365
    ln_uc = math.log(RB * RB * RHOC / (4 * TC_DAYS * 86400))  # + (-ln lambda)
    ln_us = math.log(RB * RB * RHOC / (4 * TS_YEARS * 365 * 86400))
    a, b = -0.619 * tcr, 0.532 * tcr - 0.962
    g0 = a * ln_us + b * ln_uc - 0.455 * tcr - 1.619
    g1 = -a - b
    k = 8 * L * tcr * MWH
    return [np.float32(x) for x in (g0, g1, 4 * math.pi * RBH, k, TLIM)]


def make_blocked(shape, rows=8):
    g0, g1, r, k, tlim = folded_constants()
    out = np.empty(shape, np.float32)
    den = np.empty((rows, shape[1]), np.float32)
    num = np.empty((rows, shape[1]), np.float32)
    bad = np.empty((rows, shape[1]), np.bool_)

    def f(lam, t0):
        with np.errstate(invalid="ignore", divide="ignore"):
            for r0 in range(0, shape[0], rows):
                r1 = min(shape[0], r0 + rows)
                l, t, o = lam[r0:r1], t0[r0:r1], out[r0:r1]
                d, nu, bd = den[: r1 - r0], num[: r1 - r0], bad[: r1 - r0]
                np.log(l, out=d)                 # den = g0 + g1 ln(lambda) + r lambda
                np.multiply(d, g1, out=d)
                np.add(d, g0, out=d)
                np.multiply(l, r, out=nu)
                np.add(d, nu, out=d)
                np.subtract(t, tlim, out=nu)     # num = k (T0 - Tlim) lambda
                np.multiply(nu, l, out=nu)
                np.multiply(nu, k, out=nu)
                np.divide(nu, d, out=o)
                np.less_equal(l, 0, out=bd)      # NaN stays NaN through the arithmetic
                np.copyto(o, np.float32(np.nan), where=bd)
        return out
    return f


def mem(a):
    t0_ = time.perf_counter()
    lam = read1(os.path.join(a.data, "lambda.tif"))
    t0 = read1(os.path.join(a.data, "t0.tif"))
    load_s = time.perf_counter() - t0_
    if a.impl == "numpy":
        k = lambda: k_formula(lam, t0, np.float32)  # noqa: E731
    elif a.impl == "numpy64":
        k = lambda: k_formula(lam, t0, np.float64)  # noqa: E731
    elif a.impl == "numpy_blocked":
        kb = make_blocked(lam.shape)
        k = lambda: kb(lam, t0)  # noqa: E731
    else:
        raise SystemExit("unknown impl " + a.impl)
    out = k()  # warm-up (page-faults the output buffers)
    ts = []
    for _ in range(a.reps):
        s = time.perf_counter()
        out = k()
        ts.append(time.perf_counter() - s)
    med = statistics.median(ts)
    res = dict(impl=a.impl, quantity="energy_MWh_per_yr", cells=int(lam.size), load_s=round(load_s, 3),
               kernel_median_s=med, kernel_min_s=min(ts), kernel_all_s=[round(x, 4) for x in ts],
               cells_per_s=lam.size / med, GBps_12B=lam.size * 12 / med / 1e9, dtype=str(out.dtype),
               nan_cells=int(np.isnan(out).sum()), peak_rss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    if a.out:
        from osgeo import gdal
        src = gdal.Open(os.path.join(a.data, "lambda.tif"))
        ds = gdal.GetDriverByName("GTiff").Create(a.out, out.shape[1], out.shape[0], 1,
                                                 gdal.GDT_Float64 if out.dtype == np.float64 else gdal.GDT_Float32,
                                                 options=["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "BIGTIFF=IF_SAFER"])
        ds.SetGeoTransform(src.GetGeoTransform())
        ds.SetProjection(src.GetProjection())
        b = ds.GetRasterBand(1)
        b.SetNoDataValue(NOD)
        b.WriteArray(np.where(np.isnan(out), out.dtype.type(NOD), out))
        ds = None
    print(json.dumps(res))


def summarize(out, size):
    """Medians per contender over rounds, the median of the per-round ratios, the bandwidth bound, the targets."""
    med = statistics.median
    cells = size * size
    runs = defaultdict(dict)  # round -> impl -> seconds per size^2 cells
    for line in open(os.path.join(out, "mem.jsonl")):
        try:
            j = json.loads(line)
        except ValueError:
            continue
        runs[j["round"]][j["impl"]] = j["kernel_median_s"] * cells / j["cells"]
    bw = defaultdict(dict)  # round -> stream kernel -> GB/s (median of membw's repetitions)
    for line in open(os.path.join(out, "membw.txt")):
        m = re.match(r"round (\d+) (copy|add|copy_nt)\s.*median\s+([\d.]+) GB/s", line)
        if m:
            bw[int(m.group(1))][m.group(2)] = float(m.group(3))
    meta = open(os.path.join(out, "meta.tsv")).read().strip().replace("\t", " ").replace("\n", "; ")
    print(f"# G.POT kernel vs numpy, {size}x{size} ({cells / 1e6:.0f} M cells), one interleaved run\n")
    print(f"Run: {meta}.\n")
    ip = os.path.join(out, "idle.log")
    if os.path.exists(ip):
        idle = [l.strip() for l in open(ip) if l.strip()]
        print("Machine state before each round (waitidle.sh, < 8 % busy; load average 1/5/15 min):\n")
        for l in idle:
            print(f"- {l}")
        print()
    impls = sorted({i for r in runs.values() for i in r}, key=lambda s: (not s.startswith("klimapakt"), s))
    rounds = sorted(runs)
    print("## Seconds per call (each process: median of its repetitions; inputs in memory, loaded untimed)\n")
    print("| contender | " + " | ".join(f"round {r}" for r in rounds) + " | median | G cells/s | GB/s at 12 B/cell |")
    print("|---|" + "---|" * (len(rounds) + 3))
    for i in impls:
        v = [runs[r][i] for r in rounds if i in runs[r]]
        print(f"| {i} | " + " | ".join(f"{runs[r][i]:.4f}" if i in runs[r] else "-" for r in rounds)
              + f" | {med(v):.4f} | {cells / med(v) / 1e9:.2f} | {cells * 12 / med(v) / 1e9:.2f} |")
    print()
    ours = "klimapakt_simd_allcores"

    def ratio(peer, mine=ours):
        rs = [runs[r][peer] / runs[r][mine] for r in rounds if peer in runs[r] and mine in runs[r]]
        return (med(rs), rs) if rs else (float("nan"), [])

    targets = []
    print("## Ratios (per round: peer seconds / ours in the same round; median over rounds)\n")
    print("| ratio | per round | median |")
    print("|---|---|---|")
    for peer, mine, label in (("numpy", ours, "numpy (formula as written) / ours, all cores"),
                              ("numpy_blocked", ours, "numpy_blocked (folded, strips) / ours, all cores"),
                              ("numpy", "klimapakt_simd_1core", "numpy / ours, one core (like for like: numpy is single-threaded)"),
                              ("numpy_blocked", "klimapakt_simd_1core", "numpy_blocked / ours, one core"),
                              ("klimapakt_scalar_1core", "klimapakt_simd_1core", "our scalar / our SIMD (Best), one core"),
                              ("klimapakt_simd_1core", "klimapakt_v256_1core", "our seconds, Best (Vector512) / Vector256, one core (> 1: Vector512 slower)"),
                              ("klimapakt_simd_allcores", "klimapakt_v256_allcores", "our seconds, Best (Vector512) / Vector256, all cores"),
                              ("numpy", "klimapakt_v256_allcores", "numpy / ours with Vector256, all cores"),
                              ("numpy_blocked", "klimapakt_v256_allcores", "numpy_blocked / ours with Vector256, all cores")):
        m, rs = ratio(peer, mine)
        if rs:
            print(f"| {label} | {', '.join(f'{x:.2f}' for x in rs)} | **{m:.2f}x** |")
            if peer == "numpy" and mine == ours:
                targets.append(("ours >= 10x numpy (formula as written)", f"{m:.1f}x", m >= 10))
            if peer == "numpy_blocked" and mine == ours:
                targets.append(("ours >= 10x the fastest numpy variant (information)", f"{m:.1f}x", m >= 10))
    print()
    print("## Memory-bandwidth bound (membw.c, 2 threads, STREAM byte counting)\n")
    print("Bound = 12 B/cell (lambda + T0 in, E out, float32) x cells / bandwidth. Fraction = bound / our seconds "
          "in the same round (1.0 = at the limit).\n")
    print("| bandwidth from | per round GB/s | median GB/s | bound s | fraction per round | median fraction |")
    print("|---|---|---|---|---|---|")
    for kind, label in (("copy", "STREAM copy (1 in, 1 out; the issue's yardstick)"),
                        ("add", "STREAM add (2 in, 1 out: G.POT's access pattern)"),
                        ("copy_nt", "copy with non-temporal stores (information)")):
        rs = [r for r in rounds if kind in bw.get(r, {}) and ours in runs[r]]
        if not rs:
            continue
        fr = [cells * 12 / (bw[r][kind] * 1e9) / runs[r][ours] for r in rs]
        g = med([bw[r][kind] for r in rs])
        print(f"| {label} | {', '.join(f'{bw[r][kind]:.1f}' for r in rs)} | {g:.1f} | {cells * 12 / (g * 1e9):.4f} | "
              f"{', '.join(f'{x:.2f}' for x in fr)} | **{med(fr):.2f}** |")
        if kind == "copy":
            targets.append(("ours >= 0.8 of the bandwidth bound (copy)", f"{med(fr):.2f}", med(fr) >= 0.8))
        if kind == "add":
            targets.append(("ours >= 0.8 of the bandwidth bound (add, information)", f"{med(fr):.2f}", med(fr) >= 0.8))
    print()
    cp = os.path.join(out, "compare.txt")
    if os.path.exists(cp):
        print("## Equality (../shared/peers/compare.py, reference first; NoData = NaN input cells)\n")
        for l in open(cp):
            if l.strip():
                print(f"- {l.strip()}")
        print()
    print("## Targets\n")
    print("| target | measured | met |")
    print("|---|---|---|")
    for name, val, ok in targets:
        print(f"| {name} | {val} | {'yes' if ok else 'no'} |")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "summarize":
        summarize(sys.argv[2], int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["gen", "mem"])
    ap.add_argument("--size", type=int, default=8192)
    ap.add_argument("--out", default=None)
    ap.add_argument("--data", default="/tmp/raster-peers-data/gpot/8192")
    ap.add_argument("--impl", default="numpy")
    ap.add_argument("--reps", type=int, default=7)
    a = ap.parse_args()
    if a.mode == "gen":
        if not a.out:
            raise SystemExit("gen needs --out DIR")
        gen(a)
    else:
        mem(a)


if __name__ == "__main__":
    main()
