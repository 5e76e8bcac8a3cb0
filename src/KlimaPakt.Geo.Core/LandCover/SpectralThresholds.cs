namespace KlimaPakt.Geo.Core.LandCover;

/// <summary>
/// The parameters of <see cref="SpectralLandCoverClassifier"/>: how digital numbers become reflectance, and the
/// thresholds of its rules, each with where it comes from. Reflectances are bottom-of-atmosphere (BOA), 0–1.
/// </summary>
/// <param name="DnOffset">
/// Added to every DN by the processor: Sentinel-2 L2A products of processing baseline 04.00 and later (from 25 January
/// 2022) carry <c>BOA_ADD_OFFSET = -1000</c>, so BOA reflectance = (DN − 1000) / 10000 (ESA, "Sentinel-2: New Processing
/// Baseline 04.00", 2021; Sentinel-2 L2A Product Specification). 0 for older baselines.
/// </param>
/// <param name="QuantificationValue">DN of reflectance 1 (<c>BOA_QUANTIFICATION_VALUE</c> = 10000 for Sentinel-2 L2A).</param>
/// <param name="WaterNdwiMin">
/// A cell is water when NDWI = (green − NIR) / (green + NIR) is above this: 0, McFeeters (1996), "The use of the
/// Normalized Difference Water Index (NDWI) in the delineation of open water features", Int. J. Remote Sensing 17(7).
/// </param>
/// <param name="VegetationNdviMin">
/// A cell is vegetated when NDVI = (NIR − red) / (NIR + red) (Rouse et al. 1974) is at least this: 0.5, between the
/// "moderate values (0.2 to 0.3) of shrub and grassland" and the "high values (0.6 to 0.8) of temperate and tropical
/// rainforests" of Weier &amp; Herring (2000), "Measuring Vegetation (NDVI &amp; EVI)", NASA Earth Observatory. Mixed 30″
/// cells (about 0.55 km²) of fields and hedges sit above the pure-grassland range.
/// </param>
/// <param name="ForestNdviMin">Forest needs at least this NDVI: 0.6, the lower end of Weier &amp; Herring's forest range.</param>
/// <param name="ForestGreenMax">
/// Forest needs green (B03) BOA reflectance at most this: 0.05. Closed canopies are darker in the visible than grass
/// and crops of the same NDVI; the value is the valley between the two modes of the green-band histogram of the bundled
/// 2024-08-24 Luxembourg image (modes at 0.03–0.04 and 0.06–0.07), and gives 39.9 % forest there against the roughly
/// one third of the country that is commonly given as forest. Set from this image: re-check it for another scene.
/// </param>
/// <param name="BuiltUpRednessMax">
/// A non-vegetated, non-water cell is built-up when its visible redness (red − green) / (red + green) is below this,
/// otherwise "other" (bare soil, harvested fields, quarries): 0.05. Bare soils brighten steadily from blue to red
/// (Baumgardner et al. 1985, "Reflectance properties of soils", Adv. Agronomy 38), while concrete, asphalt and roofs
/// have a flatter visible spectrum; set from the same image, where the cells of Luxembourg City, Esch-sur-Alzette and
/// Findel are below 0.05 and the harvested fields of the Moselle and the south-east above it. Without a SWIR band
/// (NDBI) this is the weakest rule of the four.
/// </param>
public sealed record SpectralThresholds(
    double DnOffset = -1000,
    double QuantificationValue = 10000,
    double WaterNdwiMin = 0.0,
    double VegetationNdviMin = 0.5,
    double ForestNdviMin = 0.6,
    double ForestGreenMax = 0.05,
    double BuiltUpRednessMax = 0.05)
{
    /// <summary>The defaults above: Sentinel-2 L2A, processing baseline ≥ 04.00.</summary>
    public static SpectralThresholds Sentinel2L2A { get; } = new();

    /// <summary>BOA reflectance of a digital number: (DN + offset) / quantification value.</summary>
    /// <param name="dn">Digital number as stored in the product.</param>
    public double Reflectance(double dn) => (dn + DnOffset) / QuantificationValue;

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of its range.</summary>
    public void Validate()
    {
        if (!(QuantificationValue > 0)) throw new ArgumentException($"{nameof(QuantificationValue)} must be positive.");
        foreach (var (name, v) in new[] { (nameof(WaterNdwiMin), WaterNdwiMin), (nameof(VegetationNdviMin), VegetationNdviMin), (nameof(ForestNdviMin), ForestNdviMin), (nameof(BuiltUpRednessMax), BuiltUpRednessMax) })
            if (!(v >= -1 && v <= 1)) throw new ArgumentException($"{name} is a normalised difference and must lie in [-1, 1], not {v}.");
        if (!(ForestGreenMax > 0 && ForestGreenMax < 1)) throw new ArgumentException($"{nameof(ForestGreenMax)} is a reflectance in (0, 1), not {ForestGreenMax}.");
        if (ForestNdviMin < VegetationNdviMin) throw new ArgumentException($"{nameof(ForestNdviMin)} ({ForestNdviMin}) must not be below {nameof(VegetationNdviMin)} ({VegetationNdviMin}): forest is vegetation.");
    }
}
