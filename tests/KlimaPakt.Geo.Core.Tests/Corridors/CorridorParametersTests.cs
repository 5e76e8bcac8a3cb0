using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Core.Tests.Corridors;

public class CorridorParametersTests
{
    [Fact]
    public void Validate_Defaults_AllThreeTramesWithTheirBuiltInProfiles()
    {
        var p = new CorridorParameters().Validate();

        Assert.Equal(["green", "blue", "black"], p.TramesRun);
        Assert.Equal(["forest-mammal", "amphibian", "bat"], p.Profiles!.Select(x => x.Name));
        Assert.Equal(200_000, p.ProfileOf("green").CorridorWidthCost);
        Assert.Equal(25, p.CellSizeMeters);
    }

    [Fact]
    public void Validate_Overrides_AppliedToTheTrameRunAndIdempotent()
    {
        var p = new CorridorParameters
        {
            Trame = "Green",
            MinPatchAreaHectares = 10,
            MotorwayCost = 9000,
            Resistance = new Dictionary<string, double> { ["farmland"] = 40 },
        }.Validate();

        var green = Assert.Single(p.Profiles!);
        Assert.Equal("green", p.Trame);
        Assert.Equal(10, green.MinPatchAreaHectares);
        Assert.Equal(9000, green.MotorwayCost);
        Assert.Equal(40, green.Resistance["farmland"]);
        Assert.Equal(1, green.Resistance["forest"]);
        Assert.Equal(green, Assert.Single(p.Validate().Profiles!) with { Resistance = green.Resistance });
        Assert.Equal(green.Resistance.ToArray(), p.Validate().ProfileOf("green").Resistance.ToArray());
    }

    [Fact]
    public void Validate_BadValues_OneErrorListingEach()
    {
        var e = Assert.Throws<GeoInputException>(() => new CorridorParameters
        {
            Trame = "green",
            MinPatchAreaHectares = -1,
            Resistance = new Dictionary<string, double> { ["lava"] = 5, ["forest"] = 0, ["farmland"] = -3 },
        }.Validate());

        Assert.Contains(e.Details, d => d.Contains("MinPatchAreaHectares must be ≥ 0", StringComparison.Ordinal));
        Assert.Contains(e.Details, d => d.Contains("unknown land-cover class 'lava'", StringComparison.Ordinal));
        Assert.Contains(e.Details, d => d.Contains("resistance of 'forest' must be > 0", StringComparison.Ordinal));
        Assert.Contains(e.Details, d => d.Contains("resistance of 'farmland' must be > 0", StringComparison.Ordinal));
        Assert.Equal(4, e.Details.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_FullLightRadianceNotPositive_Refused(double radiance)
    {
        var e = Assert.Throws<GeoInputException>(() => new CorridorParameters { FullLightRadiance = radiance, NightRadianceRaster = "" }.Validate());
        Assert.Contains(e.Details, d => d.StartsWith("FullLightRadiance must be > 0 nW/cm²/sr", StringComparison.Ordinal));
        Assert.Contains(e.Details, d => d.StartsWith("NightRadianceRaster must be a raster name", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownTrameAndBadOverride_BothListed()
    {
        var e = Assert.Throws<GeoInputException>(() => new CorridorParameters { Trame = "purple", MinPatchAreaHectares = -2 }.Validate());

        Assert.Contains(e.Details, d => d.StartsWith("Trame must be green, blue, black or all", StringComparison.Ordinal));
        Assert.Contains(e.Details, d => d.Contains("MinPatchAreaHectares must be ≥ 0 (got -2)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("purple", null, "Trame must be green, blue, black or all")]
    [InlineData("blue", "forest-mammal", "is a green profile")]
    [InlineData("all", "unicorn", "is not a profile")]
    public void Validate_UnknownTrameOrProfile_Refused(string trame, string? species, string expected)
    {
        var e = Assert.Throws<GeoInputException>(() => new CorridorParameters { Trame = trame, Species = species }.Validate());
        Assert.Contains(e.Details, d => d.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BuiltInProfiles_ValidAndOnePerTrame()
    {
        Assert.Equal(Trames.Each, SpeciesProfiles.All.Select(p => p.Trame));
        foreach (var p in SpeciesProfiles.All)
            Assert.Equal(p.Name, new CorridorParameters { Trame = p.Trame, Species = p.Name }.Validate().ProfileOf(p.Trame).Name);
    }
}
