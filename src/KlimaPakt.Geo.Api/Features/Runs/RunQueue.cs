using System.Threading.Channels;
using KlimaPakt.Geo.Api.Features.Health;
using KlimaPakt.Geo.Data.Runs;

namespace KlimaPakt.Geo.Api.Features.Runs;

/// <summary>Runs accepted by <c>POST /runs</c>, executed one at a time (a run uses both cores) by <see cref="RunWorker"/>.</summary>
public sealed class RunQueue
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask EnqueueAsync(Guid runId, CancellationToken ct) => _channel.Writer.WriteAsync(runId, ct);

    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}

/// <summary>
/// Executes queued runs in the background. At start it marks the runs a stopped process left queued or running as
/// failed, so they can be started again.
/// </summary>
public sealed partial class RunWorker(RunQueue queue, RunService runs, MigrationState migrations, ILogger<RunWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The schema is migrated in the background at start (DatabaseMigrator): wait for it before touching runs.
        while (!migrations.Applied) await Task.Delay(200, stoppingToken);
        var interrupted = await runs.FailInterruptedAsync(stoppingToken);
        if (interrupted > 0) LogInterrupted(interrupted);
        await foreach (var runId in queue.ReadAllAsync(stoppingToken))
        {
            var run = await runs.GetAsync(runId, stoppingToken);
            if (run?.Status != Data.Entities.RunStatus.Queued) continue; // cancelled while waiting
            var final = await runs.ExecuteAsync(runId, null, stoppingToken);
            LogFinished(runId, final.Kind, final.Status.ToString());
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Count} run(s) left queued or running by a stopped process were marked failed")]
    private partial void LogInterrupted(int count);

    [LoggerMessage(LogLevel.Information, "Run {RunId} ({Kind}) finished: {Status}")]
    private partial void LogFinished(Guid runId, string kind, string status);
}

public static class RunServicesSetup
{
    public static IServiceCollection AddRunWorker(this IServiceCollection services)
    {
        services.AddSingleton<RunQueue>();
        services.AddHostedService<RunWorker>();
        return services;
    }
}
