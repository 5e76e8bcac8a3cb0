using System.Diagnostics;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>
/// Circuit theory on a raster (Circuitscape's "advanced mode"): cells are nodes, links join each cell to its 8 (or 4)
/// neighbours with conductance = mean of the two cells' conductances (÷ √2 on diagonals); current is injected at
/// source cells and drawn off at grounds (0 V, zero resistance). Solves the grounded graph Laplacian A·v = b with
/// preconditioned conjugate gradients, matrix-free, in float64, on all cores.
/// </summary>
/// <remarks>
/// Memory at the peak of the solve, per input cell: conductance 4 B (the caller's array, reused), the CG vectors
/// x, r, p in float64 24 B, the preconditioned residual z in float32 4 B (it is the output of the float32 multigrid, and
/// A·p is recomputed rather than stored), and the multigrid hierarchy ≈ 6.7 B — about 38.7 bytes per cell. The voltage
/// map returned is the solution vector itself and the current map reuses z.
/// </remarks>
public static unsafe class GridCircuitSolver
{
    /// <summary>From this many cells on, transient memory is returned to the system before the CG vectors are allocated.</summary>
    private const long LargeGridCells = 1L << 22;

    /// <summary>
    /// Solves the circuit. <paramref name="conductance"/> is taken over and overwritten (it becomes the solver's cell
    /// encoding); NaN, infinite-free zero or NoData cells are removed from the graph.
    /// </summary>
    /// <param name="conductance">Row-major conductance per cell in siemens (1/resistance); NaN or 0 = removed. Overwritten.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="sourceAmps">Current injected per cell in amperes (0 = none; NaN = none).</param>
    /// <param name="grounds">Non-zero = grounded cell (0 V).</param>
    /// <param name="options">Neighbours, tolerance, iteration cap, preconditioner.</param>
    /// <param name="progress">Optional progress 0..1: log of the residual reduction against the tolerance.</param>
    /// <exception cref="CircuitInputException">No ground on a valid cell, a source on a ground, a negative or infinite
    /// conductance.</exception>
    public static CircuitSolution Solve(float[] conductance, int width, int height, ReadOnlySpan<float> sourceAmps,
        ReadOnlySpan<byte> grounds, CircuitOptions? options = null, IProgress<double>? progress = null)
    {
        long n = (long)width * height;
        if (sourceAmps.Length != n || grounds.Length != n)
            throw new ArgumentException($"sources and grounds need {n} cells each ({width}×{height}).");
        return Solve(conductance, width, height, CircuitTerminals.FromRasters(sourceAmps, grounds), options, progress);
    }

    /// <summary>
    /// Solves the circuit with sources and grounds given as cell lists (what keeps the solve at its stated bytes per
    /// cell: no source or ground raster stays alive beside it). <paramref name="conductance"/> is overwritten.
    /// </summary>
    /// <param name="conductance">Row-major conductance per cell in siemens (1/resistance); NaN or 0 = removed. Overwritten.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="terminals">Source cells with their currents, and ground cells.</param>
    /// <param name="options">Neighbours, tolerance, iteration cap, preconditioner.</param>
    /// <param name="progress">Optional progress 0..1: log of the residual reduction against the tolerance.</param>
    /// <exception cref="CircuitInputException">No ground on a valid cell, a source on a ground, a negative or infinite
    /// conductance.</exception>
    public static CircuitSolution Solve(float[] conductance, int width, int height, CircuitTerminals terminals,
        CircuitOptions? options = null, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(conductance);
        ArgumentNullException.ThrowIfNull(terminals);
        var o = (options ?? new CircuitOptions()).Validate();
        long n = (long)width * height;
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "the grid is empty");
        if (conductance.LongLength != n) throw new ArgumentException($"conductance needs {n} cells ({width}×{height}).", nameof(conductance));
        bool eight = o.Neighbours == Connectivity.Eight;

        // 1. Cell encoding: g > 0 free, g < 0 ground, 0 removed.
        int cells = checked((int)n);
        for (int i = 0; i < cells; i++)
        {
            float g = conductance[i];
            if (float.IsNaN(g)) g = 0;
            else if (g < 0) throw new CircuitInputException($"negative conductance {g} at column {i % width}, row {i / width}");
            else if (float.IsPositiveInfinity(g)) throw new CircuitInputException($"infinite conductance (zero resistance) at column {i % width}, row {i / width}");
            conductance[i] = g;
        }
        long groundCells = 0, groundsOnNoData = 0;
        foreach (long i in terminals.GroundCells)
        {
            if (i < 0 || i >= n) throw new ArgumentOutOfRangeException(nameof(terminals), $"ground cell {i} outside the grid");
            if (conductance[i] > 0) { conductance[i] = -conductance[i]; groundCells++; }
            else if (conductance[i] == 0) groundsOnNoData++;
        }
        for (int k = 0; k < terminals.SourceCells.Length; k++)
        {
            long i = terminals.SourceCells[k];
            if (i < 0 || i >= n) throw new ArgumentOutOfRangeException(nameof(terminals), $"source cell {i} outside the grid");
            double a = terminals.SourceAmps[k];
            if (!double.IsFinite(a)) throw new CircuitInputException($"source current {a} at column {i % width}, row {i / width} is not finite");
            if (conductance[i] < 0 || (conductance[i] == 0 && terminals.IsGround(i)))
                throw new CircuitInputException($"column {i % width}, row {i / width} is both a source ({a} A) and a ground");
        }
        if (groundCells == 0)
            throw new CircuitInputException(groundsOnNoData > 0
                ? $"every ground ({groundsOnNoData} cells) lies on a NoData or zero-conductance cell"
                : "no ground: mark at least one valid cell as ground");

        // 2. Components without a ground cannot carry current: removed and reported (no NaN solve, no singular matrix).
        // The labelling's two int grids live in the residual vector's memory (8 bytes per cell), filled only afterwards.
        var r = GC.AllocateUninitializedArray<double>(cells, pinned: true);
        var (ungroundedCells, ungroundedComponents) = RemoveUngrounded(conductance, width, height, o.Neighbours,
            System.Runtime.InteropServices.MemoryMarshal.Cast<double, int>(r.AsSpan()));

        var started = Stopwatch.GetTimestamp();
        fixed (float* g = conductance)
        {
            var fine = new FineGrid(g, width, height, eight, o.Path != KernelPath.Scalar);
            bool all = o.AllCores;
            double sourceTotal = 0, ignored = 0;
            long freeCells = 0;
            for (int i = 0; i < cells; i++)
            {
                r[i] = 0;
                if (g[i] > 0) freeCells++;
            }
            for (int k = 0; k < terminals.SourceCells.Length; k++)
            {
                long i = terminals.SourceCells[k];
                double b = terminals.SourceAmps[k];
                if (g[i] > 0)
                {
                    r[i] += b;
                    sourceTotal += b;
                }
                else
                {
                    ignored += b;
                }
            }

            double bnorm;
            fixed (double* pr0 = r) bnorm = Math.Sqrt(fine.SumOfSquares(pr0, all));
            bool solve = bnorm > 0 && freeCells > 0;
            var mg = solve && o.Preconditioner == CircuitPreconditioner.Multigrid ? new AggregationMultigrid(fine, all) : null;
            // Large grids: hand the labelling's and the hierarchy build's temporaries back before the CG vectors are
            // allocated, so the process's peak stays at the solve's own bytes per cell (measured in the results).
            // Aggressive: the freed regions are decommitted now (a forced collection keeps them committed for reuse).
            if (n >= LargeGridCells) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var x = new double[n];
            var z = GC.AllocateUninitializedArray<float>((int)n, pinned: true);
            fixed (double* px = x)
            fixed (double* pr = r)
            {
                int iterations = 0;
                double rel = 0;
                long hierarchyBytes = mg?.Bytes ?? 0;
                if (solve)
                {
                    var p = GC.AllocateUninitializedArray<double>((int)n, pinned: true);
                    fixed (double* pp = p)
                    fixed (float* pz = z)
                    {
                        (iterations, rel) = ConjugateGradients(fine, mg, px, pr, pp, pz, bnorm, o, progress);
                    }
                }
                progress?.Report(1);
                long solverBytes = n * (sizeof(float) + 3 * sizeof(double) + sizeof(float)) + hierarchyBytes;
                // Current map into z (free after the solve), voltage NoData where nothing was solved.
                fixed (float* pz = z)
                    CurrentMap(fine, px, pr, pz, all);
                for (long i = 0; i < n; i++)
                    if (g[i] == 0) x[i] = double.NaN;
                _ = Stopwatch.GetElapsedTime(started);
                return new CircuitSolution
                {
                    VoltageVolts = x,
                    CurrentAmps = z,
                    Iterations = iterations,
                    RelativeResidual = rel,
                    Converged = rel <= o.Tolerance,
                    SolvedCells = freeCells + groundCells,
                    GroundCells = groundCells,
                    UngroundedCells = ungroundedCells,
                    UngroundedComponents = ungroundedComponents,
                    IgnoredSourceAmps = ignored,
                    SourceAmps = sourceTotal,
                    SolverBytesPerCell = (double)solverBytes / n,
                };
            }
        }
    }

    /// <summary>Conductance of the link between two cells, in siemens: the mean of the cells' conductances, ÷ √2 on a
    /// diagonal (Circuitscape's "average conductance").</summary>
    /// <param name="a">One cell's conductance.</param>
    /// <param name="b">The other's.</param>
    /// <param name="diagonal">True for a diagonal link.</param>
    public static double LinkConductance(double a, double b, bool diagonal) => (a + b) * (diagonal ? 0.5 / Math.Sqrt(2) : 0.5);

    private static (int Iterations, double Relative) ConjugateGradients(FineGrid fine, AggregationMultigrid? mg, double* x,
        double* r, double* p, float* z, double bnorm, CircuitOptions o, IProgress<double>? progress)
    {
        bool all = o.AllCores;
        void Precondition()
        {
            if (mg is null) fine.Jacobi(r, z, all);
            else mg.Apply(r, z);
        }
        Precondition();
        double rz = fine.Dot(r, z, all);
        long n = fine.Cells;
        for (long i = 0; i < n; i++) p[i] = z[i];
        double rel = 1;
        double logTarget = -Math.Log(o.Tolerance);
        int k = 0;
        while (k < o.MaxIterations)
        {
            k++;
            double pap = fine.DotPAp(p, all);
            if (!(pap > 0)) break; // exact solution reached (p = 0) or breakdown
            double alpha = rz / pap;
            double rr = fine.UpdateSolution(x, r, p, alpha, all);
            rel = Math.Sqrt(rr) / bnorm;
            progress?.Report(Math.Clamp(-Math.Log(Math.Max(rel, 1e-300)) / logTarget, 0, 0.99));
            if (rel <= o.Tolerance) break;
            Precondition();
            double rzNew = fine.Dot(r, z, all);
            double beta = rzNew / rz;
            rz = rzNew;
            fine.UpdateDirection(p, z, beta, all);
        }
        return (k, rel);
    }

    /// <summary>
    /// Per node: ½·(Σ |link currents| + |source or ground current|) (Circuitscape: the larger of inflow and outflow).
    /// A free node's source current is bᵢ = rᵢ + (A·v)ᵢ (the residual kept by the CG plus the applied operator), so the
    /// sources need not be kept; a ground's is Σⱼ wᵢⱼ·vⱼ, the current it draws.
    /// </summary>
    private static void CurrentMap(FineGrid fine, double* v, double* r, float* current, bool allCores)
    {
        float* g = fine.G;
        int w = fine.Width, h = fine.Height;
        bool eight = fine.Eight;
        RowBands.For(h, fine.Parallel(allCores), (y0, y1) =>
        {
            for (int y = y0; y < y1; y++)
                for (int x = 0; x < w; x++)
                {
                    long i = (long)y * w + x;
                    float gi = g[i];
                    if (gi == 0)
                    {
                        current[i] = float.NaN;
                        continue;
                    }
                    double ai = Math.Abs(gi), vi = v[i], sumAbs = 0, net = 0;
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        int y2 = y + dy;
                        if (y2 < 0 || y2 >= h) continue;
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int x2 = x + dx;
                            if ((dx | dy) == 0 || x2 < 0 || x2 >= w) continue;
                            bool diagonal = dx != 0 && dy != 0;
                            if (diagonal && !eight) continue;
                            float gj = g[(long)y2 * w + x2];
                            if (gj == 0) continue;
                            double wt = LinkConductance(ai, Math.Abs(gj), diagonal);
                            double flow = wt * (vi - v[(long)y2 * w + x2]); // out of i
                            sumAbs += Math.Abs(flow);
                            net += flow;
                        }
                    }
                    // Free node: net outflow = injected source bᵢ (= rᵢ + (A·v)ᵢ); ground: −net is the current drawn.
                    double terminal = gi > 0 ? Math.Abs(net + r[i]) : Math.Abs(net);
                    current[i] = (float)(0.5 * (sumAbs + terminal));
                }
        });
    }

    private static (long Cells, int Components) RemoveUngrounded(float[] g, int width, int height, Connectivity neighbours,
        Span<int> scratch)
    {
        int n = g.Length;
        var classes = scratch[..n];
        var labels = scratch.Slice(n, n);
        for (int i = 0; i < n; i++) classes[i] = g[i] != 0 ? 1 : 0;
        int count = RasterKernels.ConnectedComponents(classes, width, height, neighbours, 1, labels);
        var grounded = new bool[count + 1];
        for (int i = 0; i < n; i++)
            if (g[i] < 0) grounded[labels[i]] = true;
        long cells = 0;
        for (int i = 0; i < n; i++)
        {
            int l = labels[i];
            if (l != 0 && !grounded[l])
            {
                g[i] = 0;
                cells++;
            }
        }
        int components = 0;
        for (int l = 1; l <= count; l++)
            if (!grounded[l]) components++;
        return (cells, components);
    }
}
