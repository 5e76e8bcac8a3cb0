using System.Text.Json;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Tiles;
using Npgsql;
using NpgsqlTypes;

namespace KlimaPakt.Geo.Data.Features;

/// <summary>
/// The group figures as a layer (vector tiles and an OGC API collection): one feature per canton, district and
/// cooperation space, its outline the union of its member communes (<c>ST_Union</c>), its attributes the figures
/// <see cref="GroupFigures"/> computes — stored in <c>results.group_figures</c> so that tiles and features read a
/// table like every other layer. It is refreshed when a run is published and when groups are imported.
/// </summary>
public sealed class GroupLayer(NpgsqlDataSource dataSource, GroupFigures figures)
{
    /// <summary>Name of the layer (tiles, collection id).</summary>
    public const string Name = "group_figures";

    /// <summary>The published layer: kind, code, name, members, population and area, then every described figure of every analysis.</summary>
    public static PublishedLayer Layer { get; } = new(Name, "Groups of communes",
        "Cantons, districts and cooperation spaces: dissolved outlines with the figures summed over their members (ratios recomputed from the sums)",
        "results.group_figures", LayerGeometry.Polygon, [.. GroupFields, .. AnalysisServices.Descriptions.SelectMany(FiguresOf)])
    {
        Generalised = [new(7, "geom_z7")],
        Attribution = "© ACT, STATEC, © OpenStreetMap contributors",
        Style = new LayerStyle { Colour = "#6a3d9a", Opacity = 0.12, Legend = "Group outline (canton, district or cooperation space)", LabelField = "name" },
    };

    /// <summary>Name of an analysis's group layer: <c>KIND_groups</c>, beside its <c>KIND_communes</c>.</summary>
    public static string NameOf(string kind) => kind + "_groups";

    /// <summary>
    /// One layer per analysis: the groups with that analysis's figures only, scoped to its runs like the analysis's
    /// own layers (a row's run is the run its figures come from, the latest published one of its region), so the
    /// map lists it under the analysis, a publish of that kind evicts it, and <c>?run=</c> selects it.
    /// </summary>
    public static IReadOnlyList<PublishedLayer> AnalysisLayers { get; } = [.. AnalysisServices.Descriptions.Select(ForAnalysis)];

    /// <summary>The names of every group layer (all figures, and one per analysis): what a group refresh changes.</summary>
    public static IReadOnlyList<string> Names { get; } = [Name, .. AnalysisLayers.Select(l => l.Name)];

    private static List<LayerField> GroupFields =>
    [
        new("kind", "t.kind", FieldType.String, "Kind of group: canton, district or space (cooperation space)", Filterable: true),
        new("code", "t.code", FieldType.String, "Code of the group (a canton's name)", Filterable: true),
        new("name", "t.name", FieldType.String, "Name", Filterable: true),
        new("region", "(SELECT r.code FROM regions r WHERE r.id = t.region_id)", FieldType.String, "Region code"),
        new("communes", "t.communes", FieldType.Integer, "Member communes"),
        new("commune_codes", "array_to_string(t.commune_codes, ',')", FieldType.String, "Codes of the member communes, comma-separated"),
        new("population", "t.population", FieldType.Number, "Residents: sum of the members' latest population"),
        new("area_km2", "round(t.area_km2::numeric, 3)", FieldType.Number, "Area: sum of the members' areas, in km²") { Unit = "km²" },
    ];

    private static IEnumerable<LayerField> FiguresOf(AnalysisDescription analysis) =>
        analysis.Figures.Select(f => new LayerField(f.Metric, $"(t.figures->>'{f.Metric}')::double precision", FieldType.Number,
            $"{f.Label}{(f.Unit is null ? "" : $" in {f.Unit}")}: " + (f.Aggregation == FigureAggregation.Sum
                ? "sum over the members"
                : $"{f.Scale:0.##} × Σ {f.Numerator} / Σ {f.Denominator} over the members"))
        { Unit = f.Unit })
        .Prepend(new LayerField("run_" + analysis.Kind, $"t.runs->>'{analysis.Kind}'", FieldType.String, $"Run the {analysis.Title} figures come from"));

    private static PublishedLayer ForAnalysis(AnalysisDescription analysis)
    {
        // Coloured by the figure the analysis's commune layer is coloured by (same ramp and breaks), else its first ratio.
        var communes = analysis.Layers.FirstOrDefault(l => l.Name == analysis.Kind + "_communes")?.Style;
        var figure = analysis.Figures.FirstOrDefault(f => communes?.Field is { } field && f.Metric == analysis.Kind + "_" + field);
        var style = figure is not null && communes is not null
            ? communes with { Field = figure.Metric, Visible = false, LabelField = "name", Opacity = 0.5 }
            : analysis.Figures.FirstOrDefault(f => f.Aggregation == FigureAggregation.Ratio) is { } ratio
                ? new LayerStyle { Kind = StyleKind.Graduated, Field = (figure = ratio).Metric, Ramp = communes?.Ramp is { Count: > 0 } r ? r : LayerStyle.Ramps.Purples, LabelField = "name", Opacity = 0.5 }
                : new LayerStyle { Colour = "#6a3d9a", Opacity = 0.3, LabelField = "name" };
        if (figure is not null) style = style with { Legend = $"{figure.Label} per group (sums over the members, ratios of sums)" };
        return new PublishedLayer(NameOf(analysis.Kind), $"{analysis.Title}: groups of communes",
            $"Cantons, districts and cooperation spaces with the {analysis.Title} figures of the latest published run, summed over their members (ratios recomputed from the sums)",
            $"(SELECT g.*, (g.runs->>'{analysis.Kind}')::uuid AS run_id FROM results.group_figures g WHERE g.runs ? '{analysis.Kind}')",
            LayerGeometry.Polygon, [.. GroupFields, .. FiguresOf(analysis)])
        {
            RunKind = analysis.Kind,
            Generalised = [new(7, "geom_z7")],
            Attribution = "© ACT, STATEC, © OpenStreetMap contributors",
            Style = style,
        };
    }

    /// <summary>Recomputes the layer's rows of every region (or of <paramref name="region"/>): figures and dissolved outlines.</summary>
    /// <returns>Rows written.</returns>
    public async Task<int> RefreshAsync(string? region = null, CancellationToken ct = default)
    {
        var regions = new List<(int Id, string Code)>();
        await using (var command = dataSource.CreateCommand("SELECT id, code FROM regions WHERE $1::text IS NULL OR code = $1 ORDER BY id"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)region ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) regions.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        var rows = 0;
        foreach (var (id, code) in regions)
        {
            var groups = await figures.AllAsync(code, ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var delete = new NpgsqlCommand("DELETE FROM results.group_figures WHERE region_id = $1", connection, tx))
            {
                delete.Parameters.Add(new NpgsqlParameter { Value = id });
                await delete.ExecuteNonQueryAsync(ct);
            }
            foreach (var g in groups)
            {
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO results.group_figures (region_id, kind, code, name, source, communes, commune_codes, population, area_km2, figures, runs, geom)
                    SELECT $1, $2, $3, $4, $5, count(*), $6, $7, $8, $9::jsonb, $10::jsonb, ST_Multi(ST_CollectionExtract(ST_Union(c.geom), 3))
                    FROM communes c WHERE c.region_id = $1 AND c.code = ANY($6)
                    HAVING count(*) > 0
                    """, connection, tx);
                insert.Parameters.Add(new NpgsqlParameter { Value = id });
                insert.Parameters.Add(new NpgsqlParameter { Value = g.Group.Kind });
                insert.Parameters.Add(new NpgsqlParameter { Value = g.Group.Code });
                insert.Parameters.Add(new NpgsqlParameter { Value = g.Group.Name });
                insert.Parameters.Add(new NpgsqlParameter { Value = g.Group.Source });
                insert.Parameters.Add(new NpgsqlParameter { Value = g.Group.Communes.ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = g.Population });
                insert.Parameters.Add(new NpgsqlParameter { Value = g.AreaKm2 });
                insert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(g.Figures.ToDictionary(f => f.Metric, f => f.Value)) });
                insert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(g.Figures.Select(f => (f.Kind, f.RunId)).Distinct().ToDictionary(x => x.Kind, x => x.RunId)) });
                rows += await insert.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return rows;
    }
}
