using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class WithinDistanceTests
{
    /// <summary>All-pairs reference: the exact distance from every cell centre to the nearest feature cell centre.</summary>
    private static double[] BruteForce(byte[] f, int w, int h, double dx, double dy)
    {
        var features = new List<(int C, int R)>();
        for (int i = 0; i < f.Length; i++) if (f[i] != 0) features.Add((i % w, i / w));
        var d = new double[w * h];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                double best = double.PositiveInfinity;
                foreach (var (c2, r2) in features)
                {
                    double ex = (c - c2) * dx, ey = (r - r2) * dy;
                    best = Math.Min(best, ex * ex + ey * ey);
                }
                d[r * w + c] = Math.Sqrt(best);
            }
        return d;
    }

    [Theory]
    [InlineData(1, 1, 0.5, 10, 10, 0)]
    [InlineData(37, 29, 0.01, 10, 10, 25)]
    [InlineData(37, 29, 0.01, 10, 10, 30)] // a bound on a lattice distance: 3 cells, inclusive
    [InlineData(64, 40, 0.002, 10, 10, 141.42136)] // √2 · 100 m, rounded as float
    [InlineData(50, 50, 0.05, 0.3, 0.3, 1.1)]
    [InlineData(40, 7, 0.02, 25, 25, 5000)] // farther than the grid: every cell
    [InlineData(33, 21, 0.03, 2.5, 7.0, 12)] // non-square cells: the transform's path
    [InlineData(300, 200, 0.0005, 10, 10, 420)] // large enough for the parallel passes
    public void WithinDistance_RandomFeatures_EqualsTheThresholdedTransformAndTheExactDistance(int w, int h, double share, double dx, double dy, double bound)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var f = EuclideanDistanceTests.RandomFeatures(w, h, share, seed * 7919 + w);
            f[(h / 3) * w + w / 4] = 1;
            var distance = new float[w * h];
            RasterKernels.EuclideanDistance(f, w, h, dx, dy, distance);
            var exact = BruteForce(f, w, h, dx, dy);
            foreach (bool allCores in new[] { false, true })
            {
                var within = new byte[w * h];
                Array.Fill(within, (byte)7); // every cell must be written
                RasterKernels.WithinDistance(f, w, h, dx, dy, bound, new float[w * h], within, allCores: allCores);
                for (int i = 0; i < within.Length; i++)
                {
                    Assert.Equal(distance[i] <= (float)bound ? 1 : 0, within[i]);
                    if (Math.Abs(exact[i] - bound) > 1e-5 * Math.Max(1, bound))
                        Assert.True((exact[i] <= bound) == (within[i] == 1), $"{w}x{h} cell {i}: exact {exact[i]} vs bound {bound}");
                }
            }
        }
    }

    [Fact]
    public void WithinDistance_InPlace_OverwritesTheFeaturesWithTheMask()
    {
        const int W = 120, H = 90;
        var f = EuclideanDistanceTests.RandomFeatures(W, H, 0.004, 3);
        var expected = new byte[W * H];
        RasterKernels.WithinDistance(f, W, H, 10, 10, 55, new float[W * H], expected);
        RasterKernels.WithinDistance(f, W, H, 10, 10, 55, new float[W * H], f);
        Assert.Equal(expected, f);
        Assert.Contains((byte)0, f);
        Assert.Contains((byte)1, f);
    }

    [Fact]
    public void WithinDistance_NoFeatureOrNegativeBound_NothingIsWithin()
    {
        var within = Enumerable.Repeat((byte)1, 20).ToArray();
        RasterKernels.WithinDistance(new byte[20], 5, 4, 10, 10, 100, new float[20], within);
        Assert.All(within, b => Assert.Equal(0, b));
        var f = new byte[20];
        f[7] = 1;
        RasterKernels.WithinDistance(f, 5, 4, 10, 10, -1, new float[20], within);
        Assert.All(within, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(100)]
    public void AtMost_EveryPath_MarksTheCellsAtMostTheBoundAndNotNaN(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(i => i % 9 == 0 ? float.NaN : i % 7 == 0 ? 2.5f : (float)(rng.NextDouble() * 5)).ToArray();
        foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Best })
        {
            var mask = Enumerable.Repeat((byte)9, n).ToArray();
            RasterKernels.AtMost(x, 2.5f, mask, path);
            for (int i = 0; i < n; i++) Assert.Equal(x[i] <= 2.5f ? 1 : 0, mask[i]);
        }
    }
}
