using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class ZonalStatisticsTests
{
    [Fact]
    public void ZonalStatistics_SmallGrid_CountsSumsAndSkipsNaNAndZoneZero()
    {
        int[] zones = [1, 1, 2, 0, 2, 2, 3, 1];
        float[] values = [1f, 3f, 10f, 99f, float.NaN, 20f, 5f, 2f];
        var s = RasterKernels.ZonalStatistics(zones, values, 100.0);
        Assert.Equal(3, s.Count);
        Assert.Equal(new ZoneStatistics(1, 3, 6, 2, 1, 3, 300), s[0]);
        Assert.Equal(new ZoneStatistics(2, 2, 30, 15, 10, 20, 200), s[1]);
        Assert.Equal(new ZoneStatistics(3, 1, 5, 5, 5, 5, 100), s[2]);
    }

    [Fact]
    public void ZonalStatistics_LargeAllCores_EqualsSingleThread()
    {
        const int n = KernelTestData.LargeRagged;
        var rng = new Random(3);
        var zones = new int[n];
        for (int i = 0; i < n; i++) zones[i] = rng.Next(0, 120);
        var values = KernelTestData.Values(n, 4);
        var a = RasterKernels.ZonalStatistics(zones, values, 100, allCores: false);
        var b = RasterKernels.ZonalStatistics(zones, values, 100, allCores: true);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Count, b[i].Count);
            Assert.Equal(a[i].Min, b[i].Min);
            Assert.Equal(a[i].Max, b[i].Max);
            Assert.Equal(a[i].Sum, b[i].Sum, 6);
        }
    }

    /// <summary>Zone ids in runs of random length (1–600 cells, like rasterised communes), some runs outside every zone.</summary>
    private static int[] RunZones(int n, int seed)
    {
        var rng = new Random(seed);
        var zones = new int[n];
        for (int i = 0; i < n;)
        {
            int id = rng.Next(0, 40), len = 1 + rng.Next(rng.Next(2) == 0 ? 8 : 600);
            for (int k = 0; k < len && i < n; k++) zones[i++] = id;
        }
        return zones;
    }

    /// <summary>
    /// The vector path (runs reduced eight cells at a time) against the scalar reference at every length 0–256 and one
    /// large ragged length, with NoData: counts, minima and maxima identical, sums to rounding.
    /// </summary>
    [Fact]
    public void ZonalStatistics_VectorRunsVsScalar_AllLengths()
    {
        foreach (int n in KernelTestData.Lengths())
            foreach (var zones in new[] { RunZones(n, n), Enumerable.Range(0, n).Select(i => i * 7919 % 13).ToArray() })
            {
                var values = KernelTestData.Values(n, n + 1, nanShare: 0.1);
                var expected = RasterKernels.ZonalStatistics(zones, values, 25, allCores: false, KernelPath.Scalar);
                foreach (var path in KernelTestData.VectorPaths)
                    foreach (bool allCores in new[] { false, true })
                    {
                        var actual = RasterKernels.ZonalStatistics(zones, values, 25, allCores, path);
                        Assert.Equal(expected.Count, actual.Count);
                        for (int i = 0; i < expected.Count; i++)
                        {
                            var (e, a) = (expected[i], actual[i]);
                            Assert.True(e.ZoneId == a.ZoneId && e.Count == a.Count && e.Min == a.Min && e.Max == a.Max && e.AreaSquareMeters == a.AreaSquareMeters,
                                $"n={n} {path} allCores={allCores} zone {e.ZoneId}: {e} vs {a}");
                            Assert.True(Math.Abs(e.Sum - a.Sum) <= 1e-12 * Math.Max(1, Math.Abs(e.Sum)) + 1e-9, $"n={n} {path} zone {e.ZoneId} sum {e.Sum} vs {a.Sum}");
                        }
                    }
            }
    }
}
