using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>
/// The scalar inputs of the G.POT kernel (Casasso &amp; Sethi 2016, as in GRASS <c>r.green.gshp</c>): everything
/// except the two per-cell rasters (ground thermal conductivity and undisturbed ground temperature).
/// </summary>
/// <param name="HeatCapacityJoulesPerCubicMeterKelvin">Volumetric heat capacity of the ground ρc [J/m³/K].</param>
/// <param name="SeasonDays">Length of the heating season tc [days], in (0, 365].</param>
/// <param name="FluidTemperatureMinCelsius">Minimum heat-carrier fluid temperature Tlim [°C].</param>
/// <param name="BoreholeLengthMeters">Borehole length L [m].</param>
/// <param name="BoreholeRadiusMeters">Borehole radius rb [m].</param>
/// <param name="BoreholeResistanceMeterKelvinPerWatt">Borehole thermal resistance Rb [m·K/W].</param>
/// <param name="LifetimeYears">Simulated lifetime ts [years].</param>
public readonly record struct GPotConstants(
    double HeatCapacityJoulesPerCubicMeterKelvin,
    double SeasonDays,
    double FluidTemperatureMinCelsius,
    double BoreholeLengthMeters,
    double BoreholeRadiusMeters,
    double BoreholeResistanceMeterKelvinPerWatt,
    double LifetimeYears);

public static partial class RasterKernels
{
    /// <summary>Seconds in a day, for tc and ts in seconds.</summary>
    private const double SecondsPerDay = 86_400;

    /// <summary>MWh per year from a yearly-average power in W: 8760 h / 10⁶.</summary>
    private const double MwhPerYearPerWatt = 8760 / 1e6;

    /// <summary>
    /// G.POT power per cell: the sustainable yearly-average heat (W) one borehole heat exchanger can extract,
    /// <c>Q = 8·(T0 − Tlim)·λ·L·t'c / (G + 4π·λ·Rb)</c> with the full G of Casasso &amp; Sethi (2016) and
    /// <c>r.green.gshp</c>'s code: <c>G = −0.619·t'c·ln(u's) + (0.532·t'c − 0.962)·ln(u'c) − 0.455·t'c − 1.619</c>,
    /// <c>u'c = rb²/(4·α·tc)</c>, <c>u's = rb²/(4·α·ts)</c>, <c>α = λ/ρc</c>, <c>t'c = tc/365</c>. NaN in either
    /// input, or a conductivity that is not positive, gives NaN. Computed in float; the vector paths use the BCL's
    /// vector log and agree with the scalar reference within 1e-5 relative.
    /// </summary>
    /// <param name="conductivity">Ground thermal conductivity λ per cell [W/m/K].</param>
    /// <param name="groundTemperature">Undisturbed ground temperature T0 per cell [°C].</param>
    /// <param name="powerWatts">Output Q per cell [W] (may be one of the inputs).</param>
    /// <param name="constants">The scalar inputs.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void GPotPower(ReadOnlySpan<float> conductivity, ReadOnlySpan<float> groundTemperature,
        Span<float> powerWatts, in GPotConstants constants, KernelPath path = KernelPath.Best, bool allCores = true) =>
        GPot(conductivity, groundTemperature, powerWatts, constants, 1.0, path, allCores);

    /// <summary>
    /// G.POT energy per cell: <c>E = Q · 8760 h / 10⁶</c> [MWh/yr] of one borehole heat exchanger, with Q as in
    /// <see cref="GPotPower(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in GPotConstants, KernelPath, bool)"/> (same NaN rules and tolerance), fused into one pass.
    /// </summary>
    /// <param name="conductivity">Ground thermal conductivity λ per cell [W/m/K].</param>
    /// <param name="groundTemperature">Undisturbed ground temperature T0 per cell [°C].</param>
    /// <param name="energyMwhPerYear">Output E per cell [MWh/yr] (may be one of the inputs).</param>
    /// <param name="constants">The scalar inputs.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void GPotEnergy(ReadOnlySpan<float> conductivity, ReadOnlySpan<float> groundTemperature,
        Span<float> energyMwhPerYear, in GPotConstants constants, KernelPath path = KernelPath.Best, bool allCores = true) =>
        GPot(conductivity, groundTemperature, energyMwhPerYear, constants, MwhPerYearPerWatt, path, allCores);

    /// <summary>
    /// G.POT power per cell with the heating-season length as a raster too: as <see cref="GPotPower(ReadOnlySpan{float},
    /// ReadOnlySpan{float}, Span{float}, in GPotConstants, KernelPath, bool)"/>, with tc taken per cell from
    /// <paramref name="seasonDays"/> (<see cref="GPotConstants.SeasonDays"/> is ignored). A season outside (0, 365] days
    /// gives NaN. Two logs per cell instead of one; same tolerance for λ ≥ 0.3 W/m/K and seasons ≥ 20 days (with both
    /// smaller, G + 4π·λ·Rb nears zero, the formula leaves its range of validity and float rounding dominates).
    /// </summary>
    /// <param name="conductivity">Ground thermal conductivity λ per cell [W/m/K].</param>
    /// <param name="groundTemperature">Undisturbed ground temperature T0 per cell [°C].</param>
    /// <param name="seasonDays">Heating-season length tc per cell [days].</param>
    /// <param name="powerWatts">Output Q per cell [W] (may be one of the inputs).</param>
    /// <param name="constants">The scalar inputs.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static unsafe void GPotPower(ReadOnlySpan<float> conductivity, ReadOnlySpan<float> groundTemperature,
        ReadOnlySpan<float> seasonDays, Span<float> powerWatts, in GPotConstants constants,
        KernelPath path = KernelPath.Best, bool allCores = true)
    {
        if (groundTemperature.Length != conductivity.Length || seasonDays.Length != conductivity.Length)
            throw new ArgumentException("Conductivity, ground temperature and season length must have the same length.", nameof(seasonDays));
        if (powerWatts.Length < conductivity.Length) throw new ArgumentException("Destination is shorter than the input.", nameof(powerWatts));
        var op = new GPotSeasonOperator(constants);
        KernelPath p = Resolve(path);
        fixed (float* pl = conductivity)
        fixed (float* pt = groundTemperature)
        fixed (float* ps = seasonDays)
        fixed (float* pd = powerWatts)
        {
            float* sl = pl, st = pt, ss = ps, sd = pd;
            if (!allCores || conductivity.Length < 2 * ParallelThreshold)
            {
                GPotSeasonChunk(sl, st, ss, sd, conductivity.Length, op, p);
                return;
            }
            ForChunks(conductivity.Length, allCores,
                (start, count) => GPotSeasonChunk(sl + start, st + start, ss + start, sd + start, (int)count, op, p));
        }
    }

    private static unsafe void GPot(ReadOnlySpan<float> conductivity, ReadOnlySpan<float> groundTemperature,
        Span<float> dst, in GPotConstants c, double scale, KernelPath path, bool allCores)
    {
        if (groundTemperature.Length != conductivity.Length)
            throw new ArgumentException("Conductivity and ground temperature must have the same length.", nameof(groundTemperature));
        if (dst.Length < conductivity.Length) throw new ArgumentException("Destination is shorter than the input.", nameof(dst));
        var op = new GPotOperator(c, scale);
        KernelPath p = Resolve(path);
        fixed (float* pl = conductivity)
        fixed (float* pt = groundTemperature)
        fixed (float* pd = dst)
        {
            float* sl = pl, st = pt, sd = pd;
            if (!allCores || conductivity.Length < 2 * ParallelThreshold)
            {
                GPotChunk(sl, st, sd, conductivity.Length, op, p);
                return;
            }
            ForChunks(conductivity.Length, allCores, (start, count) => GPotChunk(sl + start, st + start, sd + start, (int)count, op, p));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see OverlayChunk
    private static unsafe void GPotChunk(float* lambda, float* t0, float* dst, int n, GPotOperator op, KernelPath path)
    {
        // The same overlapping-tail scheme as MapChunk: the last full vector is computed before the loop stores
        // anything, so in-place calls (dst == lambda or dst == t0) still read the original inputs.
        if (path == KernelPath.Vector512 && n >= StreamingStoreCells && !Overlaps(dst, lambda, n) && !Overlaps(dst, t0, n))
        {
            // A large output that aliases no input: written with non-temporal stores, which skip reading each output
            // line before it is overwritten (12 instead of 16 bytes of memory traffic a cell). The first vector is
            // stored unaligned, the loop starts at the next 64-byte boundary, the overlapping last vector goes last.
            int w = Vector512<float>.Count;
            Vector512<float> last = op.Invoke(Vector512.Load(lambda + n - w), Vector512.Load(t0 + n - w));
            op.Invoke(Vector512.Load(lambda), Vector512.Load(t0)).Store(dst);
            int i = (int)((64 - ((nint)dst & 63)) & 63) / sizeof(float);
            if (i == 0) i = w;
            for (; i <= n - w; i += w)
                System.Runtime.Intrinsics.X86.Avx512F.StoreAlignedNonTemporal(dst + i, op.Invoke(Vector512.Load(lambda + i), Vector512.Load(t0 + i)));
            System.Runtime.Intrinsics.X86.Sse.StoreFence();
            last.Store(dst + n - w);
        }
        else if (path == KernelPath.Vector512 && n >= Vector512<float>.Count)
        {
            int w = Vector512<float>.Count;
            Vector512<float> last = op.Invoke(Vector512.Load(lambda + n - w), Vector512.Load(t0 + n - w));
            for (int i = 0; i <= n - w; i += w)
                op.Invoke(Vector512.Load(lambda + i), Vector512.Load(t0 + i)).Store(dst + i);
            last.Store(dst + n - w);
        }
        else if (path is KernelPath.Vector256 or KernelPath.Vector512 && n >= Vector256<float>.Count)
        {
            int w = Vector256<float>.Count;
            Vector256<float> last = op.Invoke(Vector256.Load(lambda + n - w), Vector256.Load(t0 + n - w));
            for (int i = 0; i <= n - w; i += w)
                op.Invoke(Vector256.Load(lambda + i), Vector256.Load(t0 + i)).Store(dst + i);
            last.Store(dst + n - w);
        }
        else
        {
            for (int i = 0; i < n; i++) dst[i] = op.Invoke(lambda[i], t0[i]);
        }
    }

    /// <summary>Chunks at least this long (4 MiB of output) are written with non-temporal stores: smaller ones are
    /// likely read again from cache soon.</summary>
    private const int StreamingStoreCells = 1 << 20;

    private static unsafe bool Overlaps(float* a, float* b, int n) => a < b + n && b < a + n;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see OverlayChunk
    private static unsafe void GPotSeasonChunk(float* lambda, float* t0, float* tc, float* dst, int n, GPotSeasonOperator op,
        KernelPath path)
    {
        // Overlapping tail computed first, as in GPotChunk.
        if (path == KernelPath.Vector512 && n >= Vector512<float>.Count)
        {
            int w = Vector512<float>.Count;
            Vector512<float> last = op.Invoke(Vector512.Load(lambda + n - w), Vector512.Load(t0 + n - w), Vector512.Load(tc + n - w));
            for (int i = 0; i <= n - w; i += w)
                op.Invoke(Vector512.Load(lambda + i), Vector512.Load(t0 + i), Vector512.Load(tc + i)).Store(dst + i);
            last.Store(dst + n - w);
        }
        else if (path is KernelPath.Vector256 or KernelPath.Vector512 && n >= Vector256<float>.Count)
        {
            int w = Vector256<float>.Count;
            Vector256<float> last = op.Invoke(Vector256.Load(lambda + n - w), Vector256.Load(t0 + n - w), Vector256.Load(tc + n - w));
            for (int i = 0; i <= n - w; i += w)
                op.Invoke(Vector256.Load(lambda + i), Vector256.Load(t0 + i), Vector256.Load(tc + i)).Store(dst + i);
            last.Store(dst + n - w);
        }
        else
        {
            for (int i = 0; i < n; i++) dst[i] = op.Invoke(lambda[i], t0[i], tc[i]);
        }
    }

    /// <summary>
    /// G with tc per cell: <c>ln u'c = ln(rb²·ρc/(4·86400)) − ln λ − ln tc</c> (tc in days),
    /// <c>ln u's = ln(rb²·ρc/(4·ts)) − ln λ</c>; the two constant logs are folded in double once per call.
    /// </summary>
    private readonly struct GPotSeasonOperator
    {
        private readonly float _cu, _cs, _r, _k, _tlim;

        public GPotSeasonOperator(in GPotConstants c)
        {
            double rb2 = c.BoreholeRadiusMeters * c.BoreholeRadiusMeters;
            _cu = (float)Math.Log(rb2 * c.HeatCapacityJoulesPerCubicMeterKelvin / (4 * SecondsPerDay));
            _cs = (float)Math.Log(rb2 * c.HeatCapacityJoulesPerCubicMeterKelvin / (4 * c.LifetimeYears * 365 * SecondsPerDay));
            _r = (float)(4 * Math.PI * c.BoreholeResistanceMeterKelvinPerWatt);
            _k = (float)(8 * c.BoreholeLengthMeters);
            _tlim = (float)c.FluidTemperatureMinCelsius;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // over the JIT's IL limit for inlining too: see GPotOperator
        public float Invoke(float lambda, float t0, float tc)
        {
            float lnL = MathF.Log(lambda), tcr = tc * (1f / 365f);
            float g = -0.619f * tcr * (_cs - lnL) + (0.532f * tcr - 0.962f) * (_cu - lnL - MathF.Log(tc)) - 0.455f * tcr - 1.619f;
            float q = _k * tcr * (t0 - _tlim) * lambda / (g + _r * lambda);
            return lambda > 0f && tc > 0f && tc <= 365f ? q : float.NaN;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // over the JIT's IL limit for inlining too: see GPotOperator
        public Vector256<float> Invoke(Vector256<float> lambda, Vector256<float> t0, Vector256<float> tc)
        {
            var lnL = Vector256.Log(lambda);
            var tcr = tc * Vector256.Create(1f / 365f);
            var g = Vector256.Create(-0.619f) * tcr * (Vector256.Create(_cs) - lnL)
                + (Vector256.Create(0.532f) * tcr - Vector256.Create(0.962f)) * (Vector256.Create(_cu) - lnL - Vector256.Log(tc))
                - Vector256.Create(0.455f) * tcr - Vector256.Create(1.619f);
            var q = Vector256.Create(_k) * tcr * (t0 - Vector256.Create(_tlim)) * lambda / (g + Vector256.Create(_r) * lambda);
            var ok = Vector256.GreaterThan(lambda, Vector256<float>.Zero) & Vector256.GreaterThan(tc, Vector256<float>.Zero)
                & Vector256.LessThanOrEqual(tc, Vector256.Create(365f));
            return Vector256.ConditionalSelect(ok, q, Vector256.Create(float.NaN));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // over the JIT's IL limit for inlining too: see GPotOperator
        public Vector512<float> Invoke(Vector512<float> lambda, Vector512<float> t0, Vector512<float> tc)
        {
            var lnL = Vector512.Log(lambda);
            var tcr = tc * Vector512.Create(1f / 365f);
            var g = Vector512.Create(-0.619f) * tcr * (Vector512.Create(_cs) - lnL)
                + (Vector512.Create(0.532f) * tcr - Vector512.Create(0.962f)) * (Vector512.Create(_cu) - lnL - Vector512.Log(tc))
                - Vector512.Create(0.455f) * tcr - Vector512.Create(1.619f);
            var q = Vector512.Create(_k) * tcr * (t0 - Vector512.Create(_tlim)) * lambda / (g + Vector512.Create(_r) * lambda);
            var ok = Vector512.GreaterThan(lambda, Vector512<float>.Zero) & Vector512.GreaterThan(tc, Vector512<float>.Zero)
                & Vector512.LessThanOrEqual(tc, Vector512.Create(365f));
            return Vector512.ConditionalSelect(ok, q, Vector512.Create(float.NaN));
        }
    }

    /// <summary>
    /// The formula rearranged so a cell costs one log. With ρc, tc, ts and rb constant,
    /// <c>ln u'c = ln(rb²·ρc/(4·tc)) − ln λ</c> and <c>ln u's = ln(rb²·ρc/(4·ts)) − ln λ</c>, so
    /// <c>G = g0 + g1·ln λ</c> with g0, g1 folded in double precision once per call, and
    /// <c>Q = k·(T0 − Tlim)·λ / (g0 + g1·ln λ + r·λ)</c> with <c>k = 8·L·t'c·scale</c>, <c>r = 4π·Rb</c>.
    /// </summary>
    private readonly struct GPotOperator
    {
        private readonly float _g0, _g1, _r, _k, _tlim;

        public GPotOperator(in GPotConstants c, double scale)
        {
            double tcS = c.SeasonDays * SecondsPerDay;
            double tsS = c.LifetimeYears * 365 * SecondsPerDay;
            double tcr = c.SeasonDays / 365;
            double rb2 = c.BoreholeRadiusMeters * c.BoreholeRadiusMeters;
            double lnUc = Math.Log(rb2 * c.HeatCapacityJoulesPerCubicMeterKelvin / (4 * tcS)); // + (−ln λ)
            double lnUs = Math.Log(rb2 * c.HeatCapacityJoulesPerCubicMeterKelvin / (4 * tsS));
            double a = -0.619 * tcr, b = 0.532 * tcr - 0.962;
            _g0 = (float)(a * lnUs + b * lnUc - 0.455 * tcr - 1.619);
            _g1 = (float)(-a - b);
            _r = (float)(4 * Math.PI * c.BoreholeResistanceMeterKelvinPerWatt);
            _k = (float)(8 * c.BoreholeLengthMeters * tcr * scale);
            _tlim = (float)c.FluidTemperatureMinCelsius;
        }

        public float Invoke(float lambda, float t0)
        {
            float q = _k * (t0 - _tlim) * lambda / (_g0 + _g1 * MathF.Log(lambda) + _r * lambda);
            // λ ≤ 0 (and NaN) has no physical meaning; the compare is false for NaN, like the vector select.
            return lambda > 0f ? q : float.NaN;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // see the 512-bit form
        public Vector256<float> Invoke(Vector256<float> lambda, Vector256<float> t0)
        {
            var den = Vector256.Create(_g0) + Vector256.Create(_g1) * Vector256.Log(lambda) + Vector256.Create(_r) * lambda;
            var q = Vector256.Create(_k) * (t0 - Vector256.Create(_tlim)) * lambda / den;
            return Vector256.ConditionalSelect(Vector256.GreaterThan(lambda, Vector256<float>.Zero), q, Vector256.Create(float.NaN));
        }

        // Inlined only with the attribute: at 135 bytes of IL this is over the JIT's 100-byte limit for inlining on its
        // own judgement ("too many il bytes" in the runtime's inlining events), so without it each of GPotChunk's 5 call
        // sites was a call every 16 cells, to a callee that started as Tier-0 code in every process despite GPotChunk's
        // AggressiveOptimization. The BCL's vector log inside (837 bytes of IL, not ours to mark) stays a call.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Invoke(Vector512<float> lambda, Vector512<float> t0)
        {
            var den = Vector512.Create(_g0) + Vector512.Create(_g1) * Vector512.Log(lambda) + Vector512.Create(_r) * lambda;
            var q = Vector512.Create(_k) * (t0 - Vector512.Create(_tlim)) * lambda / den;
            return Vector512.ConditionalSelect(Vector512.GreaterThan(lambda, Vector512<float>.Zero), q, Vector512.Create(float.NaN));
        }
    }
}
