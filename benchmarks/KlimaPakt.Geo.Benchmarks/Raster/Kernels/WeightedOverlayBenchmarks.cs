using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>Fused 5-layer weighted overlay with mask and NoData (the overlay; 25 bytes of traffic per cell).</summary>
[MemoryDiagnoser]
public class WeightedOverlayBenchmarks
{
    private ReadOnlyMemory<float>[] _layers = [];
    private byte[] _mask = [];
    private float[] _output = [];
    private readonly float[] _weights = [0.30f, 0.25f, 0.20f, 0.15f, 0.10f];

    /// <summary>Grid side: 8192² (67 M cells, the peers' size) and a ragged 3001².</summary>
    [Params(8192, 3001)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        long n = (long)Size * Size;
        var rng = new Random(20261128);
        _layers = Enumerable.Range(0, 5).Select(_ =>
        {
            var a = new float[n];
            for (long i = 0; i < n; i++) a[i] = rng.NextSingle();
            return (ReadOnlyMemory<float>)a;
        }).ToArray();
        _mask = new byte[n];
        for (long i = 0; i < n; i++) _mask[i] = rng.NextDouble() < 0.1 ? (byte)1 : (byte)0;
        _output = new float[n];
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => RasterKernels.WeightedOverlay(_layers, _weights, _mask, _output, RasterKernels.FileNoData, KernelPath.Scalar, allCores: false);

    [Benchmark]
    public void Simd() => RasterKernels.WeightedOverlay(_layers, _weights, _mask, _output, RasterKernels.FileNoData, KernelPath.Best, allCores: false);

    [Benchmark]
    public void SimdAllCores() => RasterKernels.WeightedOverlay(_layers, _weights, _mask, _output, RasterKernels.FileNoData, KernelPath.Best, allCores: true);
}
