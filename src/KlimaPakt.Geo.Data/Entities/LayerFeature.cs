using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Data.Entities;

/// <summary>
/// Columns shared by every typed input layer table (not an EF hierarchy: each layer has its own table).
/// Geometry is in the region's CRS; <see cref="Tags"/> keeps the source attributes as JSON.
/// </summary>
public abstract class LayerFeature
{
    /// <summary>Surrogate key (the feature id in tiles and GeoJSON).</summary>
    public long Id { get; set; }

    /// <summary>Owning region.</summary>
    public int RegionId { get; set; }

    /// <summary>The import that wrote the row; re-imports delete by it.</summary>
    public int SourceId { get; set; }

    /// <summary>Feature id in the source file (OSM id, GeoJSON id, row number).</summary>
    public required string SourceFid { get; set; }

    /// <summary>Name, when the source has one.</summary>
    public string? Name { get; set; }

    /// <summary>Class of the feature (e.g. road class <c>primary</c>, land cover <c>forest</c>).</summary>
    public string? Class { get; set; }

    /// <summary>All source attributes as a JSON object of strings.</summary>
    public Dictionary<string, string> Tags { get; set; } = [];
}

/// <summary>A layer whose features are areas.</summary>
public abstract class PolygonFeature : LayerFeature
{
    /// <summary>Footprint in the region's CRS.</summary>
    public required MultiPolygon Geom { get; set; }
}

/// <summary>A layer whose features are lines.</summary>
public abstract class LineFeature : LayerFeature
{
    /// <summary>Line geometry in the region's CRS.</summary>
    public required MultiLineString Geom { get; set; }
}

/// <summary>A layer whose features are points.</summary>
public abstract class PointFeature : LayerFeature
{
    /// <summary>Location in the region's CRS.</summary>
    public required Point Geom { get; set; }
}

/// <summary>Building footprint.</summary>
public sealed class Building : PolygonFeature;

/// <summary>Road with its class (motorway, primary, …).</summary>
public sealed class Road : LineFeature;

/// <summary>Railway line.</summary>
public sealed class Railway : LineFeature;

/// <summary>Land-cover or land-use area with its class.</summary>
public sealed class LandCover : PolygonFeature;

/// <summary>Waterway line (river, stream, canal, drain).</summary>
public sealed class Waterway : LineFeature;

/// <summary>Water body area (lake, reservoir, river area).</summary>
public sealed class WaterBody : PolygonFeature;

/// <summary>Protected area (Natura 2000, nature reserve, national park).</summary>
public sealed class ProtectedArea : PolygonFeature;

/// <summary>Power line with its voltage.</summary>
public sealed class PowerLine : LineFeature
{
    /// <summary>Highest voltage of the line in kV, parsed from the <c>voltage</c> tag (volts), when given.</summary>
    public double? VoltageKv { get; set; }
}

/// <summary>Power infrastructure point (tower, substation, generator).</summary>
public sealed class PowerSite : PointFeature;

/// <summary>Settlement or named place with its type and population when known.</summary>
public sealed class Place : PointFeature
{
    /// <summary>Population tagged on the place, when given.</summary>
    public int? Population { get; set; }
}

/// <summary>Public EV charging station.</summary>
public sealed class EvCharger : PointFeature
{
    /// <summary>Operator tag, when given.</summary>
    public string? Operator { get; set; }

    /// <summary>Number of vehicles that can charge at once (<c>capacity</c> tag), when given.</summary>
    public int? Capacity { get; set; }
}

/// <summary>
/// A cell of a census population grid (e.g. Eurostat GEOSTAT 1 km) with its residents; the class is the grid's country
/// flag (<c>LU</c>, or <c>LU-DE</c> for a border cell that also counts residents abroad). Only its shares within a
/// commune are meant to be used: commune totals come from the statistics office.
/// </summary>
public sealed class PopulationCell : PolygonFeature
{
    /// <summary>Residents in the cell in <see cref="Year"/>.</summary>
    public int Population { get; set; }

    /// <summary>Reference year of <see cref="Population"/> (the other years stay in the tags).</summary>
    public int Year { get; set; }
}

/// <summary>A waste-heat source with its recoverable heat (issue 12: matched to candidate district-heating areas).</summary>
public sealed class HeatSource : PointFeature
{
    /// <summary>Recoverable heat [MWh/yr]: the <c>heat_mwh_per_year</c> attribute, or <c>heat_mw</c> × 8760 h; null when neither is given.</summary>
    public double? HeatMwhPerYear { get; set; }
}

/// <summary>A street lamp (issue 13: the black trame's light sources where they are mapped).</summary>
public sealed class StreetLamp : PointFeature;

/// <summary>A land parcel (issue 12: its boundary is a plot edge a borehole keeps its distance from).</summary>
public sealed class Parcel : PolygonFeature;
