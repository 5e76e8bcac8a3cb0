using System.Diagnostics;
using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Import.Readers;
using Npgsql;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>A group of communes as a file lists it.</summary>
/// <param name="Kind"><c>district</c> or <c>space</c>.</param>
/// <param name="Code">Code, lower-case ASCII letters, digits and '-'.</param>
/// <param name="Name">Display name.</param>
/// <param name="Source">Where the member list comes from.</param>
/// <param name="Communes">Member communes by code or name.</param>
public sealed record GroupEntry(string Kind, string Code, string Name, string Source, IReadOnlyList<string> Communes);

/// <summary>
/// Imports districts and cooperation spaces into <c>commune_groups</c> from JSON (<c>{"groups": [{kind, code, name,
/// source, communes: [...]}]}</c>) or CSV (header <c>kind,code,name,commune,source</c>, one row per member). Members are
/// matched by commune code, then by name (accents, case and punctuation ignored). Every group of the file replaces the
/// group of the same region, kind and code, in one transaction; an unknown commune refuses the whole file.
/// </summary>
public sealed class GroupImporter(NpgsqlDataSource dataSource, Features.GroupLayer groupLayer)
{
    /// <summary>The kinds a file may hold (cantons come from the communes' own attribute).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["district", "space"];

    /// <summary>Imports the groups of <paramref name="path"/> into region <paramref name="region"/>.</summary>
    /// <exception cref="GeoInputException">Unreadable file, bad kind or code, a group without members or source, an unknown commune.</exception>
    public async Task<ImportReport> ImportAsync(string region, string path, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var groups = Read(path);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        int regionId;
        await using (var command = new NpgsqlCommand("SELECT id FROM regions WHERE code = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = region });
            regionId = await command.ExecuteScalarAsync(ct) as int? ?? throw new NotFoundException($"Unknown region '{region}'.");
        }
        var byCode = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var byName = new Dictionary<string, int>();
        await using (var command = new NpgsqlCommand("SELECT id, code, name FROM communes WHERE region_id = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = regionId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                byCode[reader.GetString(1)] = reader.GetInt32(0);
                byName[ImportService.NormaliseName(reader.GetString(2))] = reader.GetInt32(0);
            }
        }
        var unknown = groups.SelectMany(g => g.Communes.Where(c => !byCode.ContainsKey(c) && !byName.ContainsKey(ImportService.NormaliseName(c)))
            .Select(c => $"{g.Kind} {g.Code}: '{c}'")).ToList();
        if (unknown.Count > 0) throw new GeoInputException($"{path}: {unknown.Count} member(s) are not communes of region '{region}'.", unknown);

        var members = 0;
        foreach (var g in groups)
        {
            int id;
            // The old group (and, by cascade, its members) goes; the new one takes its place.
            await using (var command = new NpgsqlCommand("DELETE FROM commune_groups WHERE region_id = $1 AND kind = $2 AND code = $3", connection))
            {
                foreach (var v in new object[] { regionId, g.Kind, g.Code }) command.Parameters.Add(new NpgsqlParameter { Value = v });
                await command.ExecuteNonQueryAsync(ct);
            }
            await using (var command = new NpgsqlCommand(
                "INSERT INTO commune_groups (region_id, kind, code, name, source, source_file) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", connection))
            {
                foreach (var v in new object[] { regionId, g.Kind, g.Code, g.Name, g.Source, Path.GetFileName(path) })
                    command.Parameters.Add(new NpgsqlParameter { Value = v });
                id = (int)(await command.ExecuteScalarAsync(ct))!;
            }
            var ids = g.Communes.Select(c => byCode.TryGetValue(c, out var i) ? i : byName[ImportService.NormaliseName(c)]).Distinct().ToArray();
            await using (var command = new NpgsqlCommand("INSERT INTO commune_group_members (group_id, commune_id) SELECT $1, unnest($2)", connection))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                command.Parameters.Add(new NpgsqlParameter { Value = ids });
                members += await command.ExecuteNonQueryAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
        // The group figures layer: new outlines and member lists.
        await groupLayer.RefreshAsync(region, ct);
        return new ImportReport(path, "groups", groups.Count, new Dictionary<string, int> { ["commune_groups"] = groups.Count, ["commune_group_members"] = members },
            [], [], stopwatch.Elapsed);
    }

    /// <summary>Reads and checks the groups of a JSON or CSV file.</summary>
    public static IReadOnlyList<GroupEntry> Read(string path)
    {
        FileChecks.RequireNonEmpty(path);
        var groups = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => ReadJson(path),
            ".csv" => ReadCsv(path),
            var other => throw new GeoInputException($"{path}: unsupported file type '{other}' (groups are read from .json or .csv)."),
        };
        var errors = new List<string>();
        foreach (var g in groups)
        {
            var at = $"group '{g.Code}'";
            if (!Kinds.Contains(g.Kind))
                errors.Add($"{at}: kind '{g.Kind}' is not one of {string.Join(", ", Kinds)} (cantons come from the communes' canton attribute)");
            if (g.Code.Length == 0 || !g.Code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                errors.Add($"{at}: the code must be lower-case ASCII letters, digits and '-'");
            if (string.IsNullOrWhiteSpace(g.Name)) errors.Add($"{at}: no name");
            if (string.IsNullOrWhiteSpace(g.Source)) errors.Add($"{at}: no source (say where the member list comes from)");
            if (g.Communes.Count == 0) errors.Add($"{at}: no member communes");
        }
        errors.AddRange(groups.GroupBy(g => (g.Kind, g.Code)).Where(x => x.Count() > 1).Select(x => $"{x.Key.Kind} '{x.Key.Code}' is listed {x.Count()} times"));
        if (groups.Count == 0) errors.Add("no groups");
        if (errors.Count > 0) throw new GeoInputException($"{path}: invalid groups.", errors);
        return groups;
    }

    private sealed record JsonFile(List<JsonGroup>? Groups);
    private sealed record JsonGroup(string? Kind, string? Code, string? Name, string? Source, List<string>? Communes);

    private static List<GroupEntry> ReadJson(string path)
    {
        JsonFile file;
        try
        {
            file = JsonSerializer.Deserialize<JsonFile>(File.ReadAllBytes(path), JsonSerializerOptions.Web) ?? new JsonFile(null);
        }
        catch (JsonException e)
        {
            throw new GeoInputException($"{path}: not a groups file ({e.Message}).", inner: e);
        }
        return [.. (file.Groups ?? []).Select(g => new GroupEntry(g.Kind ?? "", g.Code ?? "", g.Name ?? "", g.Source ?? "", g.Communes ?? []))];
    }

    private static List<GroupEntry> ReadCsv(string path)
    {
        var records = Csv.ReadRecords(path).ToList();
        string[] expected = ["kind", "code", "name", "commune", "source"];
        if (!records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).SequenceEqual(expected))
            throw new GeoInputException($"{path}: a groups CSV starts with the header '{string.Join(',', expected)}'.");
        var rows = records.Skip(1).Where(r => r.Fields.Any(f => f.Length > 0)).ToList();
        var bad = rows.Where(r => r.Fields.Count != expected.Length).Select(r => $"line {r.Line}: {r.Fields.Count} fields, expected {expected.Length}").ToList();
        if (bad.Count > 0) throw new GeoInputException($"{path}: malformed rows.", bad);
        return
        [
            .. rows.GroupBy(r => (Kind: r.Fields[0].Trim(), Code: r.Fields[1].Trim())).Select(g => new GroupEntry(g.Key.Kind, g.Key.Code,
                g.First().Fields[2].Trim(), string.Join("; ", g.Select(r => r.Fields[4].Trim()).Where(s => s.Length > 0).Distinct()),
                [.. g.Select(r => r.Fields[3].Trim()).Where(c => c.Length > 0)])),
        ];
    }
}
