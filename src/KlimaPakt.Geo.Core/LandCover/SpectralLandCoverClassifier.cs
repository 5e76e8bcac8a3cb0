using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.LandCover;

/// <summary>Classes of <see cref="SpectralLandCoverClassifier"/>; the value is the class code in its raster.</summary>
public enum SpectralLandCoverClass
{
    /// <summary>No data (a band is NaN or outside the image).</summary>
    None = 0,

    /// <summary>Open water: NDWI above its threshold.</summary>
    Water = 1,

    /// <summary>Forest: dense vegetation that is dark in the green band.</summary>
    Forest = 2,

    /// <summary>Other vegetation: grassland, crops, orchards, vineyards, parks.</summary>
    GrasslandCropland = 3,

    /// <summary>Built-up: not vegetated, flat visible spectrum.</summary>
    BuiltUp = 4,

    /// <summary>Not vegetated and not built-up: bare soil, harvested fields, quarries.</summary>
    Other = 5,
}

/// <summary>One connected area of one class (4-connected cells, GDAL polygonize semantics).</summary>
/// <param name="Class">Land-cover class.</param>
/// <param name="Polygon">Area in the raster's CRS, on the cell edges.</param>
public sealed record LandCoverArea(SpectralLandCoverClass Class, Polygon Polygon);

/// <summary>
/// A documented, deliberately simple land-cover classification of a four-band multispectral image (blue, green, red,
/// near-infrared: Sentinel-2 B02, B03, B04, B08), cell by cell, in this order of rules:
/// water when NDWI &gt; <see cref="SpectralThresholds.WaterNdwiMin"/>; forest when NDVI ≥
/// <see cref="SpectralThresholds.ForestNdviMin"/> and green ≤ <see cref="SpectralThresholds.ForestGreenMax"/>;
/// grassland/cropland when NDVI ≥ <see cref="SpectralThresholds.VegetationNdviMin"/>; built-up when the visible redness
/// (red − green)/(red + green) &lt; <see cref="SpectralThresholds.BuiltUpRednessMax"/>; otherwise other.
/// The thresholds and their sources are on <see cref="SpectralThresholds"/>. At the bundled 30″ resolution it is a
/// coarse indication of where forest and settlements are, not a land-cover map of survey quality.
/// </summary>
public static class SpectralLandCoverClassifier
{
    /// <summary>The name a class is stored under in the <c>land_cover</c> layer.</summary>
    /// <param name="value">Class.</param>
    public static string ClassName(SpectralLandCoverClass value) => value switch
    {
        SpectralLandCoverClass.Water => "water",
        SpectralLandCoverClass.Forest => "forest",
        SpectralLandCoverClass.GrasslandCropland => "grassland_cropland",
        SpectralLandCoverClass.BuiltUp => "built_up",
        SpectralLandCoverClass.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "No data has no class name."),
    };

    /// <summary>Classifies one cell from its digital numbers; NaN in any band gives <see cref="SpectralLandCoverClass.None"/>.</summary>
    /// <param name="blue">Blue (B02) DN.</param>
    /// <param name="green">Green (B03) DN.</param>
    /// <param name="red">Red (B04) DN.</param>
    /// <param name="nir">Near-infrared (B08) DN.</param>
    /// <param name="t">Thresholds and DN scaling.</param>
    public static SpectralLandCoverClass ClassifyCell(double blue, double green, double red, double nir, SpectralThresholds t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (double.IsNaN(blue) || double.IsNaN(green) || double.IsNaN(red) || double.IsNaN(nir)) return SpectralLandCoverClass.None;
        // Blue enters only the NoData test: the four rules need green, red and NIR.
        double g = t.Reflectance(green), r = t.Reflectance(red), n = t.Reflectance(nir);
        if (NormalisedDifference(g, n) > t.WaterNdwiMin) return SpectralLandCoverClass.Water;
        var ndvi = NormalisedDifference(n, r);
        if (ndvi >= t.ForestNdviMin && g <= t.ForestGreenMax) return SpectralLandCoverClass.Forest;
        if (ndvi >= t.VegetationNdviMin) return SpectralLandCoverClass.GrasslandCropland;
        return NormalisedDifference(r, g) < t.BuiltUpRednessMax ? SpectralLandCoverClass.BuiltUp : SpectralLandCoverClass.Other;
    }

    /// <summary>(a − b) / (a + b), or 0 when the sum is 0 (both dark: no evidence either way).</summary>
    /// <param name="a">First reflectance.</param>
    /// <param name="b">Second reflectance.</param>
    public static double NormalisedDifference(double a, double b) => a + b == 0 ? 0 : (a - b) / (a + b);

    /// <summary>Classifies every cell of four co-registered bands (row-major, same length).</summary>
    /// <param name="blue">Blue (B02) DNs.</param>
    /// <param name="green">Green (B03) DNs.</param>
    /// <param name="red">Red (B04) DNs.</param>
    /// <param name="nir">Near-infrared (B08) DNs.</param>
    /// <param name="thresholds">Thresholds; <see cref="SpectralThresholds.Sentinel2L2A"/> when null.</param>
    /// <returns>Class codes (<see cref="SpectralLandCoverClass"/> values) per cell.</returns>
    public static int[] Classify(ReadOnlySpan<float> blue, ReadOnlySpan<float> green, ReadOnlySpan<float> red, ReadOnlySpan<float> nir,
        SpectralThresholds? thresholds = null)
    {
        var t = thresholds ?? SpectralThresholds.Sentinel2L2A;
        t.Validate();
        if (green.Length != blue.Length || red.Length != blue.Length || nir.Length != blue.Length)
            throw new ArgumentException($"The four bands differ in length ({blue.Length}, {green.Length}, {red.Length}, {nir.Length}).");
        var classes = new int[blue.Length];
        for (var i = 0; i < classes.Length; i++) classes[i] = (int)ClassifyCell(blue[i], green[i], red[i], nir[i], t);
        return classes;
    }

    /// <summary>
    /// Classifies and polygonises (<see cref="RasterPolygonizer"/>): one area per 4-connected patch of a class, in the
    /// grid's CRS, ordered by class and then as the polygoniser returns them.
    /// </summary>
    /// <param name="grid">Grid of the bands.</param>
    /// <param name="blue">Blue (B02) DNs.</param>
    /// <param name="green">Green (B03) DNs.</param>
    /// <param name="red">Red (B04) DNs.</param>
    /// <param name="nir">Near-infrared (B08) DNs.</param>
    /// <param name="thresholds">Thresholds; <see cref="SpectralThresholds.Sentinel2L2A"/> when null.</param>
    public static IReadOnlyList<LandCoverArea> Areas(GridSpec grid, ReadOnlySpan<float> blue, ReadOnlySpan<float> green, ReadOnlySpan<float> red,
        ReadOnlySpan<float> nir, SpectralThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (blue.Length != grid.CellCount) throw new ArgumentException($"The bands have {blue.Length} cells, the grid {grid.CellCount}.");
        var classes = Classify(blue, green, red, nir, thresholds);
        var areas = new List<LandCoverArea>();
        foreach (var polygons in RasterPolygonizer.Polygonize(grid, classes, background: (int)SpectralLandCoverClass.None))
            for (var k = 0; k < polygons.Geometry.NumGeometries; k++)
                areas.Add(new LandCoverArea((SpectralLandCoverClass)polygons.Value, (Polygon)polygons.Geometry.GetGeometryN(k)));
        return areas;
    }
}
