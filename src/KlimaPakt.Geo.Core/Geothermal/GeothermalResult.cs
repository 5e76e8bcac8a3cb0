using KlimaPakt.Geo.Core.EvCoverage;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>A commune with its residents (the statistics office's total).</summary>
/// <param name="CommuneId">Database id.</param>
/// <param name="Code">Commune code (named in the district-heating areas).</param>
/// <param name="Boundary">Boundary in the grid's CRS.</param>
/// <param name="Population">Residents.</param>
public sealed record GeothermalCommune(int CommuneId, string Code, Geometry Boundary, double Population);

/// <summary>A building footprint with what its tags say about its use and size.</summary>
/// <param name="Footprint">Footprint in the grid's CRS.</param>
/// <param name="Use">Building class (OSM <c>building</c> value: house, apartments, commercial, …; <c>yes</c> when unknown).</param>
/// <param name="Floors">Floors above ground (<c>building:levels</c>), when tagged.</param>
/// <param name="HeightMeters">Height (<c>height</c>), when tagged.</param>
public sealed record BuildingFootprint(Geometry Footprint, string? Use, double? Floors, double? HeightMeters);

/// <summary>A waste-heat source.</summary>
/// <param name="Id">Database id (stable order).</param>
/// <param name="Name">Name, when known.</param>
/// <param name="Kind">Class (incinerator, data_centre, wastewater_plant, industry, …).</param>
/// <param name="Location">Point in the grid's CRS.</param>
/// <param name="HeatMwhPerYear">Recoverable heat [MWh/yr].</param>
public sealed record HeatSource(long Id, string? Name, string? Kind, Point Location, double HeatMwhPerYear);

/// <summary>Everything a geothermal run reads, on one grid.</summary>
public sealed record GeothermalInputs
{
    /// <summary>Supply grid; its origin lies on the 100 m hectare grid and its width and height are whole hectares.</summary>
    public required GridSpec Grid { get; init; }

    /// <summary>Communes with their residents.</summary>
    public required IReadOnlyList<GeothermalCommune> Communes { get; init; }

    /// <summary>Restriction features per <see cref="GeothermalLayers"/> name.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<Geometry>> RestrictionLayers { get; init; }

    /// <summary>Building footprints (heat demand where they cover a commune).</summary>
    public IReadOnlyList<BuildingFootprint> Buildings { get; init; } = [];

    /// <summary>Places (settlement points) for the population distribution where buildings do not cover a commune.</summary>
    public IReadOnlyList<Dwelling> Places { get; init; } = [];

    /// <summary>Census population grid cells.</summary>
    public IReadOnlyList<CensusCell> Census { get; init; } = [];

    /// <summary>Ground conductivity per supply cell [W/m/K], or null (assumed constant or VDI 4640 class).</summary>
    public float[]? Conductivity { get; init; }

    /// <summary>Undisturbed ground temperature per supply cell [°C], or null (from elevation or the constant).</summary>
    public float[]? GroundTemperature { get; init; }

    /// <summary>Elevation per supply cell [m], or null.</summary>
    public float[]? ElevationMeters { get; init; }

    /// <summary>Names of the rasters read (for the labels), by role: conductivity, ground_temperature, dem.</summary>
    public IReadOnlyDictionary<string, string> RasterNames { get; init; } = new Dictionary<string, string>();

    /// <summary>Waste-heat sources.</summary>
    public IReadOnlyList<HeatSource> HeatSources { get; init; } = [];
}

/// <summary>Per-commune figures of the geothermal cadastre.</summary>
/// <param name="CommuneId">Database id.</param>
/// <param name="GridSquareMeters">Commune area on the supply grid [m²].</param>
/// <param name="RestrictedSquareMeters">Area where no borehole is allowed (a strict rule) [m²].</param>
/// <param name="LimitedSquareMeters">Area where boreholes are limited (a limited rule only) [m²].</param>
/// <param name="SupplyMwhPerYear">Extractable heat of the borehole fields after restrictions [MWh/yr].</param>
/// <param name="DemandMwhPerYear">Heat demand [MWh/yr].</param>
/// <param name="Residents">Residents (the statistics office's total, placed on the hectare grid).</param>
/// <param name="DistrictHeatingDemandMwhPerYear">Heat demand inside candidate district-heating areas [MWh/yr].</param>
/// <param name="DemandMethod">How the demand was computed: <c>buildings</c> or <c>population</c> (and how residents were placed).</param>
public sealed record CommuneGeothermal(int CommuneId, double GridSquareMeters, double RestrictedSquareMeters, double LimitedSquareMeters,
    double SupplyMwhPerYear, double DemandMwhPerYear, double Residents, double DistrictHeatingDemandMwhPerYear, string DemandMethod)
{
    /// <summary>Supply over demand [%]; null without demand.</summary>
    public double? CoveragePercent => DemandMwhPerYear > 0 ? 100 * SupplyMwhPerYear / DemandMwhPerYear : null;

    /// <summary>Restricted share of the commune's grid area [%].</summary>
    public double RestrictedPercent => GridSquareMeters > 0 ? 100 * RestrictedSquareMeters / GridSquareMeters : 0;
}

/// <summary>What one restriction rule removed or limited, alone and in combination, with its map polygon.</summary>
/// <param name="Order">Order applied (1-based).</param>
/// <param name="Rule">The rule.</param>
/// <param name="Features">Input features (0: nothing to restrict in the data).</param>
/// <param name="AloneSquareMeters">Area the rule hits on its own [m²].</param>
/// <param name="UniqueSquareMeters">Area only this rule hits [m²].</param>
/// <param name="SequentialSquareMeters">Area it adds to the rules before it [m²].</param>
/// <param name="Area">Hectares where at least half the region cells are hit, or null.</param>
public sealed record RestrictionReport(int Order, GeothermalRestriction Rule, int Features, double AloneSquareMeters, double UniqueSquareMeters,
    double SequentialSquareMeters, Geometry? Area);

/// <summary>One class of a classed map (potential per borehole, or heat-demand density).</summary>
/// <param name="Class">Class, 1 = lowest.</param>
/// <param name="Lower">Lower bound (MWh/yr per borehole, or MWh/ha/yr).</param>
/// <param name="Upper">Upper bound (null: open).</param>
/// <param name="Geometry">Hectares in the class.</param>
/// <param name="AreaSquareMeters">Area [m²].</param>
/// <param name="TotalMwhPerYear">Sum over the class's hectares (supply or demand) [MWh/yr].</param>
public sealed record ValueClass(int Class, double Lower, double? Upper, Geometry Geometry, double AreaSquareMeters, double TotalMwhPerYear);

/// <summary>A candidate district-heating area (Hotmaps' critical mass).</summary>
/// <param name="Id">Area number (1..N, raster order).</param>
/// <param name="Geometry">The area's hectares.</param>
/// <param name="AreaHectares">Area [ha].</param>
/// <param name="DemandMwhPerYear">Heat demand [MWh/yr].</param>
/// <param name="Residents">Residents.</param>
/// <param name="SupplyMwhPerYear">Shallow geothermal supply inside the area [MWh/yr].</param>
/// <param name="CommuneCodes">Communes the area touches (more than one: the intercommunal case).</param>
/// <param name="WasteHeatMwhPerYear">Waste heat of the sources matched to the area [MWh/yr].</param>
public sealed record HeatingArea(int Id, Geometry Geometry, double AreaHectares, double DemandMwhPerYear, double Residents, double SupplyMwhPerYear,
    IReadOnlyList<string> CommuneCodes, double WasteHeatMwhPerYear);

/// <summary>A waste-heat source and the candidate area it can serve.</summary>
/// <param name="Source">The source.</param>
/// <param name="AreaId">Matched area, or null when none lies within the distance.</param>
/// <param name="DistanceMeters">Distance to the matched area's edge (0 inside) [m], or to the nearest area when none matched; null without areas.</param>
/// <param name="CoveredPercent">Source heat over the area's demand [%] (may exceed 100), or null when unmatched.</param>
public sealed record WasteHeatMatch(HeatSource Source, int? AreaId, double? DistanceMeters, double? CoveredPercent);

/// <summary>The geothermal cadastre's results.</summary>
public sealed record GeothermalResult
{
    /// <summary><c>assumed</c> when any ground input is assumed (constant λ, a VDI class, T0 from elevation or a constant); <c>measured</c> when λ and T0 are rasters.</summary>
    public required string GroundSource { get; init; }

    /// <summary>Each ground input and where it came from, one line.</summary>
    public required string GroundInputs { get; init; }

    /// <summary>Energy of one borehole [MWh/yr] per supply cell (NaN outside the region).</summary>
    public required Raster<float> EnergyPerBorehole { get; init; }

    /// <summary>Share of the potential the restrictions leave per supply cell (1 free, 0 excluded; NaN outside the region).</summary>
    public required Raster<float> RestrictionFactor { get; init; }

    /// <summary>Heat demand per hectare [MWh/yr].</summary>
    public required Raster<float> DemandPerHectare { get; init; }

    /// <summary>Extractable supply per hectare [MWh/yr].</summary>
    public required Raster<float> SupplyPerHectare { get; init; }

    /// <summary>Per-commune figures, in the communes' order.</summary>
    public required IReadOnlyList<CommuneGeothermal> Communes { get; init; }

    /// <summary>The restrictions report, in the order applied.</summary>
    public required IReadOnlyList<RestrictionReport> Restrictions { get; init; }

    /// <summary>Potential map: classes of the mean energy per borehole of each hectare's unrestricted cells.</summary>
    public required IReadOnlyList<ValueClass> PotentialClasses { get; init; }

    /// <summary>Heat-demand density classes (MWh/ha/yr).</summary>
    public required IReadOnlyList<ValueClass> DemandClasses { get; init; }

    /// <summary>Candidate district-heating areas.</summary>
    public required IReadOnlyList<HeatingArea> HeatingAreas { get; init; }

    /// <summary>Waste-heat sources with their match.</summary>
    public required IReadOnlyList<WasteHeatMatch> WasteHeat { get; init; }

    /// <summary>Boreholes per hectare at the spacing.</summary>
    public required long BoreholesPerHectare { get; init; }

    /// <summary>Notes for the run log.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
