using KlimaPakt.Geo.Core.Geothermal;

namespace KlimaPakt.Geo.Core.Tests.Geothermal;

public sealed class Vdi4640Tests
{
    // Expected values typed from the VDI 4640 part 2 table in DOMAIN.md §2 (W/m, 1,800 h / 2,400 h); ranges → midpoints.
    [Theory]
    [InlineData(GroundClass.PoorDrySediment, 25, 20)]
    [InlineData(GroundClass.NormalRockOrSaturatedSediment, 60, 50)]
    [InlineData(GroundClass.HighConductivityRock, 84, 70)]
    [InlineData(GroundClass.MoistClayLoam, 42.5, 35)]
    [InlineData(GroundClass.MassiveLimestone, 62.5, 52.5)]
    [InlineData(GroundClass.Sandstone, 72.5, 60)]
    [InlineData(GroundClass.Granite, 75, 62.5)]
    [InlineData(GroundClass.WaterBearingGravelSand, 72.5, 60)]
    public void SpecificExtractionRate_EachClass_MatchesTable(GroundClass groundClass, double w1800, double w2400)
    {
        Assert.Equal(w1800, Vdi4640.SpecificExtractionRateWattsPerMeter(groundClass, OperatingHours.Hours1800));
        Assert.Equal(w2400, Vdi4640.SpecificExtractionRateWattsPerMeter(groundClass, OperatingHours.Hours2400));
    }

    [Fact]
    public void Rate_Granite_GivesTableRange()
    {
        Assert.Equal(new ExtractionRate(65, 85), Vdi4640.Rate(GroundClass.Granite, OperatingHours.Hours1800));
        Assert.Equal(new ExtractionRate(55, 70), Vdi4640.Rate(GroundClass.Granite, OperatingHours.Hours2400));
    }

    [Fact]
    public void PowerPerBorehole_NormalRock100m_Is6000Watts()
    {
        // 60 W/m × 100 m = 6,000 W; moist clay at 2,400 h: 35 W/m × 80 m = 2,800 W.
        Assert.Equal(6000, Vdi4640.PowerPerBoreholeWatts(GroundClass.NormalRockOrSaturatedSediment, OperatingHours.Hours1800, 100));
        Assert.Equal(2800, Vdi4640.PowerPerBoreholeWatts(GroundClass.MoistClayLoam, OperatingHours.Hours2400, 80));
    }

    [Fact]
    public void Rate_UnknownClassOrHours_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Vdi4640.Rate((GroundClass)99, OperatingHours.Hours1800));
        Assert.Throws<ArgumentOutOfRangeException>(() => Vdi4640.Rate(GroundClass.Granite, (OperatingHours)2000));
    }
}
