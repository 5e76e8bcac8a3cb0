using KlimaPakt.Geo.Core.Errors;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Wind;

/// <summary>
/// One weighted criterion of the suitability score: an input surface turned into a 0–1 membership by a fuzzy
/// function. Inputs: <c>wind</c> (mean speed at hub height, m/s), <c>slope</c> (degrees), <c>roads</c> (distance to
/// any road, m), <c>grid</c> (distance to power lines and substations, m).
/// </summary>
public sealed record SuitabilityCriterion
{
    /// <summary>Input: wind, slope, roads or grid.</summary>
    public string Name { get; init; } = "";

    /// <summary>Weight in the weighted linear combination (weights sum to 1).</summary>
    public double Weight { get; init; }

    /// <summary>Fuzzy function: <c>linear</c> (ramp from ZeroAt to OneAt, decreasing when ZeroAt &gt; OneAt) or <c>sigmoid</c>.</summary>
    public string Function { get; init; } = "linear";

    /// <summary>Linear: input value with membership 0.</summary>
    public double ZeroAt { get; init; }

    /// <summary>Linear: input value with membership 1.</summary>
    public double OneAt { get; init; }

    /// <summary>Sigmoid: input value with membership 0.5.</summary>
    public double Midpoint { get; init; }

    /// <summary>Sigmoid: steepness per input unit (negative = decreasing).</summary>
    public double Steepness { get; init; }

    /// <summary>Known criterion inputs.</summary>
    public static IReadOnlyList<string> Inputs { get; } = ["wind", "slope", "roads", "grid"];

    /// <summary>Defaults: wind 0.5 (4.5 → 7.5 m/s), grid 0.25 (20 km → 2 km), roads 0.15 (10 km → 1 km), slope 0.1 (15° → 0°).</summary>
    public static IReadOnlyList<SuitabilityCriterion> Defaults { get; } =
    [
        new() { Name = "wind", Weight = 0.5, ZeroAt = 4.5, OneAt = 7.5 },
        new() { Name = "grid", Weight = 0.25, ZeroAt = 20_000, OneAt = 2_000 },
        new() { Name = "roads", Weight = 0.15, ZeroAt = 10_000, OneAt = 1_000 },
        new() { Name = "slope", Weight = 0.1, ZeroAt = 15, OneAt = 0 },
    ];
}

/// <summary>
/// Parameters of a wind potential run (README.md, "Wind potential cadastre"), stored with the run in full — preset resolved into its rules — so
/// a result can always say which exclusions, weights and turbine produced it.
/// </summary>
public sealed record WindParameters
{
    /// <summary>Exclusion preset: holtinger-max, holtinger-medium, holtinger-min, luxembourg-legal-minimum or none.</summary>
    public string Preset { get; init; } = ExclusionPresets.HoltingerMedium;

    /// <summary>Rules that replace the preset's rule for the same layer or add to them. Stored resolved: the rules applied.</summary>
    public IReadOnlyList<ExclusionRule>? Rules { get; init; }

    /// <summary>Forced inclusions: polygons (WKT, region CRS) that stay eligible against optional (non-strict) rules and the minimum-area filter.</summary>
    public IReadOnlyList<string>? ForcedInclusions { get; init; }

    /// <summary>Cell size of the analysis grid, in metres.</summary>
    public double CellSizeMeters { get; init; } = 10;

    /// <summary>Cell size of the published polygons (eligible areas, potential map, exclusions), in metres: a multiple of the cell size.</summary>
    public double OutputCellSizeMeters { get; init; } = 50;

    /// <summary>Eligible patches smaller than this (8-connected) are dropped, in hectares.</summary>
    public double MinimumAreaHectares { get; init; } = 5;

    /// <summary>Turbine type: nrel-5mw (published reference curve), generic (curve from specific power) or custom.</summary>
    public string Turbine { get; init; } = TurbineCatalogue.GenericName;

    /// <summary>Hub height in metres (generic/custom; overrides the catalogue's for named types). Default generic: 159 m.</summary>
    public double? HubHeightMeters { get; init; }

    /// <summary>Rotor diameter in metres (generic/custom). Default generic: 141 m.</summary>
    public double? RotorDiameterMeters { get; init; }

    /// <summary>Rated power in kW (generic/custom). Default generic: 4200 kW.</summary>
    public double? RatedPowerKw { get; init; }

    /// <summary>Custom power curve as [speed m/s, power kW] pairs (turbine = custom).</summary>
    public IReadOnlyList<double[]>? PowerCurve { get; init; }

    /// <summary>Wind-speed raster: a registered raster name or a GeoTIFF path (mean speed at <see cref="ReferenceHeightMeters"/>, m/s). Null: the modelled field.</summary>
    public string? WindRaster { get; init; }

    /// <summary>Height of the reference wind speed, in metres above ground.</summary>
    public double ReferenceHeightMeters { get; init; } = 100;

    /// <summary>Modelled field: the assumed mean speed at the reference height at the region's mean elevation, m/s (an assumption, not a measurement).</summary>
    public double ModelledMeanSpeedMetersPerSecond { get; init; } = 6.0;

    /// <summary>Modelled field: speed change per 100 m of elevation above the region's mean, m/s.</summary>
    public double ModelledSpeedPer100MetersElevation { get; init; } = 0.5;

    /// <summary>Vertical extrapolation: power (Hellman) or log.</summary>
    public HeightLaw HeightLaw { get; init; } = HeightLaw.Power;

    /// <summary>Hellman exponent α (power law).</summary>
    public double ShearExponent { get; init; } = 1.0 / 7;

    /// <summary>Roughness length z0 in metres (log law).</summary>
    public double RoughnessLengthMeters { get; init; } = 0.1;

    /// <summary>Weibull shape k (≈ 2 when unknown).</summary>
    public double WeibullK { get; init; } = 2;

    /// <summary>Flat wake and availability loss, 0–1 (0.11 = farm efficiency 0.89, PyPSA-Eur #153).</summary>
    public double LossFraction { get; init; } = 0.11;

    /// <summary>Minimum spacing along the main wind direction, in rotor diameters (ellipse semi-axis).</summary>
    public double SpacingAlongRotorDiameters { get; init; } = 8;

    /// <summary>Minimum spacing across the main wind direction, in rotor diameters (ellipse semi-axis).</summary>
    public double SpacingAcrossRotorDiameters { get; init; } = 4;

    /// <summary>Main wind direction in degrees clockwise from north (the ellipse's long axis); 240° = south-westerly.</summary>
    public double MainWindDirectionDegrees { get; init; } = 240;

    /// <summary>New turbines keep the spacing ellipse from existing turbines too.</summary>
    public bool SpaceFromExistingTurbines { get; init; } = true;

    /// <summary>Largest number of turbines to place (null = as many as fit).</summary>
    public int? MaxTurbines { get; init; }

    /// <summary>Suitability criteria (weights sum to 1). Stored resolved.</summary>
    public IReadOnlyList<SuitabilityCriterion>? Criteria { get; init; }

    /// <summary>Number of equal-interval classes of the potential map on the score range [0, 1].</summary>
    public int ScoreClasses { get; init; } = 5;

    /// <summary>Defaults of the generic turbine (Enercon E-141-class dimensions used by WindNODE_ABW; the curve is the generic one, not Enercon's).</summary>
    public const double GenericHubHeightMeters = 159, GenericRotorDiameterMeters = 141, GenericRatedPowerKw = 4200;

    /// <summary>The turbine type these parameters describe.</summary>
    public TurbineType ResolveTurbine()
    {
        switch (Turbine)
        {
            case TurbineCatalogue.Nrel5Mw:
                var t = TurbineCatalogue.Nrel5MwReference;
                return HubHeightMeters is { } hub ? t with { HubHeightMeters = hub } : t;
            case TurbineCatalogue.GenericName:
                return TurbineCatalogue.Generic(HubHeightMeters ?? GenericHubHeightMeters, RotorDiameterMeters ?? GenericRotorDiameterMeters, RatedPowerKw ?? GenericRatedPowerKw);
            case TurbineCatalogue.CustomName:
                return new TurbineType(TurbineCatalogue.CustomName, HubHeightMeters ?? 0, RotorDiameterMeters ?? 0, RatedPowerKw ?? 0,
                    [.. (PowerCurve ?? []).Select(p => p.Length == 2 ? new PowerCurvePoint(p[0], p[1]) : new PowerCurvePoint(double.NaN, double.NaN))],
                    "custom power curve given with the run");
            default:
                throw new GeoInputException($"Unknown turbine '{Turbine}'. Known: {TurbineCatalogue.Nrel5Mw}, {TurbineCatalogue.GenericName}, {TurbineCatalogue.CustomName}.");
        }
    }

    /// <summary>The forced-inclusion polygons, parsed (SRID set by the caller).</summary>
    public IReadOnlyList<Geometry> ForcedInclusionGeometries(int srid)
    {
        var reader = new WKTReader(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), srid));
        return [.. (ForcedInclusions ?? []).Select(w => reader.Read(w))];
    }

    /// <summary>
    /// Resolves the preset into explicit rules and the default criteria, and throws <see cref="GeoInputException"/>
    /// listing every invalid parameter (negative buffers, unknown preset or layer, weights not summing to 1 …).
    /// </summary>
    public WindParameters Validate()
    {
        var errors = new List<string>();
        var rules = new List<ExclusionRule>();
        if (ExclusionPresets.Rules(Preset) is { } preset) rules.AddRange(preset);
        else errors.Add($"Unknown preset '{Preset}'. Known: {string.Join(", ", ExclusionPresets.Names)}.");
        foreach (var rule in Rules ?? [])
        {
            if (rule is null) { errors.Add("A rule is null."); continue; }
            errors.AddRange(rule.Problems());
            int at = rules.FindIndex(r => r.Layer == rule.Layer);
            if (at >= 0) rules[at] = rule; else rules.Add(rule);
        }
        if ((Rules ?? []).Where(r => r is not null).GroupBy(r => r.Layer).FirstOrDefault(g => g.Count() > 1) is { } dup)
            errors.Add($"Layer '{dup.Key}' has more than one rule.");
        if (!(CellSizeMeters is >= 1 and <= 1000)) errors.Add($"CellSizeMeters must be in [1, 1000] (got {CellSizeMeters}).");
        if (!(OutputCellSizeMeters >= CellSizeMeters) || Math.Abs(OutputCellSizeMeters / CellSizeMeters - Math.Round(OutputCellSizeMeters / CellSizeMeters)) > 1e-9)
            errors.Add($"OutputCellSizeMeters must be a whole multiple of CellSizeMeters (got {OutputCellSizeMeters}).");
        if (!(MinimumAreaHectares >= 0)) errors.Add($"MinimumAreaHectares must be ≥ 0 (got {MinimumAreaHectares}).");
        try
        {
            foreach (var g in ForcedInclusionGeometries(0))
                if (g is not (Polygon or MultiPolygon) || !g.IsValid) errors.Add($"Forced inclusion '{g.AsText()[..Math.Min(60, g.AsText().Length)]}' is not a valid polygon.");
        }
        catch (ParseException e) { errors.Add($"A forced inclusion is not WKT: {e.Message}"); }
        TurbineType? turbine = null;
        try { turbine = ResolveTurbine(); errors.AddRange(turbine.Problems()); }
        catch (GeoInputException e) { errors.Add(e.Message); }
        if (WindRaster is { Length: 0 }) errors.Add("WindRaster must be a raster name or a path when given.");
        if (!(ReferenceHeightMeters is > 1 and <= 300)) errors.Add($"ReferenceHeightMeters must be in (1, 300] (got {ReferenceHeightMeters}).");
        if (!(ModelledMeanSpeedMetersPerSecond is > 0 and < 30)) errors.Add($"ModelledMeanSpeedMetersPerSecond must be in (0, 30) (got {ModelledMeanSpeedMetersPerSecond}).");
        if (!double.IsFinite(ModelledSpeedPer100MetersElevation) || Math.Abs(ModelledSpeedPer100MetersElevation) > 5) errors.Add($"ModelledSpeedPer100MetersElevation must be within ±5 (got {ModelledSpeedPer100MetersElevation}).");
        if (!Enum.IsDefined(HeightLaw)) errors.Add($"HeightLaw must be power or log (got {HeightLaw}).");
        if (!(ShearExponent is > 0 and < 1)) errors.Add($"ShearExponent must be in (0, 1) (got {ShearExponent}).");
        if (!(RoughnessLengthMeters > 0) || RoughnessLengthMeters >= ReferenceHeightMeters) errors.Add($"RoughnessLengthMeters must be > 0 and below the reference height (got {RoughnessLengthMeters}).");
        if (!(WeibullK is >= 1 and <= 5)) errors.Add($"WeibullK must be in [1, 5] (got {WeibullK}).");
        if (!(LossFraction is >= 0 and < 1)) errors.Add($"LossFraction must be in [0, 1) (got {LossFraction}).");
        if (!(SpacingAlongRotorDiameters > 0) || !(SpacingAcrossRotorDiameters > 0) || SpacingAlongRotorDiameters > 50 || SpacingAcrossRotorDiameters > 50)
            errors.Add($"Spacing must be in (0, 50] rotor diameters (got {SpacingAlongRotorDiameters} × {SpacingAcrossRotorDiameters}).");
        if (!double.IsFinite(MainWindDirectionDegrees)) errors.Add("MainWindDirectionDegrees must be a number.");
        if (MaxTurbines is < 0) errors.Add($"MaxTurbines must be ≥ 0 (got {MaxTurbines}).");
        if (!(ScoreClasses is >= 2 and <= 20)) errors.Add($"ScoreClasses must be in [2, 20] (got {ScoreClasses}).");
        var criteria = Criteria ?? SuitabilityCriterion.Defaults;
        if (criteria.Count == 0) errors.Add("At least one suitability criterion is needed.");
        foreach (var c in criteria)
        {
            if (c is null) { errors.Add("A criterion is null."); continue; }
            if (!SuitabilityCriterion.Inputs.Contains(c.Name)) errors.Add($"Unknown criterion '{c.Name}'. Known: {string.Join(", ", SuitabilityCriterion.Inputs)}.");
            if (!(c.Weight >= 0)) errors.Add($"Criterion '{c.Name}': weight must be ≥ 0 (got {c.Weight}).");
            if (c.Function == "linear" && !(c.ZeroAt != c.OneAt && double.IsFinite(c.ZeroAt) && double.IsFinite(c.OneAt)))
                errors.Add($"Criterion '{c.Name}': linear needs two distinct finite thresholds ZeroAt and OneAt.");
            else if (c.Function == "sigmoid" && !(c.Steepness != 0 && double.IsFinite(c.Steepness) && double.IsFinite(c.Midpoint)))
                errors.Add($"Criterion '{c.Name}': sigmoid needs a finite Midpoint and a non-zero Steepness.");
            else if (c.Function is not ("linear" or "sigmoid")) errors.Add($"Criterion '{c.Name}': unknown function '{c.Function}' (linear or sigmoid).");
        }
        if (criteria.Where(c => c is not null).GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors.Add($"Criterion '{twice.Key}' is given more than once.");
        double sum = criteria.Where(c => c is not null).Sum(c => c.Weight);
        if (Math.Abs(sum - 1) > 1e-6) errors.Add($"Criterion weights must sum to 1 (got {sum:G6}).");
        if (errors.Count > 0) throw new GeoInputException("Invalid wind parameters.", errors);
        return this with { Rules = rules, Criteria = criteria };
    }
}
