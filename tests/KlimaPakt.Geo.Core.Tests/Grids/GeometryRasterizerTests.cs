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

    /// <summary>
    /// Overlapping commune-like polygons (3,000-vertex wobbly outlines, some with holes) on a grid large enough to be
    /// rasterised in bands on all cores: the ids equal GDAL's <c>gdal_rasterize</c> (centre rule, features burnt in
    /// order) cell for cell, and equal burning each feature over the whole grid one after another.
    /// </summary>
    [Fact]
    public void Rasterize_WobblyPolygonsWithHoles_EqualsGdalRasterizeCellForCell()
    {
        const int w = 1031, h = 613;
        const double cell = 10;
        var grid = new GridSpec(2169, 0, h * cell, cell, cell, w, h);
        var factory = new NetTopologySuite.Geometries.GeometryFactory(new NetTopologySuite.Geometries.PrecisionModel(), 2169);
        var features = new List<(NetTopologySuite.Geometries.Geometry, int)>();
        var rng = new Random(3);
        NetTopologySuite.Geometries.LinearRing Ring(double cx, double cy, double radius, int vertices, double phase)
        {
            var ring = new NetTopologySuite.Geometries.Coordinate[vertices + 1];
            for (int k = 0; k < vertices; k++)
            {
                double a = 2 * Math.PI * k / vertices;
                double r = radius * (1 + 0.15 * Math.Sin(7 * a + phase) + 0.05 * Math.Sin(41 * a) + 0.02 * (rng.NextDouble() - 0.5));
                ring[k] = new NetTopologySuite.Geometries.Coordinate(cx + r * Math.Cos(a), cy + r * Math.Sin(a));
            }
            ring[vertices] = ring[0];
            return factory.CreateLinearRing(ring);
        }
        for (int i = 0; i < 14; i++)
        {
            double cx = rng.NextDouble() * w * cell, cy = rng.NextDouble() * h * cell, radius = (0.1 + 0.25 * rng.NextDouble()) * h * cell;
            var holes = i % 3 == 0 ? new[] { Ring(cx, cy, radius * 0.3, 400, i) } : [];
            features.Add((factory.CreatePolygon(Ring(cx, cy, radius, 3000, i), holes), i + 1));
        }
        var dir = KlimaPakt.Geo.Raster.Tests.TestFiles.TempDir();
        var csv = Path.Combine(dir, "zones.csv");
        File.WriteAllLines(csv, ["id,WKT", .. features.Select(f => $"{f.Item2},\"{new WKTWriter { MaxCoordinatesPerLine = int.MaxValue }.Write(f.Item1)}\"")]);
        File.WriteAllText(Path.ChangeExtension(csv, ".csvt"), "Integer,WKT"); // column types for OGR's CSV driver
        var gdal = Path.Combine(dir, "gdal.tif");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        KlimaPakt.Geo.Raster.Tests.TestFiles.Tool("gdal_rasterize", "-q", "-a", "id", "-ot", "Int32", "-init", "0",
            "-a_srs", "EPSG:2169", "-te", "0", "0", (w * cell).ToString(inv), (h * cell).ToString(inv), "-tr", "10", "10", csv, gdal);
        var expected = Raster.Gdal.GeoTiff.ReadBand(gdal).Cells;
        var actual = GeometryRasterizer.Rasterize(grid, features).Cells;
        int burnt = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(expected[i] == actual[i], $"cell ({i % w}, {i / w}): gdal_rasterize {expected[i]}, ours {actual[i]}");
            if (actual[i] != 0) burnt++;
        }
        Assert.True(burnt > actual.Length / 4, $"only {burnt} cells burnt: the fixture should cover much of the grid");
        var sequential = new int[grid.CellCount];
        foreach (var (g, id) in features) GeometryRasterizer.Burn(grid, g, sequential, id);
        Assert.Equal(sequential, actual);
    }

    /// <summary>All-touched polygons and lines rasterised in bands on all cores equal burning them over the whole grid.</summary>
    [Fact]
    public void Rasterize_AllTouchedPolygonsAndLines_BandsEqualWholeGridBurn()
    {
        const int w = 1031, h = 613;
        var grid = new GridSpec(2169, 0, h * 10.0, 10, 10, w, h);
        var rng = new Random(8);
        var features = new List<(NetTopologySuite.Geometries.Geometry, int)>();
        for (int i = 0; i < 40; i++)
        {
            var pts = Enumerable.Range(0, 30).Select(_ => $"{rng.NextDouble() * w * 10:R} {rng.NextDouble() * h * 10:R}");
            features.Add((s_wkt.Read(i % 2 == 0 ? $"LINESTRING ({string.Join(", ", pts)})" : $"MULTIPOINT ({string.Join(", ", pts)})"), i + 1));
        }
        features.Add((s_wkt.Read("POLYGON ((100 100, 9000 300, 5000 6000, 100 100))"), 99));
        foreach (bool allTouched in new[] { false, true })
        {
            var bands = GeometryRasterizer.Rasterize(grid, features, 0, allTouched).Cells;
            var whole = new int[grid.CellCount];
            foreach (var (g, id) in features) GeometryRasterizer.Burn(grid, g, whole, id, allTouched);
            Assert.Equal(whole, bands);
        }
    }
}
