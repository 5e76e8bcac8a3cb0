using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>One candidate district-heating area.</summary>
/// <param name="Label">Area number in the result's label grid (1..N, raster order of the first cell).</param>
/// <param name="Cells">Cells in the area.</param>
/// <param name="AreaHectares">Area [ha].</param>
/// <param name="DemandMwhPerYear">Total heat demand of the area [MWh/yr].</param>
public sealed record DistrictHeatingArea(int Label, long Cells, double AreaHectares, double DemandMwhPerYear);

/// <summary>Critical-mass result: the label grid (0 outside the kept areas) and the areas.</summary>
/// <param name="Labels">Row-major labels, width × height; 0 = not in a kept area.</param>
/// <param name="Areas">Kept areas, in label order.</param>
public sealed record CriticalMassResult(int[] Labels, IReadOnlyList<DistrictHeatingArea> Areas);

/// <summary>
/// Hotmaps' district-heating potential ("critical mass"): cells whose heat density is at least a threshold
/// [MWh/ha/yr] are grouped into 8-connected areas; areas whose total demand reaches an area threshold [GWh/yr] are kept.
/// </summary>
public static class CriticalMass
{
    /// <summary>Default heat-density threshold [MWh/ha/yr].</summary>
    public const double DefaultDensityThresholdMwhPerHectare = 10;

    /// <summary>Default area threshold [GWh/yr] (the Hotmaps district-heating-potential module's default).</summary>
    public const double DefaultAreaThresholdGwhPerYear = 30;

    /// <summary>Finds the candidate district-heating areas on a demand-density grid.</summary>
    /// <param name="densityMwhPerHectare">Row-major heat density per cell [MWh/ha/yr]; NaN = no data (not dense).</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="cellSizeMeters">Cell side [m] (a cell's demand is density × cell area in ha).</param>
    /// <param name="densityThresholdMwhPerHectare">Cells with density ≥ this are dense [MWh/ha/yr].</param>
    /// <param name="areaThresholdGwhPerYear">Areas with total demand ≥ this are kept [GWh/yr].</param>
    /// <exception cref="GeoInputException">A threshold is negative or the cell size is not positive.</exception>
    /// <exception cref="ArgumentException">The grid is shorter than width × height.</exception>
    public static CriticalMassResult Find(ReadOnlySpan<float> densityMwhPerHectare, int width, int height,
        double cellSizeMeters, double densityThresholdMwhPerHectare = DefaultDensityThresholdMwhPerHectare,
        double areaThresholdGwhPerYear = DefaultAreaThresholdGwhPerYear)
    {
        if (!(cellSizeMeters > 0)) throw new GeoInputException($"Cell size must be positive (got {cellSizeMeters} m).");
        if (!(densityThresholdMwhPerHectare >= 0))
            throw new GeoInputException($"Heat-density threshold must be ≥ 0 MWh/ha (got {densityThresholdMwhPerHectare}).");
        if (!(areaThresholdGwhPerYear >= 0))
            throw new GeoInputException($"Area threshold must be ≥ 0 GWh/yr (got {areaThresholdGwhPerYear}).");
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        long cells = (long)width * height;
        if (densityMwhPerHectare.Length < cells) throw new ArgumentException($"The density grid needs {cells} cells.", nameof(densityMwhPerHectare));

        var dense = new int[cells];
        for (long i = 0; i < cells; i++)
            dense[i] = densityMwhPerHectare[(int)i] >= densityThresholdMwhPerHectare ? 1 : 0; // NaN compares false
        var labels = new int[cells];
        int count = RasterKernels.ConnectedComponents(dense, width, height, Connectivity.Eight, 1, labels);

        double cellHa = cellSizeMeters * cellSizeMeters / 10_000;
        var demand = new double[count + 1];
        var size = new long[count + 1];
        for (long i = 0; i < cells; i++)
        {
            int l = labels[i];
            if (l == 0) continue;
            demand[l] += densityMwhPerHectare[(int)i] * cellHa;
            size[l]++;
        }

        // Renumber the kept areas 1..K in the components' (raster) order, so labels stay dense and deterministic.
        var map = new int[count + 1];
        var areas = new List<DistrictHeatingArea>();
        double thresholdMwh = areaThresholdGwhPerYear * 1000;
        for (int l = 1; l <= count; l++)
        {
            if (demand[l] < thresholdMwh) continue;
            map[l] = areas.Count + 1;
            areas.Add(new DistrictHeatingArea(map[l], size[l], size[l] * cellHa, demand[l]));
        }
        for (long i = 0; i < cells; i++) labels[i] = map[labels[i]];
        return new CriticalMassResult(labels, areas);
    }
}
