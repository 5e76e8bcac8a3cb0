using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Npgsql;

namespace KlimaPakt.Geo.Data.Tests.Features;

/// <summary>The OGC bbox filter: the region-CRS envelope from ProjNet selects through the GiST index, the rows stay the exact test's.</summary>
[Collection(PostGisCollection.Name)]
public sealed class FeatureQueriesBboxTests(BundledDatabaseFixture fixture) : IAsyncLifetime
{
    private readonly TestDatabase _db = fixture.Db;
    private ServiceProvider _serving = null!;
    private FeatureQueries Queries => _serving.GetRequiredService<FeatureQueries>();
    private PublishedLayer Layer(string name) => _serving.GetRequiredService<LayerRegistry>().Get(name);

    public Task InitializeAsync()
    {
        // The serving services as the API registers them, on the test database (the input layers need no analysis).
        _serving = new ServiceCollection().AddGeoData(_db.ConnectionString).AddGeoServing().BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _serving.DisposeAsync();

    private async Task<List<long>> ExactIdsAsync(string table, Envelope b)
    {
        var ids = new List<long>();
        await using var command = _db.DataSource.CreateCommand($"""
            SELECT id FROM {table} WHERE ST_Intersects(ST_Transform(geom, 4326), ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY id
            """);
        foreach (var v in new[] { b.MinX, b.MinY, b.MaxX, b.MaxY }) command.Parameters.Add(new NpgsqlParameter { Value = v });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private async Task<List<long>> QueryIdsAsync(string layer, Envelope b)
    {
        var page = await Queries.QueryAsync(Layer(layer), new FeatureQuery { Bbox = b, Limit = 100_000 }, CancellationToken.None);
        Assert.False(page.HasMore);
        return page.Features.Select(f => System.Text.Json.JsonDocument.Parse(f).RootElement.GetProperty("id").GetInt64()).ToList();
    }

    public static TheoryData<string, double, double, double, double> Boxes => new()
    {
        { "buildings", 9.50, 47.12, 9.53, 47.15 },   // Vaduz (LV95)
        { "roads", 6.10, 49.58, 6.16, 49.63 },       // Luxembourg city (LUREF)
        { "communes", 5.0, 45.0, 11.0, 51.0 },       // both regions in one box
        { "roads", 6.0, 49.7, 9.6, 47.2 },           // normalised by Envelope: a wide box over both
        { "places", -180, -90, 180, 90 },            // the world: outside every area of use, the SQL transform alone
    };

    [Theory]
    [MemberData(nameof(Boxes))]
    public async Task QueryAsync_Bbox_SameRowsAsTheExactTransformTest(string layer, double x0, double y0, double x1, double y1)
    {
        var box = new Envelope(x0, x1, y0, y1);
        var expected = await ExactIdsAsync(Layer(layer).Relation, box);

        var ids = await QueryIdsAsync(layer, box);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task ItemsCommandAsync_RegionBbox_PlanUsesTheGeometryIndex()
    {
        var layer = Layer("buildings");
        var (sql, parameters) = (await Queries.ItemsCommandAsync(layer, new FeatureQuery { Bbox = new Envelope(9.50, 9.53, 47.12, 47.15) }, CancellationToken.None))!.Value;

        await using var connection = await _db.DataSource.OpenConnectionAsync();
        // The bundled tables are small enough for a sequential scan to win on cost: ask whether the index CAN serve the filter.
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection)) await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var p in parameters) explain.Parameters.Add(new NpgsqlParameter { Value = p });
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));

        Assert.True(plan.Exists(line => line.Contains("ix_buildings_geom", StringComparison.Ordinal)), string.Join("\n", plan));
        Assert.Contains("&&", sql, StringComparison.Ordinal);
    }
}
