using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Api.Tests.Features.Tiles;

/// <summary>
/// Two service instances configured with one Redis output-cache store (Debian's redis-server, started here) share
/// their cached tiles, and an eviction by layer tag on one instance is seen by the other.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RedisOutputCacheTests(ApiFixture fixture) : IAsyncLifetime
{
    private Process? _redis;
    private int _port;

    public async Task InitializeAsync()
    {
        const string server = "/usr/bin/redis-server";
        Assert.True(File.Exists(server), "redis-server is missing: apt-get install redis-server (scripts/test.sh installs it)");
        using (var listener = new TcpListener(IPAddress.Loopback, 0)) { listener.Start(); _port = ((IPEndPoint)listener.LocalEndpoint).Port; }
        _redis = Process.Start(new ProcessStartInfo(server, ["--port", _port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        { RedirectStandardOutput = true })!;
        for (var i = 0; i < 100; i++)
        {
            try { using var probe = new TcpClient(); await probe.ConnectAsync(IPAddress.Loopback, _port); return; }
            catch (SocketException) { await Task.Delay(50); }
        }
        throw new InvalidOperationException("redis-server did not start");
    }

    public Task DisposeAsync()
    {
        _redis?.Kill();
        _redis?.Dispose();
        return Task.CompletedTask;
    }

    private sealed class RedisInstance(string connectionString, int redisPort) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Geo", connectionString);
            builder.UseSetting("Serving:ChangePollSeconds", "3600");
            builder.UseSetting("Serving:RedisConnection", $"127.0.0.1:{redisPort}");
        }
    }

    [Fact]
    public async Task TwoInstances_SharedRedisStore_ServeEachOthersCachedTilesAndSeeEvictions()
    {
        // Luxembourg City at z12 (SERVING.md): tile 12/2117/1396.
        const string tile = "/tiles/ev_chargers/12/2117/1396";
        await using var a = new RedisInstance(fixture.Database.ConnectionString, _port);
        await using var b = new RedisInstance(fixture.Database.ConnectionString, _port);
        var clientA = a.CreateClient();
        var clientB = b.CreateClient();

        var first = await clientA.GetByteArrayAsync(tile);
        await fixture.ExecuteAsync("""
            INSERT INTO ev_chargers (region_id, source_id, source_fid, name, class, tags, geom)
            SELECT region_id, source_id, 'redis-test', 'Redis test charger', 'charging_station', ''::hstore,
                   ST_Transform(ST_SetSRID(ST_MakePoint(6.1296, 49.6116), 4326), 2169)
            FROM ev_chargers LIMIT 1
            """);
        try
        {
            // Instance B has never rendered the tile: the bytes come from A's entry in Redis, not from the changed table.
            Assert.Equal(first, await clientB.GetByteArrayAsync(tile));
            await a.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync("layer:ev_chargers", default);
            var fresh = await clientB.GetByteArrayAsync(tile);
            Assert.NotEqual(first, fresh);
            Assert.Equal(MvtInspector.Layers(first).Single().FeatureIds.Count + 1, MvtInspector.Layers(fresh).Single().FeatureIds.Count);
        }
        finally
        {
            await fixture.ExecuteAsync("DELETE FROM ev_chargers WHERE source_fid = 'redis-test'");
            await a.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync("layer:ev_chargers", default);
        }
    }
}
