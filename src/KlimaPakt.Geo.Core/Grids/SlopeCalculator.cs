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
    /// <returns>Row-major slope in degrees, 0 (flat) to 90.</returns>
    public static float[] SlopeDegrees(GridSpec grid, float[] elevationMeters)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(elevationMeters);
        int w = grid.Width, h = grid.Height;
        if (elevationMeters.Length < grid.CellCount) throw new ArgumentException($"Need {grid.CellCount} cells.", nameof(elevationMeters));
        var slope = new float[checked((int)grid.CellCount)];
        double dx8 = 8 * grid.CellSizeX, dy8 = 8 * grid.CellSizeY;
        Parallel.For(0, h, r =>
        {
            int ru = Math.Max(r - 1, 0), rd = Math.Min(r + 1, h - 1);
            for (int c = 0; c < w; c++)
            {
                int cl = Math.Max(c - 1, 0), cr = Math.Min(c + 1, w - 1);
                float z(int rr, int cc) => elevationMeters[rr * w + cc];
                double gx = (z(ru, cr) + 2 * z(r, cr) + z(rd, cr) - z(ru, cl) - 2 * z(r, cl) - z(rd, cl)) / dx8;
                double gy = (z(rd, cl) + 2 * z(rd, c) + z(rd, cr) - z(ru, cl) - 2 * z(ru, c) - z(ru, cr)) / dy8;
                slope[r * w + c] = (float)(Math.Atan(Math.Sqrt(gx * gx + gy * gy)) * 180 / Math.PI);
            }
        });
        return slope;
    }
}
