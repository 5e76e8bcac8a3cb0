#!/usr/bin/python3
"""summarize_side_by_side.py OUT SIZE : markdown summary of one run_side_by_side.sh run (medians, ratios, targets)."""
import json, os, re, statistics, sys
from collections import defaultdict

out, size = sys.argv[1], int(sys.argv[2])
cells = size * size
med = statistics.median


def load_times():
    t = defaultdict(list)
    rss = defaultdict(list)
    load = []
    with open(os.path.join(out, "times.tsv")) as f:
        for line in f:
            stage, impl, rnd, secs, kib, rc, la = line.rstrip("\n").split("\t")
            if rc != "0":
                continue
            t[(stage, impl)].append(float(secs))
            rss[(stage, impl)].append(int(kib))
            load.append(float(la))
    return t, rss, load


times, rss, load = load_times()
print(f"# Raster scoring core vs peers, {size}x{size} ({cells/1e6:.0f} M cells), one interleaved run\n")
meta = open(os.path.join(out, "meta.tsv")).read().strip().replace("\t", " ")
print(f"Run: {meta}. Load average seen at each timed run: min {min(load, default=0):.2f}, median {med(load) if load else 0:.2f}, max {max(load, default=0):.2f} "
      "(2-core VM shared with other work; every round runs each contender once, so ratios are the comparable figures).\n")
ip = os.path.join(out, "idle.log")
if os.path.exists(ip):
    idle = [l.strip() for l in open(ip) if l.strip()]
    busy = [l for l in idle if "NOT-IDLE" in l]
    print(f"Rounds started on an idle machine (waitidle.sh, < 8 % busy): {len(idle) - len(busy)} of {len(idle)}"
          + (f"; not idle within IDLE_WAIT: {', '.join(l.split(' NOT-IDLE')[0] for l in busy)}" if busy else "") + ".\n")
targets = []

# --- overlay in memory
mem = defaultdict(list)
mp = os.path.join(out, "mem.jsonl")
if os.path.exists(mp):
    for line in open(mp):
        try:
            j = json.loads(line)
        except ValueError:
            continue
        impl = j.get("impl")
        if impl in ("numpy_blocked", "numexpr"):
            impl = f"{impl}{'_t' + str(j['threads']) if j.get('threads') else ''}"
            mem[impl].append(j["kernel_median_s"] * cells / j["cells"])
        elif impl and impl.startswith("klimapakt"):
            mem[impl].append(j["median_s"] * cells / j["cells"])
bw = defaultdict(list)
bp = os.path.join(out, "membw.txt")
if os.path.exists(bp):
    for line in open(bp):
        m = re.match(r"round \d+ (overlay(?:_nt)?)\s.*median\s+([\d.]+) s", line)
        if m:
            bw[m.group(1)].append(float(m.group(2)) * cells / 2**27)  # membw runs 2^27 cells
if mem:
    print("## Weighted overlay in memory (5 float32 layers + uint8 mask -> float32; inputs loaded untimed)\n")
    print("| contender | median s per 67 M cells | G cells/s | rounds |")
    print("|---|---|---|---|")
    rows = [(f"membw.c limit, 2 threads, {k.replace('overlay_nt', 'non-temporal stores').replace('overlay', 'normal stores')}", v) for k, v in sorted(bw.items())]
    rows += [(k, v) for k, v in sorted(mem.items())]
    for name, v in rows:
        print(f"| {name} | {med(v):.4f} | {cells / med(v) / 1e9:.2f} | {len(v)} |")
    kp = med(mem.get("klimapakt_simd_allcores", [float("nan")]))
    if bw.get("overlay"):
        frac = med(bw["overlay"]) / kp
        targets.append(("overlay in memory >= 0.8 of the bandwidth bound (normal stores)", f"{frac:.2f}", frac >= 0.8))
    if bw.get("overlay_nt"):
        frac = med(bw["overlay_nt"]) / kp
        targets.append(("overlay in memory vs the non-temporal-store bound (information)", f"{frac:.2f}", None))
    if mem.get("numpy_blocked"):
        r = med(mem["numpy_blocked"]) / kp
        targets.append(("overlay in memory >= 1.6x blocked numpy", f"{r:.2f}x", r >= 1.6))
    print()


sizes = {}
sp = os.path.join(out, "sizes.tsv")
if os.path.exists(sp):
    for line in open(sp):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 4:
            sizes[os.path.basename(parts[2])] = int(parts[3])


def table(stage, title, note=""):
    keys = [k for k in times if k[0] == stage]
    if not keys:
        return False
    print(f"## {title}\n")
    if note:
        print(note + "\n")
    print("| contender | median s | min s | runs | peak RSS MiB |")
    print("|---|---|---|---|---|")
    for k in sorted(keys, key=lambda k: med(times[k])):
        v = times[k]
        print(f"| {k[1]} | {med(v):.3f} | {min(v):.3f} | {len(v)} | {max(rss[k]) / 1024:.0f} |")
    print()
    return True


def pairs(stage, rows, target=None):
    """rows: (output, klimapakt impl, peer impl, klimapakt file, peer file); ratio = peer median / klimapakt median."""
    shown = [r for r in rows if (stage, r[1]) in times and (stage, r[2]) in times]
    if not shown:
        return
    print("Like for like (same output compression), ratios of medians from this run:\n")
    print("| output | klimapakt s | peer | peer s | ratio | klimapakt MB | peer MB |")
    print("|---|---|---|---|---|---|---|")
    for output, kp, peer, kf, pf in shown:
        a, b = med(times[(stage, kp)]), med(times[(stage, peer)])
        mb = lambda f: f"{sizes[f] / 1e6:.1f}" if f in sizes else ""
        print(f"| {output} | {a:.3f} | {peer} | {b:.3f} | {b / a:.2f}x | {mb(kf)} | {mb(pf)} |")
        if target and not peer.startswith("skimage") and not kp.endswith("_seq"):
            targets.append((f"{stage} ({output}) >= {target}x {peer.rsplit('_', 1)[0]}", f"{b / a:.2f}x", b / a >= target))
    print()


if table("startup", "Fixed start-up cost: one command on a 1-cell raster (whole process)",
         "What every command costs before it touches a cell: runtime, command line, loading GDAL, the input's CRS."):
    for impl in ("klimapakt_score", "klimapakt_distance", "klimapakt_cost"):
        if ("startup", impl) in times:
            targets.append((f"start-up {impl} (information)", f"{med(times[('startup', impl)]) * 1000:.0f} ms", None))
if table("score", "Weighted overlay, GeoTIFF in -> GeoTIFF out (whole process)"):
    pairs("score", [("uncompressed", "klimapakt_none", "gdal_calc_none", "kp_score.tif", "gdalcalc.tif"),
                    ("ZSTD 1 (our default)", "klimapakt_zstd", "gdal_calc_zstd", "kp_score_zstd.tif", "gdalcalc_zstd.tif"),
                    ("DEFLATE 6", "klimapakt_deflate", "gdal_calc_deflate", "kp_score_deflate.tif", "gdalcalc_deflate.tif")], 5)
if table("distance", "Euclidean distance to features.tif != 0 (whole process)"):
    pairs("distance", [("uncompressed", "klimapakt_none", "gdal_proximity_none", "kp_dist.tif", "prox.tif"),
                       ("ZSTD 1 (our default)", "klimapakt_zstd", "gdal_proximity_zstd", "kp_dist_zstd.tif", "prox_zstd.tif"),
                       ("DEFLATE 6", "klimapakt_deflate", "gdal_proximity_deflate", "kp_dist_deflate.tif", "prox_deflate.tif")], 5)
if table("cost", "Cost-distance from 5 sources (whole process)"):
    pairs("cost", [("uncompressed vs r.cost", "klimapakt_none", "grass_r_cost", "", ""),
                   ("ZSTD 1 vs r.cost", "klimapakt_zstd", "grass_r_cost", "", ""),
                   ("ZSTD 1, --threads 1 (sequential) vs r.cost", "klimapakt_zstd_seq", "grass_r_cost", "", ""),
                   ("uncompressed vs skimage MCP", "klimapakt_none", "skimage_mcp", "", "")], 12)
keys = [k for k in times if k[0] == "big"]
if keys:
    print("## Strip-bounded memory: 20000 x 20000 (4e8 cells) score, uncompressed tiled inputs\n")
    print("| variant | s | peak RSS MiB |")
    print("|---|---|---|")
    for k in sorted(keys):
        print(f"| {k[1]} | {med(times[k]):.2f} | {max(rss[k]) / 1024:.0f} |")
        targets.append((f"20000^2 score ({k[1]}) peak < 2 GiB", f"{max(rss[k]) / 1024:.0f} MiB", max(rss[k]) < 2 * 1024 * 1024))
    print()
cp = os.path.join(out, "compare.txt")
if os.path.exists(cp):
    print("## Equality (compare.py: reference first)\n")
    for line in open(cp):
        print("- " + line.strip())
        m = re.search(r"nodata mismatches (\d+) .*max\|diff\| (\S+) .*max rel (\S+)", line)
        if not m:
            continue
        mism, dmax, rel = int(m.group(1)), float(m.group(2)), float(m.group(3))
        if line.startswith("score vs numpy"):
            targets.append(("score equals numpy within 1e-5", f"max|diff| {dmax:.3g}, NoData mismatches {mism}", dmax <= 1e-5 and mism == 0))
        if line.startswith("distance vs scipy"):
            targets.append(("distance equals scipy EDT within 1e-3 m", f"max|diff| {dmax:.3g} m, NoData mismatches {mism}", dmax <= 1e-3 and mism == 0))
        if line.startswith("cost all cores"):
            targets.append(("cost on all cores equals --threads 1 to the bit", f"max|diff| {dmax:.3g}, NoData mismatches {mism}", dmax == 0 and mism == 0))
        if line.startswith("cost vs"):
            targets.append((f"{line.split(':')[0]} within 1e-4 relative", f"max rel {rel:.3g}, NoData mismatches {mism}", rel <= 1e-4 and mism == 0))
    print()
if targets:
    print("## Targets from issue 15\n")
    print("| target | measured | met |")
    print("|---|---|---|")
    for name, val, ok in targets:
        print(f"| {name} | {val} | {'yes' if ok else ('no' if ok is not None else '-')} |")
