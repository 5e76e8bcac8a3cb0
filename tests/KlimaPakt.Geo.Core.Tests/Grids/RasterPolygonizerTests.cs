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

    /// <summary>
    /// Random class rasters (blobs, noise and a checkerboard patch, so classes touch themselves diagonally and enclose
    /// holes that touch their shells at a corner): every class geometry is valid, has the class's area, one polygon per
    /// 4-connected component (the labelling kernel's count), and contains exactly the centres of its own cells.
    /// </summary>
    [Theory]
    [InlineData(40, 30, 1)]
    [InlineData(97, 61, 2)]
    [InlineData(150, 120, 3)]
    public void Polygonize_RandomClasses_ValidAreasComponentsAndCellCentres(int w, int h, int seed)
    {
        var grid = new GridSpec(2169, 1000, 5000, 10, 10, w, h);
        var rng = new Random(seed);
        var classes = new int[w * h];
        var field = new int[(w / 5 + 1) * (h / 5 + 1)];
        for (int i = 0; i < field.Length; i++) field[i] = rng.Next(4);
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                int v = field[(r / 5) * (w / 5 + 1) + c / 5];
                if (rng.NextDouble() < 0.15) v = rng.Next(4);
                if (r < 12 && c < 12) v = (r + c) % 2 == 0 ? 1 : 0; // checkerboard: every corner a diagonal contact
                classes[r * w + c] = v;
            }
        // A "C" of class 2 whose enclosed cell touches the outside at a corner (a hole touching its shell).
        int[] cShape = [2, 2, 2, 2, 0, 2, 2, 2, 0];
        for (int k = 0; k < 9; k++) classes[(h - 3 + k / 3) * w + (w - 3 + k % 3)] = cShape[k];
        var result = RasterPolygonizer.Polygonize(grid, classes);
        var labels = new int[w * h];
        KlimaPakt.Geo.Raster.Kernels.RasterKernels.ConnectedComponents(classes, w, h, KlimaPakt.Geo.Raster.Kernels.Connectivity.Four, 1, labels);
        var locators = result.ToDictionary(c => c.Value, c => new NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator(c.Geometry));
        foreach (var cls in result)
        {
            Assert.True(cls.Geometry.IsValid, $"class {cls.Value}: {new NetTopologySuite.Operation.Valid.IsValidOp(cls.Geometry).ValidationError}");
            long cells = classes.Count(v => v == cls.Value);
            Assert.Equal(cells, cls.CellCount);
            Assert.Equal(cells * 100.0, cls.Geometry.Area, 6);
            int components = Enumerable.Range(0, w * h).Where(i => classes[i] == cls.Value).Select(i => labels[i]).Distinct().Count();
            Assert.Equal(components, cls.Geometry.NumGeometries);
        }
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                var centre = new Coordinate(grid.CellCenterX(c), grid.CellCenterY(r));
                foreach (var (value, locator) in locators)
                {
                    var where = locator.Locate(centre);
                    Assert.True(where == (value == classes[r * w + c] ? Location.Interior : Location.Exterior),
                        $"cell ({c}, {r}) of class {classes[r * w + c]}: {where} in class {value}");
                }
            }
    }
}
