using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Geothermal;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Core.Tests.Geothermal;

public sealed class GPotParametersTests
{
    private static void AssertRelative(double expected, double actual, double rel = 5e-6) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Abs(expected), $"expected {expected}, got {actual}");

    [Fact]
    public void BoreholeResistance_Defaults_ShonderBeckByHand()
    {
        // ln(rb / (√n · rp)) / (2π · λgrout) = ln(0.075 / (2 · 0.016)) / (2π · 2) = ln(2.34375) / 12.566371
        //   = 0.851752 / 12.566371 = 0.0677803 m·K/W.
        AssertRelative(0.0677803, new GPotParameters().BoreholeResistance());
    }

    [Fact]
    public void BoreholeResistance_Given_IsUsedAsIs()
    {
        Assert.Equal(0.1, new GPotParameters { BoreholeResistanceMeterKelvinPerWatt = 0.1 }.BoreholeResistance());
    }

    // Reference values: the formula of Casasso & Sethi 2016 / r.green.gshp evaluated in double precision in Python
    // (see GPotTests in the Raster tests for the one-liner): q(λ, T0) with the defaults.
    [Theory]
    [InlineData(1.0, 10.0, 8.0025, 534.686, 4.68385)]
    [InlineData(2.0, 10.0, 8.69904, 910.209, 7.97343)]
    [InlineData(2.5, 11.5, 8.92328, 1204.69, 10.5531)]
    [InlineData(3.5, 8.0, 9.26141, 1127.89, 9.8803)]
    public void PowerWatts_Defaults_MatchPythonReference(double lambda, double t0, double g, double watts, double mwh)
    {
        var p = new GPotParameters();
        AssertRelative(g, p.GFunction(lambda));
        AssertRelative(watts, p.PowerWatts(lambda, t0));
        AssertRelative(mwh, p.EnergyMwhPerYear(lambda, t0));
    }

    [Fact]
    public void PowerWatts_OtherParameterSet_MatchesPythonReference()
    {
        // q(2.2, 12, rc=2.0e6, tc=240, L=150) = 2095.26 W in Python.
        var p = new GPotParameters { HeatCapacityJoulesPerCubicMeterKelvin = 2.0e6, SeasonDays = 240, BoreholeLengthMeters = 150 };
        AssertRelative(2095.26, p.PowerWatts(2.2, 12));
    }

    [Fact]
    public void PowerWatts_ConstantGroundTemperature_UsedWhenNoneGiven()
    {
        AssertRelative(910.209, new GPotParameters().PowerWatts(2.0));
    }

    [Fact]
    public void PowerWatts_DocumentationTlim_GivesDifferentValue()
    {
        // Tlim = +2 °C (the documentation page) instead of −2 °C: 606.806 W in Python, not 910.209 W.
        AssertRelative(606.806, new GPotParameters { FluidTemperatureMinCelsius = 2 }.PowerWatts(2.0, 10));
    }

    [Fact]
    public void ToKernelConstants_KernelAgreesWithPointFormula()
    {
        var p = new GPotParameters { SeasonDays = 200, LifetimeYears = 30, BoreholeLengthMeters = 120 };
        float[] l = [0.8f, 1.7f, 2.9f, 4.1f], t = [9f, 10.5f, 11f, 12f];
        var q = new float[4];
        RasterKernels.GPotPower(l, t, q, p.ToKernelConstants(), KernelPath.Scalar);
        for (int i = 0; i < 4; i++) AssertRelative(p.PowerWatts(l[i], t[i]), q[i], 2e-5);
    }

    [Fact]
    public void Validate_Defaults_DoesNotThrow()
    {
        new GPotParameters().Validate();
    }

    [Fact]
    public void Validate_SeveralBadValues_ListsEachProblem()
    {
        var p = new GPotParameters { FluidTemperatureMinCelsius = 10, SeasonDays = 400, HeatCapacityJoulesPerCubicMeterKelvin = 0, PipeCount = 0 };
        var ex = Assert.Throws<GeoInputException>(p.Validate);
        Assert.Equal(4, ex.Details.Count);
        Assert.Contains(ex.Details, d => d.Contains("Minimum fluid temperature", StringComparison.Ordinal));
        Assert.Contains(ex.Details, d => d.Contains("Heating season", StringComparison.Ordinal));
        Assert.Contains(ex.Details, d => d.Contains("Heat capacity", StringComparison.Ordinal));
        Assert.Contains(ex.Details, d => d.Contains("pipes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    public void Validate_SeasonNotPositive_Throws(double days)
    {
        Assert.Throws<GeoInputException>(new GPotParameters { SeasonDays = days }.Validate);
    }

    [Fact]
    public void Validate_GivenResistanceNotPositive_Throws()
    {
        Assert.Throws<GeoInputException>(new GPotParameters { BoreholeResistanceMeterKelvinPerWatt = 0 }.Validate);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void PowerWatts_ConductivityNotPositive_Throws(double lambda)
    {
        Assert.Throws<GeoInputException>(() => new GPotParameters().PowerWatts(lambda));
    }
}
