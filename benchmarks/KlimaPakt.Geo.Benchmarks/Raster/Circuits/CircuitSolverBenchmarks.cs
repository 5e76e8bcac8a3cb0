using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Raster.Circuits;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Circuits;

/// <summary>
/// The grid circuit solve on a seeded random resistance field (smooth multi-scale field × log-uniform noise, 1–1000 Ω)
/// with three 1 A point sources and two point grounds — the layout of benchmarks/peers/circuit_side_by_side.sh. The
/// baseline is Jacobi-preconditioned CG; the contender the aggregation-multigrid-preconditioned CG (the default).
/// </summary>
[MemoryDiagnoser]
public class CircuitSolverBenchmarks
{
    private float[] _conductance = [];
    private float[] _work = [];
    private CircuitTerminals _terminals = null!;

    /// <summary>Grid side: 256 and a ragged 381 (the Jacobi baseline needs thousands of iterations beyond that; the
    /// large sizes are measured by the side-by-side script).</summary>
    [Params(256, 381)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_conductance, _terminals) = Problem(Size, Size);
        _work = new float[_conductance.Length];
    }

    [Benchmark(Baseline = true)]
    public int Jacobi() => Solve(CircuitPreconditioner.Jacobi);

    [Benchmark]
    public int Multigrid() => Solve(CircuitPreconditioner.Multigrid);

    private int Solve(CircuitPreconditioner pc)
    {
        _conductance.CopyTo(_work, 0);
        var s = GridCircuitSolver.Solve(_work, Size, Size, _terminals,
            new CircuitOptions { Preconditioner = pc, MaxIterations = 100_000 });
        return s.Iterations;
    }

    /// <summary>The benchmark's problem: conductances (1/Ω) and the terminals.</summary>
    public static (float[] Conductance, CircuitTerminals Terminals) Problem(int w, int h, int seed = 20261202)
    {
        var g = new float[(long)w * h];
        var rng = new Random(seed);
        double fx1 = rng.NextDouble() * 20 + 2, fy1 = rng.NextDouble() * 20 + 2, fx2 = rng.NextDouble() * 60 + 10, fy2 = rng.NextDouble() * 60 + 10;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double smooth = 0.5 + 0.3 * Math.Sin(fx1 * x / w + 1) * Math.Cos(fy1 * y / h) + 0.2 * Math.Sin(fx2 * x / w) * Math.Sin(fy2 * y / h + 2);
                double resistance = Math.Pow(10, 3 * Math.Clamp(0.7 * smooth + 0.3 * rng.NextDouble(), 0, 1)); // 1 … 1000 Ω
                g[(long)y * w + x] = (float)(1 / resistance);
            }
        long Cell(double fx, double fy) => (long)(int)(fy * h) * w + (int)(fx * w);
        var sources = new[] { Cell(0.2, 0.3), Cell(0.5, 0.5), Cell(0.8, 0.2) };
        var grounds = new[] { Cell(0.7, 0.75), Cell(0.3, 0.8) }.Order().ToArray();
        return (g, new CircuitTerminals(sources, [1, 1, 1], grounds));
    }

    /// <summary>`circuit-probe SIZE [jacobi|multigrid]… [scalar]`: one solve per preconditioner, iterations, seconds and
    /// bytes per cell on one line each (the quick figure behind the preconditioner choice in docs/circuits.md).</summary>
    public static int Probe(string[] args)
    {
        int n = int.Parse(args[0], CultureInfo.InvariantCulture);
        var path = args.Contains("scalar") ? KernelPath.Scalar : KernelPath.Best;
        args = [.. args.Where(a => a != "scalar")];
        var pcs = args.Length > 1 ? args[1..].Select(a => Enum.Parse<CircuitPreconditioner>(a, true)).ToArray()
            : [CircuitPreconditioner.Multigrid, CircuitPreconditioner.Jacobi];
        var (g, t) = Problem(n, n);
        foreach (var pc in pcs)
        {
            var work = (float[])g.Clone();
            var sw = Stopwatch.StartNew();
            var s = GridCircuitSolver.Solve(work, n, n, t, new CircuitOptions { Preconditioner = pc, MaxIterations = 100_000, Neighbours = Connectivity.Eight, Path = path });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n}x{n} {pc} {path}: {s.Iterations} iterations, residual {s.RelativeResidual:G3}, {sw.Elapsed.TotalSeconds:F2} s, {s.SolverBytesPerCell:F1} B/cell, V(source0) {s.VoltageVolts[t.SourceCells[0]]:G10}"));
        }
        return 0;
    }
}
