using KlimaPakt.Geo.Raster.Circuits;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Tests.Circuits;

/// <summary>The grid circuit solver against hand-computed circuits and a dense solve written from the definition.</summary>
public sealed class GridCircuitSolverTests
{
    private static CircuitSolution Solve(float[] g, int w, int h, float[] src, byte[] gnd, Connectivity nb = Connectivity.Eight,
        CircuitPreconditioner pc = CircuitPreconditioner.Multigrid, double tol = 1e-12, int maxIterations = 5000) =>
        GridCircuitSolver.Solve((float[])g.Clone(), w, h, src, gnd,
            new CircuitOptions { Neighbours = nb, Tolerance = tol, Preconditioner = pc, MaxIterations = maxIterations });

    [Theory]
    [InlineData(CircuitPreconditioner.Multigrid)]
    [InlineData(CircuitPreconditioner.Jacobi)]
    public void Solve_ResistorChain_SourceVoltageIsTheSeriesSumAndOneAmpEverywhere(CircuitPreconditioner pc)
    {
        // Cell resistances 1, 2, 4, 1 Ω → conductances 1, 0.5, 0.25, 1 S; link conductance = mean of its two cells:
        // 0.75, 0.375, 0.625 S → link resistances 4/3 + 8/3 + 1.6 = 5.6 Ω. 1 A in at cell 0, ground at cell 3: V₀ = 5.6 V,
        // V₁ = 5.6 − 4/3, V₂ = 1.6; the same 1 A passes every node (source and ground included).
        float[] g = [1, 0.5f, 0.25f, 1];
        var s = Solve(g, 4, 1, [1, 0, 0, 0], [0, 0, 0, 1], pc: pc);
        Assert.True(s.Converged);
        Assert.Equal(5.6, s.VoltageVolts[0], 1e-9);
        Assert.Equal(5.6 - 4.0 / 3, s.VoltageVolts[1], 1e-9);
        Assert.Equal(1.6, s.VoltageVolts[2], 1e-9);
        Assert.Equal(0, s.VoltageVolts[3]);
        foreach (float c in s.CurrentAmps) Assert.Equal(1.0, c, 1e-6);
    }

    [Theory]
    [InlineData(9, 5)]
    [InlineData(40, 23)]
    [InlineData(130, 70)]
    public void Solve_UniformGridLeftSourcesRightGround_EffectiveResistanceIsWMinus1OverH(int w, int h)
    {
        // 4 neighbours, every cell 1 S so every link is 1 Ω. 1 A into each left-column cell (H A in all), right column
        // grounded: by symmetry no current crosses rows, each row is a chain of W − 1 links carrying 1 A, so the left
        // column sits at R_eff·I = (W − 1)/H · H = W − 1 volts and column x at W − 1 − x.
        var g = Enumerable.Repeat(1f, w * h).ToArray();
        var src = new float[w * h];
        var gnd = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            src[y * w] = 1;
            gnd[y * w + w - 1] = 1;
        }
        var s = Solve(g, w, h, src, gnd, Connectivity.Four);
        Assert.True(s.Converged, $"residual {s.RelativeResidual}");
        double rEff = s.VoltageVolts[0] / h;
        Assert.Equal((w - 1.0) / h, rEff, 1e-8);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                Assert.Equal(w - 1.0 - x, s.VoltageVolts[y * w + x], 1e-7 * w);
    }

    [Fact]
    public void Solve_TwoParallelPaths_CurrentSplitsByConductance()
    {
        // 5 × 3 cells, 4 neighbours; the middle row is NoData except its two ends. 1 A in at (0,1), ground at (4,1).
        // Top path: (0,1)→(0,0)→…→(4,0)→(4,1), all cells 1 S: 6 links of 1 Ω, R_top = 6 Ω.
        // Bottom path: cells 0.5 S; end links mean(1, 0.5) = 0.75 S → 4/3 Ω each, 4 row links 0.5 S → 2 Ω each:
        // R_bot = 8 + 8/3 = 32/3 Ω. Split: I_top = R_bot/(R_top + R_bot) = 0.64 A, I_bot = 0.36 A;
        // V_source = R_top·R_bot/(R_top + R_bot) · 1 A = 3.84 V.
        float n = float.NaN;
        float[] g =
        [
            1, 1, 1, 1, 1,
            1, n, n, n, 1,
            0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
        ];
        var src = new float[15];
        var gnd = new byte[15];
        src[5] = 1;
        gnd[9] = 1;
        var s = Solve(g, 5, 3, src, gnd, Connectivity.Four);
        Assert.Equal(3.84, s.VoltageVolts[5], 1e-9);
        for (int x = 0; x < 5; x++)
        {
            Assert.Equal(0.64, s.CurrentAmps[x], 1e-6);
            Assert.Equal(0.36, s.CurrentAmps[10 + x], 1e-6);
        }
        Assert.True(double.IsNaN(s.VoltageVolts[7]));
        Assert.True(float.IsNaN(s.CurrentAmps[7]));
        Assert.Equal(1.0, s.CurrentAmps[5], 1e-6); // the source node: ½(0.64 + 0.36 + 1)
        Assert.Equal(1.0, s.CurrentAmps[9], 1e-6); // the ground
    }

    /// <summary>A random grid with holes, sources and grounds; the same seed always gives one grounded component.</summary>
    private static (float[] G, float[] Src, byte[] Gnd) RandomCircuit(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var g = new float[w * h];
        var src = new float[w * h];
        var gnd = new byte[w * h];
        for (int i = 0; i < g.Length; i++)
        {
            double u = rng.NextDouble();
            g[i] = u < 0.04 ? float.NaN : (float)Math.Exp(rng.NextDouble() * Math.Log(100)) / 10; // 0.1 … 10 S
        }
        for (int k = 0; k < 3; k++) gnd[rng.Next(g.Length)] = 1;
        for (int k = 0; k < 5; k++)
        {
            int i = rng.Next(g.Length);
            if (gnd[i] == 0) src[i] = (float)(0.5 + rng.NextDouble());
        }
        foreach (int i in Enumerable.Range(0, g.Length).Where(i => gnd[i] != 0 || src[i] != 0)) g[i] = 1;
        return (g, src, gnd);
    }

    /// <summary>Link weight between cells a and b from the definition (mean conductance, ÷√2 on diagonals).</summary>
    private static double LinkWeight(float[] g, int a, int b, bool diagonal) =>
        float.IsNaN(g[a]) || float.IsNaN(g[b]) ? 0 : ((double)g[a] + g[b]) / 2 / (diagonal ? Math.Sqrt(2) : 1);

    private static IEnumerable<(int J, double W)> Links(float[] g, int w, int h, int i, bool eight)
    {
        int x = i % w, y = i / w;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                bool diagonal = dx != 0 && dy != 0;
                if ((dx == 0 && dy == 0) || (diagonal && !eight)) continue;
                int x2 = x + dx, y2 = y + dy;
                if (x2 < 0 || y2 < 0 || x2 >= w || y2 >= h) continue;
                int j = y2 * w + x2;
                double wt = LinkWeight(g, i, j, diagonal);
                if (wt > 0) yield return (j, wt);
            }
    }

    [Theory]
    [InlineData(Connectivity.Eight, CircuitPreconditioner.Multigrid)]
    [InlineData(Connectivity.Four, CircuitPreconditioner.Multigrid)]
    [InlineData(Connectivity.Eight, CircuitPreconditioner.Jacobi)]
    public void Solve_RandomGrid_EqualsDenseCholeskyOfTheLaplacian(Connectivity nb, CircuitPreconditioner pc)
    {
        const int W = 47, H = 23; // 1081 cells: one coarse level above the dense coarsest one
        var (g, src, gnd) = RandomCircuit(W, H, 7);
        var s = Solve(g, W, H, src, gnd, nb, pc);
        Assert.True(s.Converged);
        Assert.Equal(0, s.UngroundedCells);

        // Reference: the grounded Laplacian of the free nodes written from the definition, solved by dense Cholesky.
        bool eight = nb == Connectivity.Eight;
        var free = Enumerable.Range(0, g.Length).Where(i => !float.IsNaN(g[i]) && gnd[i] == 0).ToArray();
        var index = new int[g.Length];
        Array.Fill(index, -1);
        for (int k = 0; k < free.Length; k++) index[free[k]] = k;
        int m = free.Length;
        var a = new double[m, m];
        var b = new double[m];
        for (int k = 0; k < m; k++)
        {
            b[k] = src[free[k]];
            foreach (var (j, wt) in Links(g, W, H, free[k], eight))
            {
                a[k, k] += wt;
                if (index[j] >= 0) a[k, index[j]] -= wt;
            }
        }
        for (int j = 0; j < m; j++)
        {
            for (int k = 0; k < j; k++) a[j, j] -= a[j, k] * a[j, k];
            a[j, j] = Math.Sqrt(a[j, j]);
            for (int i = j + 1; i < m; i++)
            {
                for (int k = 0; k < j; k++) a[i, j] -= a[i, k] * a[j, k];
                a[i, j] /= a[j, j];
            }
        }
        for (int i = 0; i < m; i++)
        {
            for (int k = 0; k < i; k++) b[i] -= a[i, k] * b[k];
            b[i] /= a[i, i];
        }
        for (int i = m - 1; i >= 0; i--)
        {
            for (int k = i + 1; k < m; k++) b[i] -= a[k, i] * b[k];
            b[i] /= a[i, i];
        }
        double vmax = b.Max(Math.Abs);
        for (int k = 0; k < m; k++) Assert.True(Math.Abs(s.VoltageVolts[free[k]] - b[k]) <= 1e-9 * vmax, $"node {free[k]}: {s.VoltageVolts[free[k]]} vs {b[k]}");
        for (int i = 0; i < g.Length; i++)
        {
            if (gnd[i] != 0) Assert.Equal(0, s.VoltageVolts[i]);
            if (float.IsNaN(g[i])) Assert.True(double.IsNaN(s.VoltageVolts[i]));
        }
    }

    [Theory]
    [InlineData(Connectivity.Eight)]
    [InlineData(Connectivity.Four)]
    public void Solve_LargerRandomGrid_CurrentConservedAtEveryInnerNodeAndCurrentMapAsDefined(Connectivity nb)
    {
        const int W = 300, H = 170; // five coarse levels
        var (g, src, gnd) = RandomCircuit(W, H, 11);
        var s = Solve(g, W, H, src, gnd, nb);
        Assert.True(s.Converged, $"residual {s.RelativeResidual} after {s.Iterations}");
        bool eight = nb == Connectivity.Eight;
        double total = src.Sum(v => (double)v);
        var v = s.VoltageVolts;
        for (int i = 0; i < g.Length; i++)
        {
            if (double.IsNaN(v[i])) continue;
            double net = 0, sumAbs = 0;
            foreach (var (j, wt) in Links(g, W, H, i, eight))
            {
                if (double.IsNaN(v[j])) continue;
                double flow = wt * (v[i] - v[j]);
                net += flow;
                sumAbs += Math.Abs(flow);
            }
            if (gnd[i] == 0 && src[i] == 0) Assert.True(Math.Abs(net) <= 1e-9 * total, $"cell {i}: net {net}");
            double terminal = src[i] != 0 ? src[i] : Math.Abs(net);
            Assert.Equal(0.5 * (sumAbs + terminal), s.CurrentAmps[i], 1e-5 * Math.Max(1, s.CurrentAmps[i]));
        }
        // All injected current reaches the grounds.
        double drawn = Enumerable.Range(0, g.Length).Where(i => gnd[i] != 0 && !double.IsNaN(v[i]))
            .Sum(i => Links(g, W, H, i, eight).Where(l => !double.IsNaN(v[l.J])).Sum(l => l.W * v[l.J]));
        Assert.Equal(total, drawn, 1e-8 * total);
    }

    [Fact]
    public void Solve_MultigridAndJacobi_SameVoltages()
    {
        const int W = 121, H = 90; // three coarse levels
        var (g, src, gnd) = RandomCircuit(W, H, 5);
        var mg = Solve(g, W, H, src, gnd, pc: CircuitPreconditioner.Multigrid);
        var jac = Solve(g, W, H, src, gnd, pc: CircuitPreconditioner.Jacobi, maxIterations: 20000);
        Assert.True(mg.Converged && jac.Converged);
        Assert.True(mg.Iterations * 5 < jac.Iterations, $"multigrid {mg.Iterations} vs Jacobi {jac.Iterations} iterations");
        double vmax = mg.VoltageVolts.Where(double.IsFinite).Max();
        for (int i = 0; i < g.Length; i++)
            if (!double.IsNaN(mg.VoltageVolts[i])) Assert.True(Math.Abs(mg.VoltageVolts[i] - jac.VoltageVolts[i]) <= 1e-9 * vmax);
    }

    [Fact]
    public void Solve_ComponentWithoutGround_ReportedAndNoData()
    {
        // 6 × 4 cells, column 3 NoData: two components. Ground and a source on the left, a source on the right only.
        float n = float.NaN;
        var g = new float[24];
        for (int i = 0; i < 24; i++) g[i] = i % 6 == 3 ? n : 1;
        var src = new float[24];
        var gnd = new byte[24];
        gnd[0] = 1;
        src[2] = 1;
        src[5] = 2; // right component (columns 4, 5: 8 cells)
        var s = Solve(g, 6, 4, src, gnd);
        Assert.Equal(1, s.UngroundedComponents);
        Assert.Equal(8, s.UngroundedCells);
        Assert.Equal(2, s.IgnoredSourceAmps);
        Assert.Equal(1, s.SourceAmps);
        for (int i = 0; i < 24; i++)
        {
            bool right = i % 6 >= 3;
            Assert.Equal(right, double.IsNaN(s.VoltageVolts[i]));
            Assert.Equal(right, float.IsNaN(s.CurrentAmps[i]));
        }
        Assert.True(s.VoltageVolts[2] > 0);
    }

    [Fact]
    public void Solve_NoGround_Throws()
    {
        var e = Assert.Throws<CircuitInputException>(() => Solve([1, 1, 1], 3, 1, [1, 0, 0], [0, 0, 0]));
        Assert.Contains("no ground", e.Message);
    }

    [Fact]
    public void Solve_SourceOnGround_ThrowsNamingTheCell()
    {
        var e = Assert.Throws<CircuitInputException>(() => Solve([1, 1, 1], 3, 1, [0, 0, 1], [0, 0, 1]));
        Assert.Contains("column 2, row 0", e.Message);
    }

    [Fact]
    public void Solve_IterationCapTooLow_NotConvergedWithTheResidualReached()
    {
        var (g, src, gnd) = RandomCircuit(200, 200, 3);
        var s = Solve(g, 200, 200, src, gnd, pc: CircuitPreconditioner.Jacobi, tol: 1e-10, maxIterations: 3);
        Assert.False(s.Converged);
        Assert.Equal(3, s.Iterations);
        Assert.True(s.RelativeResidual > 1e-10 && s.RelativeResidual < 1);
    }

    [Theory]
    [InlineData(Connectivity.Eight)]
    [InlineData(Connectivity.Four)]
    public void Solve_VectorAndScalarPaths_SameVoltagesAndIterations(Connectivity nb)
    {
        // Widths 6 … 13 cover every vector/tail split of the interior rows (4 lanes, column 0 and W−1 scalar).
        for (int w = 6; w <= 13; w++)
        {
            var (g, src, gnd) = RandomCircuit(w, 40, w);
            var scalar = GridCircuitSolver.Solve((float[])g.Clone(), w, 40, src, gnd,
                new CircuitOptions { Neighbours = nb, Tolerance = 1e-12, Path = KernelPath.Scalar });
            var vector = GridCircuitSolver.Solve((float[])g.Clone(), w, 40, src, gnd,
                new CircuitOptions { Neighbours = nb, Tolerance = 1e-12, Path = KernelPath.Vector256 });
            Assert.True(scalar.Converged && vector.Converged);
            double vmax = scalar.VoltageVolts.Where(double.IsFinite).Max();
            for (int i = 0; i < g.Length; i++)
                Assert.True(Math.Abs(scalar.VoltageVolts[i] - vector.VoltageVolts[i]) <= 1e-10 * vmax
                    || (double.IsNaN(scalar.VoltageVolts[i]) && double.IsNaN(vector.VoltageVolts[i])), $"width {w}, cell {i}");
        }
    }
}
