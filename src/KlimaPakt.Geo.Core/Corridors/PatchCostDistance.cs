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
/// (<see cref="RasterKernels.CostDistance"/>, GRASS <c>r.cost</c>'s model, step lengths in metres) run on a copy of a
/// window around the patch, grown until the search settles no cell on an edge the grid continues past (then no path of
/// cost ≤ the truncation leaves it) or until it is the box that holds every cell within the truncation (the patch's
/// box grown by the truncation over the cheapest step). Inside the band the result equals a full-grid search. Memory
/// per search: the window (≈ 17 bytes a cell during the search), not the grid.
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
        var bounds = (minC, minR, maxC, maxR);
        var full = Window(grid, bounds, minimumResistance, maximumCost);
        // The window that can hold every reachable cell is often most of the grid (habitat of resistance 1 lets a
        // search run far), while the band actually reached is small: start with a window a sixteenth of the cheapest
        // reach, and grow it fourfold while the search settles a cell on an edge the grid continues past. A search
        // that settles no such cell is exact: a path leaving the window would cross that edge first, at a cost no
        // greater than the whole path's.
        int grow = Math.Max(32, (int)Math.Min(int.MaxValue / 4, Math.Ceiling(maximumCost / (minimumResistance * Math.Min(grid.CellSizeX, grid.CellSizeY) * 16))));
        while (true)
        {
            var (c0, r0, w, h) = Grown(grid, bounds, grow, full);
            var (window, links) = SearchWindow(grid, resistance, cells, c0, r0, w, h, maximumCost, backLinks);
            bool atFull = (c0, r0, w, h) == full;
            if (atFull || !SettlesInnerEdge(grid, window, c0, r0, w, h))
            {
                var surface = new PatchSurface(c0, r0, w, h, window, links);
                return crop ? Crop(surface) : surface;
            }
            grow = (int)Math.Min(int.MaxValue / 4, 4L * grow);
        }
    }

    private static (int Column0, int Row0, int Width, int Height) Grown(GridSpec grid, (int MinColumn, int MinRow, int MaxColumn, int MaxRow) b, int grow,
        (int Column0, int Row0, int Width, int Height) full)
    {
        int c0 = Math.Max(full.Column0, b.MinColumn - grow), r0 = Math.Max(full.Row0, b.MinRow - grow);
        int c1 = (int)Math.Min(full.Column0 + full.Width - 1L, (long)b.MaxColumn + grow), r1 = (int)Math.Min(full.Row0 + full.Height - 1L, (long)b.MaxRow + grow);
        return (c0, r0, c1 - c0 + 1, r1 - r0 + 1);
    }

    /// <summary>Whether a reached cell lies on an edge of the window that is not an edge of the grid.</summary>
    private static bool SettlesInnerEdge(GridSpec grid, float[] window, int c0, int r0, int w, int h)
    {
        bool Any(int from, int step, int count)
        {
            for (int k = 0, i = from; k < count; k++, i += step) if (!float.IsNaN(window[i])) return true;
            return false;
        }
        return (r0 > 0 && Any(0, 1, w)) || (r0 + h < grid.Height && Any((h - 1) * w, 1, w))
            || (c0 > 0 && Any(0, w, h)) || (c0 + w < grid.Width && Any(w - 1, w, h));
    }

    private static (float[] Cost, byte[]? BackLinks) SearchWindow(GridSpec grid, ReadOnlySpan<float> resistance, ReadOnlySpan<int> cells,
        int c0, int r0, int w, int h, double maximumCost, bool backLinks)
    {
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
        return (window, links);
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
