using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KlimaPakt.Geo.Data;

/// <summary>Where the database is and how the service and the CLI connect to it.</summary>
public static class GeoDatabase
{
    /// <summary>Environment variable holding the connection string; it wins over configuration.</summary>
    public const string ConnectionStringVariable = "KLIMAPAKT_DB";

    /// <summary>
    /// The connection string to use: <c>KLIMAPAKT_DB</c>, else the configured one (<c>ConnectionStrings:Geo</c>),
    /// else the project-managed cluster of <c>scripts/postgis.sh</c> on 127.0.0.1 (port <c>KLIMAPAKT_PG_PORT</c>, default 55432).
    /// </summary>
    public static string ResolveConnectionString(string? configured = null)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var port = Environment.GetEnvironmentVariable("KLIMAPAKT_PG_PORT") is { Length: > 0 } p ? p : "55432";
        return $"Host=127.0.0.1;Port={port};Database=klimapakt;Username=postgres;Maximum Pool Size=40";
    }

    /// <summary>A data source with the NetTopologySuite (PostGIS geometry) plugin, shared by EF and raw COPY.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNetTopologySuite();
        builder.ConnectionStringBuilder.ApplicationName ??= "klimapakt";
        return builder.Build();
    }

    /// <summary>Configures EF Core for PostGIS with snake_case names.</summary>
    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, o => o.UseNetTopologySuite().MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Registers the database and the application services that the API and the CLI share
    /// (imports, raster registration): one code path for both front doors.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="configureResults">Sets the <see cref="Runs.ResultsOptions"/> (settings section <c>Results</c>); defaults otherwise.</param>
    /// <param name="configureRuns">Sets the <see cref="Runs.RunOptions"/> (settings section <c>Runs</c>: budgets, queue caps, workers); defaults otherwise.</param>
    public static IServiceCollection AddGeoData(this IServiceCollection services, string connectionString, Action<Runs.ResultsOptions>? configureResults = null,
        Action<Runs.RunOptions>? configureRuns = null)
    {
        var results = new Runs.ResultsOptions();
        configureResults?.Invoke(results);
        services.AddSingleton(results);
        var runs = new Runs.RunOptions();
        configureRuns?.Invoke(runs);
        System.ComponentModel.DataAnnotations.Validator.ValidateObject(runs, new(runs), validateAllProperties: true);
        services.AddSingleton(runs);
        services.AddSingleton<Security.ApiKeyService>();
        services.AddSingleton<Security.AuditLog>();
        var dataSource = CreateDataSource(connectionString);
        services.AddSingleton(dataSource);
        services.AddDbContextFactory<GeoDbContext>(o => Configure(o, dataSource));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<GeoDbContext>>().CreateDbContext());
        services.AddSingleton<ImportService>();
        services.AddSingleton<RasterRegistry>();
        services.AddSingleton<BundleImporter>();
        services.AddSingleton<GroupImporter>();
        services.AddSingleton<Features.GroupFigures>();
        services.AddSingleton<Features.GroupLayer>();
        services.AddSingleton<Features.RunComparison>();
        services.AddSingleton<Runs.StudyService>();
        services.AddSingleton(_ => new Exports.RunExporter(dataSource, connectionString));
        services.AddSingleton<Exports.StudyExporter>();
        services.AddSingleton<Analyses.BoreholeQuery>();
        services.AddAnalyses();
        return services;
    }

    /// <summary>Applies pending migrations (creates the schema on an empty database).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<GeoDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        // Types created by the migration (hstore, geometry) must be reloaded on pooled connections.
        await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
        await connection.ReloadTypesAsync(cancellationToken);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running service.</summary>
public sealed class GeoDbContextDesignTimeFactory : IDesignTimeDbContextFactory<GeoDbContext>
{
    /// <inheritdoc />
    public GeoDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<GeoDbContext>();
        GeoDatabase.Configure(options, GeoDatabase.CreateDataSource(GeoDatabase.ResolveConnectionString()));
        return new GeoDbContext(options.Options);
    }
}
