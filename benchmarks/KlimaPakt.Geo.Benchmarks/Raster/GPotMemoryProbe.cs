using System.Diagnostics;
using System.Globalization;
using KlimaPakt.Geo.Core.Geothermal;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster;

/// <summary>
/// In-memory G.POT timed the way peers/gpot_numpy.py --mode mem times numpy: <c>lambda.tif</c> and <c>t0.tif</c>
/// loaded untimed, the output buffer reused, N repetitions, one JSON line with the median. With <c>--out</c> the result
/// of the last repetition is written (untimed, uncompressed GeoTIFF) for the cell-by-cell comparison. Used by
/// peers/gpot_side_by_side.sh; <see cref="Kernels.GPotBenchmarks"/> gives the per-path detail.
/// </summary>
public static class GPotMemoryProbe
{
    public static int Run(string[] args)
    {
        string data = "/tmp/raster-peers-data/gpot/8192";
        string? output = null;
        int reps = 7;
        var path = KernelPath.Best;
        bool allCores = true, power = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": data = args[++i]; break;
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": output = args[++i]; break;
                case "--scalar": path = KernelPath.Scalar; break;
                case "--vector256": path = KernelPath.Vector256; break;
                case "--one-core": allCores = false; break;
                case "--power": power = true; break;
                default:
                    Console.Error.WriteLine($"gpot-mem: unknown argument '{args[i]}' (--data DIR --reps N --out FILE --scalar|--vector256 --one-core --power)");
                    return 2;
            }
        }
        var lambda = GeoTiff.ReadBand(Path.Combine(data, "lambda.tif"));
        var t0 = GeoTiff.ReadBand(Path.Combine(data, "t0.tif"));
        if (t0.Cells.Length != lambda.Cells.Length)
        {
            Console.Error.WriteLine($"gpot-mem: {data}/t0.tif and lambda.tif differ in size");
            return 2;
        }
        GPotConstants constants = new GPotParameters().ToKernelConstants(); // r.green.gshp's defaults, Rb by Shonder & Beck
        var result = new Raster<float>(lambda.Grid, zeroed: false);
        void Kernel()
        {
            if (power) RasterKernels.GPotPower(lambda.Cells, t0.Cells, result.Cells, constants, path, allCores);
            else RasterKernels.GPotEnergy(lambda.Cells, t0.Cells, result.Cells, constants, path, allCores);
        }
        // Warm-up: the first call (first touch of the output, JIT) is timed and reported on its own; then calls until a
        // second has passed, because the BCL's vector log (VectorMath.LogSingle, called once per 16 cells) starts as
        // Tier-0 code in every process and is promoted in the background only after a delay: with a single warm-up
        // call, some timed calls still ran the Tier-0 log (seen in the JIT's events).
        long warmStart = Stopwatch.GetTimestamp();
        Kernel();
        double firstCall = Stopwatch.GetElapsedTime(warmStart).TotalSeconds;
        while (Stopwatch.GetElapsedTime(warmStart).TotalSeconds < 1) Kernel();
        var inOrder = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            long start = Stopwatch.GetTimestamp();
            Kernel();
            inOrder.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        var times = inOrder.Order().ToList();
        double median = times[times.Count / 2];
        if (output is not null) GeoTiff.Write(output, result, TiffCompression.None);
        int n = result.Cells.Length;
        string name = path switch { KernelPath.Scalar => "scalar", KernelPath.Vector256 => "v256", _ => "simd" };
        string impl = $"klimapakt_{name}_{(allCores ? "allcores" : "1core")}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\": \"{impl}\", \"quantity\": \"{(power ? "power_W" : "energy_MWh_per_yr")}\", \"cells\": {n}, \"kernel_median_s\": {median:F5}, \"kernel_min_s\": {times[0]:F5}, \"first_call_s\": {firstCall:F5}, \"kernel_all_s\": [{string.Join(", ", inOrder.Select(t => t.ToString("F4", CultureInfo.InvariantCulture)))}], \"cells_per_s\": {n / median:F0}, \"GBps_12B\": {n * 12.0 / median / 1e9:F2}}}"));
        return 0;
    }
}
