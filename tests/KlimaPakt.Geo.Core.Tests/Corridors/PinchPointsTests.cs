using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Tests.Corridors;

public class PinchPointsTests
{
    // A hand-made landscape of 5 × 3 cells of 1 m: patch A = (0, 1), patch B = (4, 1), a one-cell-wide bottleneck m = (2, 1)
    // in a barrier column. Resistance 1 on row 1, 10 on the cells u, d above and below c = (1, 1) and c' = (3, 1).
    //   row 0:  X  10  X  10  X
    //   row 1:  A1  1  m1  1  B1
    //   row 2:  X  10  X  10  X
    private static readonly GridSpec s_grid = new(2169, 0, 3, 1, 1, 5, 3);

    private static (float[] Resistance, int[] Patches) Landscape()
    {
        float x = float.NaN;
        float[] r = [x, 10, x, 10, x, 1, 1, 1, 1, 1, x, 10, x, 10, x];
        var p = new int[15];
        p[5] = 1;
        p[9] = 2;
        return (r, p);
    }

    private static PinchPointNetwork Solve(double width, int maxCells = 1000)
    {
        var (r, p) = Landscape();
        var searches = LeastCostCorridors.SearchPatches(s_grid, r, p, 2, maximumCost: 1000);
        return LeastCostCorridors.PinchPoints(searches, p, width, maxCells);
    }

    [Fact]
    public void PinchPoints_OneCellBottleneck_FullCurrentThroughItAndResistanceEqualsSeriesParallel()
    {
        // Width 12: the corridor holds every valid cell (u and d lie 11 above the least-cost path: 6.5 from A, 8.5 from B, LCD 4).
        var pinch = Solve(width: 12);

        // Link conductances (mean of the cells' conductances, ÷ √2 on diagonals): A–c and c–m 1 S, A–u, A–d, u–m, d–m
        // a = (1 + 0.1) / 2 / √2 S, c–u and c–d 0.55 S. Each half (A to m, m to B) is a balanced bridge (c and u, d all sit
        // half-way), so its c–u links carry nothing: 1/2 S in parallel with 2a/2 S. The two halves in series:
        // R = 2 / (0.5 + a) = 2.24995 Ω.
        double a = 1.1 / 2 / Math.Sqrt(2);
        Assert.Equal(2 / (0.5 + a), Assert.Single(pinch.EffectiveResistanceOhms)!.Value, 6);
        // All of the 1 A passes the bottleneck; c carries the 1 S branch's share 0.5 / (0.5 + a), u and d a/2 / (0.5 + a) each.
        Assert.Equal(1.0, pinch.CurrentAmps[7], 6);
        Assert.Equal(0.5 / (0.5 + a), pinch.CurrentAmps[6], 6);
        Assert.Equal(0.5 / (0.5 + a), pinch.CurrentAmps[8], 6);
        foreach (int u in new[] { 1, 3, 11, 13 }) Assert.Equal(a / 2 / (0.5 + a), pinch.CurrentAmps[u], 6);
        // The patches pass the whole 1 A (their terminal current), barriers carry nothing.
        Assert.Equal(1.0, pinch.CurrentAmps[5], 6);
        Assert.Equal(1.0, pinch.CurrentAmps[9], 6);
        foreach (int b in new[] { 0, 2, 4, 10, 12, 14 }) Assert.True(float.IsNaN(pinch.CurrentAmps[b]));
        Assert.All(Enumerable.Range(0, 15).Where(i => !float.IsNaN(pinch.CurrentAmps[i])), i => Assert.Equal(1, pinch.LinkOf[i]));
        Assert.Equal((0, 0, 9L), (pinch.Skipped, pinch.NotConverged, pinch.SolvedCells));
    }

    [Fact]
    public void PinchPoints_NarrowCorridor_CircuitRestrictedToTheChain()
    {
        // Width 10: only row 1 is corridor, a chain of four 1 S links: R = 4 Ω and 1 A in every cell.
        var pinch = Solve(width: 10);

        Assert.Equal(4.0, Assert.Single(pinch.EffectiveResistanceOhms)!.Value, 6);
        for (int i = 5; i < 10; i++) Assert.Equal(1.0, pinch.CurrentAmps[i], 6);
        Assert.All(new[] { 1, 3, 11, 13 }, i => Assert.True(float.IsNaN(pinch.CurrentAmps[i])));
    }

    [Fact]
    public void PinchPoints_CorridorOverTheCap_SkippedWithoutResistance()
    {
        var pinch = Solve(width: 12, maxCells: 8);

        Assert.Equal(1, pinch.Skipped);
        Assert.Null(Assert.Single(pinch.EffectiveResistanceOhms));
        Assert.All(pinch.CurrentAmps, v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.049, 1)]
    [InlineData(0.05, 2)]
    [InlineData(0.1, 3)]
    [InlineData(0.2499, 3)]
    [InlineData(0.25, 4)]
    [InlineData(1.0, 4)]
    public void PinchPointClass_BoundsOfTheClasses(double amps, int expected) => Assert.Equal(expected, CorridorCalculator.PinchPointClass(amps));
}
