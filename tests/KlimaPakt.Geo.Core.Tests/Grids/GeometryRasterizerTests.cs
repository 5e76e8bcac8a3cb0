using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Tests.Grids;

public class GeometryRasterizerTests
{
    // 10 × 8 cells of 10 m, upper-left (0, 80): cell (c, r) covers x ∈ [10c, 10c+10), y ∈ (70−10r, 80−10r].
    private static readonly GridSpec s_grid = new(2169, 0, 80, 10, 10, 10, 8);
    private static readonly WKTReader s_wkt = new();

    private static string Picture(byte[] cells)
    {
        var rows = new List<string>();
        for (int r = 0; r < s_grid.Height; r++)
            rows.Add(new string(cells.AsSpan(r * s_grid.Width, s_grid.Width).ToArray().Select(b => b == 0 ? '.' : '#').ToArray()));
        return string.Join("\n", rows);
    }

    private static string Burn(string wkt, bool allTouched)
    {
        var cells = new byte[s_grid.CellCount];
        GeometryRasterizer.Burn(s_grid, s_wkt.Read(wkt), cells, (byte)1, allTouched);
        return Picture(cells);
    }

    [Fact]
    public void Burn_PolygonWithHole_CentreRuleLeavesHoleEmpty()
    {
        Assert.Equal("""
            ..........
            .######...
            .##..##...
            .##..##...
            .######...
            .######...
            ..........
            ..........
            """.Replace("\r", ""), Burn("POLYGON((10 20, 70 20, 70 70, 10 70, 10 20), (30 40, 50 40, 50 60, 30 60, 30 40))", false));
    }

    [Fact]
    public void Burn_TriangleAllTouched_BurnsExactlyTheCellsTheTriangleTouches()
    {
        var triangle = s_wkt.Read("POLYGON((2 2, 58 2, 2 58, 2 2))");
        string centre = Burn(triangle.ToText(), false);
        string touched = Burn(triangle.ToText(), true);
        Assert.Equal("""
            ..........
            ..........
            ..........
            #.........
            ##........
            ###.......
            ####......
            #####.....
            """.Replace("\r", ""), centre);
        var factory = triangle.Factory;
        for (int r = 0; r < s_grid.Height; r++)
        for (int c = 0; c < s_grid.Width; c++)
        {
            var cell = factory.ToGeometry(new NetTopologySuite.Geometries.Envelope(c * 10, c * 10 + 10, 70 - r * 10, 80 - r * 10));
            bool burnt = touched[r * 11 + c] == '#';
            // Every cell whose area overlaps is burnt; a burnt cell at least touches (corner contacts count as touching).
            if (cell.Intersection(triangle).Area > 0) Assert.True(burnt, $"cell ({c},{r}) overlaps but was not burnt");
            if (burnt) Assert.True(cell.Intersects(triangle), $"cell ({c},{r}) burnt but does not touch");
            if (centre[r * 11 + c] == '#') Assert.True(burnt);
        }
    }

    [Fact]
    public void Burn_DiagonalLine_MajorAxisOnePerColumnAllTouchedSupercover()
    {
        string major = Burn("LINESTRING(5 75, 95 5)", false);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1, Enumerable.Range(0, 8).Count(r => major[r * 11 + c] == '#')));
        string all = Burn("LINESTRING(5 75, 95 5)", true);
        Assert.True(all.Count(ch => ch == '#') > major.Count(ch => ch == '#'));
        for (int i = 0; i < major.Length; i++) if (major[i] == '#') Assert.Equal('#', all[i]);
    }

    [Fact]
    public void Burn_PointsAndOutsideParts_OnlyCellsInsideTheGrid()
    {
        var cells = new byte[s_grid.CellCount];
        long n = GeometryRasterizer.Burn(s_grid, s_wkt.Read("MULTIPOINT((15 75), (99.9 0.1), (150 40))"), cells, (byte)7);
        Assert.Equal(2, n);
        Assert.Equal(7, cells[s_grid.IndexOf(1, 0)]);
        Assert.Equal(7, cells[s_grid.IndexOf(9, 7)]);
    }

    [Fact]
    public void Rasterize_FeaturesWithIds_LaterOverwritesEarlier()
    {
        var r = GeometryRasterizer.Rasterize(s_grid,
        [
            (s_wkt.Read("POLYGON((0 0, 100 0, 100 80, 0 80, 0 0))"), 1),
            (s_wkt.Read("POLYGON((0 0, 50 0, 50 40, 0 40, 0 0))"), 2),
        ], background: -1);
        Assert.Equal(60, r.Cells.Count(v => v == 1));
        Assert.Equal(20, r.Cells.Count(v => v == 2));
        Assert.Equal(2, r[0, 7]);
        Assert.Equal(1, r[9, 0]);
    }
}
