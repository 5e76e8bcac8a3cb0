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
    public static float[]? DistanceMeters(GridSpec grid, IEnumerable<Geometry> features) =>
        FeatureMask(grid, features) is { } mask ? DistanceMetersToMask(grid, mask) : null;

    /// <summary>The cells the features touch (all-touched burn, 1 = touched), or null when they touch none.</summary>
    /// <param name="grid">Grid.</param>
    /// <param name="features">Features in the grid's CRS.</param>
    public static byte[]? FeatureMask(GridSpec grid, IEnumerable<Geometry> features)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var mask = new byte[checked((int)grid.CellCount)];
        GeometryRasterizer.BurnAll(grid, features, mask, (byte)1, allTouched: true);
        return mask.AsSpan().IndexOfAnyExcept((byte)0) < 0 ? null : mask;
    }

    /// <summary>Distance in metres from each cell centre to the nearest cell of a <see cref="FeatureMask"/>.</summary>
    /// <param name="grid">Grid (metric CRS).</param>
    /// <param name="mask">Non-zero = feature cell; at least one.</param>
    public static float[] DistanceMetersToMask(GridSpec grid, byte[] mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var distance = GC.AllocateUninitializedArray<float>(mask.Length);
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

/// <summary>
/// Buffer masks of feature sets on one grid: the exclusion buffers of wind and the restriction buffers of geothermal.
/// A cell is in the buffer when its centre lies within the buffer of a cell the features touch (the touched cells
/// themselves with a zero buffer). Only the window around the touched cells, grown by the buffer, is transformed:
/// outside it every cell is farther than the buffer, so a rule whose features cover a corner of the grid costs that
/// corner, and the distances inside are those of the whole grid (every feature lies inside the window). The distance
/// and window scratch are reused from call to call.
/// </summary>
/// <param name="grid">The grid of the masks (metric CRS).</param>
public sealed class FeatureBuffers(GridSpec grid)
{
    private float[]? _distance;
    private byte[]? _features;

    /// <summary>
    /// Sets <paramref name="mask"/> to 1 on every cell within <paramref name="bufferMeters"/> of a cell the features
    /// touch and to 0 elsewhere.
    /// </summary>
    /// <param name="features">Features in the grid's CRS.</param>
    /// <param name="bufferMeters">Buffer [m], ≥ 0.</param>
    /// <param name="mask">Row-major output mask (the grid's size); cleared first.</param>
    /// <returns>The window outside which the mask is 0, or null when no feature touches the grid.</returns>
    public CellWindow? Within(IEnumerable<Geometry> features, double bufferMeters, byte[] mask)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(mask);
        int n = checked((int)grid.CellCount), w = grid.Width, h = grid.Height;
        if (mask.Length < n) throw new ArgumentException($"Need {n} cells.", nameof(mask));
        mask.AsSpan(0, n).Clear();
        GeometryRasterizer.BurnAll(grid, features, mask, (byte)1, allTouched: true);
        if (CellWindow.OfNonZero(mask.AsSpan(0, n), w, h) is not { } touched) return null;
        // Distances run between cell centres, so the nearest centre other than a touched cell's own lies a cell size away:
        // a buffer below the cell size keeps exactly the touched cells, without a distance transform.
        if (bufferMeters < Math.Min(grid.CellSizeX, grid.CellSizeY)) return touched;
        // A cell more than ⌊buffer / cell⌋ + 1 columns (rows) from every touched cell is farther than the buffer.
        var window = touched.Grow((long)Math.Floor(bufferMeters / grid.CellSizeX) + 1, (long)Math.Floor(bufferMeters / grid.CellSizeY) + 1, w, h);
        int cells = checked((int)window.CellCount), ww = window.Width;
        if (_distance is null || _distance.Length < cells) _distance = GC.AllocateUninitializedArray<float>(cells);
        bool whole = window.Width == w && window.Height == h;
        byte[] work = mask;
        if (!whole)
        {
            if (_features is null || _features.Length < cells) _features = GC.AllocateUninitializedArray<byte>(cells);
            work = _features;
            for (int r = 0; r < window.Height; r++)
                mask.AsSpan((window.Row + r) * w + window.Column, ww).CopyTo(work.AsSpan(r * ww, ww));
        }
        RasterKernels.WithinDistance(work.AsSpan(0, cells), ww, window.Height, grid.CellSizeX, grid.CellSizeY, bufferMeters, _distance, work.AsSpan(0, cells));
        if (!whole)
            for (int r = 0; r < window.Height; r++)
                work.AsSpan(r * ww, ww).CopyTo(mask.AsSpan((window.Row + r) * w + window.Column, ww));
        return window;
    }
}

