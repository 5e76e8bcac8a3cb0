namespace KlimaPakt.Geo.Core.Wind;

/// <summary>Annual energy of one turbine.</summary>
/// <param name="HubWindSpeedMetersPerSecond">Mean wind speed at hub height.</param>
/// <param name="GrossMegawattHours">Energy before losses, MWh/yr.</param>
/// <param name="NetMegawattHours">Energy after the flat loss factor, MWh/yr.</param>
/// <param name="CapacityFactor">Net energy / (rated power × 8760 h), 0–1.</param>
/// <param name="FullLoadHours">Net energy / rated power, h/yr.</param>
public readonly record struct TurbineYield(double HubWindSpeedMetersPerSecond, double GrossMegawattHours, double NetMegawattHours,
    double CapacityFactor, double FullLoadHours);

/// <summary>
/// Wind at hub height and annual energy (README.md, "Wind potential cadastre", yield): vertical extrapolation by the log law
/// <c>v = v_ref · ln(h/z0) / ln(h_ref/z0)</c> or the Hellman power law <c>v = v_ref · (h/h_ref)^α</c>; a Weibull
/// distribution of speeds with shape k and scale <c>c = v̄ / Γ(1 + 1/k)</c> (so its mean is the mean speed);
/// energy = 8760 h × ∫ P(v) f(v) dv over the power curve, times (1 − a flat wake/availability loss).
/// </summary>
public static class WindYield
{
    /// <summary>Hours in a (non-leap) year.</summary>
    public const double HoursPerYear = 8760;

    /// <summary>Ratio v(hub) / v(reference height) by the chosen law.</summary>
    /// <param name="law">Log law or power law.</param>
    /// <param name="referenceHeightMeters">Height of the reference wind speed.</param>
    /// <param name="hubHeightMeters">Hub height.</param>
    /// <param name="shearExponent">Hellman exponent α (power law).</param>
    /// <param name="roughnessLengthMeters">Roughness length z0 (log law).</param>
    public static double HeightFactor(HeightLaw law, double referenceHeightMeters, double hubHeightMeters, double shearExponent,
        double roughnessLengthMeters) => law switch
        {
            HeightLaw.Log => Math.Log(hubHeightMeters / roughnessLengthMeters) / Math.Log(referenceHeightMeters / roughnessLengthMeters),
            _ => Math.Pow(hubHeightMeters / referenceHeightMeters, shearExponent),
        };

    /// <summary>Weibull scale parameter whose distribution has mean <paramref name="meanSpeed"/>: v̄ / Γ(1 + 1/k).</summary>
    public static double WeibullScale(double meanSpeed, double k) => meanSpeed / Gamma(1 + 1 / k);

    /// <summary>Weibull probability density at <paramref name="v"/>.</summary>
    public static double WeibullDensity(double v, double k, double scale) =>
        v <= 0 ? 0 : k / scale * Math.Pow(v / scale, k - 1) * Math.Exp(-Math.Pow(v / scale, k));

    /// <summary>Mean electrical power (kW) of <paramref name="turbine"/> under a Weibull(k, scale) wind regime.</summary>
    /// <remarks>
    /// Composite Simpson rule on every segment of the (piecewise linear) power curve separately, 64 sub-intervals per
    /// segment, so the kinks of the curve fall on nodes and the error stays far below 0.01 %.
    /// </remarks>
    public static double MeanPowerKw(TurbineType turbine, double k, double scale)
    {
        var c = turbine.PowerCurve;
        double sum = 0;
        const int N = 64;
        for (int s = 1; s < c.Count; s++)
        {
            double a = c[s - 1].WindSpeedMetersPerSecond, b = c[s].WindSpeedMetersPerSecond, h = (b - a) / N;
            double pa = c[s - 1].PowerKw, pb = c[s].PowerKw;
            double f(double v) => (pa + (pb - pa) * (v - a) / (b - a)) * WeibullDensity(v, k, scale);
            double acc = f(a) + f(b);
            for (int i = 1; i < N; i++) acc += (i % 2 == 1 ? 4 : 2) * f(a + i * h);
            sum += acc * h / 3;
        }
        return sum;
    }

    /// <summary>Annual energy, capacity factor and full-load hours of one turbine.</summary>
    /// <param name="turbine">Turbine type.</param>
    /// <param name="hubWindSpeed">Mean wind speed at hub height, m/s.</param>
    /// <param name="weibullK">Weibull shape k.</param>
    /// <param name="lossFraction">Flat wake + availability loss, 0–1 (0.11 = farm efficiency 0.89).</param>
    public static TurbineYield Annual(TurbineType turbine, double hubWindSpeed, double weibullK, double lossFraction)
    {
        double gross = hubWindSpeed > 0 ? MeanPowerKw(turbine, weibullK, WeibullScale(hubWindSpeed, weibullK)) * HoursPerYear / 1000 : 0;
        double net = gross * (1 - lossFraction);
        double ratedMw = turbine.RatedPowerKw / 1000;
        return new TurbineYield(hubWindSpeed, gross, net, net / (ratedMw * HoursPerYear), net / ratedMw);
    }

    /// <summary>Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms; relative error below 1e-13).</summary>
    public static double Gamma(double x)
    {
        if (x < 0.5) return Math.PI / (Math.Sin(Math.PI * x) * Gamma(1 - x));
        x -= 1;
        double a = LanczosCoefficients[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) a += LanczosCoefficients[i] / (x + i);
        return Math.Sqrt(2 * Math.PI) * Math.Pow(t, x + 0.5) * Math.Exp(-t) * a;
    }

    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];
}

/// <summary>Vertical wind profile used to go from the reference height to hub height (JSON: "power" or "log").</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<HeightLaw>))]
public enum HeightLaw
{
    /// <summary>Hellman power law with exponent α (1/7 by default, windpowerlib).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("power")]
    Power,

    /// <summary>Logarithmic law with roughness length z0.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("log")]
    Log,
}
