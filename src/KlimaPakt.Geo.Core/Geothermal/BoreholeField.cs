using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>
/// Borehole heat exchanger fields on a square layout at a minimum spacing: a square of side s holds
/// <c>floor(s / spacing)²</c> boreholes (a 10 m cell at 6 m holds 1, a 25 m cell 16, a hectare 256). Interference
/// between the boreholes of one field is not modelled (the G.POT value of one BHE is multiplied).
/// </summary>
public static class BoreholeField
{
    /// <summary>Default minimum spacing between boreholes [m].</summary>
    public const double DefaultSpacingMeters = 6;

    /// <summary>Side of one hectare [m].</summary>
    private const double HectareSideMeters = 100;

    /// <summary>Boreholes in a square cell of side <paramref name="cellSizeMeters"/>: <c>floor(cell / spacing)²</c>.</summary>
    /// <param name="cellSizeMeters">Cell side [m].</param>
    /// <param name="spacingMeters">Minimum spacing between boreholes [m].</param>
    /// <exception cref="GeoInputException">Cell size or spacing not positive.</exception>
    public static long BoreholesPerCell(double cellSizeMeters, double spacingMeters = DefaultSpacingMeters)
    {
        if (!(spacingMeters > 0) || !double.IsFinite(spacingMeters))
            throw new GeoInputException($"Borehole spacing must be positive (got {spacingMeters} m).");
        if (!(cellSizeMeters > 0) || !double.IsFinite(cellSizeMeters))
            throw new GeoInputException($"Cell size must be positive (got {cellSizeMeters} m).");
        long perSide = (long)Math.Floor(cellSizeMeters / spacingMeters);
        return perSide * perSide;
    }

    /// <summary>Boreholes in one hectare (a 100 m square) at the spacing.</summary>
    /// <param name="spacingMeters">Minimum spacing between boreholes [m].</param>
    public static long BoreholesPerHectare(double spacingMeters = DefaultSpacingMeters) =>
        BoreholesPerCell(HectareSideMeters, spacingMeters);

    /// <summary>Extractable energy of a cell [MWh/yr]: boreholes per cell × energy of one borehole.</summary>
    /// <param name="energyPerBoreholeMwhPerYear">G.POT energy of one BHE [MWh/yr].</param>
    /// <param name="cellSizeMeters">Cell side [m].</param>
    /// <param name="spacingMeters">Minimum spacing between boreholes [m].</param>
    public static double EnergyPerCellMwhPerYear(double energyPerBoreholeMwhPerYear, double cellSizeMeters,
        double spacingMeters = DefaultSpacingMeters) =>
        BoreholesPerCell(cellSizeMeters, spacingMeters) * energyPerBoreholeMwhPerYear;

    /// <summary>Extractable energy per hectare [MWh/ha/yr]: boreholes per hectare × energy of one borehole.</summary>
    /// <param name="energyPerBoreholeMwhPerYear">G.POT energy of one BHE [MWh/yr].</param>
    /// <param name="spacingMeters">Minimum spacing between boreholes [m].</param>
    public static double EnergyPerHectareMwhPerYear(double energyPerBoreholeMwhPerYear,
        double spacingMeters = DefaultSpacingMeters) =>
        BoreholesPerHectare(spacingMeters) * energyPerBoreholeMwhPerYear;
}
