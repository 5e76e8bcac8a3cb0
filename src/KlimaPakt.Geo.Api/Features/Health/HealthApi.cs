using KlimaPakt.Geo.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace KlimaPakt.Geo.Api.Features.Health;

public static class HealthApi
{
    public static IServiceCollection AddGeoHealth(this IServiceCollection services)
    {
        services.AddSingleton<MigrationState>();
        services.AddHostedService<DatabaseMigrator>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync }).DisableHttpMetrics().ExcludeFromDescription().AllowAnonymous();
        // Liveness: the process answers, whatever the database does.
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "Healthy" })).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}

/// <summary>Whether the migrations have been applied by <see cref="DatabaseMigrator"/>.</summary>
public sealed class MigrationState
{
    private volatile bool _applied;
    public bool Applied { get => _applied; set => _applied = value; }
    public string? LastError { get; set; }
}

/// <summary>
/// Applies the migrations at start. It retries while the database is unreachable, so the service comes up (and
/// answers /health with 503) rather than crashing when PostGIS starts later than it.
/// </summary>
internal sealed partial class DatabaseMigrator(IServiceProvider services, MigrationState state, ILogger<DatabaseMigrator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await GeoDatabase.MigrateAsync(services, stoppingToken);
                state.Applied = true;
                state.LastError = null;
                LogMigrated(logger);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                state.LastError = "The database could not be migrated yet.";
                LogRetry(logger, attempt, e);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 2 * attempt)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrations applied")]
    private static partial void LogMigrated(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migrating the database failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, int attempt, Exception exception);
}

/// <summary>Ready when the database answers and the migrations are applied.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, MigrationState state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            command.CommandTimeout = 3;
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.");
        }
        return state.Applied
            ? HealthCheckResult.Healthy("The database answers and its migrations are applied.")
            : HealthCheckResult.Unhealthy(state.LastError ?? "The migrations are being applied.");
    }
}
