#!/usr/bin/python3
"""Markdown table of circuit_side_by_side.sh's circuits.tsv: per size the CLI and each scipy method, seconds, peak RSS
(bytes per cell), iterations, residual, voltage difference, and scipy / klimapakt time ratios."""
import json, sys, re, os

out = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "circuits.tsv"))][1:]
by = {}
for size, impl, secs, rss, rc, load, detail in rows:
    by.setdefault(int(size), []).append((impl, float(secs), int(rss), int(rc), load, detail))
print("| size | contender | wall s | solve s | peak RSS | B/cell | iterations | rel. residual | max rel. ΔV vs klimapakt | load | wall ratio vs klimapakt |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for size in sorted(by):
    kp = next((r for r in by[size] if r[0] == "klimapakt"), None)
    for impl, secs, rss, rc, load, detail in by[size]:
        it = res = dv = solve = "–"
        capped = False
        if detail.startswith("{"):
            d = json.loads(detail)
            it = str(d["iterations"]) + ("" if d["finished"] else " (time cap)")
            res = f"{d['residual']:.1e}" if d.get("residual") is not None else "–"
            dv = f"{d['compare_max_rel']:.1e}" if "compare_max_rel" in d else "–"
            solve = f"{d['solve_s']:.1f}"
            capped = not d["finished"]
        m = re.search(r"(\d+) iterations, residual ([0-9.E+-]+), ([0-9.]+) s", detail)
        if m:
            it, res, solve = m.group(1), m.group(2), m.group(3)
        if rc != 0 and not detail.startswith("{"):
            it = f"failed (rc {rc}: {detail[:60]})"
        # A run stopped at its time cap had not converged: its ratio is a lower bound.
        ratio = f"{'≥ ' if capped else ''}{secs / kp[1]:.1f}×{' measured (not converged)' if capped else ''}" if kp and impl != "klimapakt" else "1"
        if impl.startswith("check-"):
            ratio = "check, not timed against the CLI"  # scipy from the CLI's voltages: the voltage comparison only
        print(f"| {size}² | {impl} | {secs:.1f} | {solve} | {rss / 1024:.0f} MiB | {rss * 1024 / size / size:.1f} | {it} | {res} | {dv} | {load} | {ratio} |")
