using KlimaPakt.Geo.Core.Layers;

namespace KlimaPakt.Geo.Data.Tiles;

/// <summary>The JSON/MVT type of a published attribute (TileJSON <c>vector_layers.fields</c> names it).</summary>
public enum FieldType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>Whole number.</summary>
    Integer,

    /// <summary>Floating-point number.</summary>
    Number,
}

/// <summary>An attribute of a published layer.</summary>
/// <param name="Name">Public name in tiles and GeoJSON.</param>
/// <param name="Sql">SQL expression over the layer's relation, aliased <c>t</c> (e.g. <c>t.name</c>).</param>
/// <param name="Type">Type of the value.</param>
/// <param name="Description">What the value is, with its unit.</param>
/// <param name="Filterable">Whether the Features API accepts <c>?name=value</c> on it.</param>
public sealed record LayerField(string Name, string Sql, FieldType Type, string Description, bool Filterable = false)
{
    /// <summary>Unit of the value (km², MW, %), null for counts, codes and names.</summary>
    public string? Unit { get; init; }
}

/// <summary>A geometry column simplified in advance, used for every zoom up to <paramref name="MaxZoom"/>.</summary>
/// <param name="MaxZoom">Highest zoom the column serves.</param>
/// <param name="Column">Column of the relation holding the simplified geometry.</param>
public sealed record GeneralisedGeometry(int MaxZoom, string Column);

/// <summary>
/// A layer the service publishes as vector tiles and as an OGC API - Features collection: the communes, each typed
/// input layer, and each analysis's result layers. Analyses add theirs to the <see cref="LayerRegistry"/>; the tile
/// SQL and the feature queries are built from this description, never written per layer.
/// </summary>
/// <remarks>
/// The relation must have the columns <c>id</c> (integer, unique), <c>region_id</c> and <c>geom</c> (in the region's
/// CRS, GiST-indexed); a run-scoped layer (<see cref="RunKind"/> set) also needs <c>run_id</c> (uuid).
/// </remarks>
/// <param name="Name">Public name: tile layer, collection id, cache tag.</param>
/// <param name="Title">Short human title.</param>
/// <param name="Description">What the layer shows.</param>
/// <param name="Relation">Table (schema-qualified where not <c>public</c>) the rows come from.</param>
/// <param name="Geometry">Geometry family.</param>
/// <param name="Fields">Published attributes.</param>
public sealed record PublishedLayer(string Name, string Title, string Description, string Relation, LayerGeometry Geometry,
    IReadOnlyList<LayerField> Fields)
{
    /// <summary>Lowest zoom served (tiles below answer 400).</summary>
    public int MinZoom { get; init; }

    /// <summary>Highest zoom served (clients overzoom above it).</summary>
    public int MaxZoom { get; init; } = 18;

    /// <summary>Analysis kind whose runs own the rows (rows carry <c>run_id</c>); null for inputs.</summary>
    public string? RunKind { get; init; }

    /// <summary>Pre-simplified geometry columns for low zooms, in ascending <see cref="GeneralisedGeometry.MaxZoom"/>.</summary>
    public IReadOnlyList<GeneralisedGeometry> Generalised { get; init; } = [];

    /// <summary>
    /// The relation tiles read, when it differs from <see cref="Relation"/> (a result table's subdivided pieces); it has
    /// the same columns, so the fields' SQL applies to both.
    /// </summary>
    public string? TileRelation { get; init; }

    /// <summary>How the map colours the layer (served in <c>/catalog</c> and TileJSON).</summary>
    public LayerStyle Style { get; init; } = new();

    /// <summary>Attribution shown with the layer.</summary>
    public string Attribution { get; init; } = "© OpenStreetMap contributors";

    /// <summary>Whether rows belong to analysis runs.</summary>
    public bool IsRunScoped => RunKind is not null;

    /// <summary>Output-cache tag of the layer.</summary>
    public string CacheTag => "layer:" + Name;

    /// <summary>The fields the Features API filters on.</summary>
    public IEnumerable<LayerField> FilterableFields => Fields.Where(f => f.Filterable);
}
