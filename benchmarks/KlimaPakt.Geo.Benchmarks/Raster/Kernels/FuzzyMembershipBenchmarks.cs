using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>
/// Fuzzy membership (linear ramp: memory-bound; sigmoid: exp-bound) and a 5-class reclassification table through the
/// shared elementwise driver.
/// </summary>
[MemoryDiagnoser]
public class FuzzyMembershipBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];

    /// <summary>Cells per call: 8192² and a ragged count.</summary>
    [Params(8192 * 8192, 9_000_011)]
    public int Cells { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _x = new float[Cells];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextSingle() * 2;
        _y = new float[Cells];
    }

    [Benchmark(Baseline = true)]
    public void LinearScalar() => RasterKernels.LinearMembership(_x, _y, 0.2f, 1.6f, KernelPath.Scalar, allCores: false);

    [Benchmark]
    public void LinearSimd() => RasterKernels.LinearMembership(_x, _y, 0.2f, 1.6f, KernelPath.Best, allCores: false);

    [Benchmark]
    public void LinearSimdAllCores() => RasterKernels.LinearMembership(_x, _y, 0.2f, 1.6f);

    [Benchmark]
    public void SigmoidScalar() => RasterKernels.SigmoidMembership(_x, _y, 1f, 6f, KernelPath.Scalar, allCores: false);

    [Benchmark]
    public void SigmoidSimd() => RasterKernels.SigmoidMembership(_x, _y, 1f, 6f, KernelPath.Best, allCores: false);

    [Benchmark]
    public void SigmoidSimdAllCores() => RasterKernels.SigmoidMembership(_x, _y, 1f, 6f);

    private static readonly ReclassRange[] s_classes =
        [new(0f, 0.4f, 1), new(0.4f, 0.8f, 2), new(0.8f, 1.2f, 3), new(1.2f, 1.6f, 4), new(1.6f, 2f, 5)];

    [Benchmark]
    public void ReclassifyScalar() => RasterKernels.Reclassify(_x, _y, s_classes, float.NaN, KernelPath.Scalar, allCores: false);

    [Benchmark]
    public void ReclassifySimd() => RasterKernels.Reclassify(_x, _y, s_classes, float.NaN, KernelPath.Best, allCores: false);

    [Benchmark]
    public void ReclassifySimdAllCores() => RasterKernels.Reclassify(_x, _y, s_classes);
}
