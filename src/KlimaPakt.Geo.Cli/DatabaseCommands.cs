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
        // The DDL a new analysis's migration runs, printed from its description (ResultSchemaTests checks the result).
        var kind = new Argument<string>("kind") { Description = "Analysis kind (ev, wind, …)" };
        var ddl = new Command("ddl", "Print the CREATE statements of an analysis's result tables, from its description, for its migration.") { kind };
        ddl.SetAction(p =>
        {
            if (Data.Analyses.AnalysisServices.Find(p.GetValue(kind)!) is not { } description)
            {
                Console.Error.WriteLine($"error: unknown analysis '{p.GetValue(kind)}'. Known: {string.Join(", ", Data.Analyses.AnalysisServices.Descriptions.Select(d => d.Kind))}.");
                return CliHost.InputError;
            }
            foreach (var table in description.Tables) Console.Write(table.CreateSql());
            return 0;
        });
        return new Command("db", "Database schema and connection.") { migrate, url, ddl };
    }
}
