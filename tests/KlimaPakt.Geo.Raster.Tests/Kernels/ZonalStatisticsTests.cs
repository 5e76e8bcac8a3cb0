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
}
