using KlimaPakt.Geo.Raster.Circuits;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Operations;

namespace KlimaPakt.Geo.Raster.Tests.Circuits;

/// <summary>The Omniscape-style moving window against closed forms.</summary>
public sealed class MovingWindowCircuitsTests
{
    private static readonly CircuitOptions Tight = new() { Tolerance = 1e-11, AllCores = false };

    /// <summary>
    /// On a one-row raster every window is a chain, where the current needs no solve: with the target t grounded and
    /// current Iⱼ = T·sⱼ/Σs injected at the window's other sources, the link (j, j+1) carries the sources beyond it —
    /// Σ_{k ≤ j} Iₖ left of t, Σ_{k > j} Iₖ right of t — whatever the resistances. A node's current is
    /// ½(left link + right link + its injection), the target's is all that reaches it.
    /// </summary>
    private static double[] ChainReference(float[] s, double radius, int block)
    {
        int n = s.Length, half = block / 2, rad = (int)Math.Floor(radius);
        var total = new double[n];
        for (int c = half; c - half < n; c += block)
        {
            int t = Math.Min(c, n - 1);
            double strength = 0;
            for (int j = c - half; j <= Math.Min(c + half, n - 1); j++) strength += s[j];
            if (strength <= 0) continue;
            int a = Math.Max(0, t - rad), b = Math.Min(n - 1, t + rad);
            double sum = 0;
            for (int j = a; j <= b; j++) if (j != t) sum += s[j];
            if (sum == 0) continue;
            var inj = new double[n];
            for (int j = a; j <= b; j++) if (j != t) inj[j] = strength * s[j] / sum;
            var link = new double[n]; // link (j, j+1)
            for (int j = a; j < b; j++)
            {
                double l = 0;
                if (j < t) for (int k = a; k <= j; k++) l += inj[k];
                else for (int k = j + 1; k <= b; k++) l += inj[k];
                link[j] = l;
            }
            for (int k = a; k <= b; k++)
            {
                double left = k > a ? link[k - 1] : 0, right = k < b ? link[k] : 0;
                total[k] += k == t ? left + right : 0.5 * (left + right + inj[k]);
            }
        }
        return total;
    }

    [Theory]
    [InlineData(1, 4.5)]
    [InlineData(3, 6.2)]
    public void Run_OneRowRaster_CumulativeCurrentEqualsTheChainClosedForm(int block, double radius)
    {
        const int N = 31;
        var rng = new Random(9);
        var g = Enumerable.Range(0, N).Select(_ => (float)(0.1 + rng.NextDouble())).ToArray();
        var s = Enumerable.Range(0, N).Select(i => i % 5 == 2 ? 0f : (float)rng.NextDouble()).ToArray();
        var result = MovingWindowCircuits.Run(g, s, N, 1, new MovingWindowOptions { RadiusCells = radius, BlockSize = block, Solver = Tight });
        var expected = ChainReference(s, radius, block);
        for (int i = 0; i < N; i++) Assert.True(Math.Abs(expected[i] - result.CumulativeAmps[i]) <= 1e-5 * Math.Max(1, expected[i]), $"cell {i}: {result.CumulativeAmps[i]} vs {expected[i]}");
        // The chain's current does not depend on resistance, so the flow potential (uniform resistance) is the same map.
        for (int i = 0; i < N; i++) Assert.Equal(result.CumulativeAmps[i], result.FlowPotentialAmps![i], 1e-5 * Math.Max(1, expected[i]));
    }

    [Fact]
    public void Run_UniformResistance_NormalisedCurrentIsOneAndHolesAreNoData()
    {
        const int W = 23, H = 19;
        var g = Enumerable.Repeat(0.5f, W * H).ToArray();
        g[10 * W + 7] = float.NaN;
        var rng = new Random(4);
        var s = Enumerable.Range(0, W * H).Select(_ => (float)rng.NextDouble()).ToArray();
        var result = MovingWindowCircuits.Run(g, s, W, H, new MovingWindowOptions { RadiusCells = 6, BlockSize = 3, Solver = Tight });
        Assert.Equal(((W + 2) / 3) * ((H + 2) / 3) - 0, result.Windows + CountSkipped(g, W, H, 3));
        for (int i = 0; i < W * H; i++)
        {
            if (float.IsNaN(g[i]))
            {
                Assert.True(float.IsNaN(result.CumulativeAmps[i]) && float.IsNaN(result.Normalised![i]));
                continue;
            }
            Assert.Equal(1, result.Normalised![i], 1e-5);
        }
    }

    private static int CountSkipped(float[] g, int w, int h, int block)
    {
        int skipped = 0;
        for (int cy = block / 2; cy - block / 2 < h; cy += block)
            for (int cx = block / 2; cx - block / 2 < w; cx += block)
                if (float.IsNaN(g[Math.Min(cy, h - 1) * w + Math.Min(cx, w - 1)])) skipped++;
        return skipped;
    }

    private static (float[] G, float[] S) RandomLandscape(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var g = Enumerable.Range(0, w * h).Select(_ => rng.NextDouble() < 0.08 ? float.NaN : (float)(0.05 + rng.NextDouble())).ToArray();
        var s = Enumerable.Range(0, w * h).Select(_ => rng.NextDouble() < 0.3 ? 0f : (float)rng.NextDouble()).ToArray();
        return (g, s);
    }

    [Theory]
    [InlineData(1, 3.5, 1)]
    [InlineData(3, 5.0, 1)]
    [InlineData(3, 5.0, 2)]
    [InlineData(5, 2.0, 1)]
    public void RunStreamed_SmallBands_SameSumsAsTheWholeRasterAndRowsBounded(int block, double radius, int bandRows)
    {
        const int W = 23, H = 41;
        var (g, s) = RandomLandscape(W, H, 5 + block);
        var options = new MovingWindowOptions { RadiusCells = radius, BlockSize = block, Solver = Tight };
        var whole = MovingWindowCircuits.Run(g, s, W, H, options);

        var cum = new float[W * H];
        var fp = new float[W * H];
        var norm = new float[W * H];
        int nextRow = 0;
        var stats = MovingWindowCircuits.RunStreamed((row, rows, gd, sd) =>
        {
            g.AsSpan(row * W, rows * W).CopyTo(gd);
            s.AsSpan(row * W, rows * W).CopyTo(sd);
        }, (row, rows, c, f, q) =>
        {
            Assert.Equal(nextRow, row); // in order, each row once
            nextRow += rows;
            c.CopyTo(cum.AsSpan(row * W));
            f.CopyTo(fp.AsSpan(row * W));
            q.CopyTo(norm.AsSpan(row * W));
        }, W, H, options, bandRows);

        Assert.Equal(H, nextRow);
        Assert.Equal(whole.Windows, stats.Windows);
        // A band holds its target rows and the reach (radius or half a block) on each side.
        int reach = Math.Max((int)Math.Floor(radius), block / 2);
        Assert.True(stats.PeakRowsHeld <= bandRows * block + 2 * reach + 1, $"{stats.PeakRowsHeld} rows held");
        Assert.True(stats.PeakRowsHeld < H);
        for (int i = 0; i < W * H; i++)
        {
            Assert.Equal(float.IsNaN(whole.CumulativeAmps[i]), float.IsNaN(cum[i]));
            if (float.IsNaN(cum[i])) continue;
            // Same windows, summed in another order: equal to float rounding.
            Assert.True(Math.Abs(whole.CumulativeAmps[i] - cum[i]) <= 1e-6 * Math.Max(1, Math.Abs(cum[i])), $"cell {i}: {cum[i]} vs {whole.CumulativeAmps[i]}");
            Assert.True(Math.Abs(whole.FlowPotentialAmps![i] - fp[i]) <= 1e-6 * Math.Max(1, Math.Abs(fp[i])), $"cell {i}");
            if (!float.IsNaN(norm[i])) Assert.True(Math.Abs(whole.Normalised![i] - norm[i]) <= 1e-5 * Math.Max(1, Math.Abs(norm[i])), $"cell {i}");
        }
    }

    [Fact]
    public void Operation_AnOutputIsTheSourcesFile_RefusedAndTheSourcesKept()
    {
        const int W = 12, H = 10;
        var (g, s) = RandomLandscape(W, H, 5);
        var grid = new GridSpec(2169, 0, H * 10, 10, 10, W, H);
        var dir = TestFiles.TempDir();
        string rPath = Path.Combine(dir, "r.tif"), sPath = Path.Combine(dir, "s.tif");
        GeoTiff.Write(rPath, new Raster<float>(grid, [.. g.Select(v => float.IsNaN(v) ? v : 1 / v)]));
        GeoTiff.Write(sPath, new Raster<float>(grid, s));
        var before = File.ReadAllBytes(sPath);

        var e = Assert.Throws<RasterFileException>(() =>
            MovingWindowOperation.Run(rPath, sPath, radiusMeters: 25, blockSize: 1, Path.Combine(dir, "c.tif"), null, sPath));

        Assert.Contains("s.tif", e.Message);
        Assert.Contains("is also an input", e.Message);
        Assert.Equal(before, File.ReadAllBytes(sPath));
        Assert.False(File.Exists(Path.Combine(dir, "c.tif")));
    }

    [Fact]
    public void Operation_GeoTiffsStreamedInBands_EqualTheInMemoryRun()
    {
        const int W = 30, H = 37;
        var (g, s) = RandomLandscape(W, H, 11);
        var grid = new GridSpec(2169, 0, H * 10, 10, 10, W, H);
        var dir = TestFiles.TempDir();
        string rPath = Path.Combine(dir, "r.tif"), sPath = Path.Combine(dir, "s.tif"), cPath = Path.Combine(dir, "c.tif"), nPath = Path.Combine(dir, "n.tif");
        GeoTiff.Write(rPath, new Raster<float>(grid, [.. g.Select(v => float.IsNaN(v) ? v : 1 / v)]));
        GeoTiff.Write(sPath, new Raster<float>(grid, s));

        var r = MovingWindowOperation.Run(rPath, sPath, radiusMeters: 45, blockSize: 3, cPath, null, nPath, tolerance: 1e-10, bandRows: 1);
        var whole = MovingWindowCircuits.Run([.. g.Select(v => float.IsNaN(v) ? v : 1 / (1 / v))], s, W, H,
            new MovingWindowOptions { RadiusCells = 4.5, BlockSize = 3, Solver = new CircuitOptions { Tolerance = 1e-10, AllCores = false } });

        Assert.True(r.Result.PeakRowsHeld <= 3 + 2 * 4 + 1);
        var cum = GeoTiff.ReadBand(cPath).Cells;
        var norm = GeoTiff.ReadBand(nPath).Cells;
        for (int i = 0; i < W * H; i++)
        {
            Assert.Equal(float.IsNaN(whole.CumulativeAmps[i]), float.IsNaN(cum[i]));
            if (!float.IsNaN(cum[i])) Assert.True(Math.Abs(whole.CumulativeAmps[i] - cum[i]) <= 1e-5 * Math.Max(1, cum[i]), $"cell {i}");
            if (!float.IsNaN(norm[i])) Assert.True(Math.Abs(whole.Normalised![i] - norm[i]) <= 1e-5 * Math.Max(1, norm[i]), $"cell {i}");
        }
    }
}
