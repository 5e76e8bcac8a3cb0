#!/usr/bin/env python3
"""Writes the fixed tile list of the tile benchmark, across zooms, over Luxembourg and Liechtenstein.

   tiles.py [catalog.json]

One line per tile: group layers z x y region. group is 'input' (imported layers) or 'result' (layers of published
analysis runs); region is the region the tile shows ('lu' or 'li'): run.sh serves a result tile from the latest
published run of its layer's kind in that region. With the API's /catalog, tiles outside a layer's zoom range (a
composite: the range all its layers share) are left out, so no request answers 400."""
import json, math, sys

def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y

places = {"luxembourg": (6.13, 49.61, "lu"), "esch": (5.98, 49.50, "lu"), "clervaux": (6.03, 50.05, "lu"),
          "vaduz": (9.52, 47.14, "li")}
ev = ["ev_gaps", "ev_coverage", "ev_sites"]                   # EV runs: Luxembourg
wind = ["wind_potential", "wind_exclusions", "wind_turbines"]  # wind runs: Luxembourg and Liechtenstein
wind_composite = ",".join(wind)
rows = []
for name, (lon, lat, region) in places.items():
    for z in range(6, 15):
        x, y = tile(lon, lat, z)
        rows.append(("input", "communes", z, x, y, region))
        if z >= 10:
            rows.append(("input", "communes,ev_chargers,places,roads", z, x, y, region))
    if name == "vaduz":
        for z in range(12, 16):
            x, y = tile(lon, lat, z)
            rows.append(("input", "buildings", z, x, y, region))
for name, (lon, lat, region) in places.items():
    for z in range(6, 15):
        x, y = tile(lon, lat, z)
        for layer in (ev if region == "lu" else []) + wind:
            rows.append(("result", layer, z, x, y, region))
        if z >= 10:
            rows.append(("result", wind_composite, z, x, y, region))

zooms = None
if len(sys.argv) > 1:
    with open(sys.argv[1]) as f:
        zooms = {name: (l["minzoom"], l["maxzoom"]) for name, l in json.load(f)["tiles"].items()}

def servable(layers, z):
    if zooms is None:
        return True
    names = layers.split(",")
    if any(n not in zooms for n in names):
        sys.exit(f"layer not in /catalog: {layers}")
    return max(zooms[n][0] for n in names) <= z <= min(zooms[n][1] for n in names)

seen = set()
for row in rows:
    if row[:5] in seen or not servable(row[1], row[2]):
        continue
    seen.add(row[:5])
    print(*row)
