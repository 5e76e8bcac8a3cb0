using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.EvCoverage;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Tests.EvCoverage;

public sealed class EvCoverageCalculatorTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 2169);
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 2169));

    // A 1 km square commune on a 10 × 10 grid of 100 m cells.
    private static readonly GridSpec Grid = new(2169, 0, 1000, 100, 100, 10, 10);
    private static readonly CommuneDemand Square = new(1, Wkt.Read("POLYGON ((0 0, 1000 0, 1000 1000, 0 1000, 0 0))"), 100);

    private static ChargerRecord Charger(string id, double x, double y, string? op = null, string? reference = null, int? points = null) =>
        new(0, id, Factory.CreatePoint(new Coordinate(x, y)), op, reference, points);

    [Fact]
    public void Compute_OneChargerOnToyGrid_CoveredPopulationEqualsHandCount()
    {
        // 100 residents spread uniformly: 1 per cell. Cell centres within 200 m of (500, 500): the 4 around it
        // (70.7 m) and the 8 next to those along the axes (158.1 m); the diagonal ones are 212.1 m away → 12 cells.
        var result = EvCoverageCalculator.Compute(Grid, [Square], [], [Charger("c1", 500, 500)], null,
            new EvCoverageParameters { RadiusMeters = 200, NewSites = 0 });
        var commune = Assert.Single(result.Communes);
        Assert.Equal(100, commune.Population, 9);
        Assert.Equal(12, commune.CoveredPopulation, 9);
        Assert.Equal(12, result.CoveredPercentBefore, 9);
        Assert.Equal("uniform", commune.DistributionMethod);
        Assert.Equal(1, commune.Chargers);
        Assert.Equal(10.0, commune.ChargersPer1000, 9);
    }

    [Fact]
    public void Compute_CensusGridGiven_CommunePlacedByItAndMethodStated()
    {
        // 100 residents, all in the census cell of the commune's south-west quarter (25 demand cells): 4 per cell there.
        // A charger at (250, 250), itself a cell centre, covers the centres within 200 m: its own, the 4 at 100 m, the 4
        // diagonal ones at 141 m and the 4 at 200 m = 13, all inside that quarter → 13 × 4 = 52.
        var census = new CensusCell(Wkt.Read("POLYGON ((0 0, 500 0, 500 500, 0 500, 0 0))"), 7);
        var result = EvCoverageCalculator.Compute(Grid, [Square], [], [Charger("c1", 250, 250)], null,
            new EvCoverageParameters { RadiusMeters = 200, NewSites = 0 }, census: [census]);
        var commune = Assert.Single(result.Communes);
        Assert.Equal("census_grid", commune.DistributionMethod);
        Assert.Equal(100, commune.Population, 9);
        Assert.Equal(52, commune.CoveredPopulation, 9);
    }

    [Fact]
    public void Compute_TwoCommunesWithPlaces_EachCommuneTotalConservedExactly()
    {
        var west = new CommuneDemand(1, Wkt.Read("POLYGON ((0 0, 500 0, 500 1000, 0 1000, 0 0))"), 1234);
        var east = new CommuneDemand(2, Wkt.Read("POLYGON ((500 0, 1000 0, 1000 1000, 500 1000, 500 0))"), 567);
        var result = EvCoverageCalculator.Compute(Grid, [west, east], [new Dwelling(Factory.CreatePoint(new Coordinate(150, 500)), "hamlet")], [],
            null, new EvCoverageParameters { RadiusMeters = 200, NewSites = 0 });
        Assert.Equal(1234, result.Communes[0].Population, 6);
        Assert.Equal(567, result.Communes[1].Population, 6);
        Assert.Equal("places", result.Communes[0].DistributionMethod);
        Assert.Equal("uniform", result.Communes[1].DistributionMethod);
        // The hamlet (250 m disc) lies in the west: every western resident is within 250 m of (150, 500).
        var grid = result.Demand;
        for (var i = 0; i < grid.Population.Length; i++)
        {
            var (x, y) = Grid.CellCenter(i % 10, i / 10);
            if (x < 500 && grid.Population[i] > 0) Assert.True(Math.Sqrt((x - 150) * (x - 150) + (y - 500) * (y - 500)) <= 250);
        }
    }

    [Fact]
    public void Compute_NoChargers_OneGapHoldingEveryoneAndSitesThatCoverMost()
    {
        var result = EvCoverageCalculator.Compute(Grid, [Square], [], [], null, new EvCoverageParameters { RadiusMeters = 200, NewSites = 2, TargetCoveragePercent = 20 });
        var gap = Assert.Single(result.Gaps);
        Assert.Equal(100, gap.UncoveredPopulation, 9);
        Assert.Equal(1_000_000, gap.AreaSquareMeters, 6);
        Assert.Equal(2, result.Sites.Count);
        // A site on a cell centre covers the cell and the 4+4+4 cells within 200 m: 13 cells = 13 residents when inside.
        Assert.Equal(13, result.Sites[0].MarginalPopulation, 9);
        Assert.True(result.Sites[1].MarginalPopulation <= result.Sites[0].MarginalPopulation);
        Assert.Equal(2, result.SitesForTarget); // 20 residents need two sites of at most 13
    }

    [Fact]
    public void Compute_InvalidParameters_ClearErrors()
    {
        Assert.Contains("RadiusMeters must be > 0", Assert.Throws<GeoInputException>(() =>
            EvCoverageCalculator.Compute(Grid, [Square], [], [], null, new EvCoverageParameters { RadiusMeters = 0 })).Details[0]);
        var tooMany = Assert.Throws<GeoInputException>(() =>
            EvCoverageCalculator.Compute(Grid, [Square], [], [], null, new EvCoverageParameters { RadiusMeters = 200, NewSites = 101 }));
        Assert.Contains("only 100 candidate cells", tooMany.Message);
    }

    [Fact]
    public void Compute_ChargerOutsideEveryCommune_ReportedAndSkippedNotCrashing()
    {
        var result = EvCoverageCalculator.Compute(Grid, [Square], [], [Charger("far", 5000, 5000)], null, new EvCoverageParameters { RadiusMeters = 200, NewSites = 0 });
        Assert.Contains("far", Assert.Single(result.SkippedChargers));
        Assert.Equal(0, result.Communes[0].Chargers);
        Assert.Equal(0, result.Communes[0].CoveredPopulation);
    }

    [Fact]
    public void Compute_NetworkDistance_NeverCoversMoreThanStraightLine()
    {
        // An L-shaped road: along y = 50 then up x = 950. Charger at the road's start.
        var roads = new RoadNetwork([Wkt.Read("LINESTRING (50 50, 950 50, 950 950)")]);
        var result = EvCoverageCalculator.Compute(Grid, [Square], [], [Charger("c", 50, 50)], roads,
            new EvCoverageParameters { RadiusMeters = 400, NewSites = 0, NetworkDistance = true, NetworkSnapMeters = 1000 });
        var c = result.Communes[0];
        Assert.NotNull(c.NetworkCoveredPopulation);
        Assert.True(c.NetworkCoveredPopulation <= c.CoveredPopulation);
        Assert.True(c.NetworkCoveredPopulation > 0);
    }

    [Fact]
    public void RoadNetwork_Distances_NeverShorterThanStraightLine()
    {
        var roads = new RoadNetwork([Wkt.Read("LINESTRING (0 0, 1000 0, 1000 1000)"), Wkt.Read("LINESTRING (0 0, 0 1000)")]);
        var start = roads.Snap(new Coordinate(10, 5), 100)!.Value;
        var distance = roads.DistancesFrom([(start.Node, start.DistanceMeters)], 5000);
        foreach (var target in new[] { new Coordinate(1000, 1000), new Coordinate(500, 0), new Coordinate(0, 700) })
        {
            var snap = roads.Snap(target, 100)!.Value;
            var network = distance[snap.Node] + snap.DistanceMeters;
            Assert.True(network >= new Coordinate(10, 5).Distance(target) - 1e-9);
        }
        // (1000, 1000) is 2000 m along the road from (0, 0); the start snapped 10 m + 5 m off: exactly 2000 + |(10,5)-(0,0)| at most.
        var corner = roads.Snap(new Coordinate(1000, 1000), 1)!.Value;
        Assert.InRange(distance[corner.Node], 1990, 2000 + Math.Sqrt(125) + 1e-9);
    }
}
