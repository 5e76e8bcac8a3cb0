using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class ConnectedComponentsTests
{
    private static int[] Parse(string rows, out int w, out int h)
    {
        var lines = rows.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        h = lines.Length;
        w = lines[0].Length;
        var a = new int[w * h];
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) a[r * w + c] = lines[r][c] - '0';
        return a;
    }

    private const string Grid = """
        1100022
        1001002
        0010002
        3300200
        3000220
        """;

    [Fact]
    public void ConnectedComponents_EightConnectivity_JoinsDiagonals()
    {
        var cls = Parse(Grid, out int w, out int h);
        var labels = new int[w * h];
        int n = RasterKernels.ConnectedComponents(cls, w, h, Connectivity.Eight, 1, labels);
        // 1s: {(0,0),(1,0),(0,1)} and the diagonal chain (3,1)-(2,2) — separate from the first (gap at (1,1),(2,1)).
        Assert.Equal(5, n);
        Assert.Equal(labels[0], labels[1]);
        Assert.Equal(labels[3 + 7], labels[2 + 14]);
        Assert.NotEqual(labels[0], labels[3 + 7]);
        // 2s at (4,3),(4,4),(5,4) are one component, the 2s at (5,0),(6,0),(6,1),(6,2) another.
        Assert.Equal(labels[4 + 21], labels[5 + 28]);
        Assert.Equal(labels[5], labels[6 + 14]);
    }

    [Fact]
    public void ConnectedComponents_FourConnectivity_SplitsDiagonals()
    {
        var cls = Parse(Grid, out int w, out int h);
        var labels = new int[w * h];
        int n = RasterKernels.ConnectedComponents(cls, w, h, Connectivity.Four, 1, labels);
        Assert.Equal(6, n);
        Assert.NotEqual(labels[3 + 7], labels[2 + 14]);
    }

    [Fact]
    public void ConnectedComponents_MinimumSize_DropsSmallAndRenumbers()
    {
        var cls = Parse(Grid, out int w, out int h);
        var labels = new int[w * h];
        int n = RasterKernels.ConnectedComponents(cls, w, h, Connectivity.Eight, 3, labels);
        Assert.Equal(4, n); // 1s (3 cells), 2s right (4), 3s (3), 2s bottom (3); the diagonal pair of 1s (2) dropped
        Assert.Equal(0, labels[3 + 7]);
        Assert.Equal(1, labels[0]);
        Assert.Equal(Enumerable.Range(1, 4), labels.Where(l => l > 0).Distinct().Order());
    }

    [Fact]
    public void ConnectedComponents_Spiral_UnionFindMergesLateJoins()
    {
        // A U shape whose arms only join on the last row: provisional labels must be merged.
        var cls = Parse("""
            10101
            10101
            11111
            """, out int w, out int h);
        var labels = new int[w * h];
        Assert.Equal(1, RasterKernels.ConnectedComponents(cls, w, h, Connectivity.Four, 1, labels));
        Assert.All(labels.Where((_, i) => cls[i] != 0), l => Assert.Equal(1, l));
    }
}
