using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>An accumulated cost surface on a grid.</summary>
/// <param name="Grid">Grid of the surface (the cost raster's).</param>
/// <param name="AccumulatedCost">Row-major accumulated cost from the nearest source (0 on sources); NaN on barriers,
/// on cells no source reaches and on cells beyond the truncation.</param>
/// <param name="BackLinks">When asked for: per cell the direction 1..8 (E, NE, N, NW, W, SW, S, SE) towards the
/// previous cell on the least-cost path, <see cref="RasterKernels.BackLinkSource"/> on sources,
/// <see cref="RasterKernels.BackLinkUnreached"/> where the surface is NaN; else null.</param>
/// <param name="ReachedCells">Cells with a finite accumulated cost.</param>
public sealed record CostSurface(GridSpec Grid, float[] AccumulatedCost, byte[]? BackLinks, long ReachedCells);

/// <summary>
/// Cost-distance from geometries: the source geometries are burnt with every cell they touch
/// (<see cref="GeometryRasterizer.Burn{T}"/> with all-touched, as for <see cref="FeatureDistance"/>), then the raster
/// core's 8-neighbour cost-distance (<see cref="RasterKernels.CostDistance"/>, GRASS <c>r.cost</c>'s model: a step
/// costs the mean of the two cells' costs times its length) accumulates the cost over a friction raster. An optional
/// truncation (GRASS <c>r.cost max_cost</c>) drops every cell whose accumulated cost exceeds it — the corridor
/// search's band around its sources.
/// </summary>
public static class CostDistanceSurface
{
    /// <summary>Accumulated cost from the cells touched by <paramref name="sources"/>.</summary>
    /// <param name="grid">Grid of the cost raster.</param>
    /// <param name="cost">Row-major friction per cell (NaN or negative = barrier).</param>
    /// <param name="sources">Source geometries in the grid's CRS.</param>
    /// <param name="maximumCost">Truncation: cells whose accumulated cost exceeds it become NaN (unreached); infinity
    /// for none.</param>
    /// <param name="units">Step-length units (GRASS-compatible cells by default, or map units).</param>
    /// <param name="backLinks">Also return the least-cost back-links.</param>
    /// <returns>The surface, or null when no source geometry touches the grid.</returns>
    public static CostSurface? FromGeometries(GridSpec grid, ReadOnlySpan<float> cost, IEnumerable<Geometry> sources,
        double maximumCost = double.PositiveInfinity, CostDistanceUnits units = CostDistanceUnits.Cells, bool backLinks = false)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (!(maximumCost >= 0)) throw new ArgumentOutOfRangeException(nameof(maximumCost), "The truncation must be 0 or more (infinity for none).");
        int n = checked((int)grid.CellCount);
        if (cost.Length < n) throw new ArgumentException($"Need {n} cost cells.", nameof(cost));
        var mask = new byte[n];
        if (!FeatureDistance.BurnAllTouched(grid, sources, mask)) return null;
        var cells = new List<(int Column, int Row)>();
        for (int i = 0; i < n; i++)
            if (mask[i] != 0) cells.Add((i % grid.Width, i / grid.Width));
        var accumulated = new float[n];
        var links = backLinks ? new byte[n] : null;
        // The kernel stops at the truncation: a cell's cost is final once settled, so the band is that of the full search.
        long reached = RasterKernels.CostDistance(cost, grid.Width, grid.Height, cells.ToArray(), grid.CellSizeX, grid.CellSizeY, units,
            accumulated, links, maximumCost: maximumCost);
        return new CostSurface(grid, accumulated, links, reached);
    }
}
