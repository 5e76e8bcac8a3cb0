using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>Names of the geothermal restriction layers, and what the data loader puts in each.</summary>
public static class GeothermalLayers
{
    /// <summary>Drinking-water protection zones: protected areas tagged as water protection (OSM <c>protect_class=12</c>, or a
    /// designation naming water protection, <c>Wasserschutz</c>, <c>protection des eaux</c>, <c>zone de protection</c>).</summary>
    public const string DrinkingWater = "drinking_water";

    /// <summary>Nature protection: every other protected area (Natura 2000, reserves, parks).</summary>
    public const string ProtectedAreas = "protected_areas";

    /// <summary>Water bodies, water land cover and waterways.</summary>
    public const string Water = "water";

    /// <summary>Building footprints (the minimum distance of a borehole to a building).</summary>
    public const string Buildings = "buildings";

    /// <summary>Plot edges: the boundaries of the <c>parcels</c> layer (not a default rule: at the default 10 m cells nearly
    /// every cell of a built-up plot touches an edge; use it with 1–2 m cells and the local minimum distance).</summary>
    public const string PlotEdges = "plot_edges";

    /// <summary>Every restriction layer.</summary>
    public static IReadOnlyList<string> All { get; } = [DrinkingWater, ProtectedAreas, Water, Buildings, PlotEdges];
}

/// <summary>
/// One restriction of the geothermal cadastre: every cell within <see cref="BufferMeters"/> of a feature of
/// <see cref="Layer"/> is excluded (<see cref="Strict"/>) or limited to <see cref="Factor"/> of its potential.
/// </summary>
public sealed record GeothermalRestriction
{
    /// <summary>Layer: drinking_water, protected_areas, water, buildings or plot_edges.</summary>
    public string Layer { get; init; } = "";

    /// <summary>Buffer around the layer's features [m] (0 = the features themselves), between cell centres.</summary>
    public double BufferMeters { get; init; }

    /// <summary>Strict: no borehole at all. Limited (false): the cell keeps <see cref="Factor"/> of its potential.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>For a limited rule: the share of the potential kept, in [0, 1).</summary>
    public double Factor { get; init; } = 0.5;

    /// <summary>The factor a hit cell keeps: 0 for a strict rule.</summary>
    public double KeptFactor => Strict ? 0 : Factor;

    /// <summary>Problems with the rule (empty when valid).</summary>
    public IEnumerable<string> Problems()
    {
        if (!GeothermalLayers.All.Contains(Layer))
            yield return $"Unknown restriction layer '{Layer}'. Known: {string.Join(", ", GeothermalLayers.All)}.";
        if (!(BufferMeters is >= 0 and <= 10_000)) yield return $"Restriction '{Layer}': BufferMeters must be in [0, 10000] (got {BufferMeters}).";
        if (!Strict && !(Factor is >= 0 and < 1)) yield return $"Restriction '{Layer}': a limited rule's Factor must be in [0, 1) (got {Factor}).";
    }

    /// <summary>
    /// Defaults (assumed, to be replaced by the commune's rules): drinking-water protection zones strict (about half of
    /// Luxembourg's drinking water is groundwater); nature protection limited to half (a permit with an impact
    /// assessment); water strict with 5 m; buildings strict with 3 m (a borehole keeps a few metres from foundations).
    /// </summary>
    public static IReadOnlyList<GeothermalRestriction> Defaults { get; } =
    [
        new() { Layer = GeothermalLayers.DrinkingWater },
        new() { Layer = GeothermalLayers.ProtectedAreas, Strict = false, Factor = 0.5 },
        new() { Layer = GeothermalLayers.Water, BufferMeters = 5 },
        new() { Layer = GeothermalLayers.Buildings, BufferMeters = 3 },
    ];
}

/// <summary>
/// Parameters of a shallow geothermal run (docs/geothermal.md), stored with the run in full: the G.POT parameters of one
/// borehole heat exchanger (inherited, r.green.gshp's defaults), the ground where no raster is given (assumed and
/// labelled so), the borehole field, the restrictions, the heat demand and the district-heating thresholds.
/// </summary>
public sealed record GeothermalParameters : GPotParameters
{
    /// <summary>Cell size of the supply grid [m]; must divide 100 m (the hectare grid of the demand).</summary>
    public double CellSizeMeters { get; init; } = 10;

    /// <summary>Ground thermal conductivity λ [W/m/K] where no conductivity raster is given (assumed).</summary>
    public double ConductivityWattsPerMeterKelvin { get; init; } = 2.0;

    /// <summary>Ground conductivity raster [W/m/K]: a registered raster name or a GeoTIFF path; null uses the assumed constant.</summary>
    public string? ConductivityRaster { get; init; }

    /// <summary>Undisturbed ground temperature raster [°C]: a registered raster name or a GeoTIFF path; null derives T0 (see GroundTemperatureFromElevation).</summary>
    public string? GroundTemperatureRaster { get; init; }

    /// <summary>Without a T0 raster, derive T0 from the DEM (air temperature + offset − lapse rate × height); false uses GroundTemperatureCelsius.</summary>
    public bool GroundTemperatureFromElevation { get; init; } = true;

    /// <summary>Mean annual air temperature at the reference elevation [°C] (assumed: about the Luxembourg-Findel climate normal).</summary>
    public double AirTemperatureCelsius { get; init; } = 9.5;

    /// <summary>Elevation of the air temperature [m] (Findel, 376 m).</summary>
    public double AirTemperatureElevationMeters { get; init; } = 376;

    /// <summary>Temperature lapse rate [K per km of elevation] (standard atmosphere 6.5).</summary>
    public double LapseRateKelvinPerKilometer { get; init; } = 6.5;

    /// <summary>Undisturbed ground above mean air temperature [K] (typically 1–2 K in Central Europe).</summary>
    public double GroundAirOffsetKelvin { get; init; } = 1.0;

    /// <summary>VDI 4640 fallback: a ground class (e.g. sandstone, moist-clay-loam) used instead of G.POT where no conductivity raster is given; null uses G.POT.</summary>
    public string? GroundClass { get; init; }

    /// <summary>VDI 4640 fallback: heat-pump operating hours per year, 1800 or 2400.</summary>
    public int OperatingHours { get; init; } = 1800;

    /// <summary>Minimum spacing between boreholes [m] (a square layout: 256 boreholes per hectare at 6 m).</summary>
    public double BoreholeSpacingMeters { get; init; } = BoreholeField.DefaultSpacingMeters;

    /// <summary>Restrictions; null: the defaults (drinking water strict, nature limited ½, water 5 m, buildings 3 m). Stored resolved.</summary>
    public IReadOnlyList<GeothermalRestriction>? Restrictions { get; init; }

    /// <summary>Heat demand per resident [MWh/yr] where buildings do not cover a commune (assumed: residential space heating and hot water).</summary>
    public double HeatDemandPerResidentMwhPerYear { get; init; } = 7.0;

    /// <summary>Specific heat demand of residential floor area [kWh/m²/yr] (assumed, a mixed-age stock).</summary>
    public double ResidentialDemandKwhPerSquareMeter { get; init; } = 120;

    /// <summary>Specific heat demand of non-residential floor area [kWh/m²/yr] (assumed).</summary>
    public double NonResidentialDemandKwhPerSquareMeter { get; init; } = 100;

    /// <summary>Floors of a building without a building:levels or height tag.</summary>
    public double DefaultFloors { get; init; } = 3;

    /// <summary>Storey height [m] to turn a height tag into floors.</summary>
    public double StoreyHeightMeters { get; init; } = 3;

    /// <summary>District heating (Hotmaps): hectares with at least this heat demand [MWh/ha/yr] are dense.</summary>
    public double DensityThresholdMwhPerHectare { get; init; } = CriticalMass.DefaultDensityThresholdMwhPerHectare;

    /// <summary>District heating (Hotmaps): connected dense areas with at least this demand [GWh/yr] are candidates.</summary>
    public double AreaThresholdGwhPerYear { get; init; } = CriticalMass.DefaultAreaThresholdGwhPerYear;

    /// <summary>Waste heat: a source serves the nearest candidate area within this distance [m].</summary>
    public double WasteHeatMaxDistanceMeters { get; init; } = 2000;

    /// <summary>Classes of the potential map (equal intervals of MWh/yr per borehole).</summary>
    public int PotentialClasses { get; init; } = 5;

    /// <summary>The restrictions applied: the given list, or the defaults.</summary>
    public IReadOnlyList<GeothermalRestriction> ResolvedRestrictions => Restrictions ?? GeothermalRestriction.Defaults;

    /// <summary>Checks every parameter; throws one <see cref="GeoInputException"/> listing every problem, else returns the
    /// parameters with the restrictions resolved.</summary>
    /// <exception cref="GeoInputException">One or more parameters are out of range.</exception>
    public new GeothermalParameters Validate()
    {
        // Tlim against T0: the constant when T0 is one; with T0 from the DEM, the model's warmest ground (at sea level, or
        // the constant where a region has no DEM) — each cell colder than Tlim then simply has no potential, and the run
        // says how many; with a T0 raster, where it is read.
        bool fromElevation = GroundTemperatureRaster is null && GroundTemperatureFromElevation;
        var problems = Problems(groundTemperatureIsConstant: GroundTemperatureRaster is null && !GroundTemperatureFromElevation);
        if (fromElevation && double.IsFinite(FluidTemperatureMinCelsius)
            && Math.Max(AssumedGroundTemperatureCelsius(0), GroundTemperatureCelsius) is var warmest && FluidTemperatureMinCelsius >= warmest)
            problems.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Minimum fluid temperature ({FluidTemperatureMinCelsius} °C) must be below the ground temperature, which from elevation is at most {warmest:F2} °C ({AssumedGroundTemperatureModel()}, at sea level)."));
        if (!(CellSizeMeters is >= 1 and <= 100) || Math.Abs(100 / CellSizeMeters - Math.Round(100 / CellSizeMeters)) > 1e-9)
            problems.Add($"CellSizeMeters must divide 100 m (1, 2, 4, 5, 10, 20, 25, 50 or 100; got {CellSizeMeters}).");
        if (!(ConductivityWattsPerMeterKelvin > 0) || !double.IsFinite(ConductivityWattsPerMeterKelvin) || ConductivityWattsPerMeterKelvin > 10)
            problems.Add($"Ground conductivity must be in (0, 10] W/m/K (got {ConductivityWattsPerMeterKelvin}).");
        if (ConductivityRaster is { Length: 0 }) problems.Add("ConductivityRaster must be a raster name when given.");
        if (GroundTemperatureRaster is { Length: 0 }) problems.Add("GroundTemperatureRaster must be a raster name when given.");
        foreach (var (v, name) in new[] { (AirTemperatureCelsius, "AirTemperatureCelsius"), (AirTemperatureElevationMeters, "AirTemperatureElevationMeters"),
            (LapseRateKelvinPerKilometer, "LapseRateKelvinPerKilometer"), (GroundAirOffsetKelvin, "GroundAirOffsetKelvin") })
            if (!double.IsFinite(v)) problems.Add($"{name} must be finite (got {v}).");
        if (!(LapseRateKelvinPerKilometer is >= 0 and <= 15)) problems.Add($"LapseRateKelvinPerKilometer must be in [0, 15] (got {LapseRateKelvinPerKilometer}).");
        if (GroundClass is not null && !Vdi4640.TryParseClass(GroundClass, out _))
            problems.Add($"Unknown VDI 4640 ground class '{GroundClass}'. Known: {string.Join(", ", Vdi4640.ClassNames)}.");
        if (OperatingHours is not (1800 or 2400)) problems.Add($"OperatingHours must be 1800 or 2400 (got {OperatingHours}).");
        if (!(BoreholeSpacingMeters > 0) || !double.IsFinite(BoreholeSpacingMeters) || BoreholeSpacingMeters > 100)
            problems.Add($"Borehole spacing must be in (0, 100] m (got {BoreholeSpacingMeters}).");
        var rules = ResolvedRestrictions;
        foreach (var rule in rules)
        {
            if (rule is null) { problems.Add("A restriction is null."); continue; }
            problems.AddRange(rule.Problems());
        }
        if (rules.Where(r => r is not null).GroupBy(r => r.Layer).FirstOrDefault(g => g.Count() > 1) is { } dup)
            problems.Add($"Layer '{dup.Key}' has more than one restriction.");
        foreach (var (v, name) in new[] { (HeatDemandPerResidentMwhPerYear, "HeatDemandPerResidentMwhPerYear"),
            (ResidentialDemandKwhPerSquareMeter, "ResidentialDemandKwhPerSquareMeter"), (NonResidentialDemandKwhPerSquareMeter, "NonResidentialDemandKwhPerSquareMeter"),
            (DensityThresholdMwhPerHectare, "DensityThresholdMwhPerHectare"), (AreaThresholdGwhPerYear, "AreaThresholdGwhPerYear"),
            (WasteHeatMaxDistanceMeters, "WasteHeatMaxDistanceMeters") })
            if (!(v >= 0) || !double.IsFinite(v) || v > 1e6) problems.Add($"{name} must be in [0, 10⁶] (got {v}).");
        if (!(DefaultFloors is >= 1 and <= 200)) problems.Add($"DefaultFloors must be in [1, 200] (got {DefaultFloors}).");
        if (!(StoreyHeightMeters is >= 2 and <= 10)) problems.Add($"StoreyHeightMeters must be in [2, 10] (got {StoreyHeightMeters}).");
        if (PotentialClasses is < 1 or > 20) problems.Add($"PotentialClasses must be in [1, 20] (got {PotentialClasses}).");
        if (problems.Count > 0)
            throw new GeoInputException($"Invalid geothermal parameters: {string.Join(" ", problems)}", problems);
        return this with { Restrictions = [.. rules] };
    }

    /// <summary>The assumed T0 model in words, for labels: e.g. <c>9.5 °C air at 376 m + 1 K, −6.5 K/km</c>.</summary>
    public string AssumedGroundTemperatureModel() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{AirTemperatureCelsius} °C air at {AirTemperatureElevationMeters} m + {GroundAirOffsetKelvin} K, −{LapseRateKelvinPerKilometer} K/km");

    /// <summary>T0 [°C] at <paramref name="elevationMeters"/> from the assumed air temperature, lapse rate and offset.</summary>
    /// <param name="elevationMeters">Ground elevation [m].</param>
    public double AssumedGroundTemperatureCelsius(double elevationMeters) =>
        AirTemperatureCelsius + GroundAirOffsetKelvin - LapseRateKelvinPerKilometer / 1000 * (elevationMeters - AirTemperatureElevationMeters);
}
