#!/usr/bin/env python3
"""Summarises psql output from stdin: \\timing lines (Time: x ms) summed per tile between 'TILE' markers.
Prints: tiles mean p50 p99 (ms per tile)."""
import re, sys
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
