using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>
/// The scalar parameters of G.POT (Casasso &amp; Sethi 2016) with GRASS <c>r.green.gshp</c>'s defaults. Ground
/// conductivity λ is always given per cell or per point; ground temperature T0 is a raster or this constant. Stored
/// with each run so a run can say which parameters produced it.
/// </summary>
public record GPotParameters
{
    /// <summary>Volumetric heat capacity of the ground ρc [J/m³/K]; default 2.5 MJ/m³/K.</summary>
    public double HeatCapacityJoulesPerCubicMeterKelvin { get; init; } = 2.5e6;

    /// <summary>Undisturbed ground temperature T0 [°C] where no raster is given; default 10 °C.</summary>
    public double GroundTemperatureCelsius { get; init; } = 10;

    /// <summary>Minimum heat-carrier fluid temperature Tlim [°C]; default −2 °C (the paper and the module's code).</summary>
    public double FluidTemperatureMinCelsius { get; init; } = -2;

    /// <summary>Length of the heating season tc [days], in (0, 365]; default 180 days.</summary>
    public double SeasonDays { get; init; } = 180;

    /// <summary>Borehole length L [m]; default 100 m.</summary>
    public double BoreholeLengthMeters { get; init; } = 100;

    /// <summary>Borehole radius rb [m]; default 0.075 m.</summary>
    public double BoreholeRadiusMeters { get; init; } = 0.075;

    /// <summary>Outer radius of one pipe rp [m]; default 0.016 m.</summary>
    public double PipeRadiusMeters { get; init; } = 0.016;

    /// <summary>Number of pipes n in the borehole; default 4 (double U).</summary>
    public int PipeCount { get; init; } = 4;

    /// <summary>Thermal conductivity of the grout λgrout [W/m/K]; default 2 W/m/K.</summary>
    public double GroutConductivityWattsPerMeterKelvin { get; init; } = 2;

    /// <summary>Borehole thermal resistance Rb [m·K/W] when known; null (default) computes it (Shonder &amp; Beck 2000).</summary>
    public double? BoreholeResistanceMeterKelvinPerWatt { get; init; }

    /// <summary>Simulated lifetime ts [years]; default 50 years.</summary>
    public double LifetimeYears { get; init; } = 50;

    /// <summary>
    /// Rb [m·K/W]: the given value, else Shonder &amp; Beck (2000) <c>Rb = ln(rb / (√n · rp)) / (2π · λgrout)</c>
    /// (0.0677803 m·K/W with the defaults).
    /// </summary>
    public double BoreholeResistance() => BoreholeResistanceMeterKelvinPerWatt
        ?? Math.Log(BoreholeRadiusMeters / (Math.Sqrt(PipeCount) * PipeRadiusMeters)) / (2 * Math.PI * GroutConductivityWattsPerMeterKelvin);

    /// <summary>
    /// The dimensionless G of the paper at conductivity <paramref name="conductivity"/> [W/m/K], in double precision:
    /// <c>G = −0.619·t'c·ln(u's) + (0.532·t'c − 0.962)·ln(u'c) − 0.455·t'c − 1.619</c>.
    /// </summary>
    /// <param name="conductivity">Ground thermal conductivity λ [W/m/K].</param>
    /// <exception cref="GeoInputException">The conductivity is not positive and finite.</exception>
    public double GFunction(double conductivity)
    {
        if (!(conductivity > 0) || !double.IsFinite(conductivity))
            throw new GeoInputException($"Ground conductivity must be positive and finite (got {conductivity} W/m/K).");
        double alpha = conductivity / HeatCapacityJoulesPerCubicMeterKelvin;
        double tcS = SeasonDays * 86_400, tsS = LifetimeYears * 365 * 86_400, tcr = SeasonDays / 365;
        double rb2 = BoreholeRadiusMeters * BoreholeRadiusMeters;
        double uc = rb2 / (4 * alpha * tcS), us = rb2 / (4 * alpha * tsS);
        return -0.619 * tcr * Math.Log(us) + (0.532 * tcr - 0.962) * Math.Log(uc) - 0.455 * tcr - 1.619;
    }

    /// <summary>
    /// Q [W] of one borehole heat exchanger at one point, in double precision (the point query):
    /// <c>Q = 8·(T0 − Tlim)·λ·L·t'c / (G + 4π·λ·Rb)</c>.
    /// </summary>
    /// <param name="conductivity">Ground thermal conductivity λ [W/m/K].</param>
    /// <param name="groundTemperatureCelsius">T0 [°C]; null uses <see cref="GroundTemperatureCelsius"/>.</param>
    /// <exception cref="GeoInputException">The conductivity is not positive and finite.</exception>
    public double PowerWatts(double conductivity, double? groundTemperatureCelsius = null)
    {
        double t0 = groundTemperatureCelsius ?? GroundTemperatureCelsius;
        return 8 * (t0 - FluidTemperatureMinCelsius) * conductivity * BoreholeLengthMeters * (SeasonDays / 365)
            / (GFunction(conductivity) + 4 * Math.PI * conductivity * BoreholeResistance());
    }

    /// <summary>E [MWh/yr] of one borehole heat exchanger at one point: <c>Q · 8760 / 10⁶</c>.</summary>
    /// <param name="conductivity">Ground thermal conductivity λ [W/m/K].</param>
    /// <param name="groundTemperatureCelsius">T0 [°C]; null uses <see cref="GroundTemperatureCelsius"/>.</param>
    public double EnergyMwhPerYear(double conductivity, double? groundTemperatureCelsius = null) =>
        PowerWatts(conductivity, groundTemperatureCelsius) * 8760 / 1e6;

    /// <summary>The scalar inputs of <see cref="RasterKernels.GPotPower(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in GPotConstants, KernelPath, bool)"/>, with Rb resolved.</summary>
    public GPotConstants ToKernelConstants() => new(HeatCapacityJoulesPerCubicMeterKelvin, SeasonDays,
        FluidTemperatureMinCelsius, BoreholeLengthMeters, BoreholeRadiusMeters, BoreholeResistance(), LifetimeYears);

    /// <summary>
    /// Checks every parameter and throws one <see cref="GeoInputException"/> listing all problems (empty list: valid).
    /// Tlim is checked against the constant T0; a T0 raster is checked where it is read.
    /// </summary>
    /// <exception cref="GeoInputException">One or more parameters are out of range.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
            throw new GeoInputException($"Invalid G.POT parameters: {string.Join(" ", problems)}", problems);
    }

    /// <summary>Every problem with the G.POT parameters (empty: valid).</summary>
    /// <param name="groundTemperatureIsConstant">Whether T0 is the constant <see cref="GroundTemperatureCelsius"/>, so that Tlim
    /// is checked against it; false when T0 comes from a raster or a model, which check Tlim where T0 is known.</param>
    public List<string> Problems(bool groundTemperatureIsConstant = true)
    {
        var problems = new List<string>();
        void Positive(double v, string name, string unit)
        {
            if (!(v > 0) || !double.IsFinite(v)) problems.Add($"{name} must be positive and finite (got {v} {unit}).");
        }
        Positive(HeatCapacityJoulesPerCubicMeterKelvin, "Heat capacity", "J/m³/K");
        Positive(BoreholeLengthMeters, "Borehole length", "m");
        Positive(BoreholeRadiusMeters, "Borehole radius", "m");
        Positive(PipeRadiusMeters, "Pipe radius", "m");
        Positive(GroutConductivityWattsPerMeterKelvin, "Grout conductivity", "W/m/K");
        Positive(LifetimeYears, "Lifetime", "years");
        if (!(SeasonDays > 0 && SeasonDays <= 365)) problems.Add($"Heating season must be in (0, 365] days (got {SeasonDays}).");
        if (!double.IsFinite(GroundTemperatureCelsius) || !double.IsFinite(FluidTemperatureMinCelsius))
            problems.Add("Ground and minimum fluid temperatures must be finite.");
        else if (groundTemperatureIsConstant && FluidTemperatureMinCelsius >= GroundTemperatureCelsius)
            problems.Add($"Minimum fluid temperature ({FluidTemperatureMinCelsius} °C) must be below the ground temperature ({GroundTemperatureCelsius} °C).");
        if (PipeCount < 1) problems.Add($"Number of pipes must be at least 1 (got {PipeCount}).");
        if (LifetimeYears * 365 < SeasonDays) problems.Add("Lifetime must be at least one heating season.");
        if (BoreholeResistanceMeterKelvinPerWatt is { } rb)
        {
            if (!(rb > 0) || !double.IsFinite(rb)) problems.Add($"Borehole resistance must be positive and finite (got {rb} m·K/W).");
        }
        else if (PipeCount >= 1 && PipeRadiusMeters > 0 && BoreholeRadiusMeters <= Math.Sqrt(PipeCount) * PipeRadiusMeters)
        {
            problems.Add("Borehole radius must exceed √n × pipe radius for the Shonder & Beck resistance.");
        }
        return problems;
    }
}
