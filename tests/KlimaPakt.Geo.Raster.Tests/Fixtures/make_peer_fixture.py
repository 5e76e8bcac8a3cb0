#!/usr/bin/python3
"""Generates the peer-equality fixture used by PeerFixtureTests (run once; outputs are committed).

  /usr/bin/python3 make_peer_fixture.py     (Debian: python3-numpy python3-scipy python3-skimage)

Grid 97 x 61 (ragged on purpose), cells 10 m:
  features.u8   uint8, non-zero = feature (~3 %, seeded)
  cost.f32      float32 friction in [1, 100] (seeded), two NaN barrier blocks
  edt.f64       scipy.ndimage.distance_transform_edt(features == 0, sampling=(10, 10))   (metres)
  mcp.f64       skimage.graph.MCP_Geometric(cost, fully_connected=True).find_costs(SOURCES)  (GRASS r.cost units)
                barrier cells: skimage gives inf for NaN cost; stored as NaN
All little-endian, row-major. SOURCES as (row, col).
"""
import numpy as np
from scipy import ndimage
from skimage.graph import MCP_Geometric

W, H = 97, 61
SOURCES = [(5, 7), (40, 80), (30, 30)]
rng = np.random.default_rng(20261128)
feat = (rng.random((H, W)) < 0.03).astype(np.uint8)
cost = (1 + 99 * rng.random((H, W))).astype(np.float32)
cost[10:20, 50:53] = np.nan
cost[45:47, 0:40] = np.nan
edt = ndimage.distance_transform_edt(feat == 0, sampling=(10.0, 10.0))
c = cost.astype(np.float64)
c_for_mcp = np.where(np.isnan(c), np.inf, c)   # skimage: infinite cost = impassable
mcp, _ = MCP_Geometric(c_for_mcp, fully_connected=True).find_costs(SOURCES)
mcp = np.where(np.isfinite(mcp), mcp, np.nan)
feat.tofile("features.u8")
cost.astype("<f4").tofile("cost.f32")
edt.astype("<f8").tofile("edt.f64")
mcp.astype("<f8").tofile("mcp.f64")
print("edt max", edt.max(), "mcp max", np.nanmax(mcp))
