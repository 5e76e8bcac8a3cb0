using System.CommandLine;
using System.Globalization;
using KlimaPakt.Geo.Raster.Circuits;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;
using KlimaPakt.Geo.Raster.Operations;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Raster;

/// <summary>`klimapakt raster score|distance|cost|current|omniscape`: the scoring core on any GeoTIFFs, no database needed.</summary>
public static class RasterCommands
{
    /// <summary>What `klimapakt --help` says the tool is (both front doors).</summary>
    public const string ToolDescription = "KlimaPakt.Geo — climate-pact cadastres for Luxembourg's communes (PostGIS-backed).";

    /// <summary>
    /// Runs `klimapakt raster …` with only this subtree built: it needs neither the database nor the other commands, so
    /// Core, Data, EF Core and Spectre's console profile stay out of the process.
    /// </summary>
    public static Task<int> RunAsync(string[] args) => new RootCommand(ToolDescription) { Create() }.Parse(args).InvokeAsync();

    /// <summary>The `raster` command and its subcommands.</summary>
    public static Command Create() => new("raster", "Raster scoring core on GeoTIFFs: weighted overlay, distance, cost-distance, circuit current.")
    {
        Score(),
        Distance(),
        Cost(),
        Current(),
        Omniscape(),
    };

    private static Option<string> CompressOption() => new("--compress")
    {
        Description = "Output compression: zstd[:LEVEL] (default zstd:1, chosen by measurement), deflate[:LEVEL] (default 6; the most " +
            "widely readable), lzw, or none (what gdal_calc.py writes); append +p2 or +p3 for a TIFF predictor.",
        DefaultValueFactory = _ => "zstd",
    };

    private static Command Score()
    {
        var layer = new Option<string[]>("--layer")
        {
            Description = "Criterion layer and weight as PATH:WEIGHT (repeat for each layer).",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var mask = new Option<string?>("--mask") { Description = "Constraint mask GeoTIFF: non-zero cells are excluded (NoData)." };
        var output = new Option<string>("--out") { Description = "Output float32 GeoTIFF (NoData -9999).", Required = true };
        var compress = CompressOption();
        var cmd = new Command("score", "Weighted sum of co-registered layers; NoData where the mask is non-zero or any layer is NoData.")
        {
            layer, mask, output, compress,
        };
        cmd.SetAction(p => Run(() =>
        {
            var layers = p.GetValue(layer)!.Select(ParseLayer).ToList();
            var r = WithProgress("score", progress =>
                ScoreOperation.Run(layers, p.GetValue(mask), p.GetValue(output)!, ParseCompression(p.GetValue(compress)), progress: progress));
            Console.Error.WriteLine(Invariant($"score: {r.Grid.Width}x{r.Grid.Height} cells, {layers.Count} layers, {r.Seconds:F3} s -> {p.GetValue(output)}"));
        }));
        return cmd;
    }

    private static Command Distance()
    {
        var features = new Option<string>("--features") { Description = "Feature GeoTIFF: non-zero cells are features.", Required = true };
        var output = new Option<string>("--out") { Description = "Output float32 GeoTIFF of distances in map units.", Required = true };
        var compress = CompressOption();
        var cmd = new Command("distance", "Exact Euclidean distance between cell centres to the nearest feature cell.") { features, output, compress };
        cmd.SetAction(p => Run(() =>
        {
            var r = WithProgress("distance", progress =>
                DistanceOperation.Run(p.GetValue(features)!, p.GetValue(output)!, ParseCompression(p.GetValue(compress)), progress));
            Console.Error.WriteLine(Invariant($"distance: {r.Grid.Width}x{r.Grid.Height} cells, {r.Seconds:F3} s -> {p.GetValue(output)}"));
        }));
        return cmd;
    }

    private static Command Cost()
    {
        var cost = new Option<string>("--cost") { Description = "Friction GeoTIFF (NoData or negative cells are barriers).", Required = true };
        var from = new Option<string[]>("--from")
        {
            Description = "Source point as X,Y in the raster's CRS (repeat for several sources).",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out") { Description = "Output float32 GeoTIFF of accumulated cost.", Required = true };
        var paths = new Option<string?>("--paths") { Description = "Optional byte GeoTIFF of back-link directions (1..8 = E,NE,N,NW,W,SW,S,SE; 0 source)." };
        var units = new Option<string>("--units")
        {
            Description = "Step length in 'cells' (GRASS r.cost, default) or 'map' units (metres).",
            DefaultValueFactory = _ => "cells",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Workers for the search: 0 (default) for all cores, 1 for the sequential search, or N. Same result to " +
                "the bit; on a busy machine the workers notice and one finishes alone. Ignored with --paths.",
            DefaultValueFactory = _ => 0,
        };
        var compress = CompressOption();
        var cmd = new Command("cost", "Accumulated cost-distance (8 neighbours, GRASS r.cost model) from source points.")
        {
            cost, from, output, paths, units, threads, compress,
        };
        cmd.SetAction(p => Run(() =>
        {
            var sources = p.GetValue(from)!.Select(ParsePoint).ToList();
            var u = p.GetValue(units) switch
            {
                "cells" => CostDistanceUnits.Cells,
                "map" => CostDistanceUnits.MapUnits,
                var other => throw new UsageException($"--units must be 'cells' or 'map', not '{other}'"),
            };
            int workers = p.GetValue(threads);
            if (workers < 0) throw new UsageException($"--threads must be 0 (all cores) or a positive count, not {workers}");
            var r = WithProgress("cost-distance", progress => CostDistanceOperation.Run(p.GetValue(cost)!, sources, p.GetValue(output)!,
                p.GetValue(paths), u, ParseCompression(p.GetValue(compress)), progress, workers));
            Console.Error.WriteLine(Invariant($"cost: {r.Grid.Width}x{r.Grid.Height} cells, {sources.Count} sources, {r.Seconds:F3} s -> {p.GetValue(output)}"));
        }));
        return cmd;
    }

    private static Command Current()
    {
        var resistance = new Option<string>("--resistance") { Description = "Resistance GeoTIFF in ohms per cell (NoData = barrier).", Required = true };
        var isConductance = new Option<bool>("--conductance") { Description = "The --resistance raster holds conductances (siemens) instead." };
        var sources = new Option<string>("--sources") { Description = "Source GeoTIFF: current injected per cell in amperes (0 or NoData = none).", Required = true };
        var grounds = new Option<string>("--grounds") { Description = "Ground GeoTIFF: non-zero cells are grounded (0 V, zero resistance).", Required = true };
        var output = new Option<string>("--out") { Description = "Output float32 GeoTIFF of cumulative current per cell, amperes.", Required = true };
        var voltage = new Option<string?>("--voltage-out") { Description = "Optional output float32 GeoTIFF of voltages, volts." };
        var four = new Option<bool>("--four-neighbours") { Description = "Link each cell to its 4 edge neighbours only (default: 8)." };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Relative residual ‖b − A·v‖ / ‖b‖ at which the solve stops.",
            DefaultValueFactory = _ => 1e-8,
        };
        var maxIterations = new Option<int>("--max-iterations")
        {
            Description = "Iteration cap of the conjugate-gradient solve; reaching it is an error (exit 2).",
            DefaultValueFactory = _ => 1000,
        };
        var compress = CompressOption();
        var cmd = new Command("current", "Circuit theory (Circuitscape advanced mode): current from sources to grounds through the resistance surface.")
        {
            resistance, isConductance, sources, grounds, output, voltage, four, tolerance, maxIterations, compress,
        };
        cmd.SetAction(p => Run(() =>
        {
            double tol = p.GetValue(tolerance);
            if (!(tol > 0 && tol < 1)) throw new UsageException(Invariant($"--tolerance must lie between 0 and 1 (exclusive), not {tol}"));
            int cap = p.GetValue(maxIterations);
            if (cap < 1) throw new UsageException($"--max-iterations must be at least 1, not {cap}");
            var options = new CircuitOptions
            {
                Neighbours = p.GetValue(four) ? Connectivity.Four : Connectivity.Eight,
                Tolerance = tol,
                MaxIterations = cap,
            };
            var r = WithProgress("current", progress => CircuitOperation.Run(p.GetValue(resistance)!, p.GetValue(isConductance),
                p.GetValue(sources)!, p.GetValue(grounds)!, p.GetValue(output)!, p.GetValue(voltage), options,
                ParseCompression(p.GetValue(compress)), progress));
            var s = r.Solution;
            if (s.UngroundedComponents > 0)
                Console.Error.WriteLine(Invariant($"warning: {s.UngroundedComponents} components without a ground ({s.UngroundedCells} cells, {s.IgnoredSourceAmps:G4} A of sources) were not solved: NoData in the outputs"));
            else if (s.IgnoredSourceAmps != 0)
                Console.Error.WriteLine(Invariant($"warning: {s.IgnoredSourceAmps:G4} A of sources lie on NoData cells and were ignored"));
            Console.Error.WriteLine(Invariant($"current: {r.Grid.Width}x{r.Grid.Height} cells, {s.SolvedCells} solved ({s.GroundCells} grounds), {s.Iterations} iterations, residual {s.RelativeResidual:G3}, {r.Seconds:F3} s -> {p.GetValue(output)}"));
        }));
        return cmd;
    }

    private static Command Omniscape()
    {
        var resistance = new Option<string>("--resistance") { Description = "Resistance GeoTIFF (NoData = barrier).", Required = true };
        var sources = new Option<string>("--sources") { Description = "Source-strength GeoTIFF (habitat quality; 0 or NoData = not a source).", Required = true };
        var radius = new Option<double>("--radius-meters") { Description = "Moving-window radius in map units (metres).", Required = true };
        var block = new Option<int>("--block-size")
        {
            Description = "Side of the square blocks of targets, in cells (odd; 1 = every cell a target, as slow as it is exact).",
            DefaultValueFactory = _ => 1,
        };
        var output = new Option<string>("--out") { Description = "Output float32 GeoTIFF of cumulative current.", Required = true };
        var flow = new Option<string?>("--flow-potential-out") { Description = "Optional output: the same on a uniform resistance." };
        var norm = new Option<string?>("--normalised-out") { Description = "Optional output: cumulative current / flow potential." };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Relative residual of each window's solve.",
            DefaultValueFactory = _ => 1e-6,
        };
        var compress = CompressOption();
        var cmd = new Command("omniscape", "Omniscape-style moving-window circuit connectivity: cumulative, flow-potential and normalised current.")
        {
            resistance, sources, radius, block, output, flow, norm, tolerance, compress,
        };
        cmd.SetAction(p => Run(() =>
        {
            double tol = p.GetValue(tolerance);
            if (!(tol > 0 && tol < 1)) throw new UsageException(Invariant($"--tolerance must lie between 0 and 1 (exclusive), not {tol}"));
            var r = WithProgress("omniscape", progress => MovingWindowOperation.Run(p.GetValue(resistance)!, p.GetValue(sources)!,
                p.GetValue(radius), p.GetValue(block), p.GetValue(output)!, p.GetValue(flow), p.GetValue(norm), tol,
                ParseCompression(p.GetValue(compress)), progress));
            var m = r.Result;
            if (m.NotConverged > 0) Console.Error.WriteLine($"warning: {m.NotConverged} windows did not reach the tolerance within the iteration cap");
            Console.Error.WriteLine(Invariant($"omniscape: {r.Grid.Width}x{r.Grid.Height} cells, {m.Windows} windows, {m.Iterations} iterations, {m.PeakRowsHeld} rows held, {r.Seconds:F3} s -> {p.GetValue(output)}"));
        }));
        return cmd;
    }

    /// <summary>
    /// Runs an operation with a progress bar on an interactive terminal; when output is redirected (scripts, CI,
    /// benchmarks) it runs without one, and the one-line summary after it is all that is printed.
    /// </summary>
    private static T WithProgress<T>(string label, Func<IProgress<double>?, T> operation) =>
        Console.IsOutputRedirected ? operation(null) : WithProgressBar(label, operation);

    // Its own method so that a redirected run never loads Spectre.Console (the JIT resolves a method's types when it
    // compiles it).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static T WithProgressBar<T>(string label, Func<IProgress<double>?, T> operation) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(label, maxValue: 1);
                var result = operation(new SynchronousProgress(v => task.Value = Math.Max(task.Value, v)));
                task.Value = 1;
                return result;
            });

    /// <summary>Reports on the calling thread (the operations report from their worker threads; the bar is thread-safe).</summary>
    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    // One error path: file problems name the file, usage problems name the option; both exit non-zero without a stack trace.
    private static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (RasterFileException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (CircuitInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (CircuitNotConvergedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (ArgumentException e)
        {
            // Kernel argument checks (e.g. a grid too large for one pass) are usage problems here, not crashes.
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static WeightedLayer ParseLayer(string spec)
    {
        // Split at the LAST colon so paths with colons still work.
        int i = spec.LastIndexOf(':');
        if (i <= 0 || !float.TryParse(spec.AsSpan(i + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out float w) || !float.IsFinite(w))
            throw new UsageException($"--layer '{spec}' must be PATH:WEIGHT, e.g. wind.tif:0.3");
        return new WeightedLayer(spec[..i], w);
    }

    private static (double X, double Y) ParsePoint(string spec)
    {
        var parts = spec.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y))
            return (x, y);
        throw new UsageException($"--from '{spec}' must be X,Y in the raster's CRS, e.g. 76385,98455");
    }

    private static TiffCompression ParseCompression(string? value) =>
        value is null ? default
        : TiffCompression.TryParse(value, out var c) ? c
        : throw new UsageException($"--compress must be none, zstd[:1-22], deflate[:1-12] or lzw (optionally +p2 or +p3), not '{value}'");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class UsageException(string message) : Exception(message);
}
