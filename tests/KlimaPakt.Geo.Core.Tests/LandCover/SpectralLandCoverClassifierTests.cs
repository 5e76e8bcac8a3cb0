using KlimaPakt.Geo.Core.LandCover;
using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Tests.LandCover;

/// <summary>
/// A hand-made 3 × 3 Sentinel-2 L2A image (DN = 1000 + 10000 · reflectance). Per cell, the reflectances and the rule that
/// decides (NDWI = (g − n)/(g + n), NDVI = (n − r)/(n + r), redness = (r − g)/(r + g)), computed by hand:
/// <code>
/// (0,0) g .06 r .04 n .03   NDWI  .333 &gt; 0                          → water
/// (1,0) g .04 r .02 n .30   NDVI  .875 ≥ .6, g .04 ≤ .05            → forest
/// (2,0) g .07 r .04 n .40   NDVI  .818 ≥ .6 but g .07 &gt; .05        → grassland_cropland
/// (0,1) g .10 r .105 n .18  NDVI  .263 &lt; .5, redness .024 &lt; .05   → built_up
/// (1,1) g .10 r .14 n .24   NDVI  .263 &lt; .5, redness .167          → other
/// (2,1) g .04 r .05 n .17   NDVI  .545: vegetated, &lt; .6 for forest  → grassland_cropland
/// (0,2) NaN                                                          → none
/// (1,2) g .05 r .01 n .04   NDWI  .111 &gt; 0 (NDVI .6 comes later)   → water
/// (2,2) g .03 r .015 n .25  NDVI  .887, g .03                        → forest
/// </code>
/// </summary>
public sealed class SpectralLandCoverClassifierTests
{
    private static readonly GridSpec Grid = new(4326, 0, 3, 1, 1, 3, 3);

    private static float Dn(double reflectance) => (float)(1000 + 10000 * reflectance);

    private static (float[] B, float[] G, float[] R, float[] N) Image()
    {
        (double g, double r, double n)[] cells =
        [
            (.06, .04, .03), (.04, .02, .30), (.07, .04, .40),
            (.10, .105, .18), (.10, .14, .24), (.04, .05, .17),
            (double.NaN, double.NaN, double.NaN), (.05, .01, .04), (.03, .015, .25),
        ];
        return (cells.Select(c => double.IsNaN(c.g) ? float.NaN : Dn(0.05)).ToArray(), cells.Select(c => Dn(c.g)).ToArray(),
            cells.Select(c => Dn(c.r)).ToArray(), cells.Select(c => Dn(c.n)).ToArray());
    }

    [Fact]
    public void Classify_HandMade3x3Image_ClassesAsComputedByHand()
    {
        var (b, g, r, n) = Image();
        var classes = SpectralLandCoverClassifier.Classify(b, g, r, n);
        SpectralLandCoverClass[] expected =
        [
            SpectralLandCoverClass.Water, SpectralLandCoverClass.Forest, SpectralLandCoverClass.GrasslandCropland,
            SpectralLandCoverClass.BuiltUp, SpectralLandCoverClass.Other, SpectralLandCoverClass.GrasslandCropland,
            SpectralLandCoverClass.None, SpectralLandCoverClass.Water, SpectralLandCoverClass.Forest,
        ];
        Assert.Equal(expected, classes.Select(c => (SpectralLandCoverClass)c));
    }

    [Fact]
    public void Areas_HandMade3x3Image_OnePolygonPerFourConnectedPatch()
    {
        var (b, g, r, n) = Image();
        var areas = SpectralLandCoverClassifier.Areas(Grid, b, g, r, n);

        // Water (0,0) and (1,2) and forest (1,0) and (2,2) are not 4-connected: two areas each; the two grassland cells
        // of column 2 are one area of 2 cells, x 2–3, y 1–3 (row 0 is the top, y 2–3).
        Assert.Equal(7, areas.Count);
        Assert.Equal(2, areas.Count(a => a.Class == SpectralLandCoverClass.Water));
        Assert.Equal(2, areas.Count(a => a.Class == SpectralLandCoverClass.Forest));
        var grass = Assert.Single(areas, a => a.Class == SpectralLandCoverClass.GrasslandCropland);
        Assert.Equal(2.0, grass.Polygon.Area, 12);
        Assert.Equal(new NetTopologySuite.Geometries.Envelope(2, 3, 1, 3), grass.Polygon.EnvelopeInternal);
        Assert.Equal(8.0, areas.Sum(a => a.Polygon.Area), 12); // the 8 cells with data
        Assert.All(areas, a => Assert.Equal(4326, a.Polygon.SRID));
    }

    [Theory]
    [InlineData(1000, 0.0)]
    [InlineData(1500, 0.05)]
    [InlineData(11000, 1.0)]
    public void Reflectance_Baseline04Offset_DnMinus1000Over10000(double dn, double expected) =>
        Assert.Equal(expected, SpectralThresholds.Sentinel2L2A.Reflectance(dn), 12);

    [Fact]
    public void Validate_ForestThresholdBelowVegetation_Throws() =>
        Assert.Throws<ArgumentException>(() => new SpectralThresholds(VegetationNdviMin: 0.7, ForestNdviMin: 0.6).Validate());

    [Fact]
    public void ClassName_EveryClass_StoredNames() =>
        Assert.Equal(["water", "forest", "grassland_cropland", "built_up", "other"],
            Enum.GetValues<SpectralLandCoverClass>().Where(c => c != SpectralLandCoverClass.None).Select(SpectralLandCoverClassifier.ClassName));
}
