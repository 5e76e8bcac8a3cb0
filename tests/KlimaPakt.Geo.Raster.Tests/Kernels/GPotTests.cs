using KlimaPakt.Geo.Raster.Kernels;
using static KlimaPakt.Geo.Raster.Tests.Kernels.KernelTestData;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class GPotTests
{
    // r.green.gshp defaults: ρc 2.5 MJ/m³/K, Tlim −2 °C, tc 180 d, L 100 m, rb 0.075 m, ts 50 yr, and
    // Rb = ln(0.075 / (√4 · 0.016)) / (2π · 2) = ln(2.34375) / 12.566371 = 0.851752 / 12.566371 = 0.0677803 m·K/W.
    private static readonly GPotConstants Defaults = new(2.5e6, 180, -2, 100, 0.075, 0.0677803, 50);

    // Reference Q [W]: the formula of Casasso & Sethi 2016 / r.green.gshp evaluated in double precision in Python:
    //   python3 -c "import math
    //   def q(l,T0,rc=2.5e6,Tl=-2,tc=180,L=100,rb=0.075,Rb=math.log(0.075/(2*0.016))/(4*math.pi),ts=50):
    //     a=l/rc; tcr=tc/365; uc=rb**2/(4*a*tc*86400); us=rb**2/(4*a*ts*365*86400)
    //     G=-0.619*tcr*math.log(us)+(0.532*tcr-0.962)*math.log(uc)-0.455*tcr-1.619
    //     return 8*(T0-Tl)*l*L*tcr/(G+4*math.pi*l*Rb)
    //   print([q(1,10),q(2,10),q(2.5,11.5),q(3.5,8)])"
    // → 534.686, 910.209, 1204.69, 1127.89 (G = 8.0025, 8.69904, 8.92328, 9.26141).
    public static readonly TheoryData<float, float, double> References = new()
    {
        { 1.0f, 10f, 534.686 },
        { 2.0f, 10f, 910.209 },
        { 2.5f, 11.5f, 1204.69 },
        { 3.5f, 8f, 1127.89 },
    };

    private static void AssertRelative(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rel, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) || float.IsNaN(a))
            {
                Assert.True(float.IsNaN(e) && float.IsNaN(a), $"{what}: cell {i} expected {e}, got {a}");
                continue;
            }
            Assert.True(Math.Abs(e - a) <= rel * Math.Abs(e), $"{what}: cell {i} expected {e}, got {a}");
        }
    }

    [Fact]
    public void GPotPower_VectorPathsAllLengths_MatchScalarReference()
    {
        foreach (int n in Lengths())
        {
            // λ in [−0.5, 4.5): ~10 % non-positive cells (→ NaN) besides the ~3 % NaN of each input.
            var lambda = Values(n, n, -0.5f, 4.5f);
            var t0 = Values(n, n + 1000, 5f, 15f);
            var expected = new float[n];
            RasterKernels.GPotPower(lambda, t0, expected, Defaults, KernelPath.Scalar, false);
            foreach (var path in VectorPaths)
            {
                var actual = new float[n];
                RasterKernels.GPotPower(lambda, t0, actual, Defaults, path, true);
                AssertRelative(expected, actual, 1e-5, $"n={n} {path}");
            }
        }
    }

    /// <summary>
    /// A chunk of 2²⁰ cells or more with an output of its own is written with non-temporal stores from the first
    /// 64-byte boundary: at every misalignment of the output, on one core (one chunk) and on all, the cells equal the
    /// ordinary stores' (the in-place call, which never streams) and the scalar reference.
    /// </summary>
    [Fact]
    public void GPotPower_LargeOutput_StreamingStores_MatchScalarAndInPlace()
    {
        int n = (1 << 20) + 37;
        var lambda = Values(n, 7, 0.3f, 4.5f); // the range where float G.POT holds 1e-5 (see the season kernel)
        var t0 = Values(n, 8, 5f, 15f);
        var expected = new float[n];
        RasterKernels.GPotPower(lambda, t0, expected, Defaults, KernelPath.Scalar, false);
        var inPlace = (float[])lambda.Clone();
        RasterKernels.GPotPower(inPlace, t0, inPlace, Defaults, KernelPath.Best, false);
        AssertRelative(expected, inPlace, 1e-5, "in place");
        var buffer = new float[n + 16];
        foreach (bool allCores in new[] { false, true })
            for (int offset = 0; offset < 16; offset += 5)
            {
                Array.Fill(buffer, -1f);
                var actual = buffer.AsSpan(offset, n);
                RasterKernels.GPotPower(lambda, t0, actual, Defaults, KernelPath.Best, allCores);
                for (int i = 0; i < n; i++)
                    Assert.True(inPlace[i].Equals(actual[i]), $"offset {offset}, all cores {allCores}, cell {i}: {actual[i]} vs {inPlace[i]}");
                Assert.True(buffer.AsSpan(0, offset).ToArray().All(v => v == -1f) && buffer.AsSpan(offset + n).ToArray().All(v => v == -1f), "wrote outside");
            }
    }

    [Fact]
    public void GPotPower_InPlace_MatchesOutOfPlace()
    {
        foreach (int n in new[] { 7, 8, 15, 17, 33, 255, LargeRagged })
        {
            var lambda = Values(n, 3 * n, 0.5f, 4.5f);
            var t0 = Values(n, 5 * n, 5f, 15f);
            var expected = new float[n];
            RasterKernels.GPotPower(lambda, t0, expected, Defaults, KernelPath.Scalar, false);
            var onLambda = (float[])lambda.Clone();
            RasterKernels.GPotPower(onLambda, t0, onLambda, Defaults);
            AssertRelative(expected, onLambda, 1e-5, $"in place on λ n={n}");
            RasterKernels.GPotPower(lambda, t0, t0, Defaults);
            AssertRelative(expected, t0, 1e-5, $"in place on T0 n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(References))]
    public void GPotPower_Defaults_MatchPythonReference(float lambda, float t0, double expectedWatts)
    {
        foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512 })
        {
            // 17 equal cells: one full 512-bit vector, one 256-bit vector and the overlapping tail all see the value.
            var l = Enumerable.Repeat(lambda, 17).ToArray();
            var t = Enumerable.Repeat(t0, 17).ToArray();
            var q = new float[17];
            RasterKernels.GPotPower(l, t, q, Defaults, path, false);
            Assert.All(q, v => Assert.InRange(v, expectedWatts * (1 - 2e-5), expectedWatts * (1 + 2e-5)));
        }
    }

    [Fact]
    public void GPotEnergy_Defaults_IsPowerTimes8760Over1e6()
    {
        // 910.209 W × 8760 h / 10⁶ = 7.97343 MWh/yr (Python, as above).
        float[] l = [2f], t = [10f];
        var e = new float[1];
        RasterKernels.GPotEnergy(l, t, e, Defaults);
        Assert.InRange(e[0], 7.97343 * (1 - 2e-5), 7.97343 * (1 + 2e-5));
    }

    [Fact]
    public void GPotPower_OtherParameterSet_MatchesPythonReference()
    {
        // ρc 2.0 MJ/m³/K, tc 240 d, L 150 m, λ 2.2, T0 12 °C, other defaults: q(2.2,12,rc=2.0e6,tc=240,L=150) = 2095.26 W.
        // Rb given as 0.1 m·K/W at λ 2, T0 10, other defaults: q(2,10,Rb=0.1) = 844.472 W.
        float[] l = [2.2f], t = [12f];
        var q = new float[1];
        RasterKernels.GPotPower(l, t, q, Defaults with { HeatCapacityJoulesPerCubicMeterKelvin = 2.0e6, SeasonDays = 240, BoreholeLengthMeters = 150 });
        Assert.InRange(q[0], 2095.26 * (1 - 2e-5), 2095.26 * (1 + 2e-5));
        RasterKernels.GPotPower([2f], [10f], q, Defaults with { BoreholeResistanceMeterKelvinPerWatt = 0.1 });
        Assert.InRange(q[0], 844.472 * (1 - 2e-5), 844.472 * (1 + 2e-5));
    }

    [Fact]
    public void GPotPower_DocumentationPageVariant_GivesDifferentValue()
    {
        // The documentation page's variant (the −0.455·t'c term dropped, Tlim = +2 °C) evaluated in Python at λ 2,
        // T0 10 gives 593.993 W; with the term dropped alone 890.99 W; with Tlim +2 alone 606.806 W. The full formula
        // gives 910.209 W, so a kernel implementing either slip fails the reference test above by far more than its tolerance.
        float[] l = [2f], t = [10f];
        var q = new float[1];
        RasterKernels.GPotPower(l, t, q, Defaults);
        Assert.InRange(q[0], 910.209 * (1 - 2e-5), 910.209 * (1 + 2e-5));
        foreach (double wrong in new[] { 593.993, 890.99, 606.806 })
            Assert.True(Math.Abs(q[0] - wrong) > 100 * 2e-5 * wrong, $"{q[0]} too close to {wrong}");
        RasterKernels.GPotPower(l, t, q, Defaults with { FluidTemperatureMinCelsius = 2 });
        Assert.InRange(q[0], 606.806 * (1 - 2e-5), 606.806 * (1 + 2e-5));
    }

    [Fact]
    public void GPotPower_NaNOrNonPositiveConductivity_GivesNaN()
    {
        float[] l = [float.NaN, 0f, -1f, 2f, 2f, 2f, 2f, 2f, 2f];
        float[] t = [10f, 10f, 10f, float.NaN, 10f, 10f, 10f, 10f, 10f];
        foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256 })
        {
            var q = new float[l.Length];
            RasterKernels.GPotPower(l, t, q, Defaults, path, false);
            Assert.All(q[..4], v => Assert.True(float.IsNaN(v)));
            Assert.All(q[4..], v => Assert.False(float.IsNaN(v)));
        }
    }

    [Fact]
    public void GPotPower_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => RasterKernels.GPotPower(new float[3], new float[2], new float[3], Defaults));
        Assert.Throws<ArgumentException>(() => RasterKernels.GPotPower(new float[3], new float[3], new float[2], Defaults));
    }

    [Fact]
    public void GPotPowerSeasonRaster_VectorPathsAllLengths_MatchScalarReference()
    {
        foreach (int n in Lengths())
        {
            // Ground of 0.3–4.5 W/m/K (every 41st cell −1 → NaN): with both λ near 0 and a short season G + 4π·λ·Rb
            // nears 0 and the quotient is ill-conditioned in float on any path, so that corner is left out.
            var lambda = Values(n, n, 0.3f, 4.5f);
            for (int i = 5; i < n; i += 41) lambda[i] = -1f;
            var t0 = Values(n, n + 1000, 5f, 15f);
            // Seasons of 20–400 d (above 365 → NaN) and every 37th cell 0 or negative (→ NaN). Shorter seasons are
            // left out for the same reason.
            var tc = Values(n, n + 2000, 20f, 400f);
            for (int i = 0; i < n; i += 37) tc[i] = -(i % 2);
            var expected = new float[n];
            RasterKernels.GPotPower(lambda, t0, tc, expected, Defaults, KernelPath.Scalar, false);
            foreach (var path in VectorPaths)
            {
                var actual = new float[n];
                RasterKernels.GPotPower(lambda, t0, tc, actual, Defaults, path, true);
                AssertRelative(expected, actual, 1e-5, $"n={n} {path}");
            }
        }
    }

    [Fact]
    public void GPotPowerSeasonRaster_ConstantSeason_MatchesConstantKernel()
    {
        int n = 1000;
        var lambda = Values(n, 11, 0.5f, 4.5f);
        var t0 = Values(n, 12, 5f, 15f);
        var tc = Enumerable.Repeat(180f, n).ToArray();
        var expected = new float[n];
        var actual = new float[n];
        RasterKernels.GPotPower(lambda, t0, expected, Defaults);
        RasterKernels.GPotPower(lambda, t0, tc, actual, Defaults with { SeasonDays = 1 }); // the constant is ignored
        AssertRelative(expected, actual, 1e-5, "season raster of 180 d");
    }

    [Fact]
    public void GPotPowerSeasonRaster_Season240_MatchesPythonReference()
    {
        // q(2.2, 12, rc=2.0e6, tc=240, L=150) = 2095.26 W (Python, as above); the season comes from the raster.
        var q = new float[1];
        RasterKernels.GPotPower([2.2f], [12f], [240f], q,
            Defaults with { HeatCapacityJoulesPerCubicMeterKelvin = 2.0e6, BoreholeLengthMeters = 150 });
        Assert.InRange(q[0], 2095.26 * (1 - 2e-5), 2095.26 * (1 + 2e-5));
    }
}
