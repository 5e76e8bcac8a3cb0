namespace KlimaPakt.Geo.Data.Tests.Import;

/// <summary>The bundled regions as imported, checked against published figures (ACT, STATEC, GDAL's OSM driver).</summary>
[Collection(PostGisCollection.Name)]
public sealed class BundledDataTests(BundledDatabaseFixture fixture)
{
    private readonly TestSupport.TestDatabase _db = fixture.Db;

    [Fact]
    public async Task Communes_Luxembourg_HundredCommunesCovering2593SquareKilometres()
    {
        Assert.Equal(100L, await _db.ScalarAsync<long>("SELECT count(*) FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = 'lu'"));
        // ACT's communes sum to 2,593 km² in EPSG:2169 (SOURCES.md); all stored in the region's CRS.
        var areaKm2 = await _db.ScalarAsync<double>("SELECT sum(ST_Area(geom)) / 1e6 FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = 'lu' AND ST_SRID(geom) = 2169");
        Assert.InRange(areaKm2, 2593 * 0.995, 2593 * 1.005);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM communes WHERE NOT ST_IsValid(geom)"));
    }

    [Fact]
    public async Task Population_2023_EveryCommuneHasItAndTheCountrySumsToStatecTotal()
    {
        Assert.Equal(100L, await _db.ScalarAsync<long>("""
            SELECT count(*) FROM communes c JOIN regions r ON r.id = c.region_id
            JOIN commune_populations p ON p.commune_id = c.id AND p.year = 2023 WHERE r.code = 'lu'
            """));
        Assert.Equal(660_809L, await _db.ScalarAsync<long>("SELECT sum(population) FROM commune_populations WHERE year = 2023"));
    }

    [Fact]
    public async Task Population_Liechtenstein2019_EachGemeindeJoinedByItsBfsNumberAndTheTotalChecked()
    {
        // Amt für Statistik, 31 Dec 2019: 11 Gemeinden summing to 38,749 (the file's total row, checked by the importer);
        // the OSM boundaries carry the BFS numbers 7001–7011 as their codes.
        Assert.Equal(11L, await _db.ScalarAsync<long>("""
            SELECT count(*) FROM communes c JOIN regions r ON r.id = c.region_id
            JOIN commune_populations p ON p.commune_id = c.id AND p.year = 2019 WHERE r.code = 'li'
            """));
        Assert.Equal(38_749L, await _db.ScalarAsync<long>("SELECT sum(population) FROM commune_populations WHERE year = 2019"));
        Assert.Equal(6_039L, await _db.ScalarAsync<long>("""
            SELECT p.population FROM communes c JOIN commune_populations p ON p.commune_id = c.id WHERE c.code = '7005' AND c.name = 'Schaan'
            """));
    }

    [Theory]
    [InlineData("Bous-Waldbredimus", 1752 + 1337)] // STATEC 2023: Bous 1,752 + Waldbredimus 1,337
    [InlineData("Groussbus-Wal", 1134 + 1087)]     // Grosbous 1,134 + Wahl 1,087
    [InlineData("Redange/Attert", 3059)]           // STATEC spells it Redange-sur-Attert
    [InlineData("Esch-sur-Alzette", 36625)]        // joined by name, accents and case ignored
    public async Task Population_MergedAndRenamedCommunes_GetTheirPartsSummed(string commune, int expected)
    {
        Assert.Equal((long)expected, await _db.ScalarAsync<long>($"""
            SELECT p.population FROM communes c JOIN commune_populations p ON p.commune_id = c.id AND p.year = 2023
            WHERE c.name = '{commune}'
            """));
    }

    [Fact]
    public async Task EvChargers_Osm2019_283ImportedAnd281InsideACommune()
    {
        Assert.Equal(283L, await _db.ScalarAsync<long>("SELECT count(*) FROM ev_chargers"));
        Assert.Equal(281L, await _db.ScalarAsync<long>("""
            SELECT count(*) FROM ev_chargers e WHERE EXISTS (SELECT 1 FROM communes c WHERE c.region_id = e.region_id AND ST_Intersects(c.geom, e.geom))
            """));
    }

    [Fact]
    public async Task Liechtenstein_OsmExtract_ElevenMunicipalitiesAndGdalsBuildingCount()
    {
        Assert.Equal(11L, await _db.ScalarAsync<long>("SELECT count(*) FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = 'li' AND ST_SRID(c.geom) = 2056"));
        // GDAL's OSM driver counts 3,723 building multipolygons in this extract (ogrinfo -sql "… WHERE building IS NOT NULL").
        var buildings = await _db.ScalarAsync<long>("SELECT count(*) FROM buildings b JOIN regions r ON r.id = b.region_id WHERE r.code = 'li'");
        Assert.InRange(buildings, 3723 * 0.99, 3723 * 1.01);
        // Every municipality lies in one of the two Wahlkreise (OSM admin_level 6).
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = 'li' AND c.canton IS NULL"));
        // Vaduz is the BFS number 7001.
        Assert.Equal("Vaduz", await _db.ScalarAsync<string>("SELECT name FROM communes WHERE code = '7001'"));
    }

    [Fact]
    public async Task Liechtenstein_OsmLayers_TypedAndInRegionCrs()
    {
        Assert.Equal(4L, await _db.ScalarAsync<long>("SELECT count(*) FROM protected_areas p JOIN regions r ON r.id = p.region_id WHERE r.code = 'li'"));
        Assert.Equal(3L, await _db.ScalarAsync<long>("SELECT count(*) FROM power_lines p JOIN regions r ON r.id = p.region_id WHERE r.code = 'li'"));
        Assert.True(await _db.ScalarAsync<long>("SELECT count(*) FROM roads WHERE class = 'residential' AND ST_SRID(geom) = 2056") > 100);
        // A building in Vaduz, in LV95 metres: the Rathaus lies near E 2 758 000, N 1 223 000.
        // Counted, not bool_and-ed: an assertion over zero rows must not pass.
        Assert.True(await _db.ScalarAsync<long>("SELECT count(*) FROM buildings b JOIN regions r ON r.id = b.region_id WHERE r.code = 'li'") > 3000);
        Assert.Equal(0L, await _db.ScalarAsync<long>("""
            SELECT count(*) FROM buildings b JOIN regions r ON r.id = b.region_id
            WHERE r.code = 'li' AND NOT (ST_X(ST_Centroid(geom)) BETWEEN 2750000 AND 2770000 AND ST_Y(ST_Centroid(geom)) BETWEEN 1210000 AND 1240000)
            """));
    }

    [Fact]
    public async Task Rasters_ElevationRegistered_GridCrsAndNoDataFromTheFile()
    {
        // gdalinfo: 95 x 90, EPSG:4326, origin (5.741666…, 50.191666…), pixel 0.008333…°, NoData -32768.
        Assert.Equal("95 90 4326 -32768", await _db.ScalarAsync<string>("SELECT concat_ws(' ', width, height, srid, no_data) FROM rasters WHERE name = 'lu_elevation_30arcsec'"));
        Assert.Equal(64, (await _db.ScalarAsync<string>("SELECT content_sha256 FROM rasters WHERE name = 'lu_elevation_30arcsec'")).Length);
        Assert.True(await _db.ScalarAsync<double>("SELECT region_coverage FROM rasters WHERE name = 'lu_elevation_30arcsec'") > 0.99);
    }
}
