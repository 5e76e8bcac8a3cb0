using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>
/// Connected-component labelling (8-connectivity, minimum 25 cells) of a blobby 3-class raster like an eligibility or
/// coverage-gap map. Labelling scans with a dependency on the previous row and has no vector form: the baseline is one
/// strip on one core, the contender strips on all cores joined along their seams.
/// </summary>
[MemoryDiagnoser]
public class ConnectedComponentsBenchmarks
{
    private int[] _classes = [];
    private int[] _labels = [];

    /// <summary>Grid side: 8192 and a ragged 3001.</summary>
    [Params(8192, 3001)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = Size;
        _classes = new int[(long)n * n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                double v = Math.Sin(c * 0.011) + Math.Cos(r * 0.017) + 0.5 * Math.Sin((r + c) * 0.003);
                _classes[(long)r * n + c] = v > 0.8 ? 2 : v > 0 ? 1 : 0;
            }
        _labels = new int[_classes.Length];
    }

    [Benchmark(Baseline = true)]
    public int OneCore() => RasterKernels.ConnectedComponents(_classes, Size, Size, Connectivity.Eight, 25, _labels, allCores: false);

    [Benchmark]
    public int AllCores() => RasterKernels.ConnectedComponents(_classes, Size, Size, Connectivity.Eight, 25, _labels);
}
