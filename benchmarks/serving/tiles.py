#!/usr/bin/env python3
"""Writes the fixed tile list of the tile benchmark: layer z x y, across zooms, over Luxembourg and Liechtenstein."""
import math

def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y

places = {"luxembourg": (6.13, 49.61), "esch": (5.98, 49.50), "clervaux": (6.03, 50.05), "vaduz": (9.52, 47.14)}
rows = []
for name, (lon, lat) in places.items():
    for z in range(6, 15):
        x, y = tile(lon, lat, z)
        rows.append(("communes", z, x, y))
        if z >= 10:
            rows.append(("communes,ev_chargers,places,roads", z, x, y))
    if name == "vaduz":
        for z in range(12, 16):
            x, y = tile(lon, lat, z)
            rows.append(("buildings", z, x, y))
seen = []
for r in rows:
    if r not in seen:
        seen.append(r)
for layer, z, x, y in seen:
    print(layer, z, x, y)
