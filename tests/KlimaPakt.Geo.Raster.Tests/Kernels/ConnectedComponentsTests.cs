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

    /// <summary>
    /// Independent reference: flood fill from each unlabelled cell in raster order (so components are numbered by their
    /// first cell), then drop components below the minimum and renumber.
    /// </summary>
    private static int FloodFill(int[] cls, int w, int h, bool eight, long minCells, int[] labels)
    {
        Array.Clear(labels);
        var members = new List<List<int>>();
        var queue = new Queue<int>();
        for (int start = 0; start < cls.Length; start++)
        {
            if (cls[start] == 0 || labels[start] != 0) continue;
            var cellsOf = new List<int>();
            members.Add(cellsOf);
            labels[start] = members.Count;
            queue.Enqueue(start);
            while (queue.TryDequeue(out int i))
            {
                cellsOf.Add(i);
                int r = i / w, c = i % w;
                for (int dr = -1; dr <= 1; dr++)
                    for (int dc = -1; dc <= 1; dc++)
                    {
                        if ((dr == 0 && dc == 0) || (!eight && dr != 0 && dc != 0)) continue;
                        int rr = r + dr, cc = c + dc;
                        if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
                        int j = rr * w + cc;
                        if (cls[j] != cls[start] || labels[j] != 0) continue;
                        labels[j] = members.Count;
                        queue.Enqueue(j);
                    }
            }
        }
        int kept = 0;
        foreach (var m in members)
        {
            int label = m.Count >= minCells ? ++kept : 0;
            foreach (int i in m) labels[i] = label;
        }
        return kept;
    }

    /// <summary>
    /// Random class rasters (blobs and noise in three classes) large enough to be split into strips on all cores: the
    /// labels equal a flood fill's exactly, on one core and on all, for both connectivities and minimum sizes.
    /// </summary>
    [Theory]
    [InlineData(1031, 613, Connectivity.Eight, 1)]
    [InlineData(1031, 613, Connectivity.Four, 1)]
    [InlineData(700, 1500, Connectivity.Eight, 25)]
    [InlineData(2049, 300, Connectivity.Four, 7)]
    [InlineData(13, 17, Connectivity.Eight, 2)]
    public void ConnectedComponents_RandomClasses_EqualFloodFillOnOneAndAllCores(int w, int h, Connectivity connectivity, long minCells)
    {
        var rng = new Random(w * 31 + h);
        var cls = new int[w * h];
        // Smooth-ish blobs: a coarse random field upsampled, plus 5 % noise cells.
        int coarse = 9;
        var field = new int[(w / coarse + 2) * (h / coarse + 2)];
        for (int i = 0; i < field.Length; i++) field[i] = rng.Next(4);
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
                cls[r * w + c] = rng.NextDouble() < 0.05 ? rng.Next(4) : field[(r / coarse) * (w / coarse + 2) + c / coarse];
        var expected = new int[w * h];
        int expectedCount = FloodFill(cls, w, h, connectivity == Connectivity.Eight, minCells, expected);
        foreach (bool allCores in new[] { false, true })
        {
            var labels = new int[w * h];
            Assert.Equal(expectedCount, RasterKernels.ConnectedComponents(cls, w, h, connectivity, minCells, labels, allCores));
            Assert.Equal(expected, labels);
        }
    }

    /// <summary>A byte mask labels as the same mask given as int classes would, cell for cell, on one core and on all.</summary>
    [Theory]
    [InlineData(1031, 613, Connectivity.Eight, 12)]
    [InlineData(300, 200, Connectivity.Four, 1)]
    public void ConnectedComponents_ByteMask_EqualsIntClasses(int w, int h, Connectivity connectivity, long minCells)
    {
        var rng = new Random(w + h);
        var mask = new byte[w * h];
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < 0.45 ? (byte)1 : (byte)0;
        var classes = mask.Select(b => (int)b).ToArray();
        var expected = new int[w * h];
        int expectedCount = FloodFill(classes, w, h, connectivity == Connectivity.Eight, minCells, expected);
        Assert.True(expectedCount > 1);
        foreach (bool allCores in new[] { false, true })
        {
            var labels = new int[w * h];
            Assert.Equal(expectedCount, RasterKernels.ConnectedComponents(mask, w, h, connectivity, minCells, labels, allCores));
            Assert.Equal(expected, labels);
        }
    }
}
