using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Core.Tests.Corridors;

public class LeastCostCorridorsTests
{
    // A hand-made landscape of 7 × 3 cells of 1 m: patch A = cell (0, 1), patch B = cell (6, 1). Row 1 costs 1 per metre,
    // rows 0 and 2 cost 10; column 3 is a barrier (NaN) except the gap at (3, 1).
    //   row 0:  10 10 10  X 10 10 10
    //   row 1:  A1  1  1  1  1  1 B1
    //   row 2:  10 10 10  X 10 10 10
    private static readonly GridSpec s_grid = new(2169, 0, 3, 1, 1, 7, 3);

    private static (float[] Resistance, int[] Patches) Landscape(bool gapOpen = true)
    {
        var r = new float[21];
        for (int c = 0; c < 7; c++) { r[c] = 10; r[7 + c] = 1; r[14 + c] = 10; }
        r[3] = r[17] = float.NaN;
        if (!gapOpen) r[10] = float.NaN;
        var p = new int[21];
        p[7] = 1;
        p[13] = 2;
        return (r, p);
    }

    [Fact]
    public void Compute_TwoPatchesThroughAGap_LinkAndCorridorEqualHandComputation()
    {
        var (r, p) = Landscape();

        var network = LeastCostCorridors.Compute(s_grid, r, p, 2, maximumCost: 1000, corridorWidth: 12);

        // The least-cost path runs along row 1 through the gap: six east steps of (1 + 1) / 2 × 1 m = 6 cost units, 6 m long.
        var link = Assert.Single(network.Links);
        Assert.Equal((1, 2), (link.From, link.To));
        Assert.Equal(6.0, link.CostDistance, 6);
        Assert.Equal(6.0, link.PathLengthMeters, 9);
        Assert.Equal([7, 8, 9, 10, 11, 12, 13], link.PathCells);
        // Corridor: row 1 is on the path (cost_A + cost_B − LCD = c + (6 − c) − 6 = 0). A cell (c, 0) is best reached along
        // row 1 then one step up, (1 + 10) / 2 = 5.5: cost_A = c + 5.5, cost_B = 6 − c + 5.5, so the value is 11 (the
        // diagonal, (c − 1) + 5.5·√2, costs more). With a width of 12 both outer rows join, except the barrier cells.
        for (int i = 0; i < 21; i++)
        {
            if (i is 3 or 17) { Assert.True(float.IsNaN(network.Corridor[i]), $"barrier cell {i}"); continue; }
            Assert.Equal(i is >= 7 and < 14 ? 0f : 11f, network.Corridor[i], 4);
        }
    }

    [Fact]
    public void Compute_WidthBelowTheOuterRows_CorridorIsThePathOnly()
    {
        var (r, p) = Landscape();

        var network = LeastCostCorridors.Compute(s_grid, r, p, 2, maximumCost: 1000, corridorWidth: 10);

        // The outer rows' value 11 exceeds the width 10: only the 7 cells of row 1 stay.
        Assert.Equal(Enumerable.Range(7, 7), Enumerable.Range(0, 21).Where(i => !float.IsNaN(network.Corridor[i])));
    }

    [Fact]
    public void Compute_BarrierClosed_NoLinkNoCorridor()
    {
        var (r, p) = Landscape(gapOpen: false);

        var network = LeastCostCorridors.Compute(s_grid, r, p, 2, maximumCost: 1000, corridorWidth: 12);

        Assert.Empty(network.Links);
        Assert.All(network.Corridor, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Compute_TruncatedAt8_LinkKeptCorridorLimitedToCellsBothSearchesReach()
    {
        var (r, p) = Landscape();

        var network = LeastCostCorridors.Compute(s_grid, r, p, 2, maximumCost: 8, corridorWidth: 12);

        // LCD 6 ≤ 8: the link stays. A reaches (c, 0) for c + 5.5 ≤ 8 (c ≤ 2), B for 11.5 − c ≤ 8 (c ≥ 4): no outer cell
        // is reached by both, so the corridor is row 1.
        Assert.Equal(6.0, Assert.Single(network.Links).CostDistance, 6);
        Assert.Equal(Enumerable.Range(7, 7), Enumerable.Range(0, 21).Where(i => !float.IsNaN(network.Corridor[i])));
    }

    [Fact]
    public void Compute_PathThroughAThirdPatch_Dropped()
    {
        // Patch 3 in the gap (3, 1): A–B would cross it, so only A–3 and 3–B (3 cost units each) remain.
        var (r, p) = Landscape();
        p[10] = 2;
        p[13] = 3;

        var network = LeastCostCorridors.Compute(s_grid, r, p, 3, maximumCost: 1000, corridorWidth: 12);

        Assert.Equal([(1, 2, 3.0), (2, 3, 3.0)], network.Links.Select(l => (l.From, l.To, Math.Round(l.CostDistance, 6))));
    }

    [Fact]
    public void Compute_SmallMemoryBudget_SameResultWithSearchesRepeated()
    {
        var rng = new Random(3);
        var grid = new GridSpec(2169, 0, 2000, 25, 25, 80, 60);
        var r = new float[80 * 60];
        for (int i = 0; i < r.Length; i++) r[i] = rng.NextDouble() < 0.05 ? float.NaN : 1 + 50 * (float)rng.NextDouble();
        var p = new int[r.Length];
        (int C, int R)[] centres = [(10, 10), (40, 12), (70, 15), (15, 45), (45, 40), (72, 50)];
        for (int k = 0; k < centres.Length; k++)
            for (int dr = -2; dr <= 2; dr++)
                for (int dc = -2; dc <= 2; dc++)
                {
                    int i = (centres[k].R + dr) * 80 + centres[k].C + dc;
                    p[i] = k + 1;
                    r[i] = 1;
                }

        var kept = LeastCostCorridors.Compute(grid, r, p, centres.Length, 30_000, 20_000);
        var repeated = LeastCostCorridors.Compute(grid, r, p, centres.Length, 30_000, 20_000, cacheBytes: 0);

        Assert.Equal(0, kept.RecomputedSearches);
        Assert.True(repeated.RecomputedSearches > 0);
        Assert.True(kept.Links.Count >= 5, $"{kept.Links.Count} links");
        Assert.Equal(kept.Links.Select(l => (l.From, l.To, l.CostDistance)), repeated.Links.Select(l => (l.From, l.To, l.CostDistance)));
        Assert.Equal(kept.Corridor, repeated.Corridor);
    }
}

public class PatchCostDistanceTests
{
    [Fact]
    public void Search_TruncatedWindow_EqualsFullGridSearchInsideTheTruncation()
    {
        var rng = new Random(17);
        const int w = 120, h = 90;
        var grid = new GridSpec(2169, 0, 0, 25, 25, w, h);
        var r = new float[w * h];
        for (int i = 0; i < r.Length; i++) r[i] = rng.NextDouble() < 0.07 ? float.NaN : 2 + 40 * (float)rng.NextDouble();
        int[] patch = [.. Enumerable.Range(0, 16).Select(k => (40 + k / 4) * w + 60 + k % 4)];
        foreach (int i in patch) r[i] = 2;
        var full = new float[w * h];
        RasterKernels.CostDistance(r, w, h, [.. patch.Select(i => (i % w, i / w))], 25, 25, CostDistanceUnits.MapUnits, full);
        const double max = 8000; // 2 per metre × 25 m: at most 160 steps … the window is clipped to the grid on no side

        var s = PatchCostDistance.Search(grid, r, patch, minimumResistance: 2, maximumCost: max);

        int inside = 0;
        for (int row = 0; row < h; row++)
            for (int c = 0; c < w; c++)
            {
                float f = full[row * w + c], t = s.At(c, row);
                if (f <= max)
                {
                    inside++;
                    Assert.True(Math.Abs(t - f) <= 1e-6 * f, $"({c}, {row}): {t} vs {f}");
                }
                else Assert.True(float.IsNaN(t), $"({c}, {row}) is beyond the truncation: {t}");
            }
        Assert.True(inside > 500, $"{inside} cells inside");
    }

    [Fact]
    public void Search_CheapLaneBeyondTheFirstWindow_WindowGrowsAndResultIsExact()
    {
        // A lane of resistance 1 along row 10 through land of 1000: the search runs 150 cells east within the truncation
        // (150 × 25 m × 1), beyond the first window (32 cells), so the window must grow for the result to be right.
        const int w = 220, h = 21;
        var grid = new GridSpec(2169, 0, 0, 25, 25, w, h);
        var r = new float[w * h];
        Array.Fill(r, 1000f);
        for (int c = 0; c < w; c++) r[10 * w + c] = 1;
        var full = new float[w * h];
        RasterKernels.CostDistance(r, w, h, [(5, 10)], 25, 25, CostDistanceUnits.MapUnits, full);

        var s = PatchCostDistance.Search(grid, r, [10 * w + 5], minimumResistance: 1, maximumCost: 150 * 25 + 1);

        for (int c = 0; c < w; c++)
        {
            float f = full[10 * w + c], t = s.At(c, 10);
            if (f <= 150 * 25 + 1) Assert.Equal(f, t);
            else Assert.True(float.IsNaN(t), $"({c}, 10) is beyond the truncation");
        }
        Assert.Equal(155, s.Column0 + s.Width - 1); // the band ends 150 cells east of the source
    }

    [Fact]
    public void Search_SmallRaster_EqualsGrassRCost()
    {
        // GRASS 8.2 r.cost on a 60 × 40 raster of 25 m cells (Fixtures/make_rcost_fixture.sh): r.cost's costs are per cell
        // step (orthogonal (c₁ + c₂) / 2, diagonal × √2, independent of the resolution), ours per metre, so ours = 25 × r.cost.
        var cost = ReadAscii("rcost_cost.asc");
        var start = ReadAscii("rcost_start.asc");
        var grass = ReadAscii("rcost_out.asc");
        var grassMax = ReadAscii("rcost_out_max600.asc");
        var grid = new GridSpec(2169, 60000, 80000, 25, 25, 60, 40);
        int[] patch = [.. Enumerable.Range(0, start.Length).Where(i => !double.IsNaN(start[i]))];
        var resistance = cost.Select(v => (float)v).ToArray();

        var s = PatchCostDistance.Search(grid, resistance, patch, minimumResistance: 1, maximumCost: double.PositiveInfinity, crop: false);
        var t = PatchCostDistance.Search(grid, resistance, patch, minimumResistance: 1, maximumCost: 600 * 25.0);

        int compared = 0;
        for (int i = 0; i < grass.Length; i++)
        {
            Assert.Equal(double.IsNaN(grass[i]), float.IsNaN(s.Cost[i]));
            float truncated = t.At(i % 60, i / 60);
            // r.cost max_cost also writes the cells it had only reached (not settled) when it stopped, with their
            // tentative costs (up to one step above 600 here); inside the band (≤ 600) its output is final and ours equals it.
            if (grassMax[i] <= 600) Assert.True(Math.Abs(truncated / 25.0 - grassMax[i]) <= 1e-5 * Math.Max(1, grassMax[i]), $"cell {i} truncated");
            else Assert.True(float.IsNaN(truncated), $"cell {i} is beyond the truncation");
            if (double.IsNaN(grass[i])) continue;
            Assert.True(Math.Abs(s.Cost[i] / 25.0 - grass[i]) <= 1e-5 * Math.Max(1, grass[i]), $"cell {i}: {s.Cost[i] / 25} vs r.cost {grass[i]}");
            compared++;
        }
        Assert.True(compared > 2000, $"{compared} cells compared");
    }

    private static double[] ReadAscii(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Corridors", "Fixtures", name);
        return [.. File.ReadLines(path).Where(l => !l.Contains(':', StringComparison.Ordinal)).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(v => v == "*" ? double.NaN : double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
    }
}

public class ConnectivityMetricsTests
{
    [Fact]
    public void Compute_ThreePatchGraph_PcAndDpcEqualHandValues()
    {
        // Areas 1, 2, 3; links 1–2 and 2–3 of cost 1, 1–3 of cost 3; k = ln 2, so p = 0.5 per unit of cost.
        // p*₁₂ = p*₂₃ = 0.5, p*₁₃ = max(0.5 · 0.5 via 2, 0.125 direct) = 0.25.
        // Σᵢⱼ aᵢaⱼp*ᵢⱼ = (1 + 4 + 9) + 2 (1·2·0.5 + 2·3·0.5 + 1·3·0.25) = 14 + 9.5 = 23.5; A_L = 10 → PC = 0.235.
        // Without 1: 4 + 9 + 2·6·0.5 = 19 → dPC 19.148936 %. Without 2: 1 + 9 + 2·3·0.125 = 10.75 → 54.255319 %.
        // Without 3: 1 + 4 + 2·2·0.5 = 7 → 70.212766 %.
        var result = ConnectivityMetrics.Compute([1, 2, 3], [(1, 2, 1.0), (2, 3, 1.0), (1, 3, 3.0)], Math.Log(2), 10);

        Assert.Equal(0.235, result.ProbabilityOfConnectivity, 12);
        Assert.Equal(100 * 4.5 / 23.5, result.DeltaPc[0], 9);
        Assert.Equal(100 * 12.75 / 23.5, result.DeltaPc[1], 9);
        Assert.Equal(100 * 16.5 / 23.5, result.DeltaPc[2], 9);
    }

    [Fact]
    public void DecayPerCost_AtTheDispersalDistance_ProbabilityIsFivePercent()
    {
        var profile = SpeciesProfiles.ForestMammal;
        Assert.Equal(0.05, Math.Exp(-profile.DecayPerCost * profile.DispersalDistanceCost), 12);
    }
}
