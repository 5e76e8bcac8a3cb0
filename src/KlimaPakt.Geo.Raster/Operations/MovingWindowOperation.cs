using System.Globalization;
using KlimaPakt.Geo.Raster.Circuits;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Raster.Operations;

/// <summary>What a file-based moving-window run did.</summary>
/// <param name="Grid">Grid of the inputs and outputs.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="Result">Windows, iterations, non-converged windows, rows held (the rasters are already written).</param>
public sealed record MovingWindowRunResult(GridSpec Grid, double Seconds, MovingWindowStreamStats Result);

/// <summary>Omniscape-style moving-window circuit connectivity from GeoTIFF to GeoTIFF (<see cref="MovingWindowCircuits"/>),
/// streamed in bands of rows (<see cref="MovingWindowCircuits.RunStreamed"/>): memory is bounded by the radius, not the raster.</summary>
public static class MovingWindowOperation
{
    /// <summary>Reads the resistance and source-strength rasters (one grid, square cells), runs the moving window and
    /// writes the cumulative current and, when asked, the flow potential and the normalised current (float32).</summary>
    /// <param name="resistancePath">Resistance per cell (NoData = barrier).</param>
    /// <param name="sourcesPath">Source strength per cell (0 or NoData = none).</param>
    /// <param name="radiusMeters">Window radius in map units (metres on EPSG:2169).</param>
    /// <param name="blockSize">Block side in cells (odd).</param>
    /// <param name="cumulativeOut">Output cumulative current.</param>
    /// <param name="flowPotentialOut">Optional output flow potential.</param>
    /// <param name="normalisedOut">Optional output normalised current.</param>
    /// <param name="tolerance">Relative residual of each window's solve.</param>
    /// <param name="compression">Output compression.</param>
    /// <param name="progress">Optional progress 0..1.</param>
    /// <param name="bandRows">Target rows per streamed band; null: about two radii of rows.</param>
    /// <exception cref="CircuitInputException">Different grids, non-square cells, a radius under one cell, bad resistance.</exception>
    /// <exception cref="RasterFileException">An output is one of the inputs.</exception>
    public static MovingWindowRunResult Run(string resistancePath, string sourcesPath, double radiusMeters, int blockSize,
        string cumulativeOut, string? flowPotentialOut, string? normalisedOut, double tolerance = 1e-6,
        TiffCompression compression = default, IProgress<double>? progress = null, int? bandRows = null)
    {
        OutputPaths.RefuseInputs([cumulativeOut, flowPotentialOut, normalisedOut], [resistancePath, sourcesPath]);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var resistance = GeoTiffReader.Open(resistancePath);
        using var sources = GeoTiffReader.Open(sourcesPath);
        var grid = resistance.Grid;
        if (!sources.Grid.IsAlignedWith(grid)) throw new CircuitInputException($"{sourcesPath} is not on the grid of {resistancePath}");
        if (Math.Abs(grid.CellSizeX - grid.CellSizeY) > 1e-9 * grid.CellSizeX)
            throw new CircuitInputException($"{resistancePath}: the moving window needs square cells, not {grid.CellSizeX} x {grid.CellSizeY}");
        double radiusCells = radiusMeters / grid.CellSizeX;
        if (!(radiusCells >= 1))
            throw new CircuitInputException(string.Create(CultureInfo.InvariantCulture, $"--radius-meters {radiusMeters} is less than one cell ({grid.CellSizeX} m)"));
        if (blockSize < 1 || blockSize % 2 == 0)
            throw new CircuitInputException($"--block-size must be a positive odd number of cells, not {blockSize}");
        bool fp = flowPotentialOut is not null || normalisedOut is not null;
        var options = new MovingWindowOptions
        {
            RadiusCells = radiusCells,
            BlockSize = blockSize,
            FlowPotential = fp,
            Solver = new CircuitOptions { Tolerance = tolerance, AllCores = false },
        };
        using var cumulative = GeoTiffWriter.CreateFloat32(cumulativeOut, grid, compression);
        using var potential = flowPotentialOut is null ? null : GeoTiffWriter.CreateFloat32(flowPotentialOut, grid, compression);
        using var normalised = normalisedOut is null ? null : GeoTiffWriter.CreateFloat32(normalisedOut, grid, compression);
        // Bands about two radii high: the rows held are about four radii (plus a block), whatever the raster's height.
        int bandTargetRows = bandRows ?? Math.Max(1, (int)Math.Ceiling(2 * Math.Floor(radiusCells) / blockSize));
        var stats = MovingWindowCircuits.RunStreamed((row, rows, g, s) =>
        {
            resistance.ReadRows(row, rows, g);
            CircuitOperation.ToConductance(g, resistancePath, grid.Width, isConductance: false, firstRow: row);
            sources.ReadRows(row, rows, s);
        }, (row, rows, c, f, q) =>
        {
            cumulative.WriteRows(row, rows, c);
            potential?.WriteRows(row, rows, f);
            normalised?.WriteRows(row, rows, q);
        }, grid.Width, grid.Height, options, bandTargetRows, progress);
        return new MovingWindowRunResult(grid, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, stats);
    }
}
