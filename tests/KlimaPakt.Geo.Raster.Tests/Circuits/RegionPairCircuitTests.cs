using KlimaPakt.Geo.Raster.Circuits;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Circuits;

/// <summary>The pairwise solve between two short-circuited focal regions against hand-computed circuits.</summary>
public sealed class RegionPairCircuitTests
{
    private static readonly CircuitOptions s_four = new() { Neighbours = Connectivity.Four, Tolerance = 1e-12, MaxIterations = 5000 };

    [Theory]
    [InlineData(6, 4)]
    [InlineData(31, 17)]
    public void Solve_UniformGridLeftColumnToRightColumn_ResistanceIsWMinus1OverH(int w, int h)
    {
        // 4 neighbours, every cell 1 S so every link is 1 Ω; the left column is one node (the source region), the right
        // column another (grounded): W − 1 layers of H parallel 1 Ω links, R = (W − 1)/H; each cell of a row carries 1/H A.
        var g = Enumerable.Repeat(1f, w * h).ToArray();
        var regions = new byte[w * h];
        for (int y = 0; y < h; y++) (regions[y * w], regions[y * w + w - 1]) = (RegionPairCircuit.Source, RegionPairCircuit.Ground);

        var s = RegionPairCircuit.Solve(g, w, h, regions, s_four);

        Assert.True(s.Converged);
        Assert.Equal((w - 1.0) / h, s.EffectiveResistanceOhms, 9);
        Assert.All(s.CurrentAmps, c => Assert.Equal(1.0 / h, c, 6));
    }

    [Fact]
    public void Solve_RegionCellsAreShortCircuited_OnlyTheirLinksOutCount()
    {
        // A row: source region of 3 cells, two free cells, ground region of 1 cell, all 1 S (links 1 Ω). The region is one
        // node, so its inner links carry nothing: R = 3 links in series = 3 Ω (a current source spread over the 3 cells
        // would have added the region's own links). The cell next to the free ones passes the 1 A into the chain.
        float[] g = [1, 1, 1, 1, 1, 1];
        byte[] regions = [1, 1, 1, 0, 0, 2];

        var s = RegionPairCircuit.Solve(g, 6, 1, regions, s_four);

        Assert.Equal(3.0, s.EffectiveResistanceOhms, 9);
        Assert.Equal([0, 0, 1, 1, 1, 1], s.CurrentAmps.Select(c => Math.Round(c, 6)));
    }

    [Fact]
    public void Solve_RegionsNotJoined_InfiniteResistanceAndNoCurrent()
    {
        float[] g = [1, 1, float.NaN, 1, 1];
        byte[] regions = [1, 0, 0, 0, 2];

        var s = RegionPairCircuit.Solve(g, 5, 1, regions, s_four);

        Assert.True(double.IsPositiveInfinity(s.EffectiveResistanceOhms));
        Assert.Equal([0, 0, 0, 0], s.CurrentAmps.Where(c => !float.IsNaN(c)).Select(c => (double)c));
    }

    [Fact]
    public void Solve_NoValidGroundCell_Refused()
    {
        var e = Assert.Throws<CircuitInputException>(() => RegionPairCircuit.Solve([1, 1, float.NaN], 3, 1, [1, 0, 2], s_four));
        Assert.Contains("ground region", e.Message);
    }
}
