using KlimaPakt.Geo.Core.Grids;

namespace KlimaPakt.Geo.Core.Tests.Grids;

public class ZonalSumsTests
{
    // Longer than the helper's strip (2^20 cells), so counts are merged across strips.
    private const int Cells = (1 << 20) + 12_345;
    private const int Zones = 7;

    private static int[] RandomZones(Random random)
    {
        // Runs of one zone, as a rasterised commune gives, with some cells outside every zone.
        var zones = new int[Cells];
        for (int i = 0; i < Cells;)
        {
            int id = random.Next(Zones + 1), run = random.Next(1, 300);
            for (int j = 0; j < run && i < Cells; j++) zones[i++] = id;
        }
        return zones;
    }

    [Fact]
    public void CountCells_RandomRunsAndMask_EqualADirectLoop()
    {
        var random = new Random(7);
        var zones = RandomZones(random);
        var mask = new byte[Cells];
        for (int i = 0; i < Cells; i++) mask[i] = (byte)(random.Next(3) == 0 ? 0 : random.Next(1, 256));
        var cells = new long[Zones];
        var masked = new long[Zones];
        for (int i = 0; i < Cells; i++)
        {
            if (zones[i] == 0) continue;
            cells[zones[i] - 1]++;
            if (mask[i] != 0) masked[zones[i] - 1]++;
        }

        var (actualCells, actualMasked) = ZonalSums.CountCells(zones, mask, Zones);

        Assert.Equal(cells, actualCells);
        Assert.Equal(masked, actualMasked);
        Assert.All(cells, c => Assert.True(c > 0));
    }

    [Fact]
    public void SumFloat_RandomValuesWithNaN_EqualADirectLoopToRounding()
    {
        var random = new Random(8);
        var zones = RandomZones(random);
        var values = new float[Cells];
        for (int i = 0; i < Cells; i++) values[i] = random.Next(20) == 0 ? float.NaN : (float)(random.NextDouble() * 100);
        var expected = new double[Zones];
        for (int i = 0; i < Cells; i++)
            if (zones[i] != 0 && !float.IsNaN(values[i])) expected[zones[i] - 1] += values[i];

        var sums = ZonalSums.Sum(zones, values, Zones);

        for (int z = 0; z < Zones; z++) Assert.Equal(expected[z], sums[z], 1e-9 * expected[z]);
        Assert.All(expected, s => Assert.True(s > 0));
    }

    [Fact]
    public void SumDouble_WithCondition_BitIdenticalToADirectLoop()
    {
        var random = new Random(9);
        var zones = RandomZones(random);
        var values = new double[Cells];
        var where = new bool[Cells];
        for (int i = 0; i < Cells; i++)
        {
            values[i] = random.NextDouble() * 1e3;
            where[i] = random.Next(2) == 0;
        }
        var all = new double[Zones];
        var some = new double[Zones];
        for (int i = 0; i < Cells; i++)
        {
            if (zones[i] == 0) continue;
            all[zones[i] - 1] += values[i];
            if (where[i]) some[zones[i] - 1] += values[i];
        }

        Assert.Equal(all, ZonalSums.Sum(zones, values, Zones));
        Assert.Equal(some, ZonalSums.Sum(zones, values, Zones, where));
        Assert.All(some, s => Assert.True(s > 0));
    }

    [Fact]
    public void Sum_ZoneIdAboveTheCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => ZonalSums.Sum([1, 3], [1.0, 2.0], 2));
        Assert.Throws<ArgumentException>(() => ZonalSums.CountCells([1, 3], [1, 1], 2));
    }
}
