using KlimaPakt.Geo.Core.Wind;
using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Tests.Wind;

public sealed class TurbineSitingTests
{
    [Fact]
    public void SpacingEllipse_AlongAndAcross_HandComputed()
    {
        // 240° main direction: the long axis points to (sin 240°, cos 240°) = (−0.866, −0.5).
        var e = new SpacingEllipse(800, 400, 240);
        Assert.True(e.Conflicts(0, 0, -0.866 * 790, -0.5 * 790));
        Assert.False(e.Conflicts(0, 0, -0.866 * 810, -0.5 * 810));
        Assert.True(e.Conflicts(0, 0, 0.5 * 390, -0.866 * 390));
        Assert.False(e.Conflicts(0, 0, 0.5 * 410, -0.866 * 410));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(240)]
    [InlineData(45)]
    public void Place_NoTwoTurbinesViolateTheEllipse_AllOnEligibleCells(double direction)
    {
        var grid = GridSpec.Covering(2169, 0, 0, 6000, 5000, 20);
        int n = (int)grid.CellCount;
        var random = new Random(7);
        var eligible = new byte[n];
        var score = new float[n];
        for (int i = 0; i < n; i++)
        {
            eligible[i] = random.NextDouble() < 0.7 ? (byte)1 : (byte)0;
            score[i] = (float)random.NextDouble();
        }
        var ellipse = new SpacingEllipse(8 * 126, 4 * 126, direction);
        var sites = TurbineSiting.Place(grid, eligible, score, ellipse, [(3000.0, 2500.0)], null);
        Assert.True(sites.Count > 10);
        var points = sites.Select(i => grid.CellCenter(i % grid.Width, i / grid.Width)).ToList();
        Assert.All(sites, i => Assert.Equal(1, eligible[i]));
        for (int a = 0; a < points.Count; a++)
        {
            Assert.False(ellipse.Conflicts(3000, 2500, points[a].X, points[a].Y));
            for (int b = a + 1; b < points.Count; b++) Assert.False(ellipse.Conflicts(points[a].X, points[a].Y, points[b].X, points[b].Y));
        }
        // Greedy: the first turbine stands on the best eligible cell not within the existing turbine's ellipse.
        int best = Enumerable.Range(0, n).Where(i => eligible[i] != 0 && !ellipse.Conflicts(3000, 2500, grid.CellCenterX(i % grid.Width), grid.CellCenterY(i / grid.Width)))
            .OrderByDescending(i => score[i]).ThenBy(i => i).First();
        Assert.Equal(best, sites[0]);
        Assert.Equal(sites, TurbineSiting.Place(grid, eligible, score, ellipse, [(3000.0, 2500.0)], null));
        Assert.Equal(3, TurbineSiting.Place(grid, eligible, score, ellipse, [], 3).Count);
    }

    /// <summary>
    /// The greedy placement against its definition, written out naively: candidates by descending score (ties by raster
    /// order, with many ties: scores are rounded to 1/16), each kept when no turbine kept before, nor an existing one
    /// (one outside the grid among them), conflicts with it. The sites equal the naive ones in order.
    /// </summary>
    [Theory]
    [InlineData(0, 20)]
    [InlineData(240, 20)]
    [InlineData(100, 10)]
    public void Place_EqualsTheNaiveGreedyDefinition(double direction, double cell)
    {
        var grid = GridSpec.Covering(2169, 0, 0, 4000, 3000, cell);
        int n = (int)grid.CellCount;
        var random = new Random((int)direction + 1);
        var eligible = new byte[n];
        var score = new float[n];
        for (int i = 0; i < n; i++)
        {
            eligible[i] = random.NextDouble() < 0.6 ? (byte)1 : (byte)0;
            score[i] = i % 97 == 0 ? float.NaN : MathF.Round((float)random.NextDouble() * 16) / 16;
        }
        var ellipse = new SpacingEllipse(5 * 141, 3 * 141, direction);
        (double X, double Y)[] existing = [(1500, 1200), (-300, 2900)];
        var kept = new List<(double X, double Y)>(existing);
        var expected = new List<int>();
        foreach (int i in Enumerable.Range(0, n).Where(i => eligible[i] != 0 && float.IsFinite(score[i])).OrderByDescending(i => score[i]).ThenBy(i => i))
        {
            var (x, y) = grid.CellCenter(i % grid.Width, i / grid.Width);
            if (kept.Any(p => ellipse.Conflicts(p.X, p.Y, x, y))) continue;
            kept.Add((x, y));
            expected.Add(i);
        }
        Assert.True(expected.Count > 20);
        Assert.Equal(expected, TurbineSiting.Place(grid, eligible, score, ellipse, existing, null));
    }
}

