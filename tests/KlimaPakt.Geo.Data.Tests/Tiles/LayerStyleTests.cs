using KlimaPakt.Geo.Data.Tiles;

namespace KlimaPakt.Geo.Data.Tests.Tiles;

public sealed class LayerStyleTests
{
    [Theory]
    [InlineData(0.2, 18162, 5, new[] { 0.0, 5000, 10000, 15000, 20000 })]
    [InlineData(9.92, 96.4, 5, new[] { 0.0, 20, 40, 60, 80, 100 })]
    [InlineData(3, 3, 5, new[] { 3.0 })]
    public void NiceBreaks_DataRange_RoundStepsCoveringIt(double lo, double hi, int count, double[] expected) =>
        Assert.Equal(expected, LayerStyles.NiceBreaks(lo, hi, count));

    [Fact]
    public void Spread_SevenClassesOverFiveColours_EndsKeptMiddleInterpolated()
    {
        var colours = LayerStyle.Spread(["#000000", "#404040", "#808080", "#c0c0c0", "#ffffff"], 7);
        Assert.Equal(7, colours.Count);
        Assert.Equal("#000000", colours[0]);
        Assert.Equal("#ffffff", colours[6]);
        // Class i of 7 sits at t = i/6 × 4 ramp steps: class 3 on the middle colour, class 1 at 2/3 of the first step
        // (64 × 2/3 = 42.67 → 0x2b).
        Assert.Equal("#808080", colours[3]);
        Assert.Equal("#2b2b2b", colours[1]);
    }
}
