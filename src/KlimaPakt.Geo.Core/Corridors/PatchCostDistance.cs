using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Core.Corridors;

/// <summary>
/// A patch's accumulated cost on the window of the grid its search reached.
/// </summary>
/// <param name="Column0">First column of the window in the grid.</param>
/// <param name="Row0">First row of the window in the grid.</param>
/// <param name="Width">Window columns.</param>
/// <param name="Height">Window rows.</param>
/// <param name="Cost">Row-major accumulated cost in cost units (resistance × metres); NaN where not reached.</param>
/// <param name="BackLinks">Back-link codes (see <see cref="RasterKernels.CostDistance"/>) when asked for, else null.</param>
public sealed record PatchSurface(int Column0, int Row0, int Width, int Height, float[] Cost, byte[]? BackLinks)
{
    /// <summary>Accumulated cost at grid cell (column, row); NaN outside the window or where not reached.</summary>
    public float At(int column, int row)
    {
        int c = column - Column0, r = row - Row0;
        return (uint)c < (uint)Width && (uint)r < (uint)Height ? Cost[r * Width + c] : float.NaN;
    }

    /// <summary>Bytes held.</summary>
    public long Bytes => 4L * Cost.Length + (BackLinks?.LongLength ?? 0);
}

/// <summary>
/// Cost-distance from one patch, truncated and windowed: the raster core's exact 8-neighbour search
/// (<see cref="RasterKernels.CostDistance"/>, GRASS <c>r.cost</c>'s model, step lengths in metres) run on a copy of the
/// window that can hold every cell within the truncation — the patch's bounding box grown by the truncation divided by
/// the cheapest step — so no path of cost ≤ the truncation leaves it and the result equals a full-grid search inside the
/// band. Memory per search: the window (≈ 17 bytes a cell during the search), not the grid.
/// </summary>
public static class PatchCostDistance
{
    /// <summary>The window a search from a patch can reach within <paramref name="maximumCost"/>: its box grown by
    /// the truncation over the cheapest step, clipped to the grid.</summary>
    /// <param name="grid">The grid.</param>
    /// <param name="bounds">Bounding box of the patch cells (inclusive).</param>
    /// <param name="minimumResistance">Smallest positive resistance of the grid (per metre).</param>
    /// <param name="maximumCost">Truncation in cost units.</param>
    public static (int Column0, int Row0, int Width, int Height) Window(GridSpec grid, (int MinColumn, int MinRow, int MaxColumn, int MaxRow) bounds,
        double minimumResistance, double maximumCost)
    {
        ArgumentNullException.ThrowIfNull(grid);
        double step = minimumResistance * Math.Min(grid.CellSizeX, grid.CellSizeY);
        // A path of cost ≤ T takes at most T / (cheapest step) steps, each moving one cell at most along each axis.
        double reach = Math.Ceiling(maximumCost / step) + 1;
        int grow = reach >= int.MaxValue / 2 ? int.MaxValue / 2 : (int)reach;
        int c0 = Math.Max(0, bounds.MinColumn - grow), r0 = Math.Max(0, bounds.MinRow - grow);
        int c1 = (int)Math.Min(grid.Width - 1L, (long)bounds.MaxColumn + grow), r1 = (int)Math.Min(grid.Height - 1L, (long)bounds.MaxRow + grow);
        return (c0, r0, c1 - c0 + 1, r1 - r0 + 1);
    }

    /// <summary>Accumulated cost from <paramref name="cells"/> (grid indices), truncated at <paramref name="maximumCost"/>.</summary>
    /// <param name="grid">The grid.</param>
    /// <param name="resistance">Row-major resistance per metre (NaN or negative = barrier).</param>
    /// <param name="cells">Source cells as grid indices.</param>
    /// <param name="minimumResistance">Smallest positive resistance of the grid (sizes the window).</param>
    /// <param name="maximumCost">Truncation in cost units.</param>
    /// <param name="backLinks">Also return the back-links (for least-cost paths).</param>
    /// <param name="crop">Crop the result to the box of the reached cells (what a cache keeps).</param>
    public static PatchSurface Search(GridSpec grid, ReadOnlySpan<float> resistance, ReadOnlySpan<int> cells, double minimumResistance,
        double maximumCost, bool backLinks = false, bool crop = true)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (cells.IsEmpty) throw new ArgumentException("A patch needs at least one cell.", nameof(cells));
        int minC = int.MaxValue, minR = int.MaxValue, maxC = -1, maxR = -1;
        foreach (int i in cells)
        {
            int r = i / grid.Width, c = i - r * grid.Width;
            minC = Math.Min(minC, c); maxC = Math.Max(maxC, c); minR = Math.Min(minR, r); maxR = Math.Max(maxR, r);
        }
        var (c0, r0, w, h) = Window(grid, (minC, minR, maxC, maxR), minimumResistance, maximumCost);
        var window = new float[(long)w * h];
        for (int r = 0; r < h; r++)
            resistance.Slice((r0 + r) * grid.Width + c0, w).CopyTo(window.AsSpan(r * w, w));
        var sources = new (int Column, int Row)[cells.Length];
        for (int k = 0; k < cells.Length; k++)
        {
            int r = cells[k] / grid.Width, c = cells[k] - r * grid.Width;
            sources[k] = (c - c0, r - r0);
        }
        var links = backLinks ? new byte[window.Length] : null;
        // The costs are not read once the result is written: the window's own memory takes the result.
        RasterKernels.CostDistance(window, w, h, sources, grid.CellSizeX, grid.CellSizeY, CostDistanceUnits.MapUnits, window, links,
            maximumCost: maximumCost);
        var surface = new PatchSurface(c0, r0, w, h, window, links);
        return crop ? Crop(surface) : surface;
    }

    /// <summary>The surface cropped to the box of its reached cells.</summary>
    private static PatchSurface Crop(PatchSurface s)
    {
        int minC = s.Width, minR = s.Height, maxC = -1, maxR = -1;
        for (int r = 0; r < s.Height; r++)
        {
            var row = s.Cost.AsSpan(r * s.Width, s.Width);
            for (int c = 0; c < s.Width; c++)
            {
                if (float.IsNaN(row[c])) continue;
                if (c < minC) minC = c;
                if (c > maxC) maxC = c;
                if (r < minR) minR = r;
                maxR = r;
            }
        }
        if (maxC < 0) return s with { Width = 0, Height = 0, Cost = [], BackLinks = s.BackLinks is null ? null : [] };
        if (minC == 0 && minR == 0 && maxC == s.Width - 1 && maxR == s.Height - 1) return s;
        int w = maxC - minC + 1, h = maxR - minR + 1;
        var cost = new float[w * h];
        var links = s.BackLinks is null ? null : new byte[w * h];
        for (int r = 0; r < h; r++)
        {
            s.Cost.AsSpan((minR + r) * s.Width + minC, w).CopyTo(cost.AsSpan(r * w, w));
            s.BackLinks?.AsSpan((minR + r) * s.Width + minC, w).CopyTo(links.AsSpan(r * w, w));
        }
        return new PatchSurface(s.Column0 + minC, s.Row0 + minR, w, h, cost, links);
    }
}
