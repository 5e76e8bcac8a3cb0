namespace KlimaPakt.Geo.Core.Wind;

/// <summary>One point of a power curve.</summary>
/// <param name="WindSpeedMetersPerSecond">Hub-height wind speed.</param>
/// <param name="PowerKw">Electrical output at that speed.</param>
public readonly record struct PowerCurvePoint(double WindSpeedMetersPerSecond, double PowerKw);

/// <summary>
/// A turbine type as data: hub height, rotor diameter, rated power and its power curve. The curve is interpolated
/// linearly between its points and is zero below the first point and above the last (cut-out).
/// </summary>
/// <param name="Name">Catalogue name.</param>
/// <param name="HubHeightMeters">Hub height above ground.</param>
/// <param name="RotorDiameterMeters">Rotor diameter.</param>
/// <param name="RatedPowerKw">Rated (nameplate) power.</param>
/// <param name="PowerCurve">Points with strictly increasing speeds.</param>
/// <param name="Source">Where the curve comes from (a publication, or the generic rule).</param>
public sealed record TurbineType(string Name, double HubHeightMeters, double RotorDiameterMeters, double RatedPowerKw,
    IReadOnlyList<PowerCurvePoint> PowerCurve, string Source)
{
    /// <summary>Tip height: hub height + half the rotor diameter (the base of tip-height setbacks).</summary>
    public double TipHeightMeters => HubHeightMeters + RotorDiameterMeters / 2;

    /// <summary>Specific power, W per m² of swept area.</summary>
    public double SpecificPowerWattsPerSquareMeter => RatedPowerKw * 1000 / (Math.PI * RotorDiameterMeters * RotorDiameterMeters / 4);

    /// <summary>Power at hub-height wind speed <paramref name="v"/> (linear between curve points, 0 outside).</summary>
    public double PowerKwAt(double v)
    {
        var c = PowerCurve;
        if (c.Count == 0 || v < c[0].WindSpeedMetersPerSecond || v > c[^1].WindSpeedMetersPerSecond) return 0;
        int lo = 0, hi = c.Count - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (c[mid].WindSpeedMetersPerSecond <= v) lo = mid; else hi = mid;
        }
        var (a, b) = (c[lo], c[hi]);
        if (b.WindSpeedMetersPerSecond == a.WindSpeedMetersPerSecond) return a.PowerKw;
        double t = (v - a.WindSpeedMetersPerSecond) / (b.WindSpeedMetersPerSecond - a.WindSpeedMetersPerSecond);
        return a.PowerKw + Math.Clamp(t, 0, 1) * (b.PowerKw - a.PowerKw);
    }

    /// <summary>Problems with the type (empty when usable).</summary>
    public IEnumerable<string> Problems()
    {
        if (!(HubHeightMeters > 0)) yield return $"Turbine hub height must be > 0 m (got {HubHeightMeters}).";
        if (!(RotorDiameterMeters > 0) || RotorDiameterMeters / 2 >= HubHeightMeters)
            yield return $"Turbine rotor diameter must be > 0 m and its radius below the hub height (got {RotorDiameterMeters} m).";
        if (!(RatedPowerKw > 0)) yield return $"Turbine rated power must be > 0 kW (got {RatedPowerKw}).";
        if (PowerCurve.Count < 2) yield return "A power curve needs at least two points.";
        for (int i = 0; i < PowerCurve.Count; i++)
        {
            var p = PowerCurve[i];
            if (!(p.WindSpeedMetersPerSecond >= 0) || !(p.PowerKw >= 0) || p.PowerKw > RatedPowerKw * 1.05)
                yield return $"Power curve point {i} ({p.WindSpeedMetersPerSecond} m/s, {p.PowerKw} kW) is negative or above the rated power.";
            if (i > 0 && !(p.WindSpeedMetersPerSecond > PowerCurve[i - 1].WindSpeedMetersPerSecond))
                yield return $"Power curve speeds must increase strictly (point {i}).";
        }
    }
}

/// <summary>The turbine types known by name, and the generic curve built from specific power.</summary>
public static class TurbineCatalogue
{
    /// <summary>Name of the NREL 5-MW reference turbine.</summary>
    public const string Nrel5Mw = "nrel-5mw";

    /// <summary>Name of the generic turbine (curve from specific power, <see cref="Generic"/>).</summary>
    public const string GenericName = "generic";

    /// <summary>Name of a turbine given entirely by the parameters (hub, rotor, rated power and curve).</summary>
    public const string CustomName = "custom";

    /// <summary>
    /// NREL 5-MW reference wind turbine (Jonkman et al. 2009, NREL/TP-500-38060; tabulated in NREL's
    /// <c>turbine-models</c> repository, <c>Offshore/NREL_5MW_126_RWT.csv</c>): rotor 126 m, hub 90 m, 5 MW, cut-in
    /// 3 m/s, rated 11.4 m/s, cut-out 25 m/s. Points at whole m/s up to 10, then the published points to rated.
    /// </summary>
    public static TurbineType Nrel5MwReference { get; } = new(Nrel5Mw, 90, 126, 5000,
    [
        new(3, 40.5), new(4, 177.7), new(5, 403.9), new(6, 737.6), new(7, 1187.2), new(8, 1771.1), new(9, 2518.6),
        new(10, 3448.41), new(10.5, 3984.49), new(11, 4562.51), new(11.2, 4806.18), new(11.4, 5000), new(25, 5000),
    ], "NREL 5-MW reference turbine, Jonkman et al. 2009 (NREL/TP-500-38060), NREL turbine-models Offshore/NREL_5MW_126_RWT.csv");

    /// <summary>Air density of the generic curve, kg/m³ (ISA sea level).</summary>
    public const double AirDensity = 1.225;

    /// <summary>Overall power coefficient of the generic curve below rated speed (aerodynamic × drivetrain).</summary>
    public const double GenericPowerCoefficient = 0.45;

    /// <summary>Cut-in speed of the generic curve, m/s.</summary>
    public const double GenericCutInMetersPerSecond = 3;

    /// <summary>Cut-out speed of the generic curve, m/s.</summary>
    public const double GenericCutOutMetersPerSecond = 25;

    /// <summary>
    /// A documented generic power curve from specific power: below rated, the cubic law with a constant overall
    /// power coefficient, <c>P(v) = ½ · ρ · A · Cp · v³</c> (ρ = 1.225 kg/m³, Cp = 0.45, A the swept area), capped at
    /// the rated power; zero below the 3 m/s cut-in and above the 25 m/s cut-out. The rated speed follows from
    /// the specific power SP: <c>v_rated = (2 · SP / (ρ · Cp))^(1/3)</c> (e.g. 300 W/m² → 10.3 m/s). Sampled every
    /// 0.25 m/s. An idealisation (real curves round off near rated); use a manufacturer's table when you have one.
    /// </summary>
    /// <param name="hubHeightMeters">Hub height.</param>
    /// <param name="rotorDiameterMeters">Rotor diameter.</param>
    /// <param name="ratedPowerKw">Rated power.</param>
    public static TurbineType Generic(double hubHeightMeters, double rotorDiameterMeters, double ratedPowerKw)
    {
        double area = Math.PI * rotorDiameterMeters * rotorDiameterMeters / 4;
        var points = new List<PowerCurvePoint>();
        for (double v = GenericCutInMetersPerSecond; v <= GenericCutOutMetersPerSecond + 1e-9; v += 0.25)
            points.Add(new(v, Math.Min(ratedPowerKw, 0.5 * AirDensity * area * GenericPowerCoefficient * v * v * v / 1000)));
        return new TurbineType(GenericName, hubHeightMeters, rotorDiameterMeters, ratedPowerKw, points,
            $"generic cubic curve from specific power {ratedPowerKw * 1000 / area:F0} W/m² (Cp {GenericPowerCoefficient}, ρ {AirDensity} kg/m³, cut-in {GenericCutInMetersPerSecond}, cut-out {GenericCutOutMetersPerSecond} m/s)");
    }
}
