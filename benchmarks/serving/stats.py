#!/usr/bin/env python3
"""Summaries for run.sh, from stdin.
   stats.py        psql output: \\timing lines (Time: x ms) summed per tile between 'TILE' markers.
                   Prints: tiles mean p50 p99 (ms per tile).
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

tiles, current = [], None
for line in sys.stdin:
    if line.strip() == "TILE":
        if current is not None:
            tiles.append(current)
        current = 0.0
    elif (m := re.match(r"Time: ([0-9.]+) ms", line.strip())) and current is not None:
        current += float(m.group(1))
if current is not None:
    tiles.append(current)
if not tiles:
    sys.exit("no timings")
tiles.sort()
def pct(p):
    return tiles[min(len(tiles) - 1, int(round(p / 100 * (len(tiles) - 1))))]
print(f"{len(tiles)} {sum(tiles) / len(tiles):.2f} {pct(50):.2f} {pct(99):.2f}")
