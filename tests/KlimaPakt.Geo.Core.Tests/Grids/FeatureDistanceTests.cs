using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Tests.Grids;

public class FeatureDistanceTests
{
    // 37 × 29 anisotropic cells (10 m × 12.5 m), upper-left (1000, 5000).
    private static readonly GridSpec s_grid = new(2169, 1000, 5000, 10, 12.5, 37, 29);
    private static readonly GeometryFactory s_factory = new(new PrecisionModel(), 2169);

    [Fact]
    public void DistanceMeters_ScatteredPoints_EqualBruteForceNearestFeatureCell()
    {
        var random = new Random(10);
        var cells = new List<(int Column, int Row)>();
        var points = new List<Geometry>();
        for (int k = 0; k < 9; k++)
        {
            int c = random.Next(s_grid.Width), r = random.Next(s_grid.Height);
            cells.Add((c, r));
            // Somewhere inside the cell, not at its centre: the cell that holds the point is burnt.
            points.Add(s_factory.CreatePoint(new Coordinate(s_grid.OriginX + (c + 0.3) * 10, s_grid.OriginY - (r + 0.8) * 12.5)));
        }
        points.Add(s_factory.CreatePoint(new Coordinate(0, 0))); // off the grid: burns nothing

        var distance = FeatureDistance.DistanceMeters(s_grid, points);

        Assert.NotNull(distance);
        for (int r = 0; r < s_grid.Height; r++)
            for (int c = 0; c < s_grid.Width; c++)
            {
                double expected = cells.Min(f => Math.Sqrt(Math.Pow((f.Column - c) * 10.0, 2) + Math.Pow((f.Row - r) * 12.5, 2)));
                Assert.Equal(expected, distance[r * s_grid.Width + c], 1e-3 * Math.Max(1, expected));
            }
    }

    [Fact]
    public void DistanceMeters_HorizontalLine_DistanceIsRowOffsetTimesCellHeight()
    {
        // Along the centre line of row 10, from column 5's centre to column 20's: all-touched burns columns 5..20 of row 10.
        double y = s_grid.CellCenterY(10);
        var line = s_factory.CreateLineString([new Coordinate(s_grid.CellCenterX(5), y), new Coordinate(s_grid.CellCenterX(20), y)]);

        var distance = FeatureDistance.DistanceMeters(s_grid, [line])!;

        for (int r = 0; r < s_grid.Height; r++)
            Assert.Equal(Math.Abs(r - 10) * 12.5, distance[r * s_grid.Width + 12], 1e-3);
        Assert.Equal(Math.Sqrt(5 * 5 * 100 + 3 * 3 * 12.5 * 12.5), distance[13 * s_grid.Width + 0], 1e-3); // nearest: (5, 10)
    }

    [Fact]
    public void DistanceMeters_NoFeatureOnTheGrid_ReturnsNull()
    {
        Assert.Null(FeatureDistance.DistanceMeters(s_grid, []));
        Assert.Null(FeatureDistance.DistanceMeters(s_grid, [s_factory.CreatePoint(new Coordinate(-5000, 0))]));
    }

    /// <summary>
    /// Buffers of features in one corner and of features across the grid, by hand: a cell is in the buffer when its
    /// centre lies within the buffer of the centre of a cell a feature touches. The mask is 0 outside the returned
    /// window, and the window holds every cell in the buffer.
    /// </summary>
    [Theory]
    [InlineData(10.0, 10.0, 35.0, false)]
    [InlineData(10.0, 10.0, 35.0, true)]
    [InlineData(10.0, 12.5, 40.0, false)] // non-square cells
    [InlineData(10.0, 10.0, 0.0, true)] // no buffer: the touched cells
    [InlineData(10.0, 10.0, 5000.0, false)] // beyond the grid
    public void FeatureBuffers_Within_EqualsTheBufferByHand(double cellX, double cellY, double buffer, bool spread)
    {
        var grid = new GridSpec(2169, 1000, 5000, cellX, cellY, 120, 90);
        var random = new Random(5);
        var features = new List<Geometry>();
        for (int k = 0; k < 12; k++)
        {
            double x = spread ? random.Next(0, 120) : random.Next(90, 118), y = spread ? random.Next(0, 90) : random.Next(0, 15);
            features.Add(s_factory.CreatePoint(new Coordinate(grid.OriginX + (x + 0.4) * cellX, grid.OriginY - (y + 0.6) * cellY)));
        }
        features.Add(s_factory.CreateLineString([new Coordinate(grid.CellCenterX(100), grid.CellCenterY(3)), new Coordinate(grid.CellCenterX(112), grid.CellCenterY(9))]));
        var touched = new byte[grid.CellCount];
        foreach (var f in features) GeometryRasterizer.Burn(grid, f, touched.AsSpan(), (byte)1, allTouched: true);
        var burnt = Enumerable.Range(0, touched.Length).Where(i => touched[i] != 0).Select(i => (C: i % grid.Width, R: i / grid.Width)).ToList();

        var buffers = new FeatureBuffers(grid);
        var mask = Enumerable.Repeat((byte)1, (int)grid.CellCount).ToArray();
        var window = buffers.Within(features, buffer, mask);
        // Twice with the same scratch: the second answer is the first.
        var again = new byte[grid.CellCount];
        Assert.Equal(window, buffers.Within(features, buffer, again));
        Assert.Equal(mask, again);

        Assert.NotNull(window);
        var w = window.Value;
        int inBuffer = 0;
        for (int r = 0; r < grid.Height; r++)
            for (int c = 0; c < grid.Width; c++)
            {
                bool expected = burnt.Any(b => Math.Sqrt(Math.Pow((b.C - c) * cellX, 2) + Math.Pow((b.R - r) * cellY, 2)) <= buffer);
                Assert.Equal(expected ? 1 : 0, mask[r * grid.Width + c]);
                if (!expected) continue;
                inBuffer++;
                Assert.True(c >= w.Column && c < w.EndColumn && r >= w.Row && r < w.EndRow, $"cell ({c}, {r}) in the buffer, outside {w}");
            }
        Assert.True(inBuffer > burnt.Count || buffer == 0);
        if (!spread && buffer < 100) Assert.True(w.CellCount < grid.CellCount / 4, $"a corner's window is small: {w}");
    }

    [Fact]
    public void FeatureBuffers_Within_NoFeatureOnTheGrid_ReturnsNullAndClearsTheMask()
    {
        var mask = Enumerable.Repeat((byte)1, (int)s_grid.CellCount).ToArray();
        Assert.Null(new FeatureBuffers(s_grid).Within([s_factory.CreatePoint(new Coordinate(-5000, 0))], 100, mask));
        Assert.All(mask, b => Assert.Equal(0, b));
    }
}

