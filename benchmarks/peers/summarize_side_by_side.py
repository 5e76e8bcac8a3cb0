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
          + (f"; not idle after 2 min: {', '.join(l.split(' NOT-IDLE')[0] for l in busy)}" if busy else "") + ".\n")
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


def table(stage, title, kp_impl, peers, note=""):
    keys = [k for k in times if k[0] == stage]
    if not keys:
        return None
    print(f"## {title}\n")
    if note:
        print(note + "\n")
    print("| contender | median s | runs | peak RSS MiB | ratio peer / klimapakt |")
    print("|---|---|---|---|---|")
    base = med(times[(stage, kp_impl)]) if (stage, kp_impl) in times else None
    for k in sorted(keys, key=lambda k: med(times[k])):
        v = times[k]
        ratio = f"{med(v) / base:.2f}x" if base else ""
        print(f"| {k[1]} | {med(v):.3f} | {len(v)} | {max(rss[k]) / 1024:.0f} | {ratio} |")
    print()
    return base


b = table("score", "Weighted overlay, GeoTIFF in -> GeoTIFF out (whole process)", "klimapakt", [],
          "klimapakt writes uncompressed tiles like gdal_calc.py and the numpy peers (`--compress none`); `klimapakt_deflate` is the default DEFLATE output for information.")
if b:
    g = med(times[("score", "gdal_calc")]) / b if ("score", "gdal_calc") in times else None
    if g:
        targets.append(("CLI score >= 3x faster than gdal_calc.py", f"{g:.2f}x", g >= 3))
    in_out = (5 * 4 + 1 + 4) * cells / 2**20
    peak = max(rss[("score", "klimapakt")]) / 1024
    targets.append(("CLI score peak RSS <= 1.5x inputs+output", f"{peak:.0f} MiB vs {1.5 * in_out:.0f} MiB allowed", peak <= 1.5 * in_out))
b = table("distance", "Euclidean distance to features.tif != 0 (whole process)", "klimapakt", [])
if b and ("distance", "gdal_proximity") in times:
    r = med(times[("distance", "gdal_proximity")]) / b
    targets.append(("distance >= 5x faster than gdal_proximity.py", f"{r:.2f}x", r >= 5))
b = table("cost", "Cost-distance from 5 sources (whole process)", "klimapakt", [])
if b and ("cost", "grass_r_cost") in times:
    r = med(times[("cost", "grass_r_cost")]) / b
    targets.append(("cost-distance >= 4x faster than GRASS r.cost", f"{r:.2f}x", r >= 4))
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
        if line.startswith("cost vs"):
            targets.append((f"{line.split(':')[0]} within 1e-4 relative", f"max rel {rel:.3g}, NoData mismatches {mism}", rel <= 1e-4 and mism == 0))
    print()
if targets:
    print("## Targets from issue 3\n")
    print("| target | measured | met |")
    print("|---|---|---|")
    for name, val, ok in targets:
        print(f"| {name} | {val} | {'yes' if ok else ('no' if ok is not None else '-')} |")
