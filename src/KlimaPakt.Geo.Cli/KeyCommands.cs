using System.CommandLine;
using KlimaPakt.Geo.Data.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli;

/// <summary>`klimapakt keys create|list|revoke`: the API keys (hashed in the database; a key's text is printed once).</summary>
internal static class KeyCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "API keys for writes (and for reads when the service requires a key).");

        var name = new Option<string>("--name") { Description = "Who holds the key (a person, a consultancy, the map)", Required = true };
        var role = new Option<string>("--role") { Description = "viewer, consultant (start and cancel its own runs) or admin (any run, imports, keys)", Required = true };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the key (for scripts)" };
        var first = new Option<bool>("--first") { Description = "Only if no live key of this role exists (the main job's first admin key)" };
        var create = new Command("create", "Create a key; its text is printed this once (only its SHA-256 is stored).") { name, role, quiet, first };
        create.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var wanted = ApiKeyService.ParseRole(p.GetValue(role)!);
            if (p.GetValue(first) && (await s.GetRequiredService<ApiKeyService>().ListAsync(ct)).FirstOrDefault(k => k.Role == wanted && k.RevokedAt is null) is { } existing)
            {
                AnsiConsole.MarkupLineInterpolated($"a live key of role {wanted.ToString().ToLowerInvariant()} exists already ({existing.Prefix}, {existing.Name}); none created (klimapakt keys create makes another)");
                return;
            }
            var created = await s.GetRequiredService<ApiKeyService>().CreateAsync(p.GetValue(name)!, ApiKeyService.ParseRole(p.GetValue(role)!), ct);
            if (p.GetValue(quiet)) { Console.WriteLine(created.Secret); return; }
            AnsiConsole.MarkupLineInterpolated($"key [bold]{created.Key.Prefix}[/] ({created.Key.Role.ToString().ToLowerInvariant()}, {created.Key.Name}) created:");
            Console.WriteLine(created.Secret);
            AnsiConsole.MarkupLine("[grey]Send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'. It is not shown again.[/]");
        }, ct));
        keys.Subcommands.Add(create);

        var list = new Command("list", "List the keys (prefix, name, role, created, revoked).");
        list.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var table = new Table().AddColumns("prefix", "name", "role", "created", "revoked");
            foreach (var k in await s.GetRequiredService<ApiKeyService>().ListAsync(ct))
                table.AddRow(k.Prefix, Markup.Escape(k.Name), k.Role.ToString().ToLowerInvariant(), k.CreatedAt.ToString("u"), k.RevokedAt?.ToString("u") ?? "");
            AnsiConsole.Write(table);
        }, ct));
        keys.Subcommands.Add(list);

        var which = new Argument<string>("key") { Description = "The key's prefix (kp_…, as listed) or id" };
        var revoke = new Command("revoke", "Revoke a key: it authenticates no further request.") { which };
        revoke.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var revoked = await s.GetRequiredService<ApiKeyService>().RevokeAsync(p.GetValue(which)!, ct);
            AnsiConsole.MarkupLineInterpolated($"key {p.GetValue(which)} {(revoked ? "revoked" : "was revoked already")}");
        }, ct));
        keys.Subcommands.Add(revoke);
        return keys;
    }
}
