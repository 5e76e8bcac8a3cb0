namespace KlimaPakt.Geo.Core.Layers;

/// <summary>The geometry family of a typed input layer; imports normalise to Multi* (polygons, lines) or Point.</summary>
public enum LayerGeometry
{
    /// <summary>Points (places, chargers, power sites).</summary>
    Point,

    /// <summary>Lines, stored as MultiLineString.</summary>
    Line,

    /// <summary>Areas, stored as MultiPolygon.</summary>
    Polygon,
}

/// <summary>
/// A typed input layer of a region: its public name (used by the CLI, the API and the tile server),
/// the table it lives in, its geometry family and the attribute the importer reads its class from.
/// </summary>
/// <param name="Name">Public layer name, e.g. <c>buildings</c>.</param>
/// <param name="Table">Table name in the <c>public</c> schema.</param>
/// <param name="Geometry">Geometry family.</param>
/// <param name="ClassFields">Attributes tried in order for the feature's class (e.g. <c>highway</c> for roads).</param>
/// <param name="Description">What the layer holds, for catalogues and the CLI's help.</param>
public sealed record InputLayer(string Name, string Table, LayerGeometry Geometry, IReadOnlyList<string> ClassFields, string Description)
{
    /// <summary>Buildings (polygons), class from <c>building</c>.</summary>
    public static readonly InputLayer Buildings = new("buildings", "buildings", LayerGeometry.Polygon, ["building", "class", "type"], "Building footprints");

    /// <summary>Roads (lines), class from <c>highway</c> (motorway, primary, …).</summary>
    public static readonly InputLayer Roads = new("roads", "roads", LayerGeometry.Line, ["highway", "class", "fclass", "type"], "Roads with their class");

    /// <summary>Railways (lines), class from <c>railway</c>.</summary>
    public static readonly InputLayer Railways = new("railways", "railways", LayerGeometry.Line, ["railway", "class", "type"], "Railways");

    /// <summary>Land cover (polygons), class from <c>landuse</c>/<c>natural</c>/<c>leisure</c>.</summary>
    public static readonly InputLayer LandCover = new("land_cover", "land_cover", LayerGeometry.Polygon, ["landuse", "natural", "leisure", "class", "type"], "Land cover and land use with their class");

    /// <summary>Waterways (lines), class from <c>waterway</c>.</summary>
    public static readonly InputLayer Waterways = new("waterways", "waterways", LayerGeometry.Line, ["waterway", "class", "type"], "Rivers, streams, canals, drains");

    /// <summary>Water bodies (polygons), class from <c>water</c>/<c>natural</c>.</summary>
    public static readonly InputLayer WaterBodies = new("water_bodies", "water_bodies", LayerGeometry.Polygon, ["water", "natural", "landuse", "class", "type"], "Lakes, reservoirs, river areas");

    /// <summary>Protected areas (polygons), class from <c>protect_class</c>/<c>designation</c>.</summary>
    public static readonly InputLayer ProtectedAreas = new("protected_areas", "protected_areas", LayerGeometry.Polygon, ["designation", "protection_title", "protect_class", "boundary", "leisure", "class"], "Natura 2000, nature reserves, national parks");

    /// <summary>Power lines (lines), class from <c>power</c> (line, minor_line, cable).</summary>
    public static readonly InputLayer PowerLines = new("power_lines", "power_lines", LayerGeometry.Line, ["power", "class"], "Power lines with their voltage");

    /// <summary>Power sites (points): towers, substations, generators, transformers; class from <c>power</c> or <c>value</c>.</summary>
    public static readonly InputLayer PowerSites = new("power_sites", "power_sites", LayerGeometry.Point, ["power", "value", "class"], "Power infrastructure points (towers, substations, generators)");

    /// <summary>Settlements and places (points), class from <c>place</c> or <c>value</c> (city, town, village, …).</summary>
    public static readonly InputLayer Places = new("places", "places", LayerGeometry.Point, ["place", "value", "class"], "Settlements and named places");

    /// <summary>Public EV chargers (points), class from <c>amenity</c> or <c>value</c>.</summary>
    public static readonly InputLayer EvChargers = new("ev_chargers", "ev_chargers", LayerGeometry.Point, ["socket", "amenity", "value", "class"], "Public electric-vehicle charging stations");

    /// <summary>
    /// Census population grid cells (polygons) with their residents, class from <c>CNTR_ID</c> (Eurostat GEOSTAT: <c>LU</c>,
    /// <c>LU-DE</c>, …). Their shares within a commune place its statistics-office total; they are never summed as totals.
    /// </summary>
    public static readonly InputLayer PopulationCells = new("population_cells", "population_cells", LayerGeometry.Polygon, ["CNTR_ID", "class"], "Census population grid cells (e.g. GEOSTAT 1 km) with residents");

    /// <summary>
    /// Waste-heat sources (points) with their recoverable heat, class from <c>source</c>/<c>type</c> (incinerator,
    /// data_centre, wastewater_plant, industry, …); the heat in MWh/yr from a <c>heat_mwh_per_year</c> attribute, or
    /// <c>heat_mw</c> × 8760 h (continuous availability: an upper bound).
    /// </summary>
    public static readonly InputLayer HeatSources = new("heat_sources", "heat_sources", LayerGeometry.Point, ["source", "type", "man_made", "class"], "Waste-heat sources with their recoverable heat");

    /// <summary>Street lamps (points), class from <c>highway</c> (OSM <c>highway=street_lamp</c>) or <c>lamp_type</c>: the black
    /// trame's light sources where they are mapped.</summary>
    public static readonly InputLayer StreetLamps = new("street_lamps", "street_lamps", LayerGeometry.Point, ["lamp_type", "highway", "class"], "Street lamps");

    /// <summary>Land parcels (polygons: the cadastre's plots, or agricultural parcels such as LPIS/FLIK), class from
    /// <c>class</c> or <c>CODE_ELEM</c>: their boundaries are the plot edges of the geothermal restrictions.</summary>
    public static readonly InputLayer Parcels = new("parcels", "parcels", LayerGeometry.Polygon, ["CODE_ELEM", "class"], "Land parcels (plot edges)");

    /// <summary>Every typed input layer, in catalogue order.</summary>
    public static IReadOnlyList<InputLayer> All { get; } =
        [Buildings, Roads, Railways, LandCover, Waterways, WaterBodies, ProtectedAreas, PowerLines, PowerSites, Places, EvChargers, PopulationCells, HeatSources, StreetLamps, Parcels];

    /// <summary>Finds a layer by its public name, or throws <see cref="Errors.NotFoundException"/> listing the known names.</summary>
    public static InputLayer Named(string name) =>
        All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Errors.NotFoundException($"Unknown layer '{name}'. Known layers: {string.Join(", ", All.Select(l => l.Name))}.");
}
