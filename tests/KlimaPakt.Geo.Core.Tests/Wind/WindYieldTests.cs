using KlimaPakt.Geo.Core.Wind;

namespace KlimaPakt.Geo.Core.Tests.Wind;

public sealed class WindYieldTests
{
    [Fact]
    public void Gamma_KnownValues_Match()
    {
        Assert.Equal(Math.Sqrt(Math.PI) / 2, WindYield.Gamma(1.5), 12);
        Assert.Equal(24, WindYield.Gamma(5), 10);
        Assert.Equal(Math.Sqrt(Math.PI), WindYield.Gamma(0.5), 12);
    }

    [Fact]
    public void WeibullScale_Rayleigh_IsMeanTimesTwoOverSqrtPi()
    {
        // k = 2: Γ(1.5) = √π / 2, so c = 2 v̄ / √π; 7 m/s → 7.8987 m/s.
        Assert.Equal(2 * 7 / Math.Sqrt(Math.PI), WindYield.WeibullScale(7, 2), 12);
    }

    [Fact]
    public void HeightFactor_PowerAndLogLaw_HandComputed()
    {
        // (150/100)^(1/7) = 1.05963; ln(150/0.1)/ln(100/0.1) = 7.31322/6.90776 = 1.05870.
        Assert.Equal(1.059634, WindYield.HeightFactor(HeightLaw.Power, 100, 150, 1.0 / 7, 0.1), 5);
        Assert.Equal(1.058697, WindYield.HeightFactor(HeightLaw.Log, 100, 150, 1.0 / 7, 0.1), 5);
    }

    [Fact]
    public void Annual_Nrel5Mw_MatchesHandIntegratedBinsWithinHalfAPercent()
    {
        // Hand method (as in IEC 61400-12 AEP tables): 1 m/s bins centred on the curve's whole-m/s points, each weighted
        // by its Weibull probability F(v+½) − F(v−½) = exp(−((v−½)/c)^k) − exp(−((v+½)/c)^k); k = 2, v̄ = 7 m/s at hub.
        var t = TurbineCatalogue.Nrel5MwReference;
        double k = 2, c = 7 / (Math.Sqrt(Math.PI) / 2);
        double F(double v) => 1 - Math.Exp(-Math.Pow(Math.Max(v, 0) / c, k));
        // Published powers at whole m/s (kW); 11 m/s: 4562.51; 12–25: 5000.
        double[] power = [0, 0, 0, 40.5, 177.7, 403.9, 737.6, 1187.2, 1771.1, 2518.6, 3448.41, 4562.51, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000];
        double mean = 0;
        for (int v = 3; v <= 25; v++) mean += power[v] * (F(Math.Min(v + 0.5, 25)) - F(v == 3 ? 3 : v - 0.5));
        double handMwh = mean * 8760 / 1000;
        var y = WindYield.Annual(t, 7, 2, 0);
        Assert.InRange(y.GrossMegawattHours / handMwh - 1, -0.005, 0.005);
        Assert.Equal(y.GrossMegawattHours, y.NetMegawattHours);
        Assert.Equal(y.NetMegawattHours / (5 * 8760), y.CapacityFactor, 12);
        Assert.Equal(y.NetMegawattHours / 5, y.FullLoadHours, 9);
    }

    [Fact]
    public void Annual_FlatCurve_EqualsClosedFormTimesLoss()
    {
        // A curve flat at 1000 kW from 4 to 20 m/s: E = 1000 kW × 8760 h × (F(20) − F(4)), exact for a Weibull(k, c).
        var t = new TurbineType("flat", 100, 100, 1000, [new(4, 1000), new(20, 1000)], "test");
        double k = 2.3, mean = 6.5, c = WindYield.WeibullScale(mean, k);
        double expected = 1000 * 8760 / 1000.0 * (Math.Exp(-Math.Pow(4 / c, k)) - Math.Exp(-Math.Pow(20 / c, k)));
        var y = WindYield.Annual(t, mean, k, 0.11);
        Assert.InRange(y.GrossMegawattHours / expected - 1, -1e-6, 1e-6);
        Assert.InRange(y.NetMegawattHours / (expected * 0.89) - 1, -1e-6, 1e-6);
    }

    [Fact]
    public void Generic_RatedSpeedFollowsSpecificPower()
    {
        // 300 W/m²: v_rated = (2 · 300 / (1.225 · 0.45))^(1/3) = 10.29 m/s; below it the cubic law, above it rated power.
        double d = 120, rated = 300 * Math.PI * d * d / 4 / 1000;
        var t = TurbineCatalogue.Generic(120, d, rated);
        Assert.Equal(300, t.SpecificPowerWattsPerSquareMeter, 6);
        double vr = Math.Pow(2 * 300 / (1.225 * 0.45), 1.0 / 3);
        Assert.Equal(10.29, vr, 2);
        Assert.Equal(0.5 * 1.225 * Math.PI * d * d / 4 * 0.45 * 8 * 8 * 8 / 1000, t.PowerKwAt(8), 6);
        Assert.Equal(rated, t.PowerKwAt(11), 6);
        Assert.Equal(0, t.PowerKwAt(2.9));
        Assert.Equal(0, t.PowerKwAt(25.1));
        Assert.Empty(t.Problems());
    }
}
