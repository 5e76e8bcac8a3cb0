using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>
/// Distance to features on a grid: the features are burnt with every cell they touch
/// (<see cref="GeometryRasterizer.Burn{T}"/> with all-touched), then the exact Euclidean distance transform
/// (<see cref="RasterKernels.EuclideanDistance"/>) gives every cell the distance between its centre and the centre of
/// the nearest burnt cell, in map units (metres in the regions' CRSs). Used by the wind exclusion buffers and the
/// wind suitability criteria (roads, grid).
/// </summary>
public static class FeatureDistance
{
    /// <summary>Distance in metres from each cell centre to the nearest cell touched by a feature.</summary>
    /// <param name="grid">Grid (metric CRS).</param>
    /// <param name="features">Features in the grid's CRS.</param>
    /// <returns>Row-major distances (0 on touched cells), or null when no feature touches the grid.</returns>
    public static float[]? DistanceMeters(GridSpec grid, IEnumerable<Geometry> features)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var mask = new byte[checked((int)grid.CellCount)];
        if (!BurnAllTouched(grid, features, mask)) return null;
        var distance = new float[mask.Length];
        DistanceMeters(grid, mask, distance);
        return distance;
    }

    /// <summary>
    /// Burns <paramref name="features"/> as 1 into <paramref name="mask"/> with every cell they touch (the mask is not
    /// cleared first).
    /// </summary>
    /// <param name="grid">Grid of the mask.</param>
    /// <param name="features">Features in the grid's CRS.</param>
    /// <param name="mask">Row-major mask (the grid's size).</param>
    /// <returns>True when the mask holds at least one burnt cell afterwards.</returns>
    public static bool BurnAllTouched(GridSpec grid, IEnumerable<Geometry> features, Span<byte> mask)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(features);
        foreach (var g in features) GeometryRasterizer.Burn(grid, g, mask, (byte)1, allTouched: true);
        return mask[..checked((int)grid.CellCount)].IndexOfAnyExcept((byte)0) >= 0;
    }

    /// <summary>
    /// Sets <paramref name="mask"/> to 1 on every cell whose centre lies within <paramref name="bufferMeters"/> of a cell
    /// the features touch (0 elsewhere; with a zero buffer, the touched cells themselves): the exclusion and restriction
    /// buffers of wind and geothermal.
    /// </summary>
    /// <param name="grid">Grid of the mask.</param>
    /// <param name="features">Features in the grid's CRS.</param>
    /// <param name="bufferMeters">Buffer [m], ≥ 0.</param>
    /// <param name="mask">Row-major output mask (the grid's size); cleared first.</param>
    /// <param name="distanceScratch">A float grid reused between calls (allocated on first use when a buffer is asked).</param>
    /// <returns>True when at least one feature touches the grid.</returns>
    public static bool WithinBuffer(GridSpec grid, IEnumerable<Geometry> features, double bufferMeters, Span<byte> mask, ref float[]? distanceScratch)
    {
        ArgumentNullException.ThrowIfNull(grid);
        int n = checked((int)grid.CellCount);
        mask[..n].Clear();
        if (!BurnAllTouched(grid, features, mask)) return false;
        // Distances run between cell centres, so the nearest centre other than a touched cell's own lies a cell size away:
        // a buffer below the cell size keeps exactly the touched cells, without a distance transform.
        if (bufferMeters >= Math.Min(grid.CellSizeX, grid.CellSizeY))
        {
            distanceScratch ??= new float[n];
            DistanceMeters(grid, mask, distanceScratch);
            float b = (float)bufferMeters;
            for (int i = 0; i < n; i++) mask[i] = distanceScratch[i] <= b ? (byte)1 : (byte)0;
        }
        return true;
    }

    /// <summary>
    /// Distance in metres from each cell centre to the nearest non-zero cell of <paramref name="mask"/> (NaN everywhere
    /// when the mask is empty).
    /// </summary>
    /// <param name="grid">Grid of the mask.</param>
    /// <param name="mask">Row-major feature cells (non-zero = feature).</param>
    /// <param name="distanceMeters">Output distances (the grid's size).</param>
    public static void DistanceMeters(GridSpec grid, ReadOnlySpan<byte> mask, Span<float> distanceMeters)
    {
        ArgumentNullException.ThrowIfNull(grid);
        RasterKernels.EuclideanDistance(mask, grid.Width, grid.Height, grid.CellSizeX, grid.CellSizeY, distanceMeters);
    }
}
