using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>Exact EDT on line-like features (~2 % of cells, like gen_inputs.py's features.tif).</summary>
[MemoryDiagnoser]
public class EuclideanDistanceBenchmarks
{
    private byte[] _features = [];
    private float[] _distance = [];

    /// <summary>Grid side: 8192 and a ragged 3001.</summary>
    [Params(8192, 3001)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _features = new byte[(long)Size * Size];
        var rng = new Random(3);
        // Random polylines: a few hundred wandering walks, ~2 % of cells.
        long target = _features.LongLength / 50, set = 0;
        while (set < target)
        {
            int c = rng.Next(Size), r = rng.Next(Size);
            for (int step = 0; step < 2000 && set < target; step++)
            {
                c = Math.Clamp(c + rng.Next(-1, 2), 0, Size - 1);
                r = Math.Clamp(r + rng.Next(-1, 2), 0, Size - 1);
                ref byte cell = ref _features[(long)r * Size + c];
                if (cell == 0) { cell = 1; set++; }
            }
        }
        _distance = new float[_features.LongLength];
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => RasterKernels.EuclideanDistance(_features, Size, Size, 10, 10, _distance, KernelPath.Scalar, allCores: false);

    [Benchmark]
    public void Simd256() => RasterKernels.EuclideanDistance(_features, Size, Size, 10, 10, _distance, KernelPath.Vector256, allCores: false);

    [Benchmark]
    public void Simd() => RasterKernels.EuclideanDistance(_features, Size, Size, 10, 10, _distance, KernelPath.Best, allCores: false);

    [Benchmark]
    public void SimdAllCores() => RasterKernels.EuclideanDistance(_features, Size, Size, 10, 10, _distance);
}
