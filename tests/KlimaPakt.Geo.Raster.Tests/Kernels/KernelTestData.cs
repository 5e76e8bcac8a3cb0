using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

/// <summary>Lengths and inputs shared by the SIMD-versus-scalar kernel tests.</summary>
internal static class KernelTestData
{
    /// <summary>One large length that is not a multiple of any vector width or chunk size (exercises the parallel split too).</summary>
    public const int LargeRagged = 1_048_576 + 123;

    public static IEnumerable<int> Lengths()
    {
        for (int n = 0; n <= 256; n++) yield return n;
        yield return LargeRagged;
    }

    public static readonly KernelPath[] VectorPaths = [KernelPath.Vector256, KernelPath.Vector512, KernelPath.Best];

    /// <summary>Values in [lo, hi) with ~3 % NaN (NoData), seeded.</summary>
    public static float[] Values(int n, int seed, float lo = -0.5f, float hi = 1.5f, double nanShare = 0.03)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = rng.NextDouble() < nanShare ? float.NaN : lo + (float)rng.NextDouble() * (hi - lo);
        return a;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
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
            if (tolerance == 0)
                Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a), $"{what}: cell {i} expected {e}, got {a} (bit-identical required)");
            else
                Assert.True(Math.Abs(e - a) <= tolerance, $"{what}: cell {i} expected {e}, got {a}");
        }
    }
}
