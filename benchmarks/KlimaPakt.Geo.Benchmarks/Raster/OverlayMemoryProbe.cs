using System.Diagnostics;
using System.Globalization;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster;

/// <summary>
/// In-memory weighted overlay timed the way overlay_numpy.py --mode mem times numpy: inputs loaded untimed, the
/// output buffer reused, N repetitions, one JSON line with the median. Used by the side-by-side script so the project
/// and the peers (numpy, numexpr, membw.c) are measured in one run; BenchmarkDotNet's suites give the per-path detail.
/// </summary>
public static class OverlayMemoryProbe
{
    public static int Run(string[] args)
    {
        string data = "/tmp/raster-peers-data/8192";
        int reps = 7;
        var path = KernelPath.Best;
        bool allCores = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": data = args[++i]; break;
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--scalar": path = KernelPath.Scalar; break;
                case "--one-core": allCores = false; break;
            }
        }
        float[] w = [0.30f, 0.25f, 0.20f, 0.15f, 0.10f];
        var layers = Enumerable.Range(1, 5).Select(i => (ReadOnlyMemory<float>)GeoTiff.ReadBand(Path.Combine(data, $"c{i}.tif")).Cells).ToArray();
        var mask = GeoTiff.ReadByteBand(Path.Combine(data, "mask.tif")).Cells;
        var output = new float[mask.Length];
        RasterKernels.WeightedOverlay(layers, w, mask, output, RasterKernels.FileNoData, path, allCores); // warm-up + first touch
        var times = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            RasterKernels.WeightedOverlay(layers, w, mask, output, RasterKernels.FileNoData, path, allCores);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\": \"klimapakt_{(path == KernelPath.Scalar ? "scalar" : "simd")}_{(allCores ? "allcores" : "1core")}\", \"cells\": {mask.Length}, \"median_s\": {median:F5}, \"min_s\": {times[0]:F5}, \"cells_per_s\": {mask.Length / median:F0}}}"));
        return 0;
    }
}
