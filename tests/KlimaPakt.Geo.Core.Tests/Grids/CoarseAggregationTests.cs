using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Tests.Grids;

public class CoarseAggregationTests
{
    // 23 × 17 cells in blocks of 4: 6 × 5 coarse cells, the last column and row cut (3 and 1 fine cells wide).
    private static readonly GridSpec s_fine = new(2169, 100, 900, 10, 10, 23, 17);
    private const int Factor = 4;

    private static (int[] Zones, byte[] Mask, float[] Values) Random()
    {
        var random = new Random(3);
        int n = (int)s_fine.CellCount;
        var zones = new int[n];
        var mask = new byte[n];
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            zones[i] = random.Next(4); // 0 = outside the region
            mask[i] = (byte)random.Next(2);
            values[i] = random.Next(10) == 0 ? float.NaN : (float)random.NextDouble();
        }
        return (zones, mask, values);
    }

    [Fact]
    public void Coarse_RaggedGrid_CoversTheFineGridWithFactorTimesCells()
    {
        var coarse = new CoarseAggregation(s_fine, Factor).Coarse;

        Assert.Equal(new GridSpec(2169, 100, 900, 40, 40, 6, 5), coarse);
    }

    [Fact]
    public void CountCellsAndSumValues_RandomCells_EqualADirectLoopOverBlocks()
    {
        var (zones, mask, values) = Random();
        var blocks = new CoarseAggregation(s_fine, Factor);
        var region = new int[30];
        var masked = new int[30];
        var sums = new double[30];
        for (int r = 0; r < s_fine.Height; r++)
            for (int c = 0; c < s_fine.Width; c++)
            {
                int i = r * s_fine.Width + c, k = r / Factor * 6 + c / Factor;
                if (zones[i] == 0) continue;
                region[k]++;
                if (mask[i] == 0) continue;
                masked[k]++;
                if (!float.IsNaN(values[i])) sums[k] += values[i];
            }

        Assert.Equal(region, blocks.CountCells(zones));
        Assert.Equal(masked, blocks.CountCells(zones, mask));
        Assert.Equal(sums, blocks.SumValues(zones, mask, values));
        Assert.Contains(region, x => x > 0);
    }

    [Fact]
    public void Majority_HalfOrMoreOfTheRegionCells_TakesTheValue()
    {
        // Region cells 4, 4, 3, 0, 2, 1; counted 2 (half), 1, 2, 0, 0, 1.
        Assert.Equal([1, 0, 1, 0, 0, 1], CoarseAggregation.Majority([2, 1, 2, 0, 0, 1], [4, 4, 3, 0, 2, 1]));
    }

    [Fact]
    public void Mean_ZeroCount_NaN()
    {
        Assert.Equal([1.5, double.NaN], CoarseAggregation.Mean([3.0, 0.0], [2, 0]));
    }

    [Fact]
    public void CoarseCellOf_LastFineCell_LastCoarseCell()
    {
        var blocks = new CoarseAggregation(s_fine, Factor);

        Assert.Equal(0, blocks.CoarseCellOf(3 * 23 + 3));
        Assert.Equal(29, blocks.CoarseCellOf(23 * 17 - 1));
        Assert.Equal(7, blocks.CoarseCellOf(4 * 23 + 4));
    }
}
