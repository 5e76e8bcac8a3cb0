using System.CommandLine;
using System.Globalization;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;
using KlimaPakt.Geo.Raster.Operations;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Raster;

/// <summary>`klimapakt raster score|distance|cost`: the scoring core on any GeoTIFFs, no database needed.</summary>
public static class RasterCommands
{
    public static Command Create() => new("raster", "Raster scoring core on GeoTIFFs: weighted overlay, distance, cost-distance.")
    {
        Score(),
        Distance(),
        Cost(),
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
            Description = "Workers for the search: 1 (default, sequential), 0 for all cores, or N. Same result to the bit; " +
                "faster only on an otherwise idle machine. Ignored with --paths.",
            DefaultValueFactory = _ => 1,
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

    /// <summary>
    /// Runs an operation with a progress bar on an interactive terminal; when output is redirected (scripts, CI,
    /// benchmarks) it runs without one, and the one-line summary after it is all that is printed.
    /// </summary>
    private static RasterOperationResult WithProgress(string label, Func<IProgress<double>?, RasterOperationResult> operation) =>
        Console.IsOutputRedirected ? operation(null) : WithProgressBar(label, operation);

    // Its own method so that a redirected run never loads Spectre.Console (the JIT resolves a method's types when it
    // compiles it).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static RasterOperationResult WithProgressBar(string label, Func<IProgress<double>?, RasterOperationResult> operation) =>
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
