using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class EuclideanDistanceTests
{
    internal static byte[] RandomFeatures(int w, int h, double share, int seed)
    {
        var rng = new Random(seed);
        var f = new byte[w * h];
        for (int i = 0; i < f.Length; i++) f[i] = rng.NextDouble() < share ? (byte)1 : (byte)0;
        return f;
    }

    /// <summary>All-pairs reference: distance from every cell centre to every feature cell centre.</summary>
    private static double[] BruteForce(byte[] f, int w, int h, double dx, double dy)
    {
        var d = new double[w * h];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                double best = double.PositiveInfinity;
                for (int r2 = 0; r2 < h; r2++)
                    for (int c2 = 0; c2 < w; c2++)
                    {
                        if (f[r2 * w + c2] == 0) continue;
                        double ex = (c - c2) * dx, ey = (r - r2) * dy;
                        best = Math.Min(best, ex * ex + ey * ey);
                    }
                d[r * w + c] = Math.Sqrt(best);
            }
        return d;
    }

    [Theory]
    [InlineData(1, 1, 0.5, 10, 10)]
    [InlineData(17, 13, 0.05, 10, 10)]
    [InlineData(40, 37, 0.01, 10, 10)]
    [InlineData(33, 21, 0.2, 2.5, 7.0)]
    [InlineData(64, 5, 0.003, 1, 1)]
    [InlineData(5, 64, 0.02, 30, 30)]
    public void EuclideanDistance_RandomFeatures_EqualsBruteForce(int w, int h, double share, double dx, double dy)
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var f = RandomFeatures(w, h, share, seed * 101 + w);
            if (seed == 0) f[(h / 2) * w + w / 2] = 1; // at least one feature
            if (Array.IndexOf(f, (byte)1) < 0) continue;
            var expected = BruteForce(f, w, h, dx, dy);
            foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512 })
            {
                var d = new float[w * h];
                RasterKernels.EuclideanDistance(f, w, h, dx, dy, d, path, allCores: path != KernelPath.Scalar);
                for (int i = 0; i < d.Length; i++)
                    Assert.True(Math.Abs(d[i] - expected[i]) <= 1e-4 * Math.Max(1, expected[i]), $"{w}x{h} {path} cell {i}: {d[i]} vs {expected[i]}");
            }
        }
    }

    [Fact]
    public void EuclideanDistance_NoFeature_AllNaN()
    {
        var d = new float[12];
        RasterKernels.EuclideanDistance(new byte[12], 4, 3, 1, 1, d);
        Assert.All(d, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void EuclideanDistance_SingleFeatureInCorner_GivesHypotenuseInMapUnits()
    {
        var f = new byte[3 * 4];
        f[0] = 1;
        var d = new float[f.Length];
        RasterKernels.EuclideanDistance(f, 3, 4, 10, 20, d);
        Assert.Equal(0f, d[0]);
        Assert.Equal(10f, d[1]);
        Assert.Equal(20f, d[3]);
        Assert.Equal((float)Math.Sqrt(10 * 10 + 60 * 60), d[3 * 3 + 1]);
    }

    [Fact]
    public void EuclideanDistance_LargeRaggedGridAllCores_EqualsScalarSingleThread()
    {
        // 1031 × 613 = 632 003 cells: above the parallel threshold, width not a multiple of 16 or of the 512-column block.
        const int w = 1031, h = 613;
        var f = RandomFeatures(w, h, 0.0005, 9);
        var expected = new float[w * h];
        RasterKernels.EuclideanDistance(f, w, h, 10, 10, expected, KernelPath.Scalar, allCores: false);
        var actual = new float[w * h];
        RasterKernels.EuclideanDistance(f, w, h, 10, 10, actual);
        KernelTestData.AssertClose(expected, actual, 0f, "edt large");
    }
}

public class EuclideanDistanceRowsTests
{
    [Theory]
    [InlineData(1, 1, 1.0, 10, 10)]
    [InlineData(300, 70, 0.002, 10, 10)]
    [InlineData(40, 300, 0.01, 2, 5)]
    [InlineData(1031, 97, 0.0003, 25, 25)]
    public void EuclideanDistanceRows_AnyBands_EqualInMemoryTransform(int w, int h, double share, double dx, double dy)
    {
        var rng = new Random(w + h);
        var f = new byte[w * h];
        for (int i = 0; i < f.Length; i++) f[i] = rng.NextDouble() < share ? (byte)(1 + rng.Next(255)) : (byte)0;
        f[f.Length / 2] = 1;
        var expected = new float[w * h];
        RasterKernels.EuclideanDistance(f, w, h, dx, dy, expected, KernelPath.Scalar, allCores: false);
        var cols = new FeatureColumns(w, h);
        for (int r = 0; r < h; r += 7) cols.AddRows(r, Math.Min(7, h - r), f.AsSpan(r * w, Math.Min(7, h - r) * w));
        cols.Complete();
        foreach (var path in KernelTestData.VectorPaths)
        {
            var actual = new float[w * h];
            for (int r = 0; r < h; r += 13)
            {
                int n = Math.Min(13, h - r);
                RasterKernels.EuclideanDistanceRows(cols, r, n, dx, dy, actual.AsSpan(r * w, n * w), path);
            }
            KernelTestData.AssertClose(expected, actual, 0f, $"rows ({path}) vs in-memory");
        }
    }

    [Theory]
    [InlineData(511, new[] { 0, 510 })]      // farthest cell 255 columns away: the vector window's edge, no fallback
    [InlineData(515, new[] { 0, 514 })]      // 257 away: past the window, the row falls back to the envelope
    [InlineData(700, new[] { 3 })]           // one feature: most of the row beyond the window
    [InlineData(16, new[] { 15 })]           // exactly one vector block (two of eight lanes)
    [InlineData(17, new[] { 0 })]            // one block plus an overlapping tail block
    [InlineData(9, new[] { 4 })]             // narrower than 16 lanes: the eight-lane window or the envelope
    public void EuclideanDistanceRows_WindowEdgesAndFallback_EqualScalarEnvelope(int w, int[] featureColumns)
    {
        const int h = 5;
        var f = new byte[w * h];
        foreach (int c in featureColumns) f[2 * w + c] = 1;
        var expected = new float[w * h];
        RasterKernels.EuclideanDistance(f, w, h, 10, 10, expected, KernelPath.Scalar, allCores: false);
        var cols = new FeatureColumns(w, h);
        cols.AddRows(0, h, f);
        cols.Complete();
        foreach (var path in new[] { KernelPath.Vector256, KernelPath.Vector512 })
        {
            var actual = new float[w * h];
            RasterKernels.EuclideanDistanceRows(cols, 0, h, 10, 10, actual, path);
            KernelTestData.AssertClose(expected, actual, 0f, $"window w={w} {path}");
            var inMemory = new float[w * h];
            RasterKernels.EuclideanDistance(f, w, h, 10, 10, inMemory, path);
            KernelTestData.AssertClose(expected, inMemory, 0f, $"in-memory w={w} {path}");
        }
    }

    /// <summary>
    /// Square cells: every path must give scipy's value to the bit, (float)√(d²·cell²) with d² the exact integer squared
    /// distance in cells. 10 m and 1 m take the vector path's float square root, 0.1 m and 12.3 m (cell² not a float)
    /// its double one, and 1023 m both within one row (float only while d² &lt; 16).
    /// </summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(10.0)]
    [InlineData(1023.0)]
    [InlineData(0.1)]
    [InlineData(12.3)]
    public void EuclideanDistanceRows_SquareCells_BitIdenticalToSquareRootOfExactSquares(double cell)
    {
        const int w = 203, h = 61;
        var f = EuclideanDistanceTests.RandomFeatures(w, h, 0.01, 11);
        var expected = new float[w * h];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                long best = long.MaxValue;
                for (int i = 0; i < f.Length; i++)
                {
                    if (f[i] == 0) continue;
                    long ex = c - i % w, ey = r - i / w;
                    best = Math.Min(best, ex * ex + ey * ey);
                }
                expected[r * w + c] = (float)Math.Sqrt(best * (cell * cell));
            }
        var cols = new FeatureColumns(w, h);
        cols.AddRows(0, h, f);
        cols.Complete();
        foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512, KernelPath.Best })
        {
            var actual = new float[w * h];
            RasterKernels.EuclideanDistanceRows(cols, 0, h, cell, cell, actual, path);
            KernelTestData.AssertClose(expected, actual, 0f, $"rows {path} cell {cell}");
            RasterKernels.EuclideanDistance(f, w, h, cell, cell, actual, path);
            KernelTestData.AssertClose(expected, actual, 0f, $"in-memory {path} cell {cell}");
        }
    }

    [Fact]
    public void FeatureColumns_StripsOutOfOrderAndConcurrent_SameTransformAsInOrder()
    {
        const int w = 97, h = 203;
        var f = EuclideanDistanceTests.RandomFeatures(w, h, 0.02, 5);
        var inOrder = new FeatureColumns(w, h);
        inOrder.AddRows(0, h, f);
        var expected = new float[w * h];
        RasterKernels.EuclideanDistanceRows(inOrder.Complete(), 0, h, 10, 10, expected);
        var strips = RowStrips.Of(h, 16).Reverse().ToArray();
        var shuffled = new FeatureColumns(w, h);
        Parallel.ForEach(strips, s => shuffled.AddRows(s.FirstRow, s.RowCount, f.AsSpan(s.FirstRow * w, s.RowCount * w)));
        Assert.Equal(inOrder.Count, shuffled.Count);
        var actual = new float[w * h];
        RasterKernels.EuclideanDistanceRows(shuffled.Complete(), 0, h, 10, 10, actual);
        KernelTestData.AssertClose(expected, actual, 0f, "shuffled strips");
    }

    [Fact]
    public void FeatureColumns_MissingOrRepeatedRows_CompleteSaysWhich()
    {
        var gap = new FeatureColumns(4, 10);
        gap.AddRows(0, 3, new byte[12]);
        gap.AddRows(5, 5, new byte[20]);
        Assert.Contains("Rows 3..4 were never added", Assert.Throws<InvalidOperationException>(() => gap.Complete()).Message);
        var twice = new FeatureColumns(4, 10);
        twice.AddRows(0, 6, new byte[24]);
        twice.AddRows(4, 6, new byte[24]);
        Assert.Contains("Rows 4..5 were added twice", Assert.Throws<InvalidOperationException>(() => twice.Complete()).Message);
        var shortOne = new FeatureColumns(4, 10);
        shortOne.AddRows(0, 8, new byte[32]);
        Assert.Contains("Rows 8..9 were never added", Assert.Throws<InvalidOperationException>(() => shortOne.Complete()).Message);
    }

    [Fact]
    public void EuclideanDistanceRows_NoFeature_AllNaN()
    {
        var cols = new FeatureColumns(5, 4);
        cols.AddRows(0, 4, new byte[20]);
        var d = new float[20];
        RasterKernels.EuclideanDistanceRows(cols.Complete(), 0, 4, 1, 1, d);
        Assert.All(d, v => Assert.True(float.IsNaN(v)));
    }
}
