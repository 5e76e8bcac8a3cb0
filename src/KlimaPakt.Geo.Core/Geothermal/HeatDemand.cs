namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>Use of a building for its specific heat demand.</summary>
public enum BuildingUse
{
    /// <summary>Dwellings (and buildings of unknown use: <c>building=yes</c>).</summary>
    Residential,

    /// <summary>Offices, shops, schools, hospitals, industry.</summary>
    NonResidential,

    /// <summary>Not heated: garages, sheds, roofs, greenhouses, ruins.</summary>
    Unheated,
}

/// <summary>
/// Heat demand of a building from its footprint: heated floor area = footprint × floors (the <c>building:levels</c>
/// tag, else the height over the storey height, else a default), times the specific demand of its use [kWh/m²/yr].
/// Every figure that comes from here is labelled <c>buildings</c>; the defaults are assumptions stated in the
/// parameters.
/// </summary>
public static class HeatDemand
{
    private static readonly HashSet<string> s_nonResidential = new(StringComparer.OrdinalIgnoreCase)
    {
        "commercial", "office", "retail", "industrial", "warehouse", "school", "university", "college", "hospital", "public", "civic",
        "church", "chapel", "kindergarten", "hotel", "government", "sports_hall", "train_station", "supermarket", "manufacture", "fire_station",
    };

    private static readonly HashSet<string> s_unheated = new(StringComparer.OrdinalIgnoreCase)
    {
        "garage", "garages", "shed", "roof", "carport", "hut", "parking", "greenhouse", "ruins", "construction", "bunker", "service",
        "transformer_tower", "barn", "cowshed", "stable", "silo", "storage_tank", "toilets", "kiosk",
    };

    /// <summary>The use of a building class; unknown classes (including <c>yes</c>) count as residential.</summary>
    /// <param name="buildingClass">OSM <c>building</c> value.</param>
    public static BuildingUse UseOf(string? buildingClass) =>
        buildingClass is null ? BuildingUse.Residential
        : s_unheated.Contains(buildingClass) ? BuildingUse.Unheated
        : s_nonResidential.Contains(buildingClass) ? BuildingUse.NonResidential
        : BuildingUse.Residential;

    /// <summary>Floors of a building: the tagged floors, else height / storey height (at least 1), else the default.</summary>
    /// <param name="building">The building.</param>
    /// <param name="p">Parameters (default floors, storey height).</param>
    public static double Floors(BuildingFootprint building, GeothermalParameters p)
    {
        ArgumentNullException.ThrowIfNull(building);
        ArgumentNullException.ThrowIfNull(p);
        if (building.Floors is > 0 and < 200) return building.Floors.Value;
        if (building.HeightMeters is > 0 and < 1000) return Math.Max(1, Math.Round(building.HeightMeters.Value / p.StoreyHeightMeters));
        return p.DefaultFloors;
    }

    /// <summary>Heat demand of one building [MWh/yr]: footprint area × floors × specific demand of its use / 1000.</summary>
    /// <param name="building">The building (footprint in a metric CRS).</param>
    /// <param name="p">Parameters (specific demands, floors).</param>
    public static double BuildingMwhPerYear(BuildingFootprint building, GeothermalParameters p)
    {
        ArgumentNullException.ThrowIfNull(building);
        ArgumentNullException.ThrowIfNull(p);
        double specific = UseOf(building.Use) switch
        {
            BuildingUse.Residential => p.ResidentialDemandKwhPerSquareMeter,
            BuildingUse.NonResidential => p.NonResidentialDemandKwhPerSquareMeter,
            _ => 0,
        };
        return building.Footprint.Area * Floors(building, p) * specific / 1000;
    }
}
