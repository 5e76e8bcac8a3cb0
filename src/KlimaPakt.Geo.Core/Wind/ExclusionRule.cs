namespace KlimaPakt.Geo.Core.Wind;

/// <summary>
/// One exclusion rule: every cell within <see cref="BufferMeters"/> (or <see cref="BufferTipHeights"/> × the turbine's
/// tip height) of a feature of <see cref="Layer"/> is excluded; for the <c>slope</c> layer, every cell steeper than
/// <see cref="MaxSlopeDegrees"/>. Distances are measured between cell centres (exact Euclidean distance transform).
/// A strict rule also overrides forced inclusions; a non-strict (optional) rule yields to them.
/// </summary>
public sealed record ExclusionRule
{
    /// <summary>Input layer (one of <see cref="WindLayers.ExclusionLayers"/>).</summary>
    public string Layer { get; init; } = "";

    /// <summary>Buffer around the layer's features in metres (0 = the features themselves).</summary>
    public double BufferMeters { get; init; }

    /// <summary>Buffer as a multiple of the turbine's tip height (ByWind: 3 H around dwellings); used instead of metres when &gt; 0.</summary>
    public double BufferTipHeights { get; init; }

    /// <summary>Strict rules hold even against forced inclusions; optional ones yield to them.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>For the slope layer only: cells steeper than this many degrees are excluded.</summary>
    public double? MaxSlopeDegrees { get; init; }

    /// <summary>
    /// Only features of these classes (e.g. roads: motorway, primary, secondary …; the class the loader puts in each
    /// feature's <c>UserData</c>); null = every feature of the layer.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Whether <paramref name="feature"/> counts for this rule (its class is listed, or no class filter is set).</summary>
    public bool Selects(NetTopologySuite.Geometries.Geometry feature) => Classes is null || (feature.UserData is string c && Classes.Contains(c));

    /// <summary>The buffer in metres for a turbine of tip height <paramref name="tipHeightMeters"/>.</summary>
    public double EffectiveBufferMeters(double tipHeightMeters) => BufferTipHeights > 0 ? BufferTipHeights * tipHeightMeters : BufferMeters;

    /// <summary>Problems with the rule (empty when valid).</summary>
    public IEnumerable<string> Problems()
    {
        if (!WindLayers.ExclusionLayers.Contains(Layer))
            yield return $"Unknown exclusion layer '{Layer}'. Known: {string.Join(", ", WindLayers.ExclusionLayers)}.";
        if (!(BufferMeters >= 0) || !double.IsFinite(BufferMeters)) yield return $"Rule '{Layer}': BufferMeters must be ≥ 0 (got {BufferMeters}).";
        if (!(BufferTipHeights >= 0) || !double.IsFinite(BufferTipHeights)) yield return $"Rule '{Layer}': BufferTipHeights must be ≥ 0 (got {BufferTipHeights}).";
        if (BufferMeters > 0 && BufferTipHeights > 0) yield return $"Rule '{Layer}': give BufferMeters or BufferTipHeights, not both.";
        if (BufferMeters > 50_000 || BufferTipHeights > 100) yield return $"Rule '{Layer}': buffer too large (at most 50 km or 100 tip heights).";
        if (Layer == WindLayers.Slope)
        {
            if (MaxSlopeDegrees is not (> 0 and < 90)) yield return $"Rule 'slope' needs MaxSlopeDegrees in (0, 90) (got {MaxSlopeDegrees?.ToString() ?? "none"}).";
            if (BufferMeters > 0 || BufferTipHeights > 0) yield return "Rule 'slope' takes no buffer.";
        }
        else if (MaxSlopeDegrees is not null) yield return $"Rule '{Layer}': MaxSlopeDegrees applies to the slope layer only.";
        if (Classes is { Count: 0 } || Classes?.Any(string.IsNullOrWhiteSpace) == true) yield return $"Rule '{Layer}': Classes must list at least one class name.";
    }
}

/// <summary>Names of the wind analysis's input layers, and what the data loader puts in each.</summary>
public static class WindLayers
{
    /// <summary>Built-up areas: residential land cover, and places (city … hamlet) as discs of an assumed radius.</summary>
    public const string Settlements = "settlements";

    /// <summary>Buildings, and isolated dwellings / farms from places (dwellings outside settlements).</summary>
    public const string Buildings = "buildings";

    /// <summary>Industrial, quarry and landfill land cover.</summary>
    public const string Industrial = "industrial";

    /// <summary>Motorways, trunk, primary and secondary roads (and their links).</summary>
    public const string MajorRoads = "major_roads";

    /// <summary>Railways.</summary>
    public const string Railways = "railways";

    /// <summary>Aerodromes (land cover / areas tagged aeroway).</summary>
    public const string Airports = "airports";

    /// <summary>Power lines above 110 kV.</summary>
    public const string PowerLines = "power_lines";

    /// <summary>National parks (protected areas).</summary>
    public const string NationalParks = "national_parks";

    /// <summary>Natura 2000 sites (habitats and birds directives).</summary>
    public const string Natura2000 = "natura2000";

    /// <summary>Lakes larger than 50 ha.</summary>
    public const string Lakes = "lakes";

    /// <summary>All water bodies and reservoirs.</summary>
    public const string Water = "water";

    /// <summary>Forest and wood.</summary>
    public const string Forest = "forest";

    /// <summary>Slope from the DEM (threshold, not a layer of features).</summary>
    public const string Slope = "slope";

    /// <summary>Roads of every class, each feature carrying its class (rules pick classes with <see cref="ExclusionRule.Classes"/>).</summary>
    public const string Roads = "roads";

    /// <summary>Every layer a rule may name.</summary>
    public static IReadOnlyList<string> ExclusionLayers { get; } =
        [Settlements, Buildings, Industrial, MajorRoads, Roads, Railways, Airports, PowerLines, NationalParks, Natura2000, Lakes, Water, Forest, Slope];

    /// <summary>Roads of any class (suitability: distance to access roads).</summary>
    public const string AccessRoads = "access_roads";

    /// <summary>Power lines of any voltage and substations (suitability: distance to the grid).</summary>
    public const string Grid = "grid";
}

/// <summary>
/// Named exclusion sets: the three Holtinger et al. 2016 sets (as in GLAES <c>predefinedExclusions.py</c>; README.md, "Wind potential cadastre")
/// and Luxembourg's legal minimum (300 m to residential areas).
/// </summary>
public static class ExclusionPresets
{
    /// <summary>Holtinger 2016, maximum potential.</summary>
    public const string HoltingerMax = "holtinger-max";

    /// <summary>Holtinger 2016, medium potential.</summary>
    public const string HoltingerMedium = "holtinger-medium";

    /// <summary>Holtinger 2016, minimum potential.</summary>
    public const string HoltingerMin = "holtinger-min";

    /// <summary>Luxembourg's legal minimum distance: 300 m to residential areas (dwellings in and outside settlements).</summary>
    public const string LuxembourgLegalMinimum = "luxembourg-legal-minimum";

    /// <summary>No rules (only explicit ones).</summary>
    public const string None = "none";

    /// <summary>Every preset name.</summary>
    public static IReadOnlyList<string> Names { get; } = [HoltingerMax, HoltingerMedium, HoltingerMin, LuxembourgLegalMinimum, None];

    /// <summary>The rules of preset <paramref name="name"/>, or null when unknown.</summary>
    public static IReadOnlyList<ExclusionRule>? Rules(string name) => name switch
    {
        HoltingerMax => Holtinger(1000, 750, 1000, 0, 1000, 11.3),
        HoltingerMedium => Holtinger(1200, 750, 2000, 0, 1750, 8.5),
        HoltingerMin => Holtinger(2000, 1000, 3000, 2000, 3000, 5.7),
        LuxembourgLegalMinimum => [Rule(WindLayers.Settlements, 300), Rule(WindLayers.Buildings, 300)],
        None => [],
        _ => null,
    };

    private static ExclusionRule Rule(string layer, double meters) => new() { Layer = layer, BufferMeters = meters };

    private static ExclusionRule[] Holtinger(double settlements, double buildings, double nationalParks, double natura2000, double lakes, double slope) =>
    [
        Rule(WindLayers.Settlements, settlements), Rule(WindLayers.Buildings, buildings), Rule(WindLayers.Industrial, 300),
        Rule(WindLayers.Railways, 300), Rule(WindLayers.MajorRoads, 300), Rule(WindLayers.Airports, 5100),
        Rule(WindLayers.PowerLines, 250), Rule(WindLayers.NationalParks, nationalParks), Rule(WindLayers.Natura2000, natura2000),
        Rule(WindLayers.Lakes, lakes), new() { Layer = WindLayers.Slope, MaxSlopeDegrees = slope },
    ];
}
