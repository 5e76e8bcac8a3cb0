using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>
/// Cost-distance from 5 sources (the peers' setup). No vector form: the baseline is the 4-ary heap, the contenders the
/// exact bucket queue with prefetching, sequential and bucket-synchronous on all cores (same result to the bit).
/// </summary>
[MemoryDiagnoser]
public class CostDistanceBenchmarks
{
    private float[] _cost = [];
    private float[] _accumulated = [];
    private (int, int)[] _sources = [];

    /// <summary>Grid side: 8192 and a ragged 3001.</summary>
    [Params(8192, 3001)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = Size;
        _cost = new float[(long)n * n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                _cost[(long)r * n + c] = 1 + 99 * (0.5f + 0.25f * MathF.Sin(c * 0.01f) + 0.25f * MathF.Cos(r * 0.013f));
        _accumulated = new float[_cost.LongLength];
        (double, double)[] fractions = [(0.2, 0.3), (0.5, 0.5), (0.8, 0.2), (0.3, 0.8), (0.7, 0.75)];
        _sources = fractions.Select(f => ((int)(f.Item1 * n), (int)(f.Item2 * n))).ToArray();
    }

    [Benchmark(Baseline = true)]
    public long Heap() => RasterKernels.CostDistance(_cost, Size, Size, _sources, 10, 10, CostDistanceUnits.Cells, _accumulated, forceHeap: true);

    [Benchmark]
    public long BucketQueue() => RasterKernels.CostDistance(_cost, Size, Size, _sources, 10, 10, CostDistanceUnits.Cells, _accumulated);

    [Benchmark]
    public long BucketQueueAllCores() =>
        RasterKernels.CostDistance(_cost, Size, Size, _sources, 10, 10, CostDistanceUnits.Cells, _accumulated, parallelism: 0);
}
