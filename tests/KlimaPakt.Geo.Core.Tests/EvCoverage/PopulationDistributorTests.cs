using KlimaPakt.Geo.Core.EvCoverage;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Tests.EvCoverage;

/// <summary>
/// The census-grid method on a hand-made 1 km grid. Communes A = [0, 2000] × [0, 1000] (1,000 residents) and
/// B = [2000, 4000] × [0, 1000] (300 residents); census cells C1 = [0, 1000]² with 100 residents and C2 = [1500, 2500]
/// × [0, 1000] with 400, straddling the border; [3000, 4000] has none. Demand cells are 100 m: each census cell holds
/// 100 of them, so C1 weighs 1 and C2 4 per demand cell. A: C1 100 + half of C2 200 = 300 → C1's cells hold 1000·100/300,
/// C2's 1000·200/300; B: only its half of C2 (weight 200) → all 300 there.
/// </summary>
public sealed class PopulationDistributorTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 2169));
    private static readonly GridSpec Grid = new(2169, 0, 1000, 100, 100, 40, 10);
    private static readonly CommuneDemand A = new(1, Wkt.Read("POLYGON ((0 0, 2000 0, 2000 1000, 0 1000, 0 0))"), 1000);
    private static readonly CommuneDemand B = new(2, Wkt.Read("POLYGON ((2000 0, 4000 0, 4000 1000, 2000 1000, 2000 0))"), 300);
    private static readonly CensusCell[] Census =
    [
        new(Wkt.Read("POLYGON ((0 0, 1000 0, 1000 1000, 0 1000, 0 0))"), 100),
        new(Wkt.Read("POLYGON ((1500 0, 2500 0, 2500 1000, 1500 1000, 1500 0))"), 400),
    ];

    private static double SumOver(PopulationGrid result, double minX, double maxX)
    {
        var sum = 0.0;
        for (var r = 0; r < Grid.Height; r++)
            for (var c = 0; c < Grid.Width; c++)
                if (Grid.CellCenterX(c) > minX && Grid.CellCenterX(c) < maxX) sum += result.Population[Grid.IndexOf(c, r)];
        return sum;
    }

    [Fact]
    public void Distribute_CensusGridWithoutBuildings_CommuneTotalsConservedAndSpreadByCensusShares()
    {
        var result = PopulationDistributor.Distribute(Grid, [A, B], [], Census);

        Assert.Equal(["census_grid", "census_grid"], result.Method);
        Assert.Equal(1000, SumOver(result, 0, 2000), 9);
        Assert.Equal(300, SumOver(result, 2000, 4000), 9);
        Assert.Equal(1000.0 * 100 / 300, SumOver(result, 0, 1000), 9);
        Assert.Equal(0, SumOver(result, 1000, 1500), 12);
        Assert.Equal(1000.0 * 200 / 300, SumOver(result, 1500, 2000), 9);
        Assert.Equal(300, SumOver(result, 2000, 2500), 9);
        Assert.Equal(0, SumOver(result, 2500, 4000), 12);
        // Within a census cell the residents are even: C1's 100 demand cells hold 3.333… each.
        Assert.Equal(1000.0 / 300, result.Population[Grid.IndexOf(3, 4)], 9);
    }

    [Fact]
    public void Distribute_BuildingsCoverOneCommuneOnly_ThatCommuneByBuildingsTheOtherByCensusGrid()
    {
        // A building in C1 (A's census residents in census cells with one of A's buildings: 100 of 300, below 95 %) and
        // one at (2250, 550) in B's half of C2, which holds all of B's census residents (the building does not count for
        // A's half of C2: it is not A's).
        Dwelling Building(double x, double y) => new(Wkt.Read($"POLYGON (({x} {y}, {x + 10} {y}, {x + 10} {y + 10}, {x} {y + 10}, {x} {y}))"), "building", 100);
        var result = PopulationDistributor.Distribute(Grid, [A, B], [Building(400, 400), Building(2250, 550)], Census);

        Assert.Equal(["census_grid", "buildings"], result.Method);
        Assert.Equal(1000.0 * 100 / 300, SumOver(result, 0, 1000), 9);
        Assert.Equal(300, result.Population[Grid.IndexOf(22, 4)], 9);
        Assert.Equal(300, SumOver(result, 2000, 4000), 9);
    }

    [Fact]
    public void Distribute_NoCensusCellInCommune_FallsBackToPlacesThenUniform()
    {
        var east = new CommuneDemand(3, Wkt.Read("POLYGON ((3000 0, 4000 0, 4000 1000, 3000 1000, 3000 0))"), 50);
        var result = PopulationDistributor.Distribute(Grid, [A, east], [], Census);

        Assert.Equal(["census_grid", "uniform"], result.Method);
        Assert.Equal(50.0 / 100, result.Population[Grid.IndexOf(35, 5)], 12);
    }
}
