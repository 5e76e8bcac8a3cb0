using System.Globalization;
using Npgsql;

namespace KlimaPakt.Geo.Data.Tiles;

/// <summary>A class of a layer's legend: the value features carry, its bounds when the layer has them, its colour and label.</summary>
/// <param name="Value">Value of the style field (class number, or a break value of a graduated layer).</param>
/// <param name="Colour">Colour (<c>#rrggbb</c>).</param>
/// <param name="Label">Legend label, with the unit.</param>
/// <param name="Lower">Lower bound, when the layer has bound fields.</param>
/// <param name="Upper">Upper bound, when the layer has bound fields.</param>
public sealed record StyleClass(double Value, string Colour, string Label, double? Lower = null, double? Upper = null);

/// <summary>The style of a layer as served: everything a map needs to draw it and its legend.</summary>
/// <param name="Kind">single, classes or graduated.</param>
/// <param name="Colour">The layer's colour (single; outlines and swatches otherwise).</param>
/// <param name="Field">Field the colours follow, or null.</param>
/// <param name="Unit">Unit of that field, or null.</param>
/// <param name="Classes">Classes (classes) or stops (graduated) in ascending order; empty for a single colour.</param>
/// <param name="Legend">Legend text, with the unit.</param>
/// <param name="LabelField">Field that labels features, or null.</param>
/// <param name="Visible">Whether the map shows the layer when it opens.</param>
/// <param name="Opacity">Fill opacity of polygons.</param>
public sealed record ServedStyle(string Kind, string Colour, string? Field, string? Unit, IReadOnlyList<StyleClass> Classes, string Legend,
    string? LabelField, bool Visible, double Opacity);

/// <summary>
/// Resolves each layer's <see cref="LayerStyle"/> into what the map draws: a distinct colour per layer, the classes of
/// the latest published run (their count and bounds come from the data, not from a fixed five), graduated stops at
/// the style's breaks or the data's range, and legend texts with the field's unit.
/// </summary>
public sealed class LayerStyles(NpgsqlDataSource dataSource, LayerRegistry registry, RunLookup runs)
{
    /// <summary>Qualitative colours (Tableau 10 and ColorBrewer Dark2/Set1 blends) handed to layers without a colour, in catalogue order.</summary>
    private static readonly string[] Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
        "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#386cb0", "#f0027f", "#bf5b17",
        "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#7f7f7f",
    ];

    /// <summary>The colour of <paramref name="layer"/>: its style's, else a palette colour no other layer of the catalogue has.</summary>
    public string ColourOf(PublishedLayer layer)
    {
        if (layer.Style.Colour is { } fixedColour) return fixedColour;
        var taken = registry.All.Select(l => l.Style.Colour).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var free = Palette.Where(c => !taken.Contains(c)).ToList();
        var index = registry.All.Where(l => l.Style.Colour is null).ToList().FindIndex(l => l.Name == layer.Name);
        return free.Count == 0 ? Palette[Math.Max(index, 0) % Palette.Length] : free[Math.Max(index, 0) % free.Count];
    }

    /// <summary>The served style of <paramref name="layer"/> (reads the latest run's classes or range for run-scoped layers).</summary>
    public async Task<ServedStyle> StyleAsync(PublishedLayer layer, CancellationToken ct)
    {
        var style = layer.Style;
        var colour = ColourOf(layer);
        var field = style.Field is null ? null : layer.Fields.FirstOrDefault(f => f.Name == style.Field);
        var unit = field?.Unit;
        var legend = style.Legend ?? layer.Title;
        if (unit is not null) legend += $" ({unit})";
        var classes = style.Kind switch
        {
            StyleKind.Classes => await ClassesAsync(layer, unit, ct),
            StyleKind.Graduated => await StopsAsync(layer, unit, ct),
            _ => [],
        };
        return new ServedStyle(style.Kind.ToString().ToLowerInvariant(), colour, style.Field, unit, classes, legend, style.LabelField, style.Visible, style.Opacity);
    }

    private async Task<IReadOnlyList<StyleClass>> ClassesAsync(PublishedLayer layer, string? unit, CancellationToken ct)
    {
        var style = layer.Style;
        var bounds = style.BoundFields is { } b ? $"min({Sql(layer, b.Lower)}), max({Sql(layer, b.Upper)})" : "NULL::float8, NULL::float8";
        var name = style.ClassNameField is { } n ? $"min({Sql(layer, n)})" : "NULL::text";
        var rows = new List<(double Value, double? Lower, double? Upper, string? Name)>();
        await using (var command = await CommandAsync(layer, $"SELECT {Sql(layer, style.Field!)}::float8 AS v, {bounds}, {name} FROM {layer.Relation} t WHERE {{0}} GROUP BY 1 ORDER BY 1", ct))
        {
            if (command is null) return [];
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                if (!reader.IsDBNull(0))
                    rows.Add((reader.GetDouble(0), reader.IsDBNull(1) ? null : Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture),
                        reader.IsDBNull(2) ? null : Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        var colours = LayerStyle.Spread(style.Ramp, rows.Count);
        return [.. rows.Select((r, i) => new StyleClass(r.Value, colours[i], ClassLabel(r.Value, r.Name, r.Lower, r.Upper, unit), r.Lower, r.Upper))];
    }

    /// <summary>"3: 0.43–0.57", "2 diffuse: 0.7–1.3", an open top class "4 channelised: ≥ 2", or the value alone without bounds.</summary>
    internal static string ClassLabel(double value, string? name, double? lower, double? upper, string? unit)
    {
        var head = name is null ? Number(value) : $"{Number(value)} {name}";
        return (lower, upper) switch
        {
            ({ } lo, { } hi) => $"{head}: {Number(lo)}–{Number(hi)}{Suffix(unit)}",
            ({ } lo, null) => $"{head}: ≥ {Number(lo)}{Suffix(unit)}",
            _ => $"{head}{Suffix(unit)}",
        };
    }

    private async Task<IReadOnlyList<StyleClass>> StopsAsync(PublishedLayer layer, string? unit, CancellationToken ct)
    {
        var style = layer.Style;
        IReadOnlyList<double> breaks = style.Breaks;
        if (breaks.Count == 0)
        {
            await using var command = await CommandAsync(layer, $"SELECT min({Sql(layer, style.Field!)})::float8, max({Sql(layer, style.Field!)})::float8 FROM {layer.Relation} t WHERE {{0}}", ct);
            if (command is null) return [];
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct) || reader.IsDBNull(0)) return [];
            double lo = reader.GetDouble(0), hi = reader.GetDouble(1);
            breaks = NiceBreaks(lo, hi, Math.Max(style.Ramp.Count, 2));
        }
        var colours = LayerStyle.Spread(style.Ramp, breaks.Count);
        return [.. breaks.Select((v, i) => new StyleClass(v, colours[i], $"{Number(v)}{Suffix(unit)}"))];
    }

    /// <summary>A command over the layer's rows of its latest published run (all rows for input layers); null when no run is published.</summary>
    private async Task<NpgsqlCommand?> CommandAsync(PublishedLayer layer, string sql, CancellationToken ct)
    {
        Guid[]? run = null;
        if (layer.IsRunScoped && (run = await runs.LatestPublishedAsync(layer.RunKind!, ct)).Length == 0) return null;
        var command = dataSource.CreateCommand(string.Format(CultureInfo.InvariantCulture, sql, run is null ? "true" : "t.run_id = ANY($1)"));
        if (run is { } ids) command.Parameters.Add(new NpgsqlParameter { Value = ids });
        return command;
    }

    /// <summary>
    /// Up to <paramref name="count"/> round break values (1, 2 or 5 × 10ⁿ apart) from below <paramref name="lo"/> to above
    /// <paramref name="hi"/>, so a legend reads 0, 5,000, 10,000 rather than 0.2, 9,923.4, 18,162.
    /// </summary>
    public static IReadOnlyList<double> NiceBreaks(double lo, double hi, int count)
    {
        if (!(hi > lo)) return [lo];
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10((hi - lo) / (count - 1))) - 1);
        // The smallest 1-2-5 step whose breaks from floor(lo) to ceil(hi) number at most count + 1.
        double step = Enumerable.Range(0, 12).Select(i => new[] { 1.0, 2, 5 }[i % 3] * Math.Pow(10, i / 3) * magnitude)
            .First(s => Math.Ceiling(hi / s) - Math.Floor(lo / s) + 1 <= count + 1);
        var breaks = new List<double>();
        for (double k = Math.Floor(lo / step); k <= Math.Ceiling(hi / step); k++) breaks.Add(Math.Round(k * step, 10));
        return breaks;
    }

    private static string Sql(PublishedLayer layer, string field) =>
        layer.Fields.FirstOrDefault(f => f.Name == field)?.Sql ?? throw new InvalidOperationException($"Layer {layer.Name} styles by '{field}', which it does not publish.");

    private static string Suffix(string? unit) => unit is null ? "" : unit == "%" ? " %" : $" {unit}";

    private static string Number(double v) => v.ToString(Math.Abs(v) >= 100 || v == Math.Round(v) ? "#,0" : "0.###", CultureInfo.InvariantCulture);
}
