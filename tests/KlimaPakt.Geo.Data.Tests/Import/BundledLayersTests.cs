namespace KlimaPakt.Geo.Data.Tests.Import;

/// <summary>
/// The Luxembourg layers added for issue 11, as `import bundle` leaves them, against the counts and lengths that
/// ../shared/data/SOURCES.md gives for each file (counted there with GDAL / by the file's producers).
/// </summary>
[Collection(PostGisCollection.Name)]
public sealed class BundledLayersTests(BundledDatabaseFixture fixture)
{
    private readonly TestSupport.TestDatabase _db = fixture.Db;

    private const string Lu = "JOIN regions r ON r.id = t.region_id AND r.code = 'lu'";

    [Fact]
    public async Task Railways_Osm2022_969LinesOf460Kilometres()
    {
        Assert.Equal(969L, await _db.ScalarAsync<long>($"SELECT count(*) FROM railways t {Lu}"));
        // SOURCES.md: 460.7 km of mapped track (each track of a double line its own way); EPSG:2169 lengths agree within 0.5 %.
        Assert.InRange(await _db.ScalarAsync<double>($"SELECT sum(ST_Length(geom)) / 1000 FROM railways t {Lu}"), 460.7 * 0.995, 460.7 * 1.005);
        Assert.Equal(969L, await _db.ScalarAsync<long>($"SELECT count(*) FROM railways t {Lu} WHERE class = 'rail'"));
    }

    [Fact]
    public async Task Buildings_LuxembourgCity2016_OnlyTheTypeBuildingPolygons()
    {
        // SOURCES.md: 14,170 polygons, of which type building 13,552 (amenity 443 and parking 175 are not buildings).
        Assert.Equal(13_552L, await _db.ScalarAsync<long>($"SELECT count(*) FROM buildings t {Lu}"));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM buildings t {Lu} WHERE tags->'type' <> 'building'"));
        // All inside the file's stated extent, 6.041–6.202 E, 49.565–49.641 N.
        Assert.Equal(0L, await _db.ScalarAsync<long>($"""
            SELECT count(*) FROM buildings t {Lu}
            WHERE NOT ST_Within(ST_Transform(ST_Centroid(geom), 4326), ST_MakeEnvelope(6.040, 49.564, 6.203, 49.642, 4326))
            """));
    }

    [Fact]
    public async Task Roads_Bundle_EveryBundledClassPresent()
    {
        // terra: primary, secondary, tertiary; LuST city roads: also residential, motorway(_link), secondary_link,
        // primary_link; 2013: primary, primary_link.
        var classes = await _db.ScalarAsync<string>($"SELECT string_agg(DISTINCT class, ' ' ORDER BY class) FROM roads t {Lu}");
        Assert.Equal("motorway motorway_link primary primary_link residential secondary secondary_link tertiary", classes);
    }

    [Fact]
    public async Task Roads_NewestFile_KeptWholeWithItsPublishedLengths()
    {
        const string terra = "JOIN import_sources s ON s.id = t.source_id AND s.source_name = 'osm_lu_roads_primary_secondary_tertiary_terra.geojson'";
        Assert.Equal(13_153L, await _db.ScalarAsync<long>($"SELECT count(*) FROM roads t {Lu} {terra}"));
        // SOURCES.md: primary 359.5 km, secondary 820.6 km, tertiary 1,755.3 km.
        foreach (var (cls, km) in new[] { ("primary", 359.5), ("secondary", 820.6), ("tertiary", 1755.3) })
            Assert.InRange(await _db.ScalarAsync<double>($"SELECT sum(ST_Length(geom)) / 1000 FROM roads t {Lu} {terra} WHERE class = '{cls}'"), km * 0.995, km * 1.005);
    }

    [Fact]
    public async Task Roads_OlderFiles_NoLineWithinTheBufferOfANewerOneOfTheirClass()
    {
        // What the merge promises: no 2013 or 2016 line of a class the newer terra file has still runs along a terra line
        // (a piece longer than 30 m inside its 15 m buffer) — checked on the result, independently of how it was done.
        Assert.True(await _db.ScalarAsync<long>($"""
            SELECT count(*) FROM roads t {Lu} JOIN import_sources s ON s.id = t.source_id
            WHERE s.source_name IN ('osm_lu_2013_primary_roads.geojson', 'osm_lu_city_roads_lust_2016.geojson')
            """) > 0);
        Assert.Equal(0L, await _db.ScalarAsync<long>($"""
            SELECT count(*) FROM roads t {Lu} JOIN import_sources s ON s.id = t.source_id
            WHERE s.source_name IN ('osm_lu_2013_primary_roads.geojson', 'osm_lu_city_roads_lust_2016.geojson')
              AND t.class IN ('primary', 'secondary', 'tertiary')
              AND ST_Length(ST_Intersection(t.geom, (SELECT ST_Union(ST_Buffer(n.geom, 14)) FROM roads n JOIN import_sources ns ON ns.id = n.source_id
                    AND ns.source_name = 'osm_lu_roads_primary_secondary_tertiary_terra.geojson' WHERE n.geom && ST_Expand(t.geom, 14)))) > 30
            """));
        // The classes terra lacks are kept whole: the 1,019 residential streets of the LuST file (SOURCES.md).
        Assert.Equal(1019L, await _db.ScalarAsync<long>($"SELECT count(*) FROM roads t {Lu} WHERE class = 'residential'"));
    }

    [Fact]
    public async Task Aerodromes_FindelAndTwoAirfields_FoundByTheWindAirportRule()
    {
        // The wind analysis's airport rule: land_cover class 'aerodrome' or tags->'aeroway' = 'aerodrome'.
        Assert.Equal(3L, await _db.ScalarAsync<long>($"SELECT count(*) FROM land_cover t {Lu} WHERE class = 'aerodrome' AND tags->'aeroway' = 'aerodrome'"));
        // Findel: runway 06/24 of 13,123 ft (4,000 m, OurAirports) → strip (4,000 + 2 × 60) × (2 × 140) = 1,153,600 m².
        Assert.InRange(await _db.ScalarAsync<double>($"SELECT ST_Area(geom) FROM land_cover t {Lu} WHERE t.name = 'Luxembourg-Findel International Airport'"),
            1_153_600 * 0.99, 1_153_600 * 1.01);
        // Airfields: discs of 300 m, π · 300² = 282,743 m².
        Assert.Equal(2L, await _db.ScalarAsync<long>($"""
            SELECT count(*) FROM land_cover t {Lu} WHERE t.name IN ('Noertrange Airport', 'Useldange Airfield') AND ST_Area(geom) BETWEEN 282743 * 0.99 AND 282743 * 1.01
            """));
    }

    [Fact]
    public async Task LandCover_Sentinel2_EveryFeatureSaysItsSourceAndCellSize()
    {
        const string spectral = "tags->'source' = 'sentinel2-ndvi-30arcsec'";
        var count = await _db.ScalarAsync<long>($"SELECT count(*) FROM land_cover t {Lu} WHERE {spectral}");
        Assert.True(count > 100, $"{count} areas");
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM land_cover t {Lu} WHERE {spectral} AND (tags->'cell_size' IS NULL OR tags->'cell_size_deg' IS NULL)"));
        Assert.Equal("sentinel2-ndvi-30arcsec", await _db.ScalarAsync<string>($"SELECT DISTINCT s.source_name FROM land_cover t {Lu} JOIN import_sources s ON s.id = t.source_id WHERE {spectral}"));
        // It covers the country (the image covers 99.99 % of it) ...
        Assert.InRange(await _db.ScalarAsync<double>($"""
            SELECT ST_Area(ST_Intersection((SELECT ST_Union(geom) FROM land_cover t {Lu} WHERE {spectral}), (SELECT ST_Union(geom) FROM communes c WHERE c.region_id = r.id)))
                 / (SELECT sum(ST_Area(geom)) FROM communes c WHERE c.region_id = r.id) FROM regions r WHERE r.code = 'lu'
            """), 0.98, 1.0);
        // ... and its forest share is of the order of the roughly one third commonly given for Luxembourg: a coarse
        // plausibility bound, not a validation.
        Assert.InRange(await _db.ScalarAsync<double>($"SELECT sum(ST_Area(geom)) FILTER (WHERE class = 'forest') / sum(ST_Area(geom)) FROM land_cover t {Lu} WHERE {spectral}"), 0.25, 0.50);
    }

    [Fact]
    public async Task PopulationCells_Geostat2021_1960CellsSummingTo726545()
    {
        // SOURCES.md: 1,960 populated cells, sum of T2021 = 726,545; CNTR_ID LU 1,230, border cells LU-DE 284.
        Assert.Equal(1960L, await _db.ScalarAsync<long>($"SELECT count(*) FROM population_cells t {Lu} WHERE year = 2021"));
        Assert.Equal(726_545L, await _db.ScalarAsync<long>($"SELECT sum(population) FROM population_cells t {Lu}"));
        Assert.Equal(1230L, await _db.ScalarAsync<long>($"SELECT count(*) FROM population_cells t {Lu} WHERE class = 'LU'"));
        Assert.Equal(284L, await _db.ScalarAsync<long>($"SELECT count(*) FROM population_cells t {Lu} WHERE class = 'LU-DE'"));
        // A 1 km cell of EPSG:3035 stays about 1 km² in EPSG:2169.
        Assert.InRange(await _db.ScalarAsync<double>($"SELECT avg(ST_Area(geom)) FROM population_cells t {Lu}"), 0.99e6, 1.01e6);
    }

    [Fact]
    public async Task LayerSources_Luxembourg_EveryTableWithRowsSaysWhatItRestsOn()
    {
        var sources = await _db.Imports.LayerSourcesAsync("lu");
        // communes, commune_populations, ev_chargers, places, power_sites, railways, roads (3 files), buildings,
        // land_cover (aerodromes + Sentinel-2), population_cells.
        Assert.Equal(
            "buildings commune_populations communes ev_chargers land_cover land_cover places population_cells power_sites railways roads roads roads",
            string.Join(' ', sources.Select(s => s.Table)));
        Assert.All(sources, s => Assert.True(s.Licence is not null && s.Attribution is not null && s.DataDate is not null && s.Coverage is not null, s.SourceName));
        var buildings = Assert.Single(sources, s => s.Table == "buildings");
        Assert.Equal(13_552, buildings.Rows);
        Assert.Contains("Luxembourg City", buildings.Coverage);
        // Roads oldest first: the 2013 primary roads, the 2016 city streets, the terra file.
        Assert.Equal(["2013", "2016", "2020"], sources.Where(s => s.Table == "roads").Select(s => s.DataDate));
    }

    [Theory]
    [InlineData("osm_lu_2022_railways.geojson", "ODbL 1.0", "2022-02")]
    [InlineData("osm_lu_city_buildings_lust_2016.geojson", "ODbL 1.0", "2016")]
    [InlineData("eurostat_geostat_popgrid_1km_2006_2021_lu.geojson", "Eurostat reuse policy (free reuse with attribution)", "2021")]
    [InlineData("sentinel2-ndvi-30arcsec", "Copernicus Sentinel data licence (free and open)", "2024-08-24")]
    public async Task ImportSources_BundledFile_ProvenanceStored(string source, string licence, string date)
    {
        Assert.Equal($"{licence}|{date}|t|t", await _db.ScalarAsync<string>($"""
            SELECT concat_ws('|', licence, data_date, attribution IS NOT NULL, coverage IS NOT NULL) FROM import_sources WHERE source_name = '{source}'
            """));
    }
}
