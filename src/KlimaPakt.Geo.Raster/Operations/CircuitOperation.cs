using System.Globalization;
using KlimaPakt.Geo.Raster.Circuits;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Raster.Operations;

/// <summary>What a file-based circuit solve did.</summary>
/// <param name="Grid">Grid of the inputs and outputs.</param>
/// <param name="Seconds">Wall time, reading and writing included.</param>
/// <param name="Solution">The solve's figures (iterations, residual, ungrounded components …).</param>
public sealed record CircuitRunResult(GridSpec Grid, double Seconds, CircuitSolution Solution);

/// <summary>
/// Circuitscape's advanced mode from GeoTIFF to GeoTIFF: a resistance (or conductance) raster, a raster of source
/// currents in amperes and a raster of grounds → the cumulative current map and optionally the voltage map.
/// </summary>
public static class CircuitOperation
{
    /// <summary>GDAL's block cache during a run: enough for a few tiles in flight.</summary>
    private const long BlockCacheBytes = 16L << 20;

    /// <summary>Reads the three rasters (one grid), solves, writes float32 outputs (NoData −9999 where not solved).</summary>
    /// <param name="resistancePath">Resistance per cell in ohms (NoData = barrier), or conductance in siemens.</param>
    /// <param name="isConductance">The first raster holds conductances.</param>
    /// <param name="sourcesPath">Source current per cell in amperes (0 or NoData = none).</param>
    /// <param name="groundsPath">Non-zero = grounded cell (0 V, zero resistance to ground).</param>
    /// <param name="currentOut">Output current map (amperes).</param>
    /// <param name="voltageOut">Optional output voltage map (volts).</param>
    /// <param name="options">Solver options.</param>
    /// <param name="compression">Output compression.</param>
    /// <param name="progress">Optional progress 0..1.</param>
    /// <exception cref="CircuitInputException">Rasters on different grids, negative or zero resistance, no source, no
    /// ground, a source on a ground.</exception>
    /// <exception cref="CircuitNotConvergedException">The iteration cap was reached first.</exception>
    public static CircuitRunResult Run(string resistancePath, bool isConductance, string sourcesPath, string groundsPath,
        string currentOut, string? voltageOut, CircuitOptions options, TiffCompression compression = default,
        IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Strips are read and written whole: GDAL's block cache (256 MiB by default here) would only add its blocks to
        // the process's peak — measured 4–5 bytes per cell at 4096² (results/2026-12-02-circuits-1e8.md).
        using var cache = GdalBlockCache.Limit(BlockCacheBytes);
        var grid = GeoTiff.ReadInfo(resistancePath).Grid;
        foreach (var other in new[] { sourcesPath, groundsPath })
        {
            var g = GeoTiff.ReadInfo(other).Grid;
            if (!g.IsAlignedWith(grid))
                throw new CircuitInputException(Invariant($"{other} is not on the grid of {resistancePath}: {g.Width}x{g.Height} cells of {g.CellSizeX} at ({g.OriginX}, {g.OriginY}) EPSG:{g.Srid} vs {grid.Width}x{grid.Height} cells of {grid.CellSizeX} at ({grid.OriginX}, {grid.OriginY}) EPSG:{grid.Srid}"));
        }
        var conductance = GeoTiff.ReadBand(resistancePath);
        ToConductance(conductance.Cells, resistancePath, grid.Width, isConductance);
        // Sources and grounds as cell lists: the rasters are garbage before the solve allocates its vectors.
        var terminals = ReadTerminals(sourcesPath, groundsPath);
        if (terminals.SourceCells.Length == 0)
            throw new CircuitInputException($"{sourcesPath}: no source: every cell is 0 or NoData (sources are currents in amperes)");
        CircuitSolution solution;
        try
        {
            solution = GridCircuitSolver.Solve(conductance.Cells, grid.Width, grid.Height, terminals, options,
                progress is null ? null : new Scaled(progress, 0.95));
        }
        catch (CircuitInputException e)
        {
            throw new CircuitInputException($"{sourcesPath} / {groundsPath}: {e.Message}", e);
        }
        // The CG's residual and direction vectors and the multigrid hierarchy (≈ 23 bytes per cell) are garbage now; on
        // large grids hand them back to the system (an aggressive collection decommits the freed regions at once, a
        // forced one leaves them committed) before the outputs are written.
        if (grid.CellCount >= 1L << 22) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!solution.Converged)
            throw new CircuitNotConvergedException(Invariant($"no convergence within {solution.Iterations} iterations: relative residual {solution.RelativeResidual:G3} reached, tolerance {options.Tolerance:G3}; raise --max-iterations or --tolerance"));
        GeoTiff.Write(currentOut, new Raster<float>(grid, solution.CurrentAmps), compression);
        if (voltageOut is not null) WriteVoltage(voltageOut, grid, solution.VoltageVolts, compression);
        progress?.Report(1);
        return new CircuitRunResult(grid, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, solution);
    }

    /// <summary>Resistance → conductance in place (NaN stays NaN: a barrier); negative or zero resistance is an error.</summary>
    internal static void ToConductance(Span<float> cells, string path, int width, bool isConductance, int firstRow = 0)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            float v = cells[i];
            if (float.IsNaN(v)) continue;
            if (v < 0 || float.IsInfinity(v) || (!isConductance && v == 0))
                throw new CircuitInputException(Invariant($"{path}: {(isConductance ? "conductance" : "resistance")} {v} at column {i % width}, row {firstRow + i / width}: {(isConductance ? "conductances" : "resistances")} must be positive and finite (use NoData for barriers)"));
            cells[i] = isConductance ? v : 1 / v;
        }
    }

    /// <summary>Sources and grounds read strip by strip into cell lists: no grid-sized array beside the solve.</summary>
    private static CircuitTerminals ReadTerminals(string sourcesPath, string groundsPath)
    {
        using var sr = GeoTiffReader.Open(sourcesPath);
        using var gr = GeoTiffReader.Open(groundsPath);
        var grid = sr.Grid;
        int rows = RowStrips.RowsFor(grid.Width);
        var buf = new float[(long)rows * grid.Width];
        var cells = new List<long>();
        var amps = new List<double>();
        var grounds = new List<long>();
        foreach (var (row, n) in RowStrips.Of(grid.Height, rows))
        {
            long offset = (long)row * grid.Width;
            int count = n * grid.Width;
            sr.ReadRows(row, n, buf);
            for (int i = 0; i < count; i++)
                if (buf[i] != 0 && !float.IsNaN(buf[i]))
                {
                    cells.Add(offset + i);
                    amps.Add(buf[i]);
                }
            gr.ReadRows(row, n, buf);
            for (int i = 0; i < count; i++)
                if (buf[i] != 0 && !float.IsNaN(buf[i])) grounds.Add(offset + i);
        }
        return new CircuitTerminals([.. cells], [.. amps], [.. grounds]);
    }

    /// <summary>The float64 voltages written as float32 strip by strip (no float copy of the whole grid).</summary>
    private static void WriteVoltage(string path, GridSpec grid, double[] volts, TiffCompression compression)
    {
        using var w = GeoTiffWriter.CreateFloat32(path, grid, compression);
        int rows = RowStrips.RowsFor(grid.Width);
        var buf = new float[(long)rows * grid.Width];
        foreach (var (row, n) in RowStrips.Of(grid.Height, rows))
        {
            long offset = (long)row * grid.Width;
            int count = n * grid.Width;
            for (int i = 0; i < count; i++) buf[i] = (float)volts[offset + i];
            w.WriteRows(row, n, buf);
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class Scaled(IProgress<double> inner, double share) : IProgress<double>
    {
        public void Report(double value) => inner.Report(value * share);
    }
}
