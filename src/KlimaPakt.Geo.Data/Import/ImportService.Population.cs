using System.Diagnostics;
using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Import.Readers;
using Npgsql;

namespace KlimaPakt.Geo.Data.Import;

public sealed partial class ImportService
{
    /// <summary>
    /// Imports a STATEC/LUSTAT SDMX CSV of population by commune. Rows are joined to the region's communes by code
    /// where the codes match (LAU2), otherwise by normalised name (case, accents and punctuation ignored), after
    /// applying the declared mergers and renames; merged communes get the sum of their parts. Aggregate rows
    /// (cantons, the national total) are not stored, but the national total is checked against the sum.
    /// Any commune row that matches nothing fails the import, naming the rows.
    /// </summary>
    public async Task<ImportReport> ImportPopulationAsync(PopulationImportRequest request, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var table = StatecTable.Parse(request.Path);
        var renames = request.MergersPath is null ? new Dictionary<string, string>() : ReadRenames(request.MergersPath);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var region = await RegionAsync(connection, request.Region, ct);
        var communes = new List<(int Id, string Code, string Name)>();
        await using (var command = new NpgsqlCommand("SELECT id, code, name FROM communes WHERE region_id = $1", connection) { Parameters = { new() { Value = region.Id } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) communes.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        if (communes.Count == 0) throw new GeoInputException($"Region '{request.Region}' has no communes yet: import the communes before the population.");
        var byCode = communes.ToDictionary(c => c.Code, c => c.Id, StringComparer.OrdinalIgnoreCase);
        var byName = communes.ToDictionary(c => NormaliseName(c.Name), c => c.Id);

        var totals = new Dictionary<(int CommuneId, int Year), int>();
        var unmatched = new List<string>();
        var rows = table.Rows.Where(r => r.IsCommune && (request.Year is null || r.Year == request.Year)).ToList();
        foreach (var row in rows)
        {
            var name = renames.GetValueOrDefault(NormaliseName(row.Name), row.Name);
            if (byCode.TryGetValue(row.Code, out var id) || byName.TryGetValue(NormaliseName(name), out id))
                totals[(id, row.Year)] = totals.GetValueOrDefault((id, row.Year)) + row.Value;
            else unmatched.Add($"row {row.Line}: {row.Code} {row.Name}");
        }
        if (unmatched.Count > 0)
            throw new GeoInputException($"{request.Path}: {unmatched.Count} row(s) name communes that region '{request.Region}' does not have (declare mergers or renames in a mapping file).", Truncate(unmatched));
        if (totals.Count == 0) throw new GeoInputException($"{request.Path}: no commune rows{(request.Year is { } y ? $" for {y}" : "")}.");

        var notes = new List<string>();
        foreach (var total in table.Rows.Where(r => r.IsNationalTotal && (request.Year is null || r.Year == request.Year)))
        {
            var sum = totals.Where(t => t.Key.Year == total.Year).Sum(t => t.Value);
            if (sum != total.Value)
                throw new GeoInputException($"{request.Path}: the communes of {total.Year} sum to {sum}, but the file's national total (row {total.Line}) is {total.Value}.");
        }
        foreach (var year in totals.Keys.Select(k => k.Year).Distinct())
        {
            var missing = communes.Where(c => !totals.ContainsKey((c.Id, year))).Select(c => c.Name).ToList();
            if (missing.Count > 0) notes.Add($"{year}: no figure for {string.Join(", ", missing)}");
        }

        var sourceId = await UpsertSourceAsync(connection, region.Id, "population", request.Path, null, rows.Count, request.Provenance, ct);
        // A (commune, year) has one figure: an earlier import of these years, from this file or another, is replaced.
        await ExecuteAsync(connection, """
            DELETE FROM commune_populations p USING communes c
            WHERE p.commune_id = c.id AND c.region_id = $1 AND p.year = ANY($2)
            """, ct, region.Id, totals.Keys.Select(k => k.Year).Distinct().ToArray());
        await using (var writer = await connection.BeginBinaryImportAsync("COPY commune_populations (commune_id, year, population, source_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var ((communeId, year), value) in totals)
                await writer.WriteRowAsync(ct, communeId, year, value, sourceId);
            await writer.CompleteAsync(ct);
        }
        await FinishSourceAsync(connection, sourceId, totals.Count, 0, ct);
        await tx.CommitAsync(ct);
        return new ImportReport(request.Path, "population", rows.Count, new Dictionary<string, int> { ["commune_populations"] = totals.Count }, [], notes, stopwatch.Elapsed);
    }

    /// <summary>Lower case, accents and every non-alphanumeric character removed: "Redange/Attert" → "redangeattert".</summary>
    public static string NormaliseName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            // Explicit folding: the service runs with invariant globalization, where string.Normalize does not decompose.
            var folded = AccentFolds.IndexOf(c) is var i and >= 0 ? AccentFoldsTo[i] : c;
            if (char.IsAsciiLetterOrDigit(folded)) sb.Append(folded);
            else if (folded == 'ß') sb.Append("ss");
        }
        return sb.ToString();
    }

    private const string AccentFolds = "àáâãäåāăąçćčďèéêëēĕėęěìíîïīĭįıñńňòóôõöøōŏőùúûüūŭůűųýÿźżžšśşţť";
    private const string AccentFoldsTo = "aaaaaaaaacccdeeeeeeeeeiiiiiiiinnnooooooooouuuuuuuuuyyzzzssstt";

    private static Dictionary<string, string> ReadRenames(string path)
    {
        var lines = Csv.ReadRecords(path).ToList();
        if (lines.Count == 0 || lines[0].Fields.Count < 2 || !lines[0].Fields[0].Equals("from_name", StringComparison.OrdinalIgnoreCase))
            throw new GeoInputException($"{path}: a mapping file starts with the header 'from_name,to_name'.");
        return lines.Skip(1).Where(l => l.Fields.Count >= 2 && l.Fields[0].Length > 0)
            .ToDictionary(l => NormaliseName(l.Fields[0]), l => l.Fields[1]);
    }
}

/// <summary>One data row of a STATEC table.</summary>
internal sealed record StatecRow(int Line, string Code, string Name, int Year, int Value)
{
    /// <summary>Commune rows: STATEC commune codes (CMccnnn) or 4-digit LAU2 codes.</summary>
    public bool IsCommune => Code.StartsWith("CM", StringComparison.Ordinal) || (Code.Length == 4 && Code.All(char.IsAsciiDigit));

    /// <summary>The national total row (LU).</summary>
    public bool IsNationalTotal => Code is "LU" or "T";
}

/// <summary>The LUSTAT SDMX CSV layout: a dimension column "CODE: Label", TIME_PERIOD and OBS_VALUE.</summary>
internal sealed record StatecTable(IReadOnlyList<StatecRow> Rows)
{
    public static StatecTable Parse(string path)
    {
        FileChecks.RequireNonEmpty(path);
        var records = Csv.ReadRecords(path).ToList();
        var header = records[0].Fields;
        int Column(string prefix) => header.FindIndex(h => h.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        var (time, value) = (Column("TIME_PERIOD"), Column("OBS_VALUE"));
        var key = header.FindIndex(h => !h.StartsWith("DATAFLOW", StringComparison.OrdinalIgnoreCase) && !h.StartsWith("FREQ", StringComparison.OrdinalIgnoreCase)
            && !h.StartsWith("TIME_PERIOD", StringComparison.OrdinalIgnoreCase) && !h.StartsWith("OBS_", StringComparison.OrdinalIgnoreCase));
        if (time < 0 || value < 0 || key < 0)
            throw new GeoInputException($"{path}: not a STATEC/LUSTAT table (expected the columns TIME_PERIOD, OBS_VALUE and a commune column).");

        var rows = new List<StatecRow>();
        var bad = new List<string>();
        foreach (var record in records.Skip(1))
        {
            var f = record.Fields;
            if (f.Count == 1 && f[0].Length == 0) continue;
            if (f.Count <= Math.Max(key, Math.Max(time, value))) { bad.Add($"row {record.Line}: {f.Count} fields (truncated?)"); continue; }
            var parts = f[key].Split(':', 2, StringSplitOptions.TrimEntries);
            if (!int.TryParse(f[time], NumberStyles.Integer, CultureInfo.InvariantCulture, out var year)
                || !decimal.TryParse(f[value], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || number != decimal.Truncate(number))
            {
                bad.Add($"row {record.Line}: year '{f[time]}' or population '{f[value]}' is not a whole number");
                continue;
            }
            rows.Add(new StatecRow(record.Line, parts[0], parts.Length > 1 ? parts[1] : parts[0], year, (int)number));
        }
        if (bad.Count > 0) throw new GeoInputException($"{path}: {bad.Count} malformed row(s).", ImportService.Truncate(bad));
        if (rows.Count == 0) throw new GeoInputException($"{path}: the table has no data rows.");
        return new StatecTable(rows);
    }
}

/// <summary>A minimal RFC 4180 reader (quoted fields, doubled quotes, UTF-8 with or without BOM).</summary>
internal static class Csv
{
    public sealed record Record(int Line, List<string> Fields);

    public static IEnumerable<Record> ReadRecords(string path)
    {
        FileChecks.RequireNonEmpty(path);
        var line = 0;
        foreach (var text in File.ReadLines(path, Encoding.UTF8))
        {
            line++;
            var fields = new List<string>();
            var sb = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { sb.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else sb.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
                else sb.Append(c);
            }
            fields.Add(sb.ToString().TrimStart('\uFEFF'));
            if (line == 1) fields[0] = fields[0].TrimStart('\uFEFF');
            yield return new Record(line, fields);
        }
    }
}
