using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Wind;

/// <summary>A commune of the run: database id and boundary in the grid's CRS.</summary>
/// <param name="CommuneId">Database id.</param>
/// <param name="Boundary">Boundary polygon(s).</param>
public sealed record WindCommune(int CommuneId, Geometry Boundary);

/// <summary>Everything the wind computation reads, already in the grid's CRS.</summary>
public sealed class WindInputs
{
    /// <summary>The analysis grid (covers every commune).</summary>
    public required GridSpec Grid { get; init; }

    /// <summary>The communes; their union is the region analysed.</summary>
    public required IReadOnlyList<WindCommune> Communes { get; init; }

    /// <summary>Features per layer name (<see cref="WindLayers"/>); a missing or empty layer excludes nothing.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Geometry>> Layers { get; init; } = new Dictionary<string, IReadOnlyList<Geometry>>();

    /// <summary>Elevation in metres on the grid (NaN = unknown), or null without a DEM.</summary>
    public float[]? ElevationMeters { get; init; }

    /// <summary>Mean wind speed at the reference height, m/s, on the grid (NaN = unknown), from a user-provided raster; null = the modelled field.</summary>
    public float[]? ReferenceWindSpeed { get; init; }

    /// <summary>Existing turbines (new ones keep the spacing from them when asked to).</summary>
    public IReadOnlyList<Point> ExistingTurbines { get; init; } = [];
}
