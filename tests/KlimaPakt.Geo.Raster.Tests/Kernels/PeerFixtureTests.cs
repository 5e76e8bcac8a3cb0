using System.Runtime.InteropServices;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

/// <summary>
/// Equality with the peers on a committed fixture (Fixtures/make_peer_fixture.py: scipy's distance_transform_edt and
/// scikit-image's MCP_Geometric, computed once), so these run everywhere without the peer tools installed.
/// </summary>
public class PeerFixtureTests
{
    private const int W = 97, H = 61;
    private static readonly (int Column, int Row)[] s_sources = [(7, 5), (80, 40), (30, 30)]; // the script's (row, col)

    private static T[] Load<T>(string name) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name))).ToArray();

    [Fact]
    public void EuclideanDistance_PeerFixture_EqualsScipyWithin1mm()
    {
        var features = Load<byte>("features.u8");
        var expected = Load<double>("edt.f64");
        var d = new float[W * H];
        RasterKernels.EuclideanDistance(features, W, H, 10, 10, d);
        for (int i = 0; i < d.Length; i++) Assert.True(Math.Abs(d[i] - expected[i]) <= 1e-3, $"cell {i}: {d[i]} vs scipy {expected[i]}");
    }

    [Fact]
    public void EuclideanDistanceRows_PeerFixture_EqualsScipyWithin1mm()
    {
        var features = Load<byte>("features.u8");
        var expected = Load<double>("edt.f64");
        var cols = new FeatureColumns(W, H);
        cols.AddRows(0, 20, features.AsSpan(0, 20 * W));
        cols.AddRows(20, H - 20, features.AsSpan(20 * W));
        cols.Complete();
        var d = new float[W * H];
        RasterKernels.EuclideanDistanceRows(cols, 0, 33, 10, 10, d);
        RasterKernels.EuclideanDistanceRows(cols, 33, H - 33, 10, 10, d.AsSpan(33 * W));
        for (int i = 0; i < d.Length; i++) Assert.True(Math.Abs(d[i] - expected[i]) <= 1e-3, $"cell {i}: {d[i]} vs scipy {expected[i]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CostDistance_PeerFixture_EqualsSkimageMcpWithin1e4Relative(bool forceHeap)
    {
        var cost = Load<float>("cost.f32");
        var expected = Load<double>("mcp.f64");
        var acc = new float[W * H];
        RasterKernels.CostDistance(cost, W, H, s_sources, 10, 10, CostDistanceUnits.Cells, acc, forceHeap: forceHeap);
        for (int i = 0; i < acc.Length; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.True(float.IsNaN(acc[i]), $"cell {i} should be a barrier"); continue; }
            Assert.True(Math.Abs(acc[i] - expected[i]) <= 1e-4 * Math.Max(1, expected[i]), $"cell {i}: {acc[i]} vs skimage {expected[i]}");
        }
    }

    /// <summary>
    /// GRASS GIS 8.2 r.cost itself (Fixtures/make_rcost_fixture.sh: Debian's grass-core, 8 neighbours, null cells as
    /// barriers) on the same raster and sources: the sequential search, the heap, the parallel bucket search with more
    /// workers than cores, and a truncated search (r.cost max_cost) inside its band.
    /// </summary>
    [Theory]
    [InlineData(false, 1, double.PositiveInfinity)]
    [InlineData(true, 1, double.PositiveInfinity)]
    [InlineData(false, 3, double.PositiveInfinity)]
    [InlineData(false, 1, 500.0)]
    public void CostDistance_GrassRCostFixture_EqualsRCostWithin1e4Relative(bool forceHeap, int parallelism, double maximumCost)
    {
        var cost = Load<float>("cost.f32");
        var expected = Load<double>("rcost.f64");
        var acc = new float[W * H];
        RasterKernels.CostDistance(cost, W, H, s_sources, 10, 10, CostDistanceUnits.Cells, acc, forceHeap: forceHeap,
            parallelism: parallelism, maximumCost: maximumCost);
        int compared = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            if (double.IsNaN(expected[i]) || expected[i] > maximumCost)
            {
                Assert.True(float.IsNaN(acc[i]), $"cell {i} should be a barrier or beyond the truncation, got {acc[i]}");
                continue;
            }
            Assert.True(Math.Abs(acc[i] - expected[i]) <= 1e-4 * Math.Max(1, expected[i]), $"cell {i}: {acc[i]} vs r.cost {expected[i]}");
            compared++;
        }
        Assert.True(compared > (double.IsPositiveInfinity(maximumCost) ? 5_800 : 1_000), $"{compared} cells compared");
    }
}
