namespace KlimaPakt.Geo.Raster.Tests;

public class GridSpecTests
{
    [Fact]
    public void Covering_UnalignedBounds_SnapsOutwardsToCellMultiples()
    {
        var g = GridSpec.Covering(2169, 40003, 129995, 40991, 140001, 10);
        Assert.Equal(40000, g.OriginX);
        Assert.Equal(140010, g.OriginY);
        Assert.Equal(100, g.Width);
        Assert.Equal(1002, g.Height);
        Assert.Equal(129990, g.MinY);
        Assert.Equal(41000, g.MaxX);
    }

    [Fact]
    public void CellCenterAndCellOf_RoundTrip()
    {
        var g = new GridSpec(2169, 40000, 140000, 10, 20, 8192, 8192);
        Assert.Equal((40005.0, 139990.0), g.CellCenter(0, 0));
        Assert.Equal((1638L, 4096L), g.CellOf(40000 + 1638 * 10 + 5, 140000 - 4096 * 20 - 10));
        Assert.Equal(8192L * 8192, g.CellCount);
        Assert.Equal(3L * 8192 + 2, g.IndexOf(2, 3));
    }

    [Fact]
    public void CellCount_BillionCellGrid_DoesNotOverflow()
    {
        var g = new GridSpec(2169, 0, 0, 1, 1, 40000, 40000);
        Assert.Equal(1_600_000_000L, g.CellCount);
        Assert.Equal(39999L * 40000 + 39999, g.IndexOf(39999, 39999));
    }

    [Fact]
    public void Strip_MovesOriginDown()
    {
        var g = new GridSpec(2169, 0, 1000, 10, 10, 50, 100);
        var s = g.Strip(30, 20);
        Assert.Equal(700, s.OriginY);
        Assert.Equal(20, s.Height);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Strip(90, 20));
    }

    [Fact]
    public void RowStrips_CoverAllRowsOnce()
    {
        var strips = RowStrips.Of(1000, 256).ToList();
        Assert.Equal([(0, 256), (256, 256), (512, 256), (768, 232)], strips);
        Assert.Equal(256, RowStrips.RowsFor(8192, 16L << 20) % 256 == 0 ? 256 : 0);
    }
}
