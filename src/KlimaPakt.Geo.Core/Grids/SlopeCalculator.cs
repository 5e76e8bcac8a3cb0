using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>Terrain slope from a digital elevation model.</summary>
public static class SlopeCalculator
{
    /// <summary>
    /// Slope in degrees by Horn's method (3 × 3 window, GDAL <c>gdaldem slope</c>'s default; edge cells replicate their
    /// neighbours); NaN where one of the eight neighbours' elevations is NaN (the window leaves its centre out). Parallel over rows.
    /// </summary>
    /// <param name="grid">Grid of the elevation (metric CRS, so the gradient is metres per metre).</param>
    /// <param name="elevationMeters">Row-major elevation in metres.</param>
    /// <param name="zones">When given, only cells with a non-zero zone get a slope (NaN elsewhere): the region's cells.</param>
    /// <returns>Row-major slope in degrees, 0 (flat) to 90.</returns>
    public static float[] SlopeDegrees(GridSpec grid, float[] elevationMeters, int[]? zones = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(elevationMeters);
        int w = grid.Width, h = grid.Height;
        if (elevationMeters.Length < grid.CellCount) throw new ArgumentException($"Need {grid.CellCount} cells.", nameof(elevationMeters));
        if (zones is not null && zones.Length < grid.CellCount) throw new ArgumentException($"Need {grid.CellCount} zones.", nameof(zones));
        var slope = GC.AllocateUninitializedArray<float>(checked((int)grid.CellCount));
        double dx8 = 8 * grid.CellSizeX, dy8 = 8 * grid.CellSizeY;
        Parallel.For(0, h, r =>
        {
            int ru = Math.Max(r - 1, 0), rd = Math.Min(r + 1, h - 1);
            var up = elevationMeters.AsSpan(ru * w, w);
            var mid = elevationMeters.AsSpan(r * w, w);
            var down = elevationMeters.AsSpan(rd * w, w);
            var output = slope.AsSpan(r * w, w);
            var zone = zones is null ? default : zones.AsSpan(r * w, w);
            for (int c = 0; c < w; c++)
            {
                if (zones is not null && zone[c] == 0) { output[c] = float.NaN; continue; }
                int cl = c > 0 ? c - 1 : 0, cr = c < w - 1 ? c + 1 : w - 1;
                // Float sums, then the division in double: the arithmetic of the reference, term for term.
                float sx = up[cr] + 2 * mid[cr] + down[cr] - up[cl] - 2 * mid[cl] - down[cl];
                float sy = down[cl] + 2 * down[c] + down[cr] - up[cl] - 2 * up[c] - up[cr];
                double gx = sx / dx8, gy = sy / dy8;
                output[c] = (float)(Math.Atan(Math.Sqrt(gx * gx + gy * gy)) * 180 / Math.PI);
            }
        });
        return slope;
    }
}
