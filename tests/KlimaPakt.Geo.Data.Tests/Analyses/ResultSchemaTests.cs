using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KlimaPakt.Geo.Data.Tests.Analyses;

/// <summary>
/// The analyses' descriptions against what the EF Core migrations created: every result table has exactly the
/// described columns (order, type, nullability), its indexes and, where described, its tile pieces. The DDL and
/// the tile SQL generated from a description are pinned by raw-string baselines.
/// </summary>
[Collection(PostGisCollection.Name)]
public sealed class ResultSchemaTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;

    public static TheoryData<string, string> Tables()
    {
        var data = new TheoryData<string, string>();
        foreach (var d in AnalysisServices.Descriptions)
            foreach (var t in d.Tables) data.Add(d.Kind, t.Name);
        return data;
    }

    [Fact]
    public void Descriptions_EveryAnalysisFound_WithTablesLayersAndFigures()
    {
        Assert.Equal(["connectivity", "corridors", "ev", "geothermal", "wind"], AnalysisServices.Descriptions.Select(d => d.Kind));
        foreach (var d in AnalysisServices.Descriptions)
        {
            Assert.NotEmpty(d.Tables);
            Assert.NotEmpty(d.Layers);
            Assert.NotEmpty(d.Figures);
            // Every layer reads a described table and publishes only its columns.
            Assert.All(d.Layers, l => Assert.Contains(d.Tables, t => t.QualifiedName == l.Relation));
            // A ratio's parts are figures of the same analysis or the commune's own population/area.
            foreach (var f in d.Figures.Where(f => f.Aggregation == FigureAggregation.Ratio))
                Assert.All(new[] { f.Numerator!, f.Denominator! }, part => Assert.True(part is "population" or "area_km2" || d.Figures.Any(g => g.Metric == part), $"{f.Metric}: {part}"));
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Migrations_CreateEachDescribedTable_ColumnForColumn(string kind, string name)
    {
        var table = AnalysisServices.Find(kind)!.Tables.Single(t => t.Name == name);
        var actual = new List<(string, string, bool)>();
        await using (var command = _db.DataSource.CreateCommand("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull FROM pg_attribute a
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = table.QualifiedName });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) actual.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }
        Assert.Equal(table.Shape().ToList(), actual);
        var indexes = await _db.ScalarAsync<string>($"SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'results' AND tablename = '{name}'");
        Assert.Contains($"(run_id{(table.IndexColumn is null ? "" : ", " + table.IndexColumn)})", indexes);
        Assert.Contains("USING gist (geom)", indexes);
        Assert.Equal(table.TilePieces is not null, await _db.ScalarAsync<bool>($"SELECT to_regclass('results.{table.PiecesName}') IS NOT NULL"));
    }

    [Fact]
    public void CreateSql_WindPotential_Baseline()
    {
        var table = AnalysisServices.Find("wind")!.Tables.Single(t => t.Name == "wind_potential");
        Assert.Equal("""
            CREATE TABLE results.wind_potential (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                class integer NOT NULL,
                score_min double precision NOT NULL,
                score_max double precision NOT NULL,
                area_km2 double precision NOT NULL,
                geom geometry(MultiPolygon) NOT NULL);
            CREATE INDEX ix_wind_potential_run ON results.wind_potential (run_id, class);
            CREATE INDEX ix_wind_potential_geom ON results.wind_potential USING gist (geom);
            CREATE TABLE results.wind_potential_tiles (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                parent_id bigint NOT NULL REFERENCES results.wind_potential (id) ON DELETE CASCADE,
                run_id uuid NOT NULL,
                region_id integer NOT NULL,
                geom geometry NOT NULL);
            CREATE INDEX ix_wind_potential_tiles_run ON results.wind_potential_tiles (run_id);
            CREATE INDEX ix_wind_potential_tiles_parent ON results.wind_potential_tiles (parent_id);
            CREATE INDEX ix_wind_potential_tiles_geom ON results.wind_potential_tiles USING gist (geom);

            """.ReplaceLineEndings("\n"), table.CreateSql().ReplaceLineEndings("\n"));
        Assert.Equal("COPY results.wind_potential (run_id, region_id, class, score_min, score_max, area_km2, geom) FROM STDIN (FORMAT BINARY)", table.CopySql());
    }

    [Fact]
    public void TileSql_WindPotential_ReadsPiecesAndRoundsAsDescribed()
    {
        var layer = _db.Services.GetServices<PublishedLayer>().Single(l => l.Name == "wind_potential");
        var sql = TileSql.Build(layer, [new TileRegion(7, "lu", 2169, new NetTopologySuite.Geometries.Envelope(600000, 750000, 6300000, 6500000))]);
        Assert.Equal("""
            SELECT ST_AsMVT(mvt, 'wind_potential', 4096, 'geom', 'id') FROM (
              SELECT t.id, t.class AS "class", t.score_min AS "score_min", t.score_max AS "score_max", round(t.area_km2::numeric, 3) AS "area_km2", ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
              FROM (SELECT p.id, p.parent_id AS fid, p.run_id, p.region_id, r.class, r.score_min, r.score_max, r.area_km2, p.geom
             FROM results.wind_potential_tiles p JOIN results.wind_potential r ON r.id = p.parent_id) AS t
              WHERE t.region_id = 7 AND t.run_id = ANY($4)
                AND t.geom && ST_Transform(ST_ClipByBox2D(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), ST_MakeEnvelope(600000, 6300000, 750000, 6500000, 3857)), 2169)
            ) AS mvt WHERE mvt.geom IS NOT NULL
            """.ReplaceLineEndings("\n"), sql.ReplaceLineEndings("\n"));
    }
}
