using KlimaPakt.Geo.Api.Features.Health;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Publishing;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KlimaPakt.Geo.Api.Features.Tiles;

/// <summary>
/// Evicts output-cache entries by tag: on a publish, the run's tag and the layers of its analysis kind (their
/// latest-run tiles and features change); other layers stay cached.
/// </summary>
public sealed partial class TileCacheEvictor(IOutputCacheStore store, LayerRegistry layers, ILogger<TileCacheEvictor> logger) : IRunPublishedNotifier
{
    public async ValueTask RunPublishedAsync(Guid runId, string kind, CancellationToken cancellationToken = default)
    {
        await store.EvictByTagAsync("run:" + runId, cancellationToken);
        foreach (var layer in layers.OfRunKind(kind)) await EvictLayerAsync(layer.Name, cancellationToken);
        foreach (var name in GroupLayer.Names) await EvictLayerAsync(name, cancellationToken); // their figures follow the latest runs
        LogPublished(logger, runId, kind);
    }

    public ValueTask EvictLayerAsync(string layer, CancellationToken cancellationToken = default) =>
        store.EvictByTagAsync(TileCachePolicy.TagOf(layer), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} ({Kind}) published: its layers were evicted from the output cache")]
    private static partial void LogPublished(ILogger logger, Guid runId, string kind);
}

/// <summary>
/// Notices runs published and files imported by another process (the CLI, another instance) and evicts what they
/// changed. The run machinery in this process calls <see cref="IRunPublishedNotifier"/> directly; this covers the rest.
/// </summary>
internal sealed partial class DataChangeWatcher(NpgsqlDataSource dataSource, MigrationState migrations, TileCacheEvictor evictor,
    TileService tiles, IOptions<ServingOptions> options, ILogger<DataChangeWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? since = null;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ChangePollSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!migrations.Applied) continue;
            try
            {
                since ??= await NowAsync(stoppingToken);
                since = await PollAsync(since.Value, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never let a failed poll stop the host; the next tick tries again.
                LogPollFailed(logger, e);
            }
        }
    }

    private async Task<DateTimeOffset> NowAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT now()");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    private async Task<DateTimeOffset> PollAsync(DateTimeOffset since, CancellationToken ct)
    {
        var latest = since;
        var published = new List<(Guid Id, string Kind)>();
        await using (var command = dataSource.CreateCommand(
            "SELECT id, kind, published_at FROM analysis_runs WHERE status = 'Published' AND published_at > $1 ORDER BY published_at"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = since });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                published.Add((reader.GetGuid(0), reader.GetString(1)));
                var at = reader.GetFieldValue<DateTimeOffset>(2);
                if (at > latest) latest = at;
            }
        }
        var imported = new List<string>();
        await using (var command = dataSource.CreateCommand(
            "SELECT target, max(imported_at) FROM import_sources WHERE imported_at > $1 GROUP BY target"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = since });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                imported.Add(reader.GetString(0));
                var at = reader.GetFieldValue<DateTimeOffset>(1);
                if (at > latest) latest = at;
            }
        }
        foreach (var (id, kind) in published) await evictor.RunPublishedAsync(id, kind, ct);
        foreach (var target in imported)
        {
            IEnumerable<string> affected = target switch
            {
                "osm" => InputLayer.All.Select(l => l.Name).Append(LayerRegistry.CommunesLayer),
                "communes" or "population" => [LayerRegistry.CommunesLayer, .. GroupLayer.Names],
                _ => [target],
            };
            foreach (var layer in affected) await evictor.EvictLayerAsync(layer, ct);
            if (target is "osm" or "communes") tiles.InvalidateRegions();
        }
        return latest;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for published runs and imports failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
