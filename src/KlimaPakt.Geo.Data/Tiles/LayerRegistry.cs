using System.Collections.Immutable;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Layers;

namespace KlimaPakt.Geo.Data.Tiles;

/// <summary>
/// Every layer the service publishes. It starts with the communes and the typed input layers; an analysis registers
/// its result layers (at start-up through DI as <see cref="PublishedLayer"/> singletons, or later with
/// <see cref="Register"/>). Tiles, TileJSON, the catalogue and the Features API all read from here.
/// </summary>
public sealed class LayerRegistry
{
    /// <summary>Name of the communes layer.</summary>
    public const string CommunesLayer = "communes";

    private ImmutableDictionary<string, PublishedLayer> _layers = ImmutableDictionary<string, PublishedLayer>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);
    private ImmutableList<PublishedLayer> _ordered = [];

    /// <summary>Creates the registry with the built-in layers and those registered in DI.</summary>
    public LayerRegistry(IEnumerable<PublishedLayer> registered)
    {
        Register(Communes);
        foreach (var input in InputLayer.All) Register(ForInput(input));
        foreach (var layer in registered) Register(layer);
    }

    /// <summary>Layers in catalogue order.</summary>
    public IReadOnlyList<PublishedLayer> All => _ordered;

    /// <summary>Adds or replaces a layer.</summary>
    public void Register(PublishedLayer layer)
    {
        if (string.IsNullOrWhiteSpace(layer.Name) || layer.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
            throw new ArgumentException($"Layer name '{layer.Name}' must be ASCII letters, digits, '_' or '-'.", nameof(layer));
        lock (this)
        {
            var replaced = _layers.TryGetValue(layer.Name, out var old);
            _layers = _layers.SetItem(layer.Name, layer);
            _ordered = replaced ? _ordered.Replace(old!, layer) : _ordered.Add(layer);
        }
    }

    /// <summary>Finds a layer by name.</summary>
    public bool TryGet(string name, out PublishedLayer layer) => _layers.TryGetValue(name, out layer!);

    /// <summary>Finds a layer by name or throws <see cref="NotFoundException"/>.</summary>
    public PublishedLayer Get(string name) =>
        TryGet(name, out var layer) ? layer : throw new NotFoundException($"Unknown layer '{name}'. Known layers: {string.Join(", ", _ordered.Select(l => l.Name))}.");

    /// <summary>The layers of an analysis kind.</summary>
    public IEnumerable<PublishedLayer> OfRunKind(string kind) => _ordered.Where(l => string.Equals(l.RunKind, kind, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The communes with their latest population. Low zooms read the <c>geom_z7</c>/<c>geom_z10</c> columns
    /// (ST_SimplifyPreserveTopology at 100 m and 10 m, stored generated columns) so a z6 tile stays small.
    /// </summary>
    public static PublishedLayer Communes { get; } = new(CommunesLayer, "Communes", "Commune boundaries with their latest population (STATEC)",
        "communes", LayerGeometry.Polygon,
        [
            new("code", "t.code", FieldType.String, "Official commune code (LAU2, BFS number)", Filterable: true),
            new("region", "(SELECT r.code FROM regions r WHERE r.id = t.region_id)", FieldType.String, "Region code"),
            new("name", "t.name", FieldType.String, "Official name", Filterable: true),
            new("canton", "t.canton", FieldType.String, "Canton or district", Filterable: true),
            new("population", "(SELECT p.population FROM commune_populations p WHERE p.commune_id = t.id ORDER BY p.year DESC LIMIT 1)",
                FieldType.Integer, "Residents on 1 January of population_year"),
            new("population_year", "(SELECT max(p.year) FROM commune_populations p WHERE p.commune_id = t.id)", FieldType.Integer,
                "Reference year of the population"),
        ])
    {
        MaxZoom = 18,
        Generalised = [new(7, "geom_z7"), new(10, "geom_z10")],
        Attribution = "© ACT (Administration du cadastre et de la topographie), STATEC, © OpenStreetMap contributors",
        Style = new LayerStyle
        {
            Kind = StyleKind.Graduated,
            Field = "population",
            Colour = "#24513a",
            Ramp = ["#e5f2ea", "#a9d6b9", "#5aa57c", "#1f5e3d"],
            Breaks = [0, 5000, 20000, 120000],
            Legend = "Residents",
            LabelField = "name",
            Visible = true,
            Opacity = 0.55,
        },
    };

    /// <summary>Colours of the typed input layers (distinct from each other and from the palette the results draw from) and which start visible.</summary>
    private static readonly Dictionary<string, (string Colour, bool Visible)> InputStyles = new()
    {
        ["buildings"] = ("#8c6d5a", false),
        ["roads"] = ("#d08a2e", true),
        ["railways"] = ("#555555", false),
        ["land_cover"] = ("#9cc58a", false),
        ["waterways"] = ("#3d8fd1", false),
        ["water_bodies"] = ("#7fb7e6", false),
        ["protected_areas"] = ("#4f9a3c", false),
        ["power_lines"] = ("#b8434f", false),
        ["power_sites"] = ("#c76b98", false),
        ["places"] = ("#303a8c", true),
        ["ev_chargers"] = ("#0f9fb0", true),
        ["population_cells"] = ("#666666", false),
        ["heat_sources"] = ("#e31a1c", false),
        ["street_lamps"] = ("#ffd92f", false),
        ["parcels"] = ("#a65628", false),
    };

    /// <summary>The published form of a typed input layer.</summary>
    public static PublishedLayer ForInput(InputLayer input)
    {
        List<LayerField> fields =
        [
            new("name", "t.name", FieldType.String, "Name, when the source has one", Filterable: true),
            new("class", "t.class", FieldType.String, "Class of the feature", Filterable: true),
            new("source_fid", "t.source_fid", FieldType.String, "Feature id in the source file"),
        ];
        if (input == InputLayer.PowerLines) fields.Add(new("voltage_kv", "t.voltage_kv", FieldType.Number, "Highest voltage in kV"));
        if (input == InputLayer.Places) fields.Add(new("population", "t.population", FieldType.Integer, "Population tagged on the place"));
        if (input == InputLayer.EvChargers)
        {
            fields.Add(new("operator", "t.operator", FieldType.String, "Operator", Filterable: true));
            fields.Add(new("capacity", "t.capacity", FieldType.Integer, "Vehicles that can charge at once"));
        }
        if (input == InputLayer.HeatSources) fields.Add(new("heat_mwh_per_year", "t.heat_mwh_per_year", FieldType.Number, "Recoverable heat in MWh/yr"));
        var minZoom = input.Name switch { "buildings" => 12, "land_cover" => 8, _ => 0 };
        var (colour, visible) = InputStyles.GetValueOrDefault(input.Name, ("#666666", false));
        return new PublishedLayer(input.Name, input.Description, input.Description, input.Table, input.Geometry, fields)
        {
            MinZoom = minZoom,
            Style = new LayerStyle { Colour = colour, Visible = visible, Legend = input.Description },
        };
    }
}
