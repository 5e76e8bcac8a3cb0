using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Operations;

/// <summary>Accumulated cost-distance from map points over a friction GeoTIFF (GRASS <c>r.cost</c> model).</summary>
public static class CostDistanceOperation
{
    /// <summary>
    /// Accumulated cost from the sources, written on the cost raster's grid (NoData where unreachable or on barriers:
    /// NoData or negative cost); optionally the back-link directions as a byte GeoTIFF (1..8 = E, NE, N, NW, W, SW, S,
    /// SE towards the previous cell, 0 = source, 255 = NoData).
    /// </summary>
    /// <param name="costPath">Friction raster.</param>
    /// <param name="sources">Source points in the raster's CRS.</param>
    /// <param name="outPath">Output accumulated cost (float32).</param>
    /// <param name="pathsPath">Optional back-link output.</param>
    /// <param name="units">Step-length units (GRASS-compatible cells by default).</param>
    /// <param name="compression">Output compression.</param>
    /// <param name="progress">Optional progress (0..1): the search's share of cells settled, then 1 once written.</param>
    /// <param name="parallelism">Workers for the search: 0 all cores (default), 1 sequential, n ≥ 2 that many (see
    /// <see cref="RasterKernels.CostDistance"/>; ignored with back-links).</param>
    /// <exception cref="RasterFileException">A source lies outside the raster.</exception>
    public static RasterOperationResult Run(string costPath, IReadOnlyList<(double X, double Y)> sources, string outPath,
        string? pathsPath = null, CostDistanceUnits units = CostDistanceUnits.Cells, TiffCompression compression = default,
        IProgress<double>? progress = null, int parallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var cost = GeoTiff.ReadBand(costPath);
        var grid = cost.Grid;
        var cells = new (int, int)[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            var (c, r) = grid.CellOf(sources[i].X, sources[i].Y);
            if (!grid.Contains(c, r))
                throw new RasterFileException(costPath, $"source ({sources[i].X}, {sources[i].Y}) lies outside the raster ({grid.MinX}, {grid.MinY}) – ({grid.MaxX}, {grid.MaxY})");
            cells[i] = ((int)c, (int)r);
        }
        // The accumulated cost overwrites the cost cells (allowed by the kernel): no second grid-sized array to fault in.
        var accumulated = cost;
        var links = pathsPath is null ? null : new Raster<byte>(grid, zeroed: false);
        long reached = RasterKernels.CostDistance(cost.Cells, grid.Width, grid.Height, cells, grid.CellSizeX, grid.CellSizeY, units,
            accumulated.Cells, links is null ? default : links.Cells, progress: progress is null ? null : new Scaled(progress, 0.95), parallelism: parallelism);
        if (reached == 0) throw new RasterFileException(costPath, "every source lies on a NoData or negative-cost cell");
        GeoTiff.Write(outPath, accumulated, compression);
        if (links is not null) GeoTiff.Write(pathsPath!, links, RasterKernels.BackLinkUnreached, compression);
        progress?.Report(1);
        return new RasterOperationResult(grid, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>The search's progress mapped onto the first part of the operation's (writing takes the rest).</summary>
    private sealed class Scaled(IProgress<double> inner, double share) : IProgress<double>
    {
        public void Report(double value) => inner.Report(value * share);
    }
}
