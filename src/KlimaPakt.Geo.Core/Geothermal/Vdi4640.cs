namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>Ground classes of the VDI 4640 part 2 table of specific extraction rates.</summary>
public enum GroundClass
{
    /// <summary>Poor underground, dry sediment (λ &lt; 1.5 W/m/K).</summary>
    PoorDrySediment = 0,

    /// <summary>Normal rock or water-saturated sediment (λ 1.5–3.0 W/m/K).</summary>
    NormalRockOrSaturatedSediment = 1,

    /// <summary>Consolidated rock with high conductivity (λ &gt; 3.0 W/m/K).</summary>
    HighConductivityRock = 2,

    /// <summary>Moist clay or loam.</summary>
    MoistClayLoam = 3,

    /// <summary>Massive limestone.</summary>
    MassiveLimestone = 4,

    /// <summary>Sandstone.</summary>
    Sandstone = 5,

    /// <summary>Granite.</summary>
    Granite = 6,

    /// <summary>Water-bearing gravel or sand.</summary>
    WaterBearingGravelSand = 7,
}

/// <summary>Yearly operating hours of a heat pump that the VDI 4640 table distinguishes.</summary>
public enum OperatingHours
{
    /// <summary>1,800 full-load hours per year (heating only).</summary>
    Hours1800 = 1800,

    /// <summary>2,400 full-load hours per year (heating and hot water).</summary>
    Hours2400 = 2400,
}

/// <summary>A specific extraction rate range [W per metre of borehole]; Min equals Max where the table gives one value.</summary>
/// <param name="MinWattsPerMeter">Lower end of the range [W/m].</param>
/// <param name="MaxWattsPerMeter">Upper end of the range [W/m].</param>
public readonly record struct ExtractionRate(double MinWattsPerMeter, double MaxWattsPerMeter)
{
    /// <summary>The value used for a ground class: the range midpoint [W/m] (the single value where there is no range).</summary>
    public double MidpointWattsPerMeter => (MinWattsPerMeter + MaxWattsPerMeter) / 2;
}

/// <summary>
/// The VDI 4640 part 2 fallback where only a ground class is known: specific heat extraction rates for small systems
/// (≤ 30 kW), 1,800 h / 2,400 h of operation per year [W/m]: poor dry sediment 25 / 20; normal rock or saturated
/// sediment 60 / 50; rock with λ &gt; 3.0 84 / 70; moist clay/loam 35–50 / 30–40 (midpoints 42.5 / 35); massive
/// limestone 55–70 / 45–60 (62.5 / 52.5); sandstone 65–80 / 55–65 (72.5 / 60); granite 65–85 / 55–70 (75 / 62.5);
/// water-bearing gravel/sand 65–80 / 55–65 (72.5 / 60).
/// </summary>
public static class Vdi4640
{
    /// <summary>The documented table: (1,800 h, 2,400 h) ranges per class.</summary>
    private static readonly Dictionary<GroundClass, (ExtractionRate H1800, ExtractionRate H2400)> s_table = new()
    {
        [GroundClass.PoorDrySediment] = (new(25, 25), new(20, 20)),
        [GroundClass.NormalRockOrSaturatedSediment] = (new(60, 60), new(50, 50)),
        [GroundClass.HighConductivityRock] = (new(84, 84), new(70, 70)),
        [GroundClass.MoistClayLoam] = (new(35, 50), new(30, 40)),
        [GroundClass.MassiveLimestone] = (new(55, 70), new(45, 60)),
        [GroundClass.Sandstone] = (new(65, 80), new(55, 65)),
        [GroundClass.Granite] = (new(65, 85), new(55, 70)),
        [GroundClass.WaterBearingGravelSand] = (new(65, 80), new(55, 65)),
    };

    /// <summary>The table's range for a class and operating hours [W/m].</summary>
    /// <param name="groundClass">Ground class.</param>
    /// <param name="hours">Operating hours per year.</param>
    /// <exception cref="ArgumentOutOfRangeException">Unknown class or hours.</exception>
    public static ExtractionRate Rate(GroundClass groundClass, OperatingHours hours)
    {
        if (!s_table.TryGetValue(groundClass, out var row))
            throw new ArgumentOutOfRangeException(nameof(groundClass), groundClass, "Unknown VDI 4640 ground class.");
        return hours switch
        {
            OperatingHours.Hours1800 => row.H1800,
            OperatingHours.Hours2400 => row.H2400,
            _ => throw new ArgumentOutOfRangeException(nameof(hours), hours, "VDI 4640 gives 1,800 h and 2,400 h only."),
        };
    }

    /// <summary>The specific extraction rate used for a class [W/m]: the range midpoint.</summary>
    /// <param name="groundClass">Ground class.</param>
    /// <param name="hours">Operating hours per year.</param>
    public static double SpecificExtractionRateWattsPerMeter(GroundClass groundClass, OperatingHours hours) =>
        Rate(groundClass, hours).MidpointWattsPerMeter;

    /// <summary>Extraction power of one borehole [W]: the midpoint rate × borehole length.</summary>
    /// <param name="groundClass">Ground class.</param>
    /// <param name="hours">Operating hours per year.</param>
    /// <param name="boreholeLengthMeters">Borehole length L [m].</param>
    public static double PowerPerBoreholeWatts(GroundClass groundClass, OperatingHours hours, double boreholeLengthMeters) =>
        SpecificExtractionRateWattsPerMeter(groundClass, hours) * boreholeLengthMeters;

    /// <summary>The classes' names as parameters give them: kebab case of <see cref="GroundClass"/> (e.g. <c>moist-clay-loam</c>).</summary>
    public static IReadOnlyList<string> ClassNames { get; } = [.. Enum.GetValues<GroundClass>().Select(Name)];

    /// <summary>The parameter name of a class: <c>MoistClayLoam</c> → <c>moist-clay-loam</c>.</summary>
    /// <param name="groundClass">Ground class.</param>
    public static string Name(GroundClass groundClass) =>
        string.Concat(groundClass.ToString().Select((c, i) => (i > 0 && char.IsUpper(c) ? "-" : "") + char.ToLowerInvariant(c)));

    /// <summary>Reads a class name (kebab case as <see cref="ClassNames"/>, or the enum's name), case-insensitively.</summary>
    /// <param name="name">Class name.</param>
    /// <param name="groundClass">The class, when known.</param>
    public static bool TryParseClass(string? name, out GroundClass groundClass)
    {
        groundClass = default;
        if (string.IsNullOrWhiteSpace(name)) return false;
        foreach (var c in Enum.GetValues<GroundClass>())
            if (string.Equals(Name(c), name, StringComparison.OrdinalIgnoreCase) || string.Equals(c.ToString(), name, StringComparison.OrdinalIgnoreCase))
            { groundClass = c; return true; }
        return false;
    }

    /// <summary>Yearly energy of one borehole [MWh/yr] under VDI 4640: midpoint rate × length × operating hours.</summary>
    /// <param name="groundClass">Ground class.</param>
    /// <param name="hours">Operating hours per year.</param>
    /// <param name="boreholeLengthMeters">Borehole length L [m].</param>
    public static double EnergyPerBoreholeMwhPerYear(GroundClass groundClass, OperatingHours hours, double boreholeLengthMeters) =>
        PowerPerBoreholeWatts(groundClass, hours, boreholeLengthMeters) * (int)hours / 1e6;
}
