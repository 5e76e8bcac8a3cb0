using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>
/// Zonal statistics (count, sum, mean, min, max, area) of a float raster with 2 % NoData over 100 zones, the
/// per-commune figures of every analysis (zones are 10 × 10 blocks, so rows hold runs of ~800 cells of one zone): the
/// scalar reference (one accumulator update per cell) on one core and all, and the vector path that reduces whole runs.
/// </summary>
[MemoryDiagnoser]
public class ZonalStatisticsBenchmarks
{
    private int[] _zones = [];
    private float[] _values = [];

    /// <summary>Cells per call: 8192² and a ragged count.</summary>
    [Params(8192 * 8192, 9_000_011)]
    public int Cells { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(11);
        _zones = new int[Cells];
        _values = new float[Cells];
        int side = (int)Math.Sqrt(Cells);
        for (int i = 0; i < Cells; i++)
        {
            int r = i / side, c = i % side;
            _zones[i] = 1 + r * 10 / (side + 1) * 10 + c * 10 / (side + 1);
            _values[i] = rng.NextDouble() < 0.02 ? float.NaN : rng.NextSingle();
        }
    }

    [Benchmark(Baseline = true)]
    public int Scalar() => RasterKernels.ZonalStatistics(_zones, _values, 100, allCores: false, KernelPath.Scalar).Count;

    [Benchmark]
    public int ScalarAllCores() => RasterKernels.ZonalStatistics(_zones, _values, 100, allCores: true, KernelPath.Scalar).Count;

    [Benchmark]
    public int RunsSimd() => RasterKernels.ZonalStatistics(_zones, _values, 100, allCores: false).Count;

    [Benchmark]
    public int RunsSimdAllCores() => RasterKernels.ZonalStatistics(_zones, _values, 100).Count;
}
