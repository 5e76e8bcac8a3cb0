using KlimaPakt.Geo.Core.Wind;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Tests.Wind;

public sealed class ExclusionCalculatorTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 2169));

    // A 4 km × 4 km square region at 10 m: 400 × 400 cells.
    private static readonly GridSpec Grid = GridSpec.Covering(2169, 0, 0, 4000, 4000, 10);

    private static int[] Square()
    {
        var zones = new int[Grid.CellCount];
        Array.Fill(zones, 1);
        return zones;
    }

    private static Eligibility Run(IReadOnlyList<ExclusionRule> rules, Dictionary<string, IReadOnlyList<Geometry>> layers,
        IReadOnlyList<Geometry>? forced = null, double minimumArea = 0, double tip = 200) =>
        ExclusionCalculator.Compute(Grid, Square(), rules, layers, null, forced ?? [], tip, minimumArea, 5);

    private static double EligibleArea(Eligibility e) => e.Eligible.Count(b => b != 0) * Grid.CellAreaSquareUnits;

    [Fact]
    public void Compute_OneBuildingWithBuffer_SquareMinusDiscWithinOneCell()
    {
        // A 20 m × 20 m building in the middle, 750 m buffer: eligible = 16 km² − π (750 + ~10)²; the disc's radius is
        // known to within one cell (building half-width + cell rounding), so the area lies between the discs of radius r ± 10 m.
        var building = Wkt.Read("POLYGON((1990 1990, 2010 1990, 2010 2010, 1990 2010, 1990 1990))");
        var e = Run([new() { Layer = "buildings", BufferMeters = 750 }], new() { ["buildings"] = [building] });
        double r = 750 + 10, cell = 10;
        double eligible = EligibleArea(e);
        Assert.InRange(eligible, 16e6 - Math.PI * (r + cell) * (r + cell), 16e6 - Math.PI * (r - cell) * (r - cell));
        Assert.Equal(16e6 - eligible, e.Rules[0].Alone * Grid.CellAreaSquareUnits);
        Assert.Equal(e.Rules[0].Alone, e.Rules[0].Unique);
        Assert.Equal(e.Rules[0].Alone, e.ExcludedCells);
    }

    [Theory]
    [InlineData("holtinger-max", 1000)]
    [InlineData("holtinger-medium", 1200)]
    [InlineData("holtinger-min", 2000)]
    [InlineData("luxembourg-legal-minimum", 300)]
    public void Compute_EachPreset_SettlementBufferApplied(string preset, double buffer)
    {
        // One settlement cell in the middle: the preset's buffer becomes a disc of that radius (± one cell).
        var place = Wkt.Read("POINT(2005 2005)");
        var rules = new WindParameters { Preset = preset }.Validate().Rules!;
        var e = Run(rules, new() { ["settlements"] = [place] });
        double excluded = 16e6 - EligibleArea(e);
        Assert.InRange(excluded, Math.PI * (buffer - 10) * (buffer - 10), Math.PI * (buffer + 10) * (buffer + 10));
        // Empty layers exclude nothing but are reported.
        Assert.All(e.Rules.Where(r => r.Rule.Layer != "settlements"), r => Assert.Equal(0, r.Alone));
        Assert.Equal(rules.Count, e.Rules.Count);
    }

    [Fact]
    public void Compute_TipHeightBuffer_IsMultipleOfTipHeight()
    {
        var place = Wkt.Read("POINT(2005 2005)");
        var e = Run([new() { Layer = "buildings", BufferTipHeights = 3 }], new() { ["buildings"] = [place] }, tip: 197.5);
        Assert.Equal(592.5, e.Rules[0].EffectiveBufferMeters);
        double excluded = 16e6 - EligibleArea(e);
        Assert.InRange(excluded, Math.PI * 582.5 * 582.5, Math.PI * 602.5 * 602.5);
    }

    [Fact]
    public void Compute_TwoRules_ReportAloneUniqueAndSequential()
    {
        // Two 500 m discs whose centres are 600 m apart overlap: alone = disc each, unique = disc minus lens,
        // sequential: the first rule its disc, the second only what it adds; sequential sums to the excluded total.
        var a = Wkt.Read("POINT(1705 2005)");
        var b = Wkt.Read("POINT(2305 2005)");
        var e = Run([new() { Layer = "settlements", BufferMeters = 500 }, new() { Layer = "forest", BufferMeters = 500 }],
            new() { ["settlements"] = [a], ["forest"] = [b] });
        var (r1, r2) = (e.Rules[0], e.Rules[1]);
        Assert.Equal(r1.Alone, r1.Sequential);
        Assert.Equal(e.ExcludedCells, r1.Sequential + r2.Sequential);
        Assert.Equal(r2.Sequential, r2.Unique);
        long lens = r1.Alone - r1.Unique;
        Assert.Equal(lens, r2.Alone - r2.Unique);
        // Lens of two r = 500 discs at d = 600: 2 r² acos(d / 2r) − (d / 2) √(4 r² − d²) = 215,000 m² (± boundary cells).
        double expectedLens = 2 * 500 * 500 * Math.Acos(0.6) - 300 * Math.Sqrt(4 * 500 * 500 - 600 * 600);
        Assert.InRange(lens * 100.0, expectedLens - 2 * 1300 * 10, expectedLens + 2 * 1300 * 10);
    }

    [Fact]
    public void Compute_RoadsByClass_OnlyListedClassesBuffered()
    {
        // A primary road along y = 1005 and a track along y = 3005, each across the square; 100 m around primary roads only.
        var primary = Wkt.Read("LINESTRING(0 1005, 4000 1005)");
        primary.UserData = "primary";
        var track = Wkt.Read("LINESTRING(0 3005, 4000 3005)");
        track.UserData = "track";
        var e = Run([new() { Layer = "roads", BufferMeters = 100, Classes = ["motorway", "primary"] }], new() { ["roads"] = [primary, track] });
        Assert.Equal(1, e.Rules[0].Features);
        // The band of rows whose centres lie within 100 m of row 1005's centre: 21 rows × 400 columns.
        Assert.Equal(21 * 400, e.ExcludedCells);
        Assert.Equal(1, e.Eligible[(int)Grid.IndexOf(200, 99)]); // the track's row (y = 3005) stays eligible
    }

    [Fact]
    public void Compute_ForcedInclusion_OverridesOptionalRulesOnly()
    {
        var place = Wkt.Read("POINT(2005 2005)");
        var forced = Wkt.Read("POLYGON((1900 1900, 2100 1900, 2100 2100, 1900 2100, 1900 1900))"); // 4 ha = 400 cells
        var optional = Run([new() { Layer = "settlements", BufferMeters = 500, Strict = false }], new() { ["settlements"] = [place] }, [forced]);
        var strict = Run([new() { Layer = "settlements", BufferMeters = 500, Strict = true }], new() { ["settlements"] = [place] }, [forced]);
        Assert.Equal(400, optional.ForcedCells);
        Assert.Equal(1, optional.Eligible[(int)Grid.IndexOf(200, 200)]);
        Assert.Equal(0, strict.ForcedCells);
        Assert.Equal(0, strict.Eligible[(int)Grid.IndexOf(200, 200)]);
        Assert.Equal(400 * 100.0, EligibleArea(optional) - EligibleArea(strict));
    }

    [Fact]
    public void Compute_MinimumArea_DropsSmallPatchesButKeepsForced()
    {
        // Forest covers everything but a 30 × 30 cell (9 ha) and a 10 × 10 cell (1 ha) clearing; minimum 5 ha.
        var forest = Wkt.Read("""
            POLYGON((0 0, 4000 0, 4000 4000, 0 4000, 0 0), (500 500, 800 500, 800 800, 500 800, 500 500),
                    (2000 2000, 2100 2000, 2100 2100, 2000 2100, 2000 2000))
            """);
        var rules = new List<ExclusionRule> { new() { Layer = "forest" } };
        var layers = new Dictionary<string, IReadOnlyList<Geometry>> { ["forest"] = [forest] };
        var none = Run(rules, layers);
        var min = Run(rules, layers, minimumArea: 50_000);
        // All-touched burning takes the cells on the clearing's edges that lie on its lower/left cell edges (a boundary on a
        // cell edge touches the cell on one side): 29² and 9² cells remain.
        Assert.Equal(29 * 29 + 9 * 9, none.Eligible.Count(b => b != 0));
        Assert.Equal(29 * 29, min.Eligible.Count(b => b != 0));
        Assert.Equal(81, min.BelowMinimumCells);
        var forced = Wkt.Read("POLYGON((2000 2000, 2100 2000, 2100 2100, 2000 2100, 2000 2000))");
        var kept = ExclusionCalculator.Compute(Grid, Square(), [new() { Layer = "forest", Strict = false }], layers, null, [forced], 200, 50_000, 5);
        Assert.Equal(29 * 29 + 100, kept.Eligible.Count(b => b != 0));
    }
}
