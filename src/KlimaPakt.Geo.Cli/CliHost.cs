using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli;

/// <summary>Builds the same services as the API and turns expected failures into one error line and an exit code.</summary>
internal static class CliHost
{
    public const int InputError = 2;
    public const int DatabaseError = 3;

    /// <summary>
    /// The <c>Runs</c> settings (budgets, queue caps, worker polling) from <c>KLIMAPAKT_RUNS__MAXCELLSPERGRID</c> and the
    /// like: the names of <see cref="Data.Runs.RunOptions"/>' properties, upper-cased.
    /// </summary>
    private static void RunSettingsFromEnvironment(Data.Runs.RunOptions runs)
    {
        foreach (var property in typeof(Data.Runs.RunOptions).GetProperties())
        {
            if (Environment.GetEnvironmentVariable("KLIMAPAKT_RUNS__" + property.Name.ToUpperInvariant()) is not { Length: > 0 } text) continue;
            try { property.SetValue(runs, Convert.ChangeType(text, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture)); }
            catch (FormatException) { throw new GeoInputException($"KLIMAPAKT_RUNS__{property.Name.ToUpperInvariant()}: '{text}' is not a {property.PropertyType.Name}."); }
        }
    }

    public static Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task> body, CancellationToken ct, bool migrate = true,
        Action<IServiceCollection>? configure = null) =>
        RunAsync(async (s, ct) =>
        {
            await body(s, ct);
            return 0;
        }, ct, migrate, configure);

    /// <summary>As above, for a command whose body chooses its exit code (0 on success).</summary>
    public static async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken ct, bool migrate = true,
        Action<IServiceCollection>? configure = null)
    {
        var connectionString = GeoDatabase.ResolveConnectionString();
        // KLIMAPAKT_RESULTS_DIR: the Results:Directory setting for the command line; KLIMAPAKT_RUNS__<NAME>: the Runs settings.
        var collection = new ServiceCollection().AddGeoData(connectionString, results =>
        {
            if (Environment.GetEnvironmentVariable("KLIMAPAKT_RESULTS_DIR") is { Length: > 0 } directory) results.Directory = directory;
        }, RunSettingsFromEnvironment);
        configure?.Invoke(collection);
        var services = collection.BuildServiceProvider();
        await using (services)
        {
            try
            {
                if (migrate) await GeoDatabase.MigrateAsync(services, ct);
                return await body(services, ct);
            }
            catch (System.ComponentModel.DataAnnotations.ValidationException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] setting {e.Message}");
                return InputError;
            }
            catch (GeoInputException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                foreach (var detail in e.Details) AnsiConsole.MarkupLineInterpolated($"  [grey]-[/] {detail}");
                return InputError;
            }
            catch (NpgsqlException e) when (e.InnerException is System.Net.Sockets.SocketException || e.IsTransient)
            {
                var host = new NpgsqlConnectionStringBuilder(connectionString);
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] cannot reach PostGIS at {host.Host}:{host.Port} ({e.Message}). Start the project's cluster with scripts/postgis.sh up, or set {GeoDatabase.ConnectionStringVariable}.");
                return DatabaseError;
            }
        }
    }
}
