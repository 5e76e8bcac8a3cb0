using System.Reflection;
using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Tiles;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>How a per-commune figure combines over a group of communes (a canton, a cooperation space).</summary>
public enum FigureAggregation
{
    /// <summary>Additive: the group's value is the sum (areas, counts, energy, residents).</summary>
    Sum,

    /// <summary>
    /// A ratio: the group's value is recomputed as <c>Scale × sum(numerator) / sum(denominator)</c> from two additive
    /// figures — never an average of the communes' ratios.
    /// </summary>
    Ratio,
}

/// <summary>A per-commune figure of an analysis (a row of <c>results.commune_metrics</c>).</summary>
/// <param name="Metric">Metric name, unit suffix included (<c>wind_net_gwh</c>, <c>ev_covered_pct</c>).</param>
/// <param name="Label">Human label without the unit.</param>
/// <param name="Unit">Unit, null for counts.</param>
/// <param name="Aggregation">How it combines over a group of communes.</param>
/// <param name="Numerator">For a ratio: the additive figure (metric name, or <c>population</c> / <c>area_km2</c> of the commune) on top.</param>
/// <param name="Denominator">For a ratio: the additive figure below.</param>
/// <param name="Scale">For a ratio: the factor (100 for a percentage, 1000 for per 1,000).</param>
public sealed record FigureDescription(string Metric, string Label, string? Unit, FigureAggregation Aggregation,
    string? Numerator = null, string? Denominator = null, double Scale = 1)
{
    /// <summary>Decimals the map shows: none for additive counts, two for ratios and measured quantities.</summary>
    public int Decimals => Aggregation == FigureAggregation.Ratio || Unit is not null ? 2 : 0;
}

/// <summary>The per-commune figures of an analysis, read from one result row type.</summary>
/// <typeparam name="TRow">The computation's per-commune result.</typeparam>
public sealed class CommuneFigureSet<TRow>
{
    private readonly List<(FigureDescription Figure, Func<TRow, double?> Value)> _figures = [];

    /// <summary>Figures of the rows of <paramref name="communeId"/>.</summary>
    public CommuneFigureSet(Func<TRow, int> communeId) => CommuneId = communeId;

    /// <summary>The commune of a row.</summary>
    public Func<TRow, int> CommuneId { get; }

    /// <summary>The described figures.</summary>
    public IReadOnlyList<FigureDescription> Figures => [.. _figures.Select(f => f.Figure)];

    internal IEnumerable<(string Metric, double Value)> Values(TRow row)
    {
        foreach (var (figure, value) in _figures)
            if (value(row) is { } v) yield return (figure.Metric, v);
    }

    /// <summary>An additive figure.</summary>
    public CommuneFigureSet<TRow> Sum(string metric, string label, string? unit, Func<TRow, double?> value)
    {
        _figures.Add((new FigureDescription(metric, label, unit, FigureAggregation.Sum), value));
        return this;
    }

    /// <summary>A ratio figure, recomputed over groups as <c>scale × Σ numerator / Σ denominator</c>.</summary>
    public CommuneFigureSet<TRow> Ratio(string metric, string label, string? unit, string numerator, string denominator, double scale, Func<TRow, double?> value)
    {
        _figures.Add((new FigureDescription(metric, label, unit, FigureAggregation.Ratio, numerator, denominator, scale), value));
        return this;
    }
}

/// <summary>One field of a result layer: a column of its table, optionally rounded, renamed or filterable.</summary>
/// <param name="Column">Column of the result table.</param>
/// <param name="Decimals">Round a number to this many decimals (0 = a whole number); null keeps it as stored.</param>
/// <param name="As">Public name when it differs from the column's.</param>
/// <param name="Filterable">Whether the Features API filters on it.</param>
public sealed record ResultField(string Column, int? Decimals = null, string? As = null, bool Filterable = false)
{
    /// <summary>A field from a column name (implicit, for short layer descriptions).</summary>
    public static implicit operator ResultField(string column) => new(column);
}

/// <summary>An input an analysis reads from the database, hashed with every run: the communes, their population, or a typed layer.</summary>
/// <param name="Name">Input name as recorded with the run (<c>communes</c>, <c>population</c>, a layer's table).</param>
/// <param name="Layer">The typed layer, or null for communes and population.</param>
public sealed record AnalysisInput(string Name, InputLayer? Layer = null)
{
    /// <summary>The table its rows are in (<c>commune_populations</c> for the population).</summary>
    public string Table => Name == "population" ? "commune_populations" : Name;

    /// <summary>The region's communes (codes and boundaries).</summary>
    public static AnalysisInput Communes { get; } = new("communes");

    /// <summary>The communes' population figures.</summary>
    public static AnalysisInput Population { get; } = new("population");

    /// <summary>A typed input layer.</summary>
    public static implicit operator AnalysisInput(InputLayer layer) => new(layer.Table, layer);
}

/// <summary>A raster a parameter names: resolved (registered name or path), hashed and checked against the region once, when the run is created.</summary>
/// <param name="Parameter">The parameter (JSON name).</param>
/// <param name="Input">Input name it is recorded under with the run (<c>wind_raster</c>).</param>
/// <param name="Label">What it is, for messages (<c>wind raster</c>).</param>
/// <param name="MinRegionCoverage">Smallest share (0–1) of the communes run that it must cover.</param>
public sealed record RasterParameter(string Parameter, string Input, string Label, double MinRegionCoverage);

/// <summary>What <see cref="AnalysisDescription.CheckInputsAsync"/> is given about the run to be created.</summary>
/// <param name="DataSource">The database.</param>
/// <param name="RegionId">Region id.</param>
/// <param name="RegionCode">Region code, for messages.</param>
/// <param name="Communes">Commune codes run, or null for the whole region.</param>
/// <param name="Parameters">The normalised parameters.</param>
public sealed record InputCheck(Npgsql.NpgsqlDataSource DataSource, int RegionId, string RegionCode, IReadOnlyList<string>? Communes, JsonDocument Parameters);

/// <summary>What a run's grid will need, estimated from its extent and cell size before the run exists.</summary>
/// <param name="CellSizeMeters">Cell size.</param>
/// <param name="Columns">Grid columns.</param>
/// <param name="Rows">Grid rows.</param>
/// <param name="PeakBytes">Estimated peak working memory.</param>
public sealed record RunBudget(double CellSizeMeters, double Columns, double Rows, double PeakBytes)
{
    /// <summary>Cells of the grid.</summary>
    public double Cells => Columns * Rows;
}

/// <summary>
/// An analysis described once: its kind, parameters, the inputs it reads, its result tables, published layers and
/// per-commune figures. The run machinery, the migrations' check, the tile server, the Features API, <c>/catalog</c>,
/// the map and the CLI all read this description; an analysis adds only its computation.
/// </summary>
public abstract class AnalysisDescription
{
    private protected AnalysisDescription(string kind, string title, string summary, Type parametersType)
    {
        Kind = kind;
        Title = title;
        Summary = summary;
        ParametersType = parametersType;
    }

    /// <summary>Kind name in URLs, on the command line and on runs.</summary>
    public string Kind { get; }

    /// <summary>Short human title.</summary>
    public string Title { get; }

    /// <summary>What the analysis computes (the CLI's help, the catalogue).</summary>
    public string Summary { get; }

    /// <summary>The parameters record (public init properties with defaults).</summary>
    public Type ParametersType { get; }

    /// <summary>Inputs read from the database and hashed with every run.</summary>
    public IReadOnlyList<AnalysisInput> Inputs { get; init; } = [AnalysisInput.Communes];

    /// <summary>Attribution of the results (the sources they rest on).</summary>
    public string Attribution { get; init; } = "© OpenStreetMap contributors";

    /// <summary>Result tables, in publishing order.</summary>
    public IReadOnlyList<ResultTable> Tables { get; init; } = [];

    /// <summary>Published layers (tiles and OGC API collections).</summary>
    public IReadOnlyList<PublishedLayer> Layers { get; init; } = [];

    /// <summary>Per-commune figures.</summary>
    public IReadOnlyList<FigureDescription> Figures { get; init; } = [];

    /// <summary>Rasters named by parameters.</summary>
    public IReadOnlyList<RasterParameter> RasterParameters { get; init; } = [];

    /// <summary>
    /// A check of the region's input data that can refuse a run before it is created, throwing
    /// <see cref="GeoInputException"/> (e.g. a corridors trame whose habitat layers have no feature at all in the
    /// communes run); null: none. Runs after the parameters are validated and the budget checked.
    /// </summary>
    public Func<InputCheck, CancellationToken, Task>? CheckInputsAsync { get; init; }

    /// <summary>
    /// Working memory per grid cell at the computation's peak, in bytes (the arrays alive at once: 32 = four 8-byte
    /// arrays); with the cell count it gives the estimate a run is checked against before it is created.
    /// </summary>
    public double PeakBytesPerCell { get; init; } = 32;

    /// <summary>
    /// The grid cell size in metres that normalised parameters ask for, or null when the analysis computes on no grid.
    /// Default: the <c>cellSizeMeters</c> parameter.
    /// </summary>
    public Func<JsonElement, double?> GridCellSizeMeters { get; init; } = p =>
        p.TryGetProperty("cellSizeMeters", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d > 0 ? d : null;

    /// <summary>
    /// The grid and memory a run of these (normalised) parameters needs over an extent of
    /// <paramref name="widthMeters"/> × <paramref name="heightMeters"/> (its communes' bounding box), or null when it
    /// uses no grid.
    /// </summary>
    public RunBudget? EstimateBudget(JsonDocument parameters, double widthMeters, double heightMeters)
    {
        if (GridCellSizeMeters(parameters.RootElement) is not { } cell) return null;
        // As GridSpec.Covering sizes it: whole cells over the box, at least one each way.
        var columns = Math.Max(1, Math.Ceiling(widthMeters / cell));
        var rows = Math.Max(1, Math.Ceiling(heightMeters / cell));
        return new RunBudget(cell, columns, rows, columns * rows * PeakBytesPerCell);
    }

    /// <summary>
    /// Parses and validates the parameters (null = all defaults) into their full form, defaults included, as stored with
    /// the run; throws <see cref="GeoInputException"/> listing what is wrong.
    /// </summary>
    public abstract JsonDocument Normalise(JsonElement? parameters);

    /// <summary>The parameters' defaults, as stored.</summary>
    public abstract JsonElement Defaults { get; }

    /// <summary>A result layer of <paramref name="table"/>: its fields are the named columns (rounded, renamed), its descriptions carry the units.</summary>
    public static PublishedLayer Layer(string kind, string name, string title, string description, ResultTable table, LayerStyle style,
        params ResultField[] fields)
    {
        var published = fields.Select(f =>
        {
            var column = table.Column(f.Column);
            var type = column.Type switch
            {
                ColumnType.Text => FieldType.String,
                ColumnType.Integer or ColumnType.BigInt => FieldType.Integer,
                ColumnType.Double => f.Decimals == 0 ? FieldType.Integer : FieldType.Number,
                _ => FieldType.String,
            };
            var sql = column.Type == ColumnType.Double && f.Decimals is { } d
                ? d == 0 ? $"round(t.{column.Name}::numeric)" : $"round(t.{column.Name}::numeric, {d})"
                : $"t.{column.Name}";
            return new LayerField(f.As ?? column.Name, sql, type, column.DescriptionWithUnit, f.Filterable) { Unit = column.Unit };
        }).ToList();
        var geometry = table.Geometry switch
        {
            ResultGeometry.Point => LayerGeometry.Point,
            ResultGeometry.LineString or ResultGeometry.MultiLineString => LayerGeometry.Line,
            _ => LayerGeometry.Polygon,
        };
        return new PublishedLayer(name, title, description, table.QualifiedName, geometry, published)
        {
            RunKind = kind,
            TileRelation = table.TilePieces is null ? null : table.TileRelation,
            Style = style,
        };
    }
}

/// <summary>An analysis description with its typed parameters.</summary>
/// <typeparam name="TParameters">The parameters record.</typeparam>
public sealed class AnalysisDescription<TParameters> : AnalysisDescription where TParameters : new()
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private readonly Func<TParameters, TParameters> _validate;

    /// <summary>Describes analysis <paramref name="kind"/> whose parameters <paramref name="validate"/> checks and resolves.</summary>
    public AnalysisDescription(string kind, string title, string summary, Func<TParameters, TParameters> validate)
        : base(kind, title, summary, typeof(TParameters)) => _validate = validate;

    /// <inheritdoc />
    public override JsonElement Defaults => JsonSerializer.SerializeToElement(new TParameters(), Options);

    /// <inheritdoc />
    public override JsonDocument Normalise(JsonElement? parameters)
    {
        if (parameters is { } given) CheckValues(given, "parameters");
        TParameters value;
        try
        {
            value = parameters is { ValueKind: JsonValueKind.Object } p ? p.Deserialize<TParameters>(Options) ?? new TParameters()
                : parameters is null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } ? new TParameters()
                : throw new GeoInputException("Parameters must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new GeoInputException($"Invalid parameters: {e.Message}");
        }
        return JsonSerializer.SerializeToDocument(_validate(value), Options);
    }

    /// <summary>
    /// Numbers that overflow to ±Infinity (1e309), NULs in text and nulls inside lists pass JSON parsing but no analysis
    /// can use them: refused here, with the path of the value, for every analysis alike.
    /// </summary>
    private static void CheckValues(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when !value.TryGetDouble(out var d) || !double.IsFinite(d):
                throw new GeoInputException($"Invalid parameters: {path} is {value.GetRawText()}, outside the range of a number.");
            case JsonValueKind.String when !IsText(value):
                throw new GeoInputException($"Invalid parameters: {path} is not valid Unicode text (a lone surrogate escape such as \\ud800).");
            case JsonValueKind.String when value.GetString()!.Contains('\0', StringComparison.Ordinal):
                throw new GeoInputException($"Invalid parameters: {path} contains a NUL character.");
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject()) CheckValues(p.Value, $"{path}.{p.Name}");
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Null) throw new GeoInputException($"Invalid parameters: {path}[{i}] is null.");
                    CheckValues(item, $"{path}[{i++}]");
                }
                break;
        }
    }

    // GetString throws on an escaped lone surrogate ("\ud800"), which JSON's grammar allows and UTF-8 cannot hold.
    private static bool IsText(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The stored (normalised) parameters of a run, typed.</summary>
    public static TParameters Read(JsonDocument stored) => stored.Deserialize<TParameters>(Options)!;

    /// <summary>The JSON name of a parameters property (as stored and as the CLI option derives from).</summary>
    public static string JsonName(PropertyInfo property) => Options.PropertyNamingPolicy!.ConvertName(property.Name);
}
