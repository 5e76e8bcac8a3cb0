using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Wind;

/// <summary>What one exclusion rule removes (the exclusions report, reV #506).</summary>
/// <param name="Order">Position of the rule in the applied list (1-based).</param>
/// <param name="Rule">The rule as applied.</param>
/// <param name="EffectiveBufferMeters">Its buffer in metres (tip-height rules resolved with the run's turbine).</param>
/// <param name="Features">Number of input features (0: the layer is empty for the region, the rule removes nothing).</param>
/// <param name="AloneSquareMeters">Area it excludes on its own.</param>
/// <param name="UniqueSquareMeters">Area only it excludes (no other rule does).</param>
/// <param name="SequentialSquareMeters">Area it adds to the rules before it, in the listed order (these sum to the excluded total).</param>
/// <param name="Area">The area it excludes alone, on the output grid (null when empty).</param>
public sealed record RuleReport(int Order, ExclusionRule Rule, double EffectiveBufferMeters, int Features, double AloneSquareMeters,
    double UniqueSquareMeters, double SequentialSquareMeters, Geometry? Area);

/// <summary>Figures of one commune.</summary>
/// <param name="CommuneId">Database id.</param>
/// <param name="AreaSquareMeters">Area of its boundary.</param>
/// <param name="GridSquareMeters">Area of its cells on the grid (the base of the eligible share).</param>
/// <param name="EligibleSquareMeters">Eligible area.</param>
/// <param name="Turbines">Turbines placed in it.</param>
/// <param name="CapacityMegawatts">Their rated power.</param>
/// <param name="NetGigawattHours">Their net annual energy, GWh/yr.</param>
public sealed record CommuneWindFigures(int CommuneId, double AreaSquareMeters, double GridSquareMeters, double EligibleSquareMeters, int Turbines,
    double CapacityMegawatts, double NetGigawattHours)
{
    /// <summary>Eligible share of the commune's cells, percent.</summary>
    public double EligiblePercent => GridSquareMeters > 0 ? 100 * EligibleSquareMeters / GridSquareMeters : 0;
}

/// <summary>One placed turbine.</summary>
/// <param name="Rank">Order of placement (1 = best score).</param>
/// <param name="Location">Centre of its cell.</param>
/// <param name="CommuneId">Commune it stands in.</param>
/// <param name="Score">Suitability score of its cell.</param>
/// <param name="ReferenceWindSpeed">Mean wind speed at the reference height, m/s.</param>
/// <param name="Yield">Hub-height wind and annual energy.</param>
public sealed record PlacedTurbine(int Rank, Point Location, int CommuneId, double Score, double ReferenceWindSpeed, TurbineYield Yield);

/// <summary>One class of the potential map.</summary>
/// <param name="Class">1 = lowest score band.</param>
/// <param name="Lower">Lower score bound (inclusive).</param>
/// <param name="Upper">Upper score bound (exclusive, inclusive for the last class).</param>
/// <param name="Geometry">Polygons of the class on the output grid.</param>
/// <param name="AreaSquareMeters">Their area.</param>
public sealed record PotentialClass(int Class, double Lower, double Upper, Geometry Geometry, double AreaSquareMeters);

/// <summary>The results of a wind run.</summary>
public sealed class WindResult
{
    /// <summary>The turbine type used.</summary>
    public required TurbineType Turbine { get; init; }

    /// <summary>Where the reference wind comes from: "raster" or "modelled".</summary>
    public required string WindSource { get; init; }

    /// <summary>Eligible cells (1) on the analysis grid.</summary>
    public required Raster<byte> Eligibility { get; init; }

    /// <summary>Suitability score on eligible cells (NaN elsewhere).</summary>
    public required Raster<float> Score { get; init; }

    /// <summary>The exclusions report, one entry per applied rule.</summary>
    public required IReadOnlyList<RuleReport> Rules { get; init; }

    /// <summary>Area of the region on the grid (cells of any commune).</summary>
    public required double RegionSquareMeters { get; init; }

    /// <summary>Area excluded by at least one rule.</summary>
    public required double ExcludedSquareMeters { get; init; }

    /// <summary>Area made eligible by forced inclusions (excluded only by optional rules, or patches below the minimum area).</summary>
    public required double ForcedSquareMeters { get; init; }

    /// <summary>Area dropped because its patch is below the minimum area.</summary>
    public required double BelowMinimumAreaSquareMeters { get; init; }

    /// <summary>Per-commune figures, in the order of the inputs.</summary>
    public required IReadOnlyList<CommuneWindFigures> Communes { get; init; }

    /// <summary>Placed turbines, by rank.</summary>
    public required IReadOnlyList<PlacedTurbine> Turbines { get; init; }

    /// <summary>Eligible areas on the output grid, one polygon each.</summary>
    public required IReadOnlyList<Polygon> EligibleAreas { get; init; }

    /// <summary>The potential map: the score polygonised into equal-interval classes.</summary>
    public required IReadOnlyList<PotentialClass> PotentialClasses { get; init; }

    /// <summary>Criteria used (after dropping those without input, weights rescaled).</summary>
    public required IReadOnlyList<SuitabilityCriterion> Criteria { get; init; }

    /// <summary>Notes for the run's log.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
