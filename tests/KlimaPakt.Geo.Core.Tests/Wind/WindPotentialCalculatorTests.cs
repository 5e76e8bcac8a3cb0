using KlimaPakt.Geo.Core.Wind;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Tests.Wind;

public sealed class WindPotentialCalculatorTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 2169));

    private static WindInputs Inputs(float[]? wind = null, Dictionary<string, IReadOnlyList<Geometry>>? layers = null)
    {
        // Two communes side by side, 3 km × 4 km each; a village in the west one, a road along the south edge.
        var grid = GridSpec.Covering(2169, 0, 0, 6000, 4000, 20);
        return new WindInputs
        {
            Grid = grid,
            Communes =
            [
                new(11, Wkt.Read("POLYGON((0 0, 3000 0, 3000 4000, 0 4000, 0 0))")),
                new(12, Wkt.Read("POLYGON((3000 0, 6000 0, 6000 4000, 3000 4000, 3000 0))")),
            ],
            Layers = layers ?? new Dictionary<string, IReadOnlyList<Geometry>>
            {
                ["settlements"] = [Wkt.Read("POINT(1500 2000)")],
                ["major_roads"] = [Wkt.Read("LINESTRING(0 100, 6000 100)")],
                ["access_roads"] = [Wkt.Read("LINESTRING(0 100, 6000 100)")],
            },
            ReferenceWindSpeed = wind,
        };
    }

    [Fact]
    public async Task Compute_TwoCommunes_SumsEqualRegionTotalsAndTurbinesAreSpaced()
    {
        var p = new WindParameters { Preset = "holtinger-max", CellSizeMeters = 20, OutputCellSizeMeters = 100, Turbine = "nrel-5mw" }.Validate();
        var stages = new List<string>();
        var r = await WindPotentialCalculator.ComputeAsync(Inputs(), p, (s, _) => { stages.Add(s); return Task.CompletedTask; });
        Assert.Equal(["rasterise", "eligibility", "score", "siting", "yield", "polygonise"], stages);
        Assert.Equal("modelled", r.WindSource);
        Assert.Equal(24e6, r.RegionSquareMeters);
        double eligible = r.Eligibility.Cells.Count(b => b != 0) * 400.0;
        Assert.Equal(eligible, r.Communes.Sum(c => c.EligibleSquareMeters));
        Assert.Equal(r.RegionSquareMeters, r.Communes.Sum(c => c.GridSquareMeters));
        Assert.Equal(r.RegionSquareMeters - r.ExcludedSquareMeters - r.BelowMinimumAreaSquareMeters + r.ForcedSquareMeters, eligible);
        Assert.Equal(r.Turbines.Count, r.Communes.Sum(c => c.Turbines));
        Assert.Equal(r.Turbines.Sum(t => t.Yield.NetMegawattHours) / 1000, r.Communes.Sum(c => c.NetGigawattHours), 9);
        Assert.Equal(r.Turbines.Count * 5.0, r.Communes.Sum(c => c.CapacityMegawatts), 9);
        Assert.True(r.Turbines.Count >= 2);
        // The village's 1 km disc lies in commune 11, so it has less eligible land than commune 12.
        Assert.True(r.Communes[0].EligibleSquareMeters < r.Communes[1].EligibleSquareMeters);
        var ellipse = new SpacingEllipse(8 * 126, 4 * 126, 240);
        foreach (var a in r.Turbines)
            foreach (var b in r.Turbines.Where(b => b.Rank > a.Rank))
                Assert.False(ellipse.Conflicts(a.Location.X, a.Location.Y, b.Location.X, b.Location.Y));
        // Uniform modelled wind (no DEM): 6 m/s at 100 m → hub 90 m by the power law.
        Assert.All(r.Turbines, t => Assert.Equal(6 * Math.Pow(0.9, 1.0 / 7), t.Yield.HubWindSpeedMetersPerSecond, 5));
        // Potential classes cover the eligible polygons; bounds are equal intervals.
        Assert.All(r.PotentialClasses, c => Assert.Equal(c.Lower + 0.2, c.Upper, 9));
        Assert.Equal(r.EligibleAreas.Sum(a => a.Area), r.PotentialClasses.Sum(c => c.AreaSquareMeters), 3);
        Assert.Contains(r.Notes, n => n.Contains("MODELLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compute_SameInputs_SameResults()
    {
        var p = new WindParameters { CellSizeMeters = 20, OutputCellSizeMeters = 100 }.Validate();
        var a = await WindPotentialCalculator.ComputeAsync(Inputs(), p);
        var b = await WindPotentialCalculator.ComputeAsync(Inputs(), p);
        Assert.Equal(a.Turbines.Select(t => t.Location.AsText()), b.Turbines.Select(t => t.Location.AsText()));
        Assert.Equal(a.Score.Cells, b.Score.Cells);
    }

    [Fact]
    public async Task Compute_WindRaster_HigherWindPlacesFirstTurbineThere()
    {
        var grid = Inputs().Grid;
        var wind = new float[grid.CellCount];
        Array.Fill(wind, 6f);
        // A windy patch in the north-east.
        for (int r = 10; r < 40; r++) for (int c = 250; c < 280; c++) wind[r * grid.Width + c] = 8f;
        var p = new WindParameters { CellSizeMeters = 20, OutputCellSizeMeters = 100 }.Validate();
        var result = await WindPotentialCalculator.ComputeAsync(Inputs(wind), p);
        Assert.Equal("raster", result.WindSource);
        var first = result.Turbines[0];
        Assert.Equal(8, first.ReferenceWindSpeed, 5);
        Assert.InRange(first.Location.X, 5000, 5600);
        Assert.InRange(first.Location.Y, 3200, 3800);
    }

    [Fact]
    public async Task Compute_Score_IsTheRescaledWeightedSumOfTheAvailableMemberships()
    {
        // Default criteria: wind 0.5, grid 0.25, roads 0.15, slope 0.1. No DEM (slope dropped), a grid line entirely off
        // the grid (dropped too), an access road along the cell centres at y = 110 m: wind 0.5/0.65 and roads 0.15/0.65.
        var inputs = Inputs(layers: new Dictionary<string, IReadOnlyList<Geometry>>
        {
            ["settlements"] = [Wkt.Read("POINT(1500 2000)")],
            ["access_roads"] = [Wkt.Read("LINESTRING(0 110, 6000 110)")],
            ["grid"] = [Wkt.Read("LINESTRING(50000 50000, 60000 50000)")],
        });
        var grid = inputs.Grid;
        var p = new WindParameters { CellSizeMeters = 20, OutputCellSizeMeters = 100, Turbine = "nrel-5mw" }.Validate();
        var r = await WindPotentialCalculator.ComputeAsync(inputs, p);

        Assert.Contains(r.Notes, n => n.StartsWith("criterion grid: no input", StringComparison.Ordinal));
        Assert.Contains(r.Notes, n => n.StartsWith("criterion slope: no input", StringComparison.Ordinal));
        Assert.Equal(["wind", "roads"], r.Criteria.Select(c => c.Name));
        Assert.Equal(0.5 / 0.65, r.Criteria[0].Weight, 12);
        Assert.Equal(0.15 / 0.65, r.Criteria[1].Weight, 12);
        // By hand: uniform modelled wind 6 m/s at 100 m, hub 90 m by the 1/7 power law, linear 4.5 → 7.5 m/s; the road's
        // distance from a cell centre is |y − 110| m (same column), linear 10 km → 1 km.
        double windMembership = (6 * Math.Pow(0.9, 1.0 / 7) - 4.5) / 3;
        int eligible = 0;
        for (int row = 0; row < grid.Height; row++)
            for (int col = 0; col < grid.Width; col++)
            {
                int i = row * grid.Width + col;
                float score = r.Score.Cells[i];
                if (r.Eligibility.Cells[i] == 0) { Assert.True(float.IsNaN(score)); continue; }
                eligible++;
                double d = Math.Abs(grid.CellCenter(col, row).Y - 110);
                double roads = Math.Clamp((10_000 - d) / 9_000, 0, 1);
                Assert.Equal(0.5 / 0.65 * windMembership + 0.15 / 0.65 * roads, (double)score, 1e-6);
            }
        Assert.True(eligible > grid.CellCount / 2, $"only {eligible} eligible cells");
    }
}
