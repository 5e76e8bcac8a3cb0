using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Import;
using KlimaPakt.Geo.TestSupport;

namespace KlimaPakt.Geo.Data.Tests.Import;

/// <summary>
/// The road merge (<see cref="LayerMerge.PreferNewer"/>), the aerodrome and census-grid imports and the land-cover
/// replacement on small hand-made files in EPSG:2169 metres, in a database of their own.
/// </summary>
public sealed class RoadMergeTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly string _dir = Directory.CreateTempSubdirectory("klimapakt-merge-").FullName;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync("klimapakt_test_merge");

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string Write(string name, string features)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, """{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:2169"}},"features":[""" + features + "]}");
        return path;
    }

    private static string Line(string id, string highway, params (double X, double Y)[] points) =>
        $$"""{"type":"Feature","id":"{{id}}","properties":{"highway":"{{highway}}"},"geometry":{"type":"LineString","coordinates":[{{string.Join(",", points.Select(p => FormattableString.Invariant($"[{p.X},{p.Y}]")))}}]""" + "}}";

    // Older file (2013): A primary, mapped again 3 m off by the newer file; B primary, of which the newer maps the first
    // 600 m 5 m off; C primary_link, a class the newer file lacks, lying on a newer secondary; D primary that the newer
    // file maps 10 m off as secondary (reclassified).
    private string Older() => Write("older_2013.geojson", string.Join(",",
        Line("A", "primary", (0, 0), (1000, 0)),
        Line("B", "primary", (0, 500), (1000, 500)),
        Line("C", "primary_link", (5000, 0), (5000, 200)),
        Line("D", "primary", (2000, 0), (3000, 0))));

    private string Newer() => Write("newer_2020.geojson", string.Join(",",
        Line("a", "primary", (0, 3), (1000, 3)),
        Line("b", "primary", (0, 505), (600, 505)),
        Line("c", "secondary", (5000, 0), (5000, 200)),
        Line("d", "secondary", (2000, 10), (3000, 10))));

    private Task<ImportReport> ImportAsync(string region, string path, string date) =>
        _db.Imports.ImportLayerAsync(new LayerImportRequest(region, "roads", path, Merge: LayerMerge.PreferNewer, Provenance: new Provenance(DataDate: date)));

    /// <summary>id:length (m, rounded to 0.1) of the region's roads from one file, by id.</summary>
    private Task<string> RoadsAsync(string region, string file) => _db.ScalarAsync<string>($"""
        SELECT coalesce(string_agg(t.source_fid || ':' || round(ST_Length(t.geom)::numeric, 1), ' ' ORDER BY t.source_fid), '')
        FROM roads t JOIN regions r ON r.id = t.region_id AND r.code = '{region}' JOIN import_sources s ON s.id = t.source_id AND s.source_name = '{file}'
        """);

    [Theory]
    [InlineData("older first")]
    [InlineData("newer first")]
    public async Task ImportLayer_OverlappingRoadFiles_NewerKeptOlderClippedOnlyClassOfOlderKept(string order)
    {
        var region = order == "older first" ? "m1" : "m2";
        await _db.Imports.EnsureRegionAsync(new RegionRequest(region, "Merge test", 2169));
        if (order == "older first")
        {
            await ImportAsync(region, Older(), "2013");
            await ImportAsync(region, Newer(), "2020");
        }
        else
        {
            await ImportAsync(region, Newer(), "2020");
            await ImportAsync(region, Older(), "2013");
        }

        // The newer file is kept whole: 1000 + 600 + 200 + 1000 m.
        Assert.Equal("a:1000.0 b:600.0 c:200.0 d:1000.0", await RoadsAsync(region, "newer_2020.geojson"));
        // Older: A and D lie wholly within 15 m of newer lines (round caps reach past the ends) → gone. B keeps what lies
        // beyond the 15 m buffer of b: the cap around b's end (600, 505) meets y = 500 at x = 600 + √(15² − 5²) = 614.14
        // on the circle, 614.08 on PostGIS's 8-segment quarter circle → 385.9 m left. C is a primary_link, a class the
        // newer file does not have → kept whole although it lies on a newer secondary.
        var older = await RoadsAsync(region, "older_2013.geojson");
        Assert.Matches(@"^B:385\.[89] C:200\.0$", older);
        // No double counting: the total is the newer 2,800 m plus the older 585.9 m.
        Assert.InRange(await _db.ScalarAsync<double>($"SELECT sum(ST_Length(geom)) FROM roads t JOIN regions r ON r.id = t.region_id AND r.code = '{region}'"),
            2800 + 585.8, 2800 + 586.0);
    }

    [Fact]
    public async Task ImportLayer_PreferNewerOnPolygonLayer_Refused()
    {
        await _db.Imports.EnsureRegionAsync(new RegionRequest("m3", "Merge test", 2169));
        var error = await Assert.ThrowsAsync<GeoInputException>(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("m3", "buildings", Newer(), Merge: LayerMerge.PreferNewer)));
        Assert.Contains("newer_2020.geojson", error.Message);
    }

    [Fact]
    public async Task ImportAerodromes_RunwayLineAndPoints_StripDiscAndReferencePointLeftOut()
    {
        await _db.Imports.EnsureRegionAsync(new RegionRequest("a1", "Aerodrome test", 2169));
        var path = Write("airport.geojson", """
            {"type":"Feature","properties":{"name":"Test runway","kind":"runway"},"geometry":{"type":"LineString","coordinates":[[70000,80000],[71000,80000]]}},
            {"type":"Feature","properties":{"name":"Test airport","kind":"airport"},"geometry":{"type":"Point","coordinates":[70500,80000]}},
            {"type":"Feature","properties":{"name":"Test airfield","kind":"airfield"},"geometry":{"type":"Point","coordinates":[90000,90000]}}
            """);
        var report = await _db.Imports.ImportAerodromesAsync(new AerodromeImportRequest("a1", path));

        Assert.Equal(2, report.FeaturesWritten);
        Assert.Contains(report.Skipped, s => s.StartsWith("Test airport", StringComparison.Ordinal));
        // Strip: (1000 + 2 · 60) × (2 · 140) = 313,600 m², a rectangle from x 69,940 to 71,060.
        Assert.Equal("313600 69940 71060", await _db.ScalarAsync<string>("""
            SELECT concat_ws(' ', round(ST_Area(geom)), round(ST_XMin(geom)), round(ST_XMax(geom))) FROM land_cover WHERE name = 'Test runway' AND class = 'aerodrome' AND tags->'aeroway' = 'aerodrome'
            """));
        // Disc of 300 m: π · 300² = 282,743 m² (PostGIS's 64-gon is 0.16 % smaller).
        Assert.InRange(await _db.ScalarAsync<double>("SELECT ST_Area(geom) FROM land_cover WHERE name = 'Test airfield'"), 282_743 * 0.995, 282_743);
    }

    [Fact]
    public async Task ImportPopulationGrid_CellWithoutWholeNumber_RefusedNamingTheCell()
    {
        await _db.Imports.EnsureRegionAsync(new RegionRequest("p1", "Grid test", 2169));
        var path = Write("grid.geojson", """
            {"type":"Feature","id":"cell-ok","properties":{"T2021":12},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1000,0],[1000,1000],[0,1000],[0,0]]]}},
            {"type":"Feature","id":"cell-bad","properties":{"T2021":"n/a"},"geometry":{"type":"Polygon","coordinates":[[[1000,0],[2000,0],[2000,1000],[1000,1000],[1000,0]]]}}
            """);
        var error = await Assert.ThrowsAsync<GeoInputException>(() => _db.Imports.ImportPopulationGridAsync(new PopulationGridImportRequest("p1", path)));
        Assert.Contains("grid.geojson", error.Message);
        Assert.Contains(error.Details, d => d.Contains("cell-bad", StringComparison.Ordinal));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM population_cells"));
    }

    [Fact]
    public async Task ImportLayer_OwnLandCoverFile_ReplacesTheSentinel2Classification()
    {
        await _db.Imports.EnsureRegionAsync(new RegionRequest("l1", "Land-cover test", 2169));
        var raster = TestDatabase.DataPath("lu/raster/lu_sentinel2_L2A_2024-08-24_B02_B03_B04_B08_30arcsec.tif");
        var classified = await _db.Imports.ImportLandCoverFromRasterAsync(new LandCoverRasterRequest("l1", raster));
        Assert.True(classified.FeaturesWritten > 100);
        const string spectral = "SELECT count(*) FROM land_cover t JOIN regions r ON r.id = t.region_id AND r.code = 'l1' WHERE tags->'source' = 'sentinel2-ndvi-30arcsec'";
        Assert.Equal((long)classified.FeaturesWritten, await _db.ScalarAsync<long>(spectral));

        var own = Write("own_land_cover.geojson", """
            {"type":"Feature","id":"wood-1","properties":{"landuse":"forest"},"geometry":{"type":"Polygon","coordinates":[[[70000,80000],[71000,80000],[71000,81000],[70000,81000],[70000,80000]]]}}
            """);
        var report = await _db.Imports.ImportLayerAsync(new LayerImportRequest("l1", "land_cover", own));
        Assert.Equal(0L, await _db.ScalarAsync<long>(spectral));
        Assert.Contains(report.Skipped, s => s.Contains($"{classified.FeaturesWritten} land-cover area(s) classified from a raster removed", StringComparison.Ordinal));
        // And a classification asked for afterwards keeps the user's file.
        var again = await _db.Imports.ImportLandCoverFromRasterAsync(new LandCoverRasterRequest("l1", raster));
        Assert.Equal(0, again.FeaturesWritten);
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM land_cover t JOIN regions r ON r.id = t.region_id AND r.code = 'l1'"));
    }
}
