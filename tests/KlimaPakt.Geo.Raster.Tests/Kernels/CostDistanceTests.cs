using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class CostDistanceTests
{
    private static float[] RandomCost(int w, int h, int seed, double barrierShare)
    {
        var rng = new Random(seed);
        var c = new float[w * h];
        for (int i = 0; i < c.Length; i++) c[i] = rng.NextDouble() < barrierShare ? float.NaN : 1f + 99f * (float)rng.NextDouble();
        return c;
    }

    /// <summary>Bellman–Ford reference: relax every edge of the 8-neighbour graph until nothing changes.</summary>
    private static double[] Reference(float[] cost, int w, int h, (int, int)[] sources, double ew, double ns)
    {
        var d = new double[w * h];
        Array.Fill(d, double.PositiveInfinity);
        foreach (var (c, r) in sources) if (cost[r * w + c] >= 0) d[r * w + c] = 0;
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++)
                {
                    int i = r * w + c;
                    if (double.IsInfinity(d[i])) continue;
                    for (int dr = -1; dr <= 1; dr++)
                        for (int dc = -1; dc <= 1; dc++)
                        {
                            if (dr == 0 && dc == 0) continue;
                            int nr = r + dr, nc = c + dc;
                            if (nr < 0 || nc < 0 || nr >= h || nc >= w) continue;
                            int j = nr * w + nc;
                            if (!(cost[j] >= 0)) continue;
                            double len = dr != 0 && dc != 0 ? Math.Sqrt(ew * ew + ns * ns) : dc != 0 ? ew : ns;
                            double nd = d[i] + ((double)cost[i] + cost[j]) / 2 * len;
                            if (nd < d[j] - 1e-12) { d[j] = nd; changed = true; }
                        }
                }
        }
        return d;
    }

    [Theory]
    [InlineData(1, 1, 0.0, 10, 10)]
    [InlineData(13, 9, 0.0, 10, 10)]
    [InlineData(25, 19, 0.15, 10, 10)]
    [InlineData(31, 7, 0.05, 5, 12.5)]
    public void CostDistance_RandomCosts_EqualsBellmanFordReference(int w, int h, double barriers, double dx, double dy)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var cost = RandomCost(w, h, seed + w * 7, barriers);
            (int, int)[] sources = seed == 2 ? [(0, 0), (w - 1, h - 1), (w / 2, h / 3)] : [(w / 2, h / 2)];
            foreach (var units in new[] { CostDistanceUnits.Cells, CostDistanceUnits.MapUnits })
            {
                double ew = units == CostDistanceUnits.Cells ? 1 : dx, ns = units == CostDistanceUnits.Cells ? dy / dx : dy;
                var expected = Reference(cost, w, h, sources, ew, ns);
                var acc = new float[w * h];
                RasterKernels.CostDistance(cost, w, h, sources, dx, dy, units, acc);
                for (int i = 0; i < acc.Length; i++)
                {
                    if (double.IsInfinity(expected[i])) { Assert.True(float.IsNaN(acc[i]), $"cell {i} should be unreached"); continue; }
                    Assert.True(Math.Abs(acc[i] - expected[i]) <= 1e-6 * Math.Max(1, expected[i]), $"{w}x{h} {units} cell {i}: {acc[i]} vs {expected[i]}");
                }
            }
        }
    }

    [Fact]
    public void CostDistance_BackLinks_LeadBackToASourceWithTheAccumulatedCost()
    {
        const int w = 23, h = 17;
        var cost = RandomCost(w, h, 4, 0.1);
        (int, int)[] sources = [(3, 4), (20, 12)];
        foreach (var (c, r) in sources) cost[r * w + c] = 5f;
        var acc = new float[w * h];
        var links = new byte[w * h];
        RasterKernels.CostDistance(cost, w, h, sources, 10, 10, CostDistanceUnits.Cells, acc, links);
        int[] dc = [1, 1, 0, -1, -1, -1, 0, 1], dr = [0, -1, -1, -1, 0, 1, 1, 1];
        for (int start = 0; start < w * h; start++)
        {
            if (float.IsNaN(acc[start])) { Assert.Equal(RasterKernels.BackLinkUnreached, links[start]); continue; }
            int i = start;
            double sum = 0;
            for (int steps = 0; links[i] != RasterKernels.BackLinkSource; steps++)
            {
                Assert.True(steps < w * h, "back-links loop");
                int k = links[i] - 1;
                int c = i % w + dc[k], r = i / w + dr[k];
                int j = r * w + c;
                sum += ((double)cost[i] + cost[j]) / 2 * (dc[k] != 0 && dr[k] != 0 ? Math.Sqrt(2) : 1);
                i = j;
            }
            Assert.Contains((i % w, i / w), sources);
            Assert.True(Math.Abs(sum - acc[start]) <= 1e-5 * Math.Max(1, sum), $"path cost {sum} vs {acc[start]}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CostDistance_Truncated_EqualsReferenceInsideTheBandAndUnreachedBeyond(bool heap)
    {
        const int w = 41, h = 29;
        var cost = RandomCost(w, h, 11, 0.08);
        (int, int)[] sources = [(5, 5), (30, 20)];
        var expected = Reference(cost, w, h, sources, 1, 1);
        // The truncation halfway up the reachable costs, nudged off any cell's value so rounding cannot decide a cell.
        var finite = expected.Where(double.IsFinite).Order().ToArray();
        double max = finite[finite.Length / 2];
        max = (max + finite.First(v => v > max)) / 2;
        var acc = new float[w * h];
        var links = new byte[w * h];
        long reached = RasterKernels.CostDistance(cost, w, h, sources, 10, 10, CostDistanceUnits.Cells, acc, links, forceHeap: heap, maximumCost: max);
        Assert.Equal(finite.Count(v => v <= max), reached);
        for (int i = 0; i < acc.Length; i++)
        {
            if (!(expected[i] <= max))
            {
                Assert.True(float.IsNaN(acc[i]), $"cell {i} ({expected[i]}) is beyond the truncation {max}");
                Assert.Equal(RasterKernels.BackLinkUnreached, links[i]);
                continue;
            }
            Assert.True(Math.Abs(acc[i] - expected[i]) <= 1e-6 * Math.Max(1, expected[i]), $"cell {i}: {acc[i]} vs {expected[i]}");
            Assert.NotEqual(RasterKernels.BackLinkUnreached, links[i]);
        }
    }

    [Fact]
    public void CostDistance_SourceOutsideGrid_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RasterKernels.CostDistance(new float[4], 2, 2, [(2, 0)], 1, 1, CostDistanceUnits.Cells, new float[4]));
    }
}

public class CostDistanceFrontierTests
{
    [Fact]
    public void CostDistance_BucketQueue_EqualsHeapOnRaggedGrid()
    {
        const int w = 301, h = 187;
        var rng = new Random(77);
        var cost = new float[w * h];
        for (int i = 0; i < cost.Length; i++) cost[i] = rng.NextDouble() < 0.05 ? float.NaN : 0.5f + 200f * (float)rng.NextDouble();
        (int, int)[] sources = [(0, 0), (150, 90), (300, 186)];
        var a = new float[w * h];
        var b = new float[w * h];
        RasterKernels.CostDistance(cost, w, h, sources, 10, 10, CostDistanceUnits.MapUnits, a);
        RasterKernels.CostDistance(cost, w, h, sources, 10, 10, CostDistanceUnits.MapUnits, b, forceHeap: true);
        KernelTestData.AssertClose(b, a, 0f, "bucket vs heap");
    }

    [Fact]
    public void CostDistance_OutputIntoCostArray_SameAsSeparateOutput()
    {
        const int w = 64, h = 50;
        var rng = new Random(5);
        var cost = new float[w * h];
        for (int i = 0; i < cost.Length; i++) cost[i] = 1f + 9f * (float)rng.NextDouble();
        var expected = new float[w * h];
        RasterKernels.CostDistance(cost, w, h, [(10, 10)], 1, 1, CostDistanceUnits.Cells, expected);
        RasterKernels.CostDistance(cost, w, h, [(10, 10)], 1, 1, CostDistanceUnits.Cells, cost);
        KernelTestData.AssertClose(expected, cost, 0f, "in place");
    }

    /// <summary>
    /// The parallel search against the sequential one, bit for bit, on random rasters of several sizes (one cell,
    /// narrower than a tile, ragged, several buckets' worth of cells per row) and source sets (one, several, duplicated,
    /// on barriers, in corners), with friction that is random, integer-valued (many equal path sums, so workers race
    /// on ties) or constant, in cells and in map units. Worker counts: 2, the machine's cores, and 7 — more workers
    /// than cores, so they are preempted mid-bucket as on a loaded machine.
    /// </summary>
    [Theory]
    [InlineData(1, 1, 0.0, 0)]
    [InlineData(17, 5, 0.0, 0)]
    [InlineData(64, 64, 0.0, 2)]
    [InlineData(301, 187, 0.05, 0)]
    [InlineData(301, 187, 0.15, 1)]
    [InlineData(257, 400, 0.02, 2)]
    [InlineData(1000, 700, 0.03, 0)]
    [InlineData(1000, 700, 0.0, 1)]
    public void CostDistance_Parallel_BitIdenticalToSequential(int w, int h, double barriers, int friction)
    {
        var rng = new Random(w * 31 + h + friction);
        var cost = new float[w * h];
        for (int i = 0; i < cost.Length; i++)
            cost[i] = rng.NextDouble() < barriers ? float.NaN : friction switch
            {
                0 => 1f + 99f * (float)rng.NextDouble(),
                1 => rng.Next(1, 6),
                _ => 3f,
            };
        var sourceSets = new (int, int)[][]
        {
            [(w / 2, h / 2)],
            [(0, 0), (w - 1, h - 1), (w / 3, (2 * h) / 3), (w / 3, (2 * h) / 3), ((4 * w) / 5, h / 5)],
            [.. Enumerable.Range(0, 12).Select(_ => (rng.Next(w), rng.Next(h)))],
        };
        int[] workerCounts = [2, Math.Max(2, Environment.ProcessorCount), 7];
        foreach (var sources in sourceSets)
            foreach (var units in new[] { CostDistanceUnits.Cells, CostDistanceUnits.MapUnits })
            {
                var expected = new float[w * h];
                long reachedSequential = RasterKernels.CostDistance(cost, w, h, sources, 10, 12.5, units, expected, parallelism: 1);
                foreach (int workers in workerCounts)
                {
                    var actual = new float[w * h];
                    long reached = RasterKernels.CostDistance(cost, w, h, sources, 10, 12.5, units, actual, parallelism: workers);
                    Assert.Equal(reachedSequential, reached);
                    for (int i = 0; i < actual.Length; i++)
                        if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                            Assert.Fail($"{w}x{h} {units} {sources.Length} sources, {workers} workers, cell {i}: {actual[i]:R} vs sequential {expected[i]:R}");
                }
            }
    }

    [Fact]
    public void CostDistance_ParallelHandingOverToSequential_SameBitsAsSequential()
    {
        // The parallel search's way out on a busy machine: after some round worker 0 files every worker's frontier into
        // the sequential search's queue and finishes alone. Handing over after the first round, early, midway and after
        // the last one (the frontier then empty) must all give the sequential search's bits and cell count.
        // Frictions within a factor 1.5 keep a bucket as wide as most steps, so the wave fronts fill buckets past the
        // split threshold and every worker holds part of the frontier at the hand-over.
        // Integer frictions 1–5 make many equal-cost paths: cells lowered again inside the bucket of the hand-over.
        const int w = 601, h = 410;
        var rng = new Random(21);
        foreach (bool integers in new[] { false, true })
        {
            var cost = new float[w * h];
            for (int i = 0; i < cost.Length; i++)
                cost[i] = rng.NextDouble() < 0.03 ? float.NaN : integers ? rng.Next(1, 6) : 1f + 0.5f * (float)rng.NextDouble();
            (int, int)[] sources = [(3, 4), (500, 350), (300, 205)];
            var expected = new float[w * h];
            long reachedSequential = RasterKernels.CostDistance(cost, w, h, sources, 10, 10, CostDistanceUnits.Cells, expected, parallelism: 1);
            Assert.True(reachedSequential > cost.Length * 9L / 10, $"only {reachedSequential} cells reached");
            foreach (int workers in new[] { 2, 3 })
                foreach (long phase in new long[] { 1, 7, 60, 150, 151, 400, 1_000_000 })
                {
                    var actual = new float[w * h];
                    long reached = RasterKernels.CostDistanceHandingOver(cost, w, h, sources, 10, 10, CostDistanceUnits.Cells, actual,
                        default, forceHeap: false, progress: null, parallelism: workers, maximumCost: double.PositiveInfinity, handOverAtPhase: phase);
                    Assert.Equal(reachedSequential, reached);
                    for (int i = 0; i < actual.Length; i++)
                        if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                            Assert.Fail($"{(integers ? "integer" : "real")} frictions, {workers} workers, hand-over after round {phase}, cell {i}: {actual[i]:R} vs sequential {expected[i]:R}");
                }
        }
    }

    [Fact]
    public void CostDistance_HandingOverAfterEveryRound_SmallFrontier_SameBitsAsSequential()
    {
        // Rounds this small are relaxed by worker 0 alone, so the state at each hand-over is the same on every run: the
        // check is deterministic. Integer frictions: cells relaxed in a round and lowered again after the hand-over.
        const int w = 90, h = 70;
        var rng = new Random(5);
        var cost = new float[w * h];
        for (int i = 0; i < cost.Length; i++) cost[i] = rng.NextDouble() < 0.05 ? float.NaN : rng.Next(1, 6);
        (int, int)[] sources = [(10, 10), (70, 50)];
        var expected = new float[w * h];
        long reachedSequential = RasterKernels.CostDistance(cost, w, h, sources, 10, 10, CostDistanceUnits.Cells, expected, parallelism: 1);
        for (long phase = 1; phase <= 400; phase++)
        {
            var actual = new float[w * h];
            long reached = RasterKernels.CostDistanceHandingOver(cost, w, h, sources, 10, 10, CostDistanceUnits.Cells, actual,
                default, forceHeap: false, progress: null, parallelism: 2, maximumCost: double.PositiveInfinity, handOverAtPhase: phase);
            Assert.Equal(reachedSequential, reached);
            for (int i = 0; i < actual.Length; i++)
                if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                    Assert.Fail($"hand-over after round {phase}, cell {i}: {actual[i]:R} vs sequential {expected[i]:R}");
        }
    }

    [Fact]
    public void CostDistance_ParallelWithOutputIntoCostArray_SameAsSequential()
    {
        const int w = 500, h = 300;
        var rng = new Random(9);
        var cost = new float[w * h];
        for (int i = 0; i < cost.Length; i++) cost[i] = rng.NextDouble() < 0.02 ? float.NaN : 1f + 99f * (float)rng.NextDouble();
        var expected = new float[w * h];
        RasterKernels.CostDistance(cost, w, h, [(10, 10), (400, 250)], 10, 10, CostDistanceUnits.Cells, expected, parallelism: 1);
        RasterKernels.CostDistance(cost, w, h, [(10, 10), (400, 250)], 10, 10, CostDistanceUnits.Cells, cost, parallelism: 2);
        Assert.Equal(expected, cost);
    }
}
