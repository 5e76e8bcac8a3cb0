using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Wind;

namespace KlimaPakt.Geo.Core.Tests.Wind;

public sealed class WindParametersTests
{
    [Theory]
    [InlineData("holtinger-max", 1000, 750, 1000, 0, 1000, 11.3)]
    [InlineData("holtinger-medium", 1200, 750, 2000, 0, 1750, 8.5)]
    [InlineData("holtinger-min", 2000, 1000, 3000, 2000, 3000, 5.7)]
    public void Presets_Holtinger_BuffersAsListed(string preset, double settlements, double buildings, double parks, double natura, double lakes, double slope)
    {
        var rules = new WindParameters { Preset = preset }.Validate().Rules!.ToDictionary(r => r.Layer);
        Assert.Equal(settlements, rules["settlements"].BufferMeters);
        Assert.Equal(buildings, rules["buildings"].BufferMeters);
        Assert.Equal(300, rules["industrial"].BufferMeters);
        Assert.Equal(300, rules["railways"].BufferMeters);
        Assert.Equal(300, rules["major_roads"].BufferMeters);
        Assert.Equal(5100, rules["airports"].BufferMeters);
        Assert.Equal(250, rules["power_lines"].BufferMeters);
        Assert.Equal(parks, rules["national_parks"].BufferMeters);
        Assert.Equal(natura, rules["natura2000"].BufferMeters);
        Assert.Equal(lakes, rules["lakes"].BufferMeters);
        Assert.Equal(slope, rules["slope"].MaxSlopeDegrees);
        Assert.Equal(11, rules.Count);
    }

    [Fact]
    public void Presets_LuxembourgLegalMinimum_300MetresToResidential()
    {
        var rules = new WindParameters { Preset = "luxembourg-legal-minimum" }.Validate().Rules!;
        Assert.Equal(["settlements:300", "buildings:300"], rules.Select(r => $"{r.Layer}:{r.BufferMeters}"));
    }

    [Fact]
    public void Validate_RuleOverridesPresetByLayer_AndIsIdempotent()
    {
        var p = new WindParameters { Preset = "holtinger-max", Rules = [new() { Layer = "settlements", BufferTipHeights = 3 }, new() { Layer = "forest" }] }.Validate();
        Assert.Equal(3, p.Rules!.Single(r => r.Layer == "settlements").BufferTipHeights);
        Assert.Contains(p.Rules!, r => r.Layer == "forest");
        Assert.Equal(12, p.Rules!.Count);
        Assert.Equal(p.Rules, p.Validate().Rules);
    }

    public static TheoryData<WindParameters, string> Bad => new()
    {
        { new WindParameters { Rules = [new() { Layer = "settlements", BufferMeters = -1 }] }, "BufferMeters must be ≥ 0" },
        { new WindParameters { Preset = "holtinger-extreme" }, "Unknown preset 'holtinger-extreme'" },
        { new WindParameters { Rules = [new() { Layer = "volcanoes", BufferMeters = 10 }] }, "Unknown exclusion layer 'volcanoes'" },
        { new WindParameters { Criteria = [new() { Name = "wind", Weight = 0.5, ZeroAt = 4, OneAt = 8 }, new() { Name = "grid", Weight = 0.4, ZeroAt = 1, OneAt = 0 }] }, "weights must sum to 1" },
        { new WindParameters { Rules = [new() { Layer = "slope", MaxSlopeDegrees = 95 }] }, "MaxSlopeDegrees in (0, 90)" },
        { new WindParameters { Turbine = "v9000" }, "Unknown turbine 'v9000'" },
        { new WindParameters { ForcedInclusions = ["POLYGON((0 0, 1 1"] }, "not WKT" },
        { new WindParameters { OutputCellSizeMeters = 25 }, "whole multiple" },
        { new WindParameters { Rules = [new() { Layer = "roads", BufferMeters = 300, Classes = [] }] }, "Classes must list" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Validate_BadParameters_ThrowGeoInputException(WindParameters parameters, string expected)
    {
        var e = Assert.Throws<GeoInputException>(() => parameters.Validate());
        Assert.Contains(e.Details, d => d.Contains(expected, StringComparison.Ordinal));
    }
}
