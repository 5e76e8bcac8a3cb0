using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Core.EvCoverage;

/// <summary>
/// Parameters of an EV-charger coverage run (README.md, "EV-charger coverage"), stored with the run so its results can always be explained.
/// </summary>
public sealed record EvCoverageParameters
{
    /// <summary>Service distance from a charger, in metres (500 m walking by default; 2 km is a driving radius).</summary>
    public double RadiusMeters { get; init; } = 500;

    /// <summary>Cell size of the demand (population) grid, in metres.</summary>
    public double CellSizeMeters { get; init; } = 100;

    /// <summary>Also measure coverage by network distance over the region's roads (when it has any).</summary>
    public bool NetworkDistance { get; init; }

    /// <summary>Largest distance, in metres, from a point to the road it is snapped to for network distance.</summary>
    public double NetworkSnapMeters { get; init; } = 250;

    /// <summary>Number of new charger sites to propose (maximal covering location, greedy).</summary>
    public int NewSites { get; init; } = 20;

    /// <summary>Coverage (share of the population, percent) that the smallest set of new sites must reach (LSCP, greedy).</summary>
    public double TargetCoveragePercent { get; init; } = 80;

    /// <summary>Charger records closer than this, in metres, with the same operator and ref count once.</summary>
    public double DuplicateThresholdMeters { get; init; } = 25;

    /// <summary>Charging power assumed per charging point when the data has none, in kW (Chargy AC points: 11 kW each).</summary>
    public double PowerKwPerPoint { get; init; } = 11;

    /// <summary>Battery-electric vehicles registered in the region, for kW per BEV (AFIR target 1.3 kW/BEV); null when unknown.</summary>
    public int? BevFleet { get; init; }

    /// <summary>Candidates for new sites: populated cells that are not yet covered.</summary>
    public const string CandidateRule = "uncovered populated demand cells";

    /// <summary>Throws <see cref="GeoInputException"/> listing every invalid parameter.</summary>
    public EvCoverageParameters Validate()
    {
        var errors = new List<string>();
        if (!(RadiusMeters > 0)) errors.Add($"RadiusMeters must be > 0 (got {RadiusMeters}).");
        if (!(CellSizeMeters > 0) || CellSizeMeters > RadiusMeters * 2) errors.Add($"CellSizeMeters must be > 0 and at most twice the radius (got {CellSizeMeters}).");
        if (NewSites < 0 || NewSites > 10_000) errors.Add($"NewSites must be between 0 and 10000 (got {NewSites}).");
        if (!(TargetCoveragePercent is > 0 and <= 100)) errors.Add($"TargetCoveragePercent must be in (0, 100] (got {TargetCoveragePercent}).");
        if (!(DuplicateThresholdMeters >= 0)) errors.Add($"DuplicateThresholdMeters must be ≥ 0 (got {DuplicateThresholdMeters}).");
        if (!(PowerKwPerPoint > 0)) errors.Add($"PowerKwPerPoint must be > 0 (got {PowerKwPerPoint}).");
        if (BevFleet is <= 0) errors.Add($"BevFleet must be positive when given (got {BevFleet}).");
        if (!(NetworkSnapMeters > 0)) errors.Add($"NetworkSnapMeters must be > 0 (got {NetworkSnapMeters}).");
        if (errors.Count > 0) throw new GeoInputException("Invalid EV coverage parameters.", errors);
        return this;
    }
}
