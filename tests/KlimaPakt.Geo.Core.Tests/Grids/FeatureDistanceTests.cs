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
}
