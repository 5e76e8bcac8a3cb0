using KlimaPakt.Geo.Data.Import;
using KlimaPakt.Geo.TestSupport;

namespace KlimaPakt.Geo.Data.Tests.Import;

/// <summary>GeoPackage and Shapefile imports agree with the GeoJSON import of the same data; re-imports replace.</summary>
[Collection(PostGisCollection.Name)]
public sealed class FormatsTests(BundledDatabaseFixture fixture) : IDisposable
{
    private readonly TestDatabase _db = fixture.Db;
    private readonly string _dir = Directory.CreateTempSubdirectory("klimapakt-formats-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ImportCommunes_GeoPackageInLuref_SameCommunesAsGeoJson()
    {
        await _db.Imports.EnsureRegionAsync(new RegionRequest("lu_gpkg", "Luxembourg (GeoPackage copy)", 2169));
        var report = await _db.Imports.ImportCommunesAsync(new CommuneImportRequest("lu_gpkg", TestDatabase.DataPath("lu/admin/lu_admin_luref_epsg2169.gpkg"), Table: "communes"));
        Assert.Equal(100, report.FeaturesWritten);
        // The GeoPackage was reprojected by GDAL, the GeoJSON by PostGIS (both PROJ): the same areas to 0.01 %.
        var maxRelativeDifference = await _db.ScalarAsync<double>("""
            SELECT max(abs(ST_Area(a.geom) - ST_Area(b.geom)) / ST_Area(b.geom))
            FROM communes a JOIN regions ra ON ra.id = a.region_id AND ra.code = 'lu_gpkg'
            JOIN communes b ON b.code = a.code JOIN regions rb ON rb.id = b.region_id AND rb.code = 'lu'
            """);
        Assert.InRange(maxRelativeDifference, 0, 1e-4);
    }

    [Fact]
    public async Task ImportLayer_ShapefileWithPrj_CrsIdentifiedAndSamePointsAsGeoJson()
    {
        var shp = Ogr2Ogr.Shapefile(Path.Combine(_dir, "places_luref.shp"), "EPSG:2169", TestDatabase.DataPath("lu/osm/osm_lu_2019-09_places.geojson"));
        var report = await _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "places", shp));
        Assert.Equal(1100, report.FeaturesWritten);
        var source = await _db.ScalarAsync<int>("SELECT source_srid FROM import_sources WHERE source_name = 'places_luref.shp'");
        Assert.Equal(2169, source);
        // Same OSM node from both files lands on the same spot (GDAL and PostGIS both reproject with PROJ).
        var maxDistanceMetres = await _db.ScalarAsync<double>("""
            SELECT max(ST_Distance(a.geom, b.geom)) FROM places a JOIN import_sources sa ON sa.id = a.source_id AND sa.source_name = 'places_luref.shp'
            JOIN places b ON b.tags->'osm_id' = a.tags->'osm_id' JOIN import_sources sb ON sb.id = b.source_id AND sb.source_name = 'osm_lu_2019-09_places.geojson'
            """);
        Assert.InRange(maxDistanceMetres, 0, 0.01);
        await _db.ScalarAsync<int>("DELETE FROM import_sources WHERE source_name = 'places_luref.shp' RETURNING 1");
    }

    [Fact]
    public async Task Reimport_SameFile_ReplacesInsteadOfDuplicating()
    {
        var counts = "SELECT concat_ws(' ', (SELECT count(*) FROM ev_chargers), (SELECT count(*) FROM import_sources), (SELECT count(*) FROM buildings), (SELECT count(*) FROM communes))";
        var before = await _db.ScalarAsync<string>(counts);
        var chargers = await _db.Imports.ImportLayerAsync(new LayerImportRequest("lu", "ev_chargers", TestDatabase.DataPath("lu/osm/osm_lu_2019-09_charging_stations.geojson")));
        var osm = await _db.Imports.ImportOsmAsync(new OsmImportRequest("li", TestDatabase.DataPath("li/liechtenstein-2013-08-03.osm.pbf")));
        Assert.Equal(283, chargers.FeaturesWritten);
        Assert.Equal(3723, osm.WrittenByTarget["buildings"]);
        Assert.Equal(before, await _db.ScalarAsync<string>(counts));
    }

    [Fact]
    public async Task ImportOsm_Buildings_KeepTheirTagsAndClassAndAreValid()
    {
        // Buildings keep their OSM tags (hstore) and the class the importer picked from them.
        Assert.True(await _db.ScalarAsync<long>("SELECT count(*) FROM buildings WHERE class = 'yes' AND tags ? 'building'") > 1000);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM buildings WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)"));
    }
}
