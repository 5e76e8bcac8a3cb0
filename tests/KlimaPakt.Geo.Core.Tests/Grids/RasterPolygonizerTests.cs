using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Tests.Grids;

public class RasterPolygonizerTests
{
    private static readonly GridSpec s_grid = new(2169, 0, 40, 10, 10, 5, 4);

    [Fact]
    public void Polygonize_LShapeAndSquareWithHole_ExactCellEdges()
    {
        int[] classes =
        [
            1, 1, 0, 2, 2,
            1, 0, 0, 2, 2,
            1, 1, 1, 0, 0,
            0, 0, 0, 0, 0,
        ];
        var result = RasterPolygonizer.Polygonize(s_grid, classes);
        Assert.Equal([1, 2], result.Select(c => c.Value));
        var one = result[0].Geometry;
        var expected = new WKTReader().Read("POLYGON((0 10, 30 10, 30 20, 10 20, 10 30, 20 30, 20 40, 0 40, 0 10))");
        Assert.True(one.EqualsTopologically(expected), one.ToText());
        Assert.Equal(6, result[0].CellCount);
        Assert.Equal(600, one.Area);
        Assert.True(result[1].Geometry.EqualsTopologically(new WKTReader().Read("POLYGON((30 20, 50 20, 50 40, 30 40, 30 20))")));
        Assert.Equal(2169, one.SRID);
    }

    [Fact]
    public void Polygonize_RingAroundOtherClass_HasHole()
    {
        var grid = new GridSpec(2169, 0, 30, 10, 10, 3, 3);
        int[] classes = [5, 5, 5, 5, 6, 5, 5, 5, 5];
        var result = RasterPolygonizer.Polygonize(grid, classes);
        var ring = (Polygon)result.Single(c => c.Value == 5).Geometry;
        Assert.Equal(1, ring.NumInteriorRings);
        Assert.Equal(800, ring.Area);
        Assert.True(ring.IsValid);
    }

    [Fact]
    public void Polygonize_AfterRasterize_AreaEqualsCellCountTimesCellArea()
    {
        var grid = new GridSpec(2169, 70000, 90000, 25, 25, 120, 90);
        var polygon = new WKTReader().Read("POLYGON((70300 88000, 72500 88200, 71800 89700, 70400 89500, 70300 88000), (71000 88600, 71500 88600, 71300 89000, 71000 88600))");
        var r = GeometryRasterizer.Rasterize(grid, [(polygon, 3)]);
        var result = RasterPolygonizer.Polygonize(grid, r.Cells);
        var c = Assert.Single(result);
        Assert.True(c.Geometry.IsValid);
        Assert.Equal(c.CellCount * 625.0, c.Geometry.Area, 6);
        Assert.True(Math.Abs(c.Geometry.Area - polygon.Area) / polygon.Area < 0.03);
    }
}
