using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KlimaPakt.Geo.Api.Features.Tiles;
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
            builder.UseSetting("Serving:RedisRetrySeconds", "1");
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _redis!.Id.ToString()])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    [Fact]
    public async Task RedisUnresponsiveThenGone_EveryTileStillServed_AndAnEvictionMissedMeanwhileIsReplayed()
    {
        const string tile = "/tiles/ev_chargers/12/2117/1396";
        const string other = "/tiles/communes/10/529/348";
        await using var a = new RedisInstance(fixture.Database.ConnectionString, _port);
        await using var b = new RedisInstance(fixture.Database.ConnectionString, _port);
        var clientA = a.CreateClient();
        var clientB = b.CreateClient();
        var stale = await clientA.GetByteArrayAsync(tile); // now in Redis
        try
        {
            // Redis frozen (SIGSTOP): it accepts nothing and answers nothing, the worst case for a client.
            Signal("-STOP");
            await fixture.ExecuteAsync("""
                INSERT INTO ev_chargers (region_id, source_id, source_fid, name, class, tags, geom)
                SELECT region_id, source_id, 'redis-down-test', 'Redis down test charger', 'charging_station', ''::hstore,
                       ST_Transform(ST_SetSRID(ST_MakePoint(6.1296, 49.6116), 4326), 2169)
                FROM ev_chargers LIMIT 1
                """);
            // What a publish or an import does on every instance; Redis misses it.
            await a.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync("layer:ev_chargers", default);
            for (var i = 0; i < 3; i++)
            {
                using var frozenTile = await clientA.GetAsync(tile);
                using var frozenOther = await clientA.GetAsync(other);
                Assert.Equal(HttpStatusCode.OK, frozenTile.StatusCode);
                Assert.Equal(HttpStatusCode.OK, frozenOther.StatusCode);
                var fresh = await frozenTile.Content.ReadAsByteArrayAsync();
                Assert.Equal(MvtInspector.Layers(stale).Single().FeatureIds.Count + 1, MvtInspector.Layers(fresh).Single().FeatureIds.Count);
            }
            Assert.True(a.Services.GetRequiredService<IOutputCacheStore>() is FallbackOutputCacheStore { UsingFallback: true });

            // Redis back with its old entry: instance A replays the eviction it missed before reading Redis again, so
            // neither A nor B (which never rendered the tile and reads Redis) is served the stale tile.
            Signal("-CONT");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var afterA = await clientA.GetByteArrayAsync(tile);
            var afterB = await clientB.GetByteArrayAsync(tile);
            Assert.NotEqual(stale, afterA);
            Assert.Equal(afterA, afterB);
            Assert.True(a.Services.GetRequiredService<IOutputCacheStore>() is FallbackOutputCacheStore { UsingFallback: false });

            // Redis gone for good (killed: connections refused): still no failed request.
            _redis!.Kill();
            await _redis.WaitForExitAsync();
            for (var i = 0; i < 3; i++)
            {
                using var goneTile = await clientB.GetAsync(tile);
                using var goneOther = await clientB.GetAsync(other);
                Assert.Equal(HttpStatusCode.OK, goneTile.StatusCode);
                Assert.Equal(HttpStatusCode.OK, goneOther.StatusCode);
                Assert.Equal(afterA, await goneTile.Content.ReadAsByteArrayAsync());
            }
        }
        finally
        {
            if (!_redis!.HasExited) Signal("-CONT");
            await fixture.ExecuteAsync("DELETE FROM ev_chargers WHERE source_fid = 'redis-down-test'");
            await a.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync("layer:ev_chargers", default);
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
