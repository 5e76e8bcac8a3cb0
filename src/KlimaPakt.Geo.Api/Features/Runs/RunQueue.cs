using KlimaPakt.Geo.Api.Features.Health;
using KlimaPakt.Geo.Data.Runs;

namespace KlimaPakt.Geo.Api.Features.Runs;

/// <summary>
/// The API process's worker: once the schema is migrated, it claims queued runs from PostgreSQL and executes them
/// (<see cref="RunQueueWorker"/>; <c>klimapakt worker</c> processes share the same queue). Off with
/// <c>Runs:WorkerEnabled=false</c>, for API instances that only serve.
/// </summary>
public sealed class RunWorker(RunQueueWorker worker, RunOptions options, MigrationState migrations) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WorkerEnabled) return;
        // The schema is migrated in the background at start (DatabaseMigrator): wait for it before touching runs.
        while (!migrations.Applied) await Task.Delay(200, stoppingToken);
        await worker.RunAsync(stoppingToken);
    }
}

public static class RunServicesSetup
{
    public static IServiceCollection AddRunWorker(this IServiceCollection services)
    {
        services.AddHostedService<RunWorker>();
        return services;
    }
}
