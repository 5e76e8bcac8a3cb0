using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Tests.Corridors;

public class CorridorCalculatorTests
{
    private static readonly GeometryFactory s_f = new(new PrecisionModel(), 2169);

    private static Polygon Box(double x0, double y0, double x1, double y1) =>
        s_f.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);

    // Two communes of 1 km × 1 km side by side (west id 11, east id 22) on 100 m cells; grassland everywhere, a forest of
    // 3 × 4 cells in each, and a village strip 200 m wide across the whole height on the border (x 900–1100).
    private static CorridorInputs Inputs() => new()
    {
        Grid = new GridSpec(2169, 0, 1000, 100, 100, 20, 10),
        Communes = [(11, Box(0, 0, 1000, 1000)), (22, Box(1000, 0, 2000, 1000))],
        LandCover =
        [
            new(Box(0, 0, 2000, 1000), "grassland_cropland"), new(Box(100, 300, 400, 700), "forest"), new(Box(1600, 300, 1900, 700), "forest"),
            new(Box(900, 0, 1100, 1000), "built_up"),
        ],
    };

    private static Task<CorridorResult> RunAsync() => CorridorCalculator.ComputeAsync(Inputs(),
        new CorridorParameters { CellSizeMeters = 100, MinPatchAreaHectares = 5, MaxCostDistance = 1e6 }.Validate(), (_, _) => Task.CompletedTask, default);

    [Fact]
    public async Task Compute_TwoForestsAcrossAVillage_LinkEqualsHandComputation()
    {
        var result = await RunAsync();

        // Forest-mammal costs per metre: forest 1, grassland_cropland 20, built_up 1000; steps of 100 m along row 3
        // (the first row of equal cost in raster order) from x 350 to x 1650:
        // 1050 (forest→grass) + 4 × 2000 + 51,000 (grass→village) + 100,000 + 51,000 + 4 × 2000 + 1050 = 220,100.
        Assert.Equal([12.0, 12.0], result.Patches.Where(p => p.Trame == "green").Select(p => p.AreaSquareMeters / 1e4));
        var link = Assert.Single(result.Links, l => l.Trame == "green");
        Assert.Equal(220_100, link.CostDistance, 3);
        Assert.Equal(1300, link.PathLengthMeters, 9);
        Assert.Equal(1200, link.EuclideanMeters, 9); // forest edges at x 400 and x 1600
        Assert.Equal("LINESTRING (350 650, 450 650, 550 650, 650 650, 750 650, 850 650, 950 650, 1050 650, 1150 650, 1250 650, 1350 650, 1450 650, 1550 650, 1650 650)",
            link.Path.AsText());
    }

    [Fact]
    public async Task Compute_PerCommune_SumsEqualTotalsAndTheBorderIsShared()
    {
        var result = await RunAsync();

        var green = result.Communes.Where(c => c.Trame == "green").OrderBy(c => c.CommuneId).ToList();
        // 7 path cells on each side, the middle step (950 → 1050) split half and half: 650 m in each commune, all of it on a
        // path that crosses the border.
        Assert.Equal([650.0, 650.0], green.Select(c => Math.Round(c.PathMeters, 9)));
        Assert.Equal([100.0, 100.0], green.Select(c => c.CrossBorderPercent));
        Assert.Equal([22], green[0].SharedWith);
        Assert.Equal([11], green[1].SharedWith);
        Assert.Equal(result.Patches.Where(p => p.Trame == "green").Sum(p => p.AreaSquareMeters), green.Sum(c => c.PatchSquareMeters));
        Assert.Equal(result.Areas.Where(a => a.Trame == "green").Sum(a => a.AreaSquareMeters), green.Sum(c => c.CorridorSquareMeters));
        Assert.True(green.Sum(c => c.CorridorSquareMeters) > 0);
    }

    [Fact]
    public async Task Compute_AllTrames_BlueSkippedBlackDarkOnBothSidesAndOneConflict()
    {
        var result = await RunAsync();

        var blue = Assert.Single(result.Trames, t => t.Trame == "blue");
        Assert.StartsWith("no patch", blue.Status, StringComparison.Ordinal);
        Assert.All(result.Communes.Where(c => c.Trame == "blue"), c => Assert.StartsWith("no patch", c.Status, StringComparison.Ordinal));
        // Light exp(−d / 100 m) from the village cells (x centres 950, 1050) is ≤ 0.05 from d = 300 m: columns 0–6 and 13–19,
        // 70 ha each, two dark reservoirs and one dark link across the village.
        Assert.Equal([70.0, 70.0], result.Patches.Where(p => p.Trame == "black").Select(p => p.AreaSquareMeters / 1e4));
        Assert.Single(result.Links, l => l.Trame == "black");
        // The green path is lit (light ≥ 0.5, i.e. within 69 m of a village cell) only on the two village cells: one
        // conflict at the first, light 1, with the 200 m of steps into them.
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("green", "POINT (950 650)", 1.0, 200.0), (conflict.Trame, conflict.Location.AsText(), conflict.Light, conflict.LitLengthMeters));
    }

    private static Task<CorridorResult> RunBlackAsync(CorridorInputs inputs) => CorridorCalculator.ComputeAsync(inputs,
        new CorridorParameters { Trame = "all", CellSizeMeters = 100, MinPatchAreaHectares = 5, MaxCostDistance = 1e6 }.Validate(), (_, _) => Task.CompletedTask, default);

    [Fact]
    public async Task Compute_StreetLampMapped_LightFromTheLampNotFromTheVillage()
    {
        // One lamp at (150, 150): cell column 1, row 8. Light exp(−d / 100 m) > 0.05 while d < 100 · ln 20 = 299.57 m, i.e.
        // on the cells whose centres are within 2 cells in both directions (the corner (2, 2) at 282.8 m still has 0.059):
        // columns 0–3 × rows 6–9 inside the grid, 16 cells. The other 184 cells, village included, are one dark patch.
        var inputs = Inputs() with { StreetLamps = [s_f.CreatePoint(new Coordinate(150, 150))], NightRadiance = new float[200] };
        var result = await RunBlackAsync(inputs);

        Assert.Equal(LightSources.StreetLamps, result.LightSource);
        Assert.Equal([184.0], result.Patches.Where(p => p.Trame == "black").Select(p => p.AreaSquareMeters / 1e4));
        Assert.DoesNotContain(result.Links, l => l.Trame == "black");
        Assert.Empty(result.Conflicts); // the green path (row 3) never comes within 69 m of the lamp
    }

    [Fact]
    public async Task Compute_RadianceGiven_LightIsRadianceOverFullLight()
    {
        // 30 nW/cm²/sr on the village columns 9–10 (light min(1, 30 / 20) = 1), 0.5 elsewhere (0.025 ≤ 0.05: dark), one cell
        // without data (light 0): two dark reservoirs of 9 columns × 10 rows = 90 ha, and the green path lit on the two
        // village cells only, as with the proxy.
        var radiance = new float[200];
        for (int i = 0; i < 200; i++) radiance[i] = i % 20 is 9 or 10 ? 30f : 0.5f;
        radiance[0] = float.NaN;
        var result = await RunBlackAsync(Inputs() with { NightRadiance = radiance });

        Assert.Equal(LightSources.Radiance, result.LightSource);
        Assert.Equal([90.0, 90.0], result.Patches.Where(p => p.Trame == "black").Select(p => p.AreaSquareMeters / 1e4));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("green", "POINT (950 650)", 1.0, 200.0), (conflict.Trame, conflict.Location.AsText(), conflict.Light, conflict.LitLengthMeters));
    }

    [Fact]
    public async Task Compute_NoLampsNoRadiance_TheProxyAndSaid()
    {
        var result = await RunAsync();
        Assert.Equal(LightSources.Proxy, result.LightSource);
        Assert.Contains(result.Notes, n => n.Contains("proxy light", StringComparison.Ordinal));
    }
}
