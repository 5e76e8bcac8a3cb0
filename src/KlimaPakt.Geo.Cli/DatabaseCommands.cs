using System.CommandLine;
using KlimaPakt.Geo.Data;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli;

internal static class DatabaseCommands
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Apply the schema migrations to the configured database.");
        migrate.SetAction((_, ct) => CliHost.RunAsync((_, _) =>
        {
            AnsiConsole.MarkupLine("[green]schema up to date[/]");
            return Task.CompletedTask;
        }, ct));
        var url = new Command("url", "Print the connection string in use (KLIMAPAKT_DB, else the project's local cluster).");
        url.SetAction(_ => Console.WriteLine(GeoDatabase.ResolveConnectionString()));
        return new Command("db", "Database schema and connection.") { migrate, url };
    }
}
