using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Tests.Grids;

public class SlopeCalculatorTests
{
    private static readonly GridSpec s_grid = new(2169, 0, 1000, 20, 25, 12, 9);

    private static float[] Plane(double perMeterX, double perMeterY)
    {
        var z = new float[s_grid.CellCount];
        for (int r = 0; r < s_grid.Height; r++)
            for (int c = 0; c < s_grid.Width; c++)
            {
                var (x, y) = s_grid.CellCenter(c, r);
                z[r * s_grid.Width + c] = (float)(200 + perMeterX * x + perMeterY * y);
            }
        return z;
    }

    private static double Degrees(double gx, double gy) => Math.Atan(Math.Sqrt(gx * gx + gy * gy)) * 180 / Math.PI;

    [Fact]
    public void SlopeDegrees_InclinedPlane_InteriorIsAtanOfTheGradient()
    {
        // 10 % east, 5 % north: atan(√(0.1² + 0.05²)) = 6.38°.
        var slope = SlopeCalculator.SlopeDegrees(s_grid, Plane(0.1, 0.05));

        for (int r = 1; r < s_grid.Height - 1; r++)
            for (int c = 1; c < s_grid.Width - 1; c++)
                Assert.Equal(Degrees(0.1, 0.05), slope[r * s_grid.Width + c], 1e-3);
    }

    [Fact]
    public void SlopeDegrees_InclinedPlaneEdges_ReplicatedCellHalvesTheCrossEdgeGradient()
    {
        var slope = SlopeCalculator.SlopeDegrees(s_grid, Plane(0.1, 0.05));

        // Left and right columns: the window's missing column repeats the edge column, so the x difference spans one
        // cell instead of two. Top and bottom rows: the same for y. Corners: both.
        Assert.Equal(Degrees(0.05, 0.05), slope[4 * s_grid.Width + 0], 1e-3);
        Assert.Equal(Degrees(0.05, 0.05), slope[4 * s_grid.Width + s_grid.Width - 1], 1e-3);
        Assert.Equal(Degrees(0.1, 0.025), slope[0 * s_grid.Width + 5], 1e-3);
        Assert.Equal(Degrees(0.05, 0.025), slope[(s_grid.Height - 1) * s_grid.Width + 0], 1e-3);
    }

    [Fact]
    public void SlopeDegrees_NaNElevation_NaNOnItsEightNeighboursOnly()
    {
        var z = Plane(0, 0);
        z[4 * s_grid.Width + 6] = float.NaN;

        var slope = SlopeCalculator.SlopeDegrees(s_grid, z);

        for (int r = 0; r < s_grid.Height; r++)
            for (int c = 0; c < s_grid.Width; c++)
            {
                // Horn's window leaves its centre out: the NaN cell keeps a slope, its eight neighbours lose theirs.
                bool inWindow = Math.Abs(r - 4) <= 1 && Math.Abs(c - 6) <= 1 && (r, c) != (4, 6);
                if (inWindow) Assert.True(float.IsNaN(slope[r * s_grid.Width + c]), $"({c}, {r})");
                else Assert.Equal(0f, slope[r * s_grid.Width + c]);
            }
    }

    [Fact]
    public void SlopeDegrees_WithZones_RegionCellsAsWithoutAndNaNOutside()
    {
        var z = Plane(0.1, 0.05);
        for (int i = 0; i < z.Length; i++) z[i] += (i * 7919 % 13) * 0.37f; // rough ground: every cell its own slope
        var zones = new int[z.Length];
        for (int i = 0; i < zones.Length; i++) zones[i] = i % 3 == 0 ? 0 : 1 + i % 2;
        var all = SlopeCalculator.SlopeDegrees(s_grid, z);
        var region = SlopeCalculator.SlopeDegrees(s_grid, z, zones);
        for (int i = 0; i < z.Length; i++)
            if (zones[i] == 0) Assert.True(float.IsNaN(region[i]));
            else Assert.Equal(all[i], region[i]); // to the bit
    }
}

