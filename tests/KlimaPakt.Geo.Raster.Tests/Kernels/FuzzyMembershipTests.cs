using KlimaPakt.Geo.Raster.Kernels;
using static KlimaPakt.Geo.Raster.Tests.Kernels.KernelTestData;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class FuzzyMembershipTests
{
    private delegate void Kernel(ReadOnlySpan<float> x, Span<float> dst, KernelPath path, bool allCores);

    private static readonly (string Name, Kernel Run, float Tolerance)[] s_kernels =
    [
        ("linear", (x, d, p, c) => RasterKernels.LinearMembership(x, d, 0.2f, 0.8f, p, c), 0f),
        ("linear-inverted", (x, d, p, c) => RasterKernels.LinearMembership(x, d, 0.9f, 0.1f, p, c), 0f),
        ("sigmoid", (x, d, p, c) => RasterKernels.SigmoidMembership(x, d, 0.5f, 8f, p, c), 2e-6f),
        ("sigmoid-inverted", (x, d, p, c) => RasterKernels.SigmoidMembership(x, d, 0.5f, -8f, p, c), 2e-6f),
        ("gaussian", (x, d, p, c) => RasterKernels.GaussianMembership(x, d, 0.4f, 5f, p, c), 2e-6f),
        ("invert", (x, d, p, c) => RasterKernels.InvertMembership(x, d, p, c), 0f),
        ("reclass", (x, d, p, c) => RasterKernels.Reclassify(x, d,
            [new(0f, 0.25f, 0.1f), new(0.25f, 0.5f, 0.4f), new(0.2f, 1f, 0.9f), new(1f, 2f, float.NaN)], 0f, p, c), 0f),
        ("nodata-to-nan", (x, d, p, c) => { x.CopyTo(d); RasterKernels.NoDataToNaN(d, x.Length > 3 ? x[3] : 0.5f, p, c); }, 0f),
        ("nan-to-nodata", (x, d, p, c) => RasterKernels.NaNToNoData(x, d, RasterKernels.FileNoData, p, c), 0f),
    ];

    [Fact]
    public void Membership_VectorPathsAllLengths_MatchScalarReference()
    {
        foreach (var (name, run, tol) in s_kernels)
            foreach (int n in Lengths())
            {
                var x = Values(n, n);
                var expected = new float[n];
                run(x, expected, KernelPath.Scalar, false);
                foreach (var path in VectorPaths)
                {
                    var actual = new float[n];
                    run(x, actual, path, true);
                    AssertClose(expected, actual, tol, $"{name} n={n} {path}");
                }
            }
    }

    [Fact]
    public void Membership_InPlace_MatchesOutOfPlace()
    {
        foreach (var (name, run, tol) in s_kernels)
            foreach (int n in new[] { 7, 8, 15, 17, 33, 255, LargeRagged })
            {
                var x = Values(n, 7 * n);
                var expected = new float[n];
                run(x, expected, KernelPath.Scalar, false);
                run(x, x, KernelPath.Best, true);
                AssertClose(expected, x, tol, $"{name} in place n={n}");
            }
    }

    [Fact]
    public void LinearMembership_KnownValues_RampsAndClamps()
    {
        float[] x = [-1f, 0f, 5f, 10f, 20f, float.NaN, 2.5f, 7.5f, 11f];
        var d = new float[x.Length];
        RasterKernels.LinearMembership(x, d, 0f, 10f);
        Assert.Equal([0f, 0f, 0.5f, 1f, 1f], d[..5]);
        Assert.True(float.IsNaN(d[5]));
        Assert.Equal(0.25f, d[6]);
        RasterKernels.LinearMembership(x, d, 10f, 0f);
        Assert.Equal([1f, 1f, 0.5f, 0f, 0f], d[..5]);
    }

    [Fact]
    public void SigmoidAndGaussian_AtMidpoint_GiveHalfAndOne()
    {
        float[] x = [3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f];
        var d = new float[x.Length];
        RasterKernels.SigmoidMembership(x, d, 3f, 2f);
        Assert.All(d, v => Assert.Equal(0.5f, v, 6));
        RasterKernels.GaussianMembership(x, d, 3f, 2f);
        Assert.All(d, v => Assert.Equal(1f, v, 6));
    }

    [Fact]
    public void Reclassify_FirstMatchWins_OthersGetDefault()
    {
        float[] x = [0.1f, 0.3f, 0.6f, 5f, float.NaN, 0.25f, 0.2f, 0.21f, 0.99f];
        var d = new float[x.Length];
        RasterKernels.Reclassify(x, d, [new(0f, 0.25f, 1f), new(0.2f, 1f, 2f)], -1f);
        Assert.Equal([1f, 2f, 2f, -1f], d[..4]);
        Assert.True(float.IsNaN(d[4]));
        Assert.Equal([2f, 1f, 1f, 2f], d[5..]);
    }
}
