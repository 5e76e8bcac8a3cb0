using System.Net;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using TileDefinition = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace KlimaPakt.Geo.Api.Tests.Features.Tiles;

/// <summary>A run published by another process (the CLI) reaches the service's cache through the change watcher.</summary>
[Collection(ApiCollection.Name)]
public sealed class DataChangeWatcherTests(ApiFixture fixture)
{
    [Fact]
    public async Task RunPublishedElsewhere_IsNoticed_AndItsTilesEvicted()
    {
        await using var factory = new GeoApiFactory(fixture.Database.ConnectionString, changePollSeconds: 1);
        var client = factory.CreateClient();
        var url = $"/tiles/{ApiFixture.ZonesLayer}/12/2117/1396";
        await PublishAsync(0.125);
        await Task.Delay(1500); // the watcher starts from "now" on its first tick
        using (var first = await client.GetAsync(url)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var cached = await client.GetAsync(url)) Assert.NotNull(cached.Headers.Age);

        await PublishAsync(0.5); // no notifier call: as if the CLI had published it
        var deadline = DateTime.UtcNow.AddSeconds(10);
        double[] scores;
        do
        {
            await Task.Delay(250);
            var tile = new MapboxTileReader().Read(new MemoryStream(await client.GetByteArrayAsync(url)), new TileDefinition(2117, 1396, 12));
            scores = [.. tile.Layers.SelectMany(l => l.Features).Select(f => Convert.ToDouble(f.Attributes["score"], System.Globalization.CultureInfo.InvariantCulture))];
        }
        while (scores is not [0.5] && DateTime.UtcNow < deadline);
        Assert.Equal([0.5], scores);
    }

    private async Task PublishAsync(double score)
    {
        var id = Guid.NewGuid();
        var value = score.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await fixture.ExecuteAsync($"""
            INSERT INTO analysis_runs (id, kind, region_id, parameters, input_hashes, status, progress_percent, stage_timings_ms, log, created_at, published_at)
            SELECT '{id}', '{ApiFixture.ZonesKind}', r.id, '{"{}"}'::jsonb, ''::hstore, 'Published', 100, '{"{}"}'::jsonb, ARRAY[]::text[], now(), clock_timestamp()
            FROM regions r WHERE r.code = 'lu';
            INSERT INTO results.test_zones (run_id, region_id, score, geom)
            SELECT '{id}', c.region_id, {value}, ST_Buffer(ST_PointOnSurface(c.geom), 500) FROM communes c WHERE c.name = 'Luxembourg';
            """);
    }
}
