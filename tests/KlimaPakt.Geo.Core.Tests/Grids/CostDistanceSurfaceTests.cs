using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Tests.Grids;

public class CostDistanceSurfaceTests
{
    private static readonly GeometryFactory s_factory = new(new PrecisionModel(), 2169);

    // One row of five 10 m cells, upper-left (0, 10).
    private static readonly GridSpec s_row = new(2169, 0, 10, 10, 10, 5, 1);

    private static Point At(double x, double y) => s_factory.CreatePoint(new Coordinate(x, y));

    [Fact]
    public void FromGeometries_OneRow_StepCostIsMeanOfNeighbourCosts()
    {
        // Hand-computed r.cost sums from the source in cell 0: (1+3)/2 = 2, + (3+5)/2 = 6, + (5+1)/2 = 9, + (1+1)/2 = 10.
        float[] cost = [1, 3, 5, 1, 1];

        var surface = CostDistanceSurface.FromGeometries(s_row, cost, [At(4, 5)], backLinks: true)!;

        Assert.Equal([0f, 2f, 6f, 9f, 10f], surface.AccumulatedCost);
        Assert.Equal(5, surface.ReachedCells);
        Assert.Equal([RasterKernels.BackLinkSource, 5, 5, 5, 5], surface.BackLinks!); // 5 = west, towards the source
    }

    [Fact]
    public void FromGeometries_MapUnits_StepCostTimesCellSize()
    {
        var surface = CostDistanceSurface.FromGeometries(s_row, [1, 3, 5, 1, 1], [At(4, 5)], units: CostDistanceUnits.MapUnits)!;

        Assert.Equal([0f, 20f, 60f, 90f, 100f], surface.AccumulatedCost);
    }

    [Fact]
    public void FromGeometries_Truncated_CellsBeyondTheMaximumCostUnreached()
    {
        var surface = CostDistanceSurface.FromGeometries(s_row, [1, 3, 5, 1, 1], [At(4, 5)], maximumCost: 6, backLinks: true)!;

        Assert.Equal([0f, 2f, 6f, float.NaN, float.NaN], surface.AccumulatedCost); // 6 itself is kept
        Assert.Equal(3, surface.ReachedCells);
        Assert.Equal([RasterKernels.BackLinkSource, 5, 5, RasterKernels.BackLinkUnreached, RasterKernels.BackLinkUnreached], surface.BackLinks!);
    }

    [Fact]
    public void FromGeometries_Barrier_CellsBehindItUnreached()
    {
        var surface = CostDistanceSurface.FromGeometries(s_row, [1, 1, float.NaN, 1, 1], [At(4, 5)])!;

        Assert.Equal([0f, 1f, float.NaN, float.NaN, float.NaN], surface.AccumulatedCost);
        Assert.Equal(2, surface.ReachedCells);
    }

    [Fact]
    public void FromGeometries_SquareGridFromALine_HandComputedDiagonalsAndTwoSources()
    {
        // 3 × 3 cells of unit cost; a short line through the centres of (0, 0) and (1, 0) burns both as sources.
        var grid = new GridSpec(2169, 0, 30, 10, 10, 3, 3);
        var line = s_factory.CreateLineString([new Coordinate(5, 25), new Coordinate(15, 25)]);

        var surface = CostDistanceSurface.FromGeometries(grid, Enumerable.Repeat(1f, 9).ToArray(), [line])!;

        float d = MathF.Sqrt(2);
        Assert.Equal([0f, 0f, 1f, 1f, 1f, d, 2f, 2f, 1 + d], surface.AccumulatedCost);
    }

    [Fact]
    public void FromGeometries_NoSourceOnTheGrid_ReturnsNull()
    {
        Assert.Null(CostDistanceSurface.FromGeometries(s_row, [1, 1, 1, 1, 1], [At(500, 5)]));
    }
}
