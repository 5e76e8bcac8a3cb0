using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Geothermal;

namespace KlimaPakt.Geo.Core.Tests.Geothermal;

public sealed class BoreholeFieldTests
{
    // By hand: floor(cell / spacing)².
    [Theory]
    [InlineData(10, 6, 1)]    // floor(1.67)² = 1
    [InlineData(25, 6, 16)]   // floor(4.17)² = 16
    [InlineData(5, 6, 0)]     // a cell narrower than the spacing holds none
    [InlineData(12, 6, 4)]    // exactly two per side
    [InlineData(100, 5, 400)] // 20²
    public void BoreholesPerCell_ByHand_Counts(double cell, double spacing, long expected)
    {
        Assert.Equal(expected, BoreholeField.BoreholesPerCell(cell, spacing));
    }

    [Fact]
    public void BoreholesPerHectare_DefaultSpacing_Is256()
    {
        Assert.Equal(256, BoreholeField.BoreholesPerHectare()); // floor(100 / 6)² = 16²
    }

    [Fact]
    public void EnergyPerHectare_DefaultSpacing_Is256TimesOneBorehole()
    {
        // 256 × 7.97343 MWh/yr = 2041.198 MWh/ha/yr; a 25 m cell: 16 × 7.97343 = 127.575 MWh/yr.
        Assert.Equal(256 * 7.97343, BoreholeField.EnergyPerHectareMwhPerYear(7.97343), 9);
        Assert.Equal(16 * 7.97343, BoreholeField.EnergyPerCellMwhPerYear(7.97343, 25), 9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-6.0)]
    [InlineData(double.NaN)]
    public void BoreholesPerCell_SpacingNotPositive_Throws(double spacing)
    {
        Assert.Throws<GeoInputException>(() => BoreholeField.BoreholesPerCell(10, spacing));
    }
}
