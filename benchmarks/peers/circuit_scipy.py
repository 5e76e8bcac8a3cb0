#!/usr/bin/python3
"""The grounded graph Laplacian of a resistance raster solved with scipy.sparse.linalg — the peer of
`klimapakt raster current` (same graph: 8 neighbours, link conductance = mean of the two cells' conductances, / sqrt(2)
on diagonals, NoData removed, grounds eliminated at 0 V; same relative-residual tolerance ||b - A v|| <= tol ||b||).

usage: circuit_scipy.py --resistance R --sources S --grounds G --method spsolve|cg|cg-jacobi [--tol 1e-8]
                        [--time-limit SECONDS] [--voltage-out V.tif] [--compare OTHER_V.tif] [--x0 START_V.tif]
Prints one JSON line: method, cells, unknowns, nnz, build_s, solve_s, iterations, relative residual (recomputed),
finished (false when the time limit stopped it), and with --compare the max relative voltage difference.
--x0 starts cg from a voltage raster (e.g. the CLI's float32 --voltage-out): where scipy's cold solve would take hours
(4096²), cg from the CLI's voltages must still bring scipy's own residual down to --tol, and the converged voltages are
then compared (--compare) with the CLI's: the CLI's answer is checked against scipy's system, not assumed.
"""
import argparse, json, sys, time
import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from osgeo import gdal

gdal.UseExceptions()


def read(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    if nd is not None:
        a[a == nd] = np.nan
    return a, ds


def laplacian(r, eight=True):
    h, w = r.shape
    g = np.where(np.isfinite(r) & (r > 0), 1.0 / r, 0.0).ravel()
    idx = np.arange(h * w, dtype=np.int64).reshape(h, w)
    rows, cols, vals = [], [], []
    dirs = [((0, 1), 1.0), ((1, 0), 1.0)] + ([((1, 1), 2 ** -0.5), ((1, -1), 2 ** -0.5)] if eight else [])
    for (dy, dx), f in dirs:
        a = idx[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)].ravel()
        b = idx[max(0, dy):h - max(0, -dy) if dy <= 0 else h, max(0, dx):w if dx >= 0 else w + dx].ravel()
        wt = (g[a] + g[b]) / 2 * f
        keep = (g[a] > 0) & (g[b] > 0)
        rows.append(a[keep]); cols.append(b[keep]); vals.append(wt[keep])
    i = np.concatenate(rows); j = np.concatenate(cols); v = np.concatenate(vals)
    return g, i, j, v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resistance", required=True)
    ap.add_argument("--sources", required=True)
    ap.add_argument("--grounds", required=True)
    ap.add_argument("--method", required=True, choices=["spsolve", "cg", "cg-jacobi"])
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--time-limit", type=float, default=1e9)
    ap.add_argument("--voltage-out")
    ap.add_argument("--compare")
    ap.add_argument("--x0")
    a = ap.parse_args()
    t0 = time.perf_counter()
    r, ds = read(a.resistance)
    s, _ = read(a.sources)
    gr, _ = read(a.grounds)
    h, w = r.shape
    n = h * w
    g, i, j, v = laplacian(r)
    ground = (np.nan_to_num(gr).ravel() != 0) & (g > 0)
    free = (g > 0) & ~ground
    k = -np.ones(n, dtype=np.int64)
    k[free] = np.arange(free.sum())
    m = int(free.sum())
    diag = np.bincount(i, v, minlength=n) + np.bincount(j, v, minlength=n)
    both = free[i] & free[j]
    ki, kj, kv = k[i[both]], k[j[both]], v[both]
    del i, j, v
    A = sp.csr_matrix((np.concatenate([-kv, -kv, diag[free]]),
                       (np.concatenate([ki, kj, np.arange(m)]), np.concatenate([kj, ki, np.arange(m)]))), shape=(m, m))
    del ki, kj, kv
    b = np.nan_to_num(s).ravel()[free]
    x0 = None
    if a.x0:
        x0 = np.nan_to_num(read(a.x0)[0]).ravel()[free]
    t1 = time.perf_counter()
    iters = [0]
    finished = True

    class TimeUp(Exception):
        pass

    last = [None]

    def cb(xk):
        iters[0] += 1
        last[0] = xk
        if time.perf_counter() - t1 > a.time_limit:
            raise TimeUp()

    x = None
    try:
        if a.method == "spsolve":
            x = spla.spsolve(A.tocsc(), b)
            iters[0] = 1
        else:
            M = sp.diags(1.0 / A.diagonal()) if a.method == "cg-jacobi" else None
            x, info = spla.cg(A, b, x0=x0, tol=a.tol, atol=0.0, M=M, maxiter=10 ** 7, callback=cb)
    except TimeUp:
        finished = False
        x = last[0]
    t2 = time.perf_counter()
    res = float(np.linalg.norm(b - A @ x) / np.linalg.norm(b)) if x is not None else None
    out = dict(method=a.method, scipy=scipy.__version__, cells=n, unknowns=m, nnz=int(A.nnz), build_s=round(t1 - t0, 3),
               solve_s=round(t2 - t1, 3), iterations=iters[0], residual=res, finished=finished,
               x0=a.x0, x0_residual=float(np.linalg.norm(b - A @ x0) / np.linalg.norm(b)) if x0 is not None else None)
    vol = np.full(n, np.nan)
    vol[ground] = 0
    if x is not None:
        vol[free] = x
    if a.voltage_out:
        drv = gdal.GetDriverByName("GTiff")
        o = drv.Create(a.voltage_out, w, h, 1, gdal.GDT_Float32, options=["TILED=YES"])
        o.SetGeoTransform(ds.GetGeoTransform()); o.SetProjection(ds.GetProjection())
        bd = o.GetRasterBand(1); bd.SetNoDataValue(-9999)
        bd.WriteArray(np.where(np.isnan(vol), -9999, vol).reshape(h, w).astype(np.float32)); o = None
    if a.compare:
        other, _ = read(a.compare)
        other = other.ravel()
        ok = np.isfinite(other) & np.isfinite(vol)
        out["compare_max_rel"] = float(np.max(np.abs(other[ok] - vol[ok])) / np.max(np.abs(vol[ok])))
        out["compare_nodata_mismatch"] = int((np.isfinite(other) != np.isfinite(vol)).sum())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
