#!/usr/bin/env python3
"""Summaries for run.sh, from stdin.
   stats.py        psql output: \\timing lines (Time: x ms) summed per tile between 'TILE [layers]' markers.
                   Prints: tiles mean p50 p99 (ms per tile).
   stats.py layers the same per layer (or composite) named by the markers: one line 'layers tiles mean p50 p99' each.
   stats.py bytes  lines 'status bytes layers z x y' (one per tile, from the probe requests).
                   Prints: tiles empty total mean max largest (largest: layers/z/x/y of the biggest tile)."""
import re, sys

if sys.argv[1:] == ["bytes"]:
    rows = [line.split() for line in sys.stdin if line.strip()]
    if not rows:
        sys.exit("no tiles")
    sizes = [int(r[1]) for r in rows]
    big = max(rows, key=lambda r: int(r[1]))
    empty = sum(1 for r in rows if r[0] == "204")
    print(f"{len(rows)} {empty} {sum(sizes)} {sum(sizes) / len(sizes):.0f} {big[1]} {big[2]}/{big[3]}/{big[4]}/{big[5]}")
    sys.exit(0)

by_layer = "layers" in sys.argv[1:]
tiles, current, name = [], None, None
def close():
    if current is not None:
        tiles.append((name, current))
for line in sys.stdin:
    if line.strip().split(" ")[0] == "TILE":
        close()
        current, name = 0.0, (line.strip().split(" ") + ["-"])[1]
    elif (m := re.match(r"Time: ([0-9.]+) ms", line.strip())) and current is not None:
        current += float(m.group(1))
close()
if not tiles:
    sys.exit("no timings")
def summary(times):
    times = sorted(times)
    pct = lambda p: times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]
    return f"{len(times)} {sum(times) / len(times):.2f} {pct(50):.2f} {pct(99):.2f}"
if by_layer:
    for layers in dict.fromkeys(n for n, _ in tiles):
        print(layers, summary([t for n, t in tiles if n == layers]))
else:
    print(summary([t for _, t in tiles]))
