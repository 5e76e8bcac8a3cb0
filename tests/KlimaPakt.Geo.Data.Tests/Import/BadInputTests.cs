using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Import;
using KlimaPakt.Geo.TestSupport;

namespace KlimaPakt.Geo.Data.Tests.Import;

/// <summary>Each kind of bad input gives a clear error naming the file (and the features or rows) and changes nothing.</summary>
[Collection(PostGisCollection.Name)]
public sealed class BadInputTests(BundledDatabaseFixture fixture) : IDisposable
{
    private readonly TestDatabase _db = fixture.Db;
    private readonly string _dir = Directory.CreateTempSubdirectory("klimapakt-bad-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Row counts of every table an import can touch, and the import bookkeeping.</summary>
    private Task<string> SnapshotAsync() => _db.ScalarAsync<string>("""
        SELECT concat_ws(' ', (SELECT count(*) FROM communes), (SELECT count(*) FROM commune_populations), (SELECT sum(population) FROM commune_populations),
            (SELECT count(*) FROM land_cover), (SELECT count(*) FROM places), (SELECT count(*) FROM ev_chargers), (SELECT count(*) FROM buildings),
            (SELECT count(*) FROM roads), (SELECT count(*) FROM import_sources), (SELECT count(*) FROM rasters), (SELECT max(imported_at) FROM import_sources))
        """);

    private async Task<GeoInputException> AssertRefusedAsync(Func<Task> import, params string[] messageParts)
    {
        var before = await SnapshotAsync();
        var error = await Assert.ThrowsAnyAsync<GeoInputException>(import);
        foreach (var part in messageParts) Assert.Contains(part, error.Message + string.Join("\n", error.Details));
        Assert.Equal(before, await SnapshotAsync());
        return error;
    }

    private const string Bowtie = """
        {"type":"FeatureCollection","features":[
          {"type":"Feature","id":"ok-1","properties":{"landuse":"meadow"},"geometry":{"type":"Polygon","coordinates":[[[6.10,49.60],[6.11,49.60],[6.11,49.61],[6.10,49.61],[6.10,49.60]]]}},
          {"type":"Feature","id":"bowtie-7","properties":{"landuse":"forest"},"geometry":{"type":"Polygon","coordinates":[[[6.12,49.60],[6.13,49.61],[6.13,49.60],[6.12,49.61],[6.12,49.60]]]}}
        ]}
        """;

    [Fact]
    public async Task ImportLayer_SelfIntersectingPolygon_RepairedAndReportedById()
    {
        // A region of its own: a land-cover file imported into 'lu' would replace the Sentinel-2 land cover other tests read.
        await _db.Imports.EnsureRegionAsync(new RegionRequest("lu_bowtie", "Bow-tie test", 2169));
        var report = await _db.Imports.ImportLayerAsync(new LayerImportRequest("lu_bowtie", "land_cover", Write("bowtie.geojson", Bowtie)));
        Assert.Equal(2, report.FeaturesWritten);
        var repaired = Assert.Single(report.Repaired);
        Assert.StartsWith("bowtie-7: Self-intersection", repaired);
        // The bow-tie becomes its two triangles: valid, and the area of two 0.005° × 0.005° halves, not zero.
        Assert.True(await _db.ScalarAsync<bool>("SELECT ST_IsValid(geom) AND ST_NumGeometries(geom) = 2 AND ST_Area(geom) > 1e4 FROM land_cover WHERE source_fid = 'bowtie-7'"));
    }

    [Fact]
    public Task ImportLayer_InvalidGeometryWithRejectPolicy_RefusedListingTheFeature() =>
        AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "land_cover", Write("bowtie-reject.geojson", Bowtie), Invalid: InvalidGeometryPolicy.Reject)),
            "bowtie-reject.geojson", "bowtie-7: Self-intersection");

    [Fact]
    public Task ImportLayer_ProjectedCoordinatesWithoutCrs_RefusedAskingForTheEpsgCode() =>
        AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "places", Write("luref-no-crs.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","id":"p1","properties":{"place":"village"},"geometry":{"type":"Point","coordinates":[77000,75000]}}]}
            """))), "luref-no-crs.geojson", "declares no CRS", "--srid", "feature p1");

    [Fact]
    public Task ImportLayer_UnknownEpsgCode_Refused() =>
        AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "places", Write("epsg-99999.geojson", """
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::99999"}},
             "features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[77000,75000]}}]}
            """))), "epsg-99999.geojson", "unknown EPSG code 99999");

    [Fact]
    public Task ImportLayer_EmptyFile_Refused() =>
        AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "places", Write("empty.geojson", ""))), "empty.geojson", "empty");

    [Fact]
    public Task ImportLayer_NoFeatures_Refused() =>
        AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "places", Write("none.geojson", """{"type":"FeatureCollection","features":[]}"""))),
            "none.geojson", "no features");

    [Fact]
    public Task ImportLayer_TruncatedGeoJson_RefusedWithPosition()
    {
        var text = File.ReadAllText(TestDatabase.DataPath("lu/osm/osm_lu_2019-09_charging_stations.geojson"));
        var path = Write("osm_lu_2019-09_charging_stations.geojson", text[..(text.Length / 2)]);
        return AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "ev_chargers", path)), "osm_lu_2019-09_charging_stations.geojson", "truncated");
    }

    [Fact]
    public Task ImportOsm_TruncatedPbf_RefusedAndNothingImported()
    {
        var bytes = File.ReadAllBytes(TestDatabase.DataPath("li/liechtenstein-2013-08-03.osm.pbf"));
        var path = Path.Combine(_dir, "liechtenstein-2013-08-03.osm.pbf");
        File.WriteAllBytes(path, bytes[..300_000]);
        return AssertRefusedAsync(() => _db.Imports.ImportOsmAsync(new OsmImportRequest("li", path)), "liechtenstein-2013-08-03.osm.pbf", "truncated or corrupt");
    }

    [Fact]
    public Task ImportLayer_UnknownLayer_RefusedListingKnownLayers() =>
        AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "wind_farms", TestDatabase.DataPath("lu/osm/osm_lu_2019-09_places.geojson"))),
            "Unknown layer 'wind_farms'", "buildings");

    [Fact]
    public Task ImportLayer_UnknownRegion_Refused() =>
        AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("atlantis", "places", TestDatabase.DataPath("lu/osm/osm_lu_2019-09_places.geojson"))),
            "Unknown region 'atlantis'");

    [Fact]
    public async Task ImportPopulation_UnknownCommune_RefusedNamingTheRows()
    {
        var lines = File.ReadAllLines(TestDatabase.DataPath("lu/population/statec_DF_X021_population_2023_by_commune_and_canton.csv")).ToList();
        lines.Insert(5, "LU1:DF_X021(1.0),A: Annual,CM99001: Atlantis,2023,1234,,,,,,0: Zero");
        var path = Write("statec_with_atlantis.csv", string.Join("\n", lines));
        var error = await AssertRefusedAsync(() => _db.Imports.ImportPopulationAsync(new PopulationImportRequest("lu", path,
            TestDatabase.DataPath("lu/population/commune_name_mappings.csv"), 2023)), "statec_with_atlantis.csv", "row 6: CM99001 Atlantis");
        Assert.Single(error.Details);
    }

    [Fact]
    public Task ImportPopulation_WithoutMergerMappings_RefusedNamingThePreMergerCommunes() =>
        AssertRefusedAsync(() => _db.Imports.ImportPopulationAsync(new PopulationImportRequest("lu",
            TestDatabase.DataPath("lu/population/statec_DF_X021_population_2023_by_commune_and_canton.csv"), null, 2023)),
            "Bous", "Waldbredimus", "Grosbous", "Wahl", "Redange-sur-Attert");

    [Fact]
    public async Task ImportShapefile_WithoutPrj_RefusedAskingForTheEpsgCode()
    {
        var shp = Ogr2Ogr.Shapefile(Path.Combine(_dir, "places.shp"), "EPSG:2169", TestDatabase.DataPath("lu/osm/osm_lu_2019-09_places.geojson"));
        File.Delete(Path.ChangeExtension(shp, ".prj"));
        await AssertRefusedAsync(() => _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "places", shp)), "places.shp", "no .prj");
    }

    [Fact]
    public Task RegisterRaster_NotCoveringTheRegion_Refused() =>
        AssertRefusedAsync(() => _db.Services.GetRequiredServiceOf<RasterRegistry>().RegisterAsync(new RasterRegistrationRequest(
            TestDatabase.DataPath("wind/gwa3_altamont_ca_wind-speed_100m.tif"), "altamont_for_lu", "lu")), "covers 0.0 %", "region 'lu'");

    [Fact]
    public Task RegisterRaster_NotAGeoTiff_Refused() =>
        AssertRefusedAsync(() => _db.Services.GetRequiredServiceOf<RasterRegistry>().RegisterAsync(new RasterRegistrationRequest(Write("fake.tif", "this is not a tiff"))), "fake.tif", "not a readable GeoTIFF");
}

internal static class ServiceProviderExtensions
{
    public static T GetRequiredServiceOf<T>(this IServiceProvider services) where T : notnull =>
        (T)(services.GetService(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered"));
}
