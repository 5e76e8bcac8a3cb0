using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>Preconditioner of the conjugate-gradient solve.</summary>
public enum CircuitPreconditioner
{
    /// <summary>
    /// One V-cycle of an aggregation multigrid: 2×2 cell aggregates, Galerkin coarse operators (the coarse links are
    /// the sums of the fine links between two aggregates), symmetric four-colour Gauss–Seidel smoothing, a dense
    /// Cholesky solve on the coarsest grid. The default: measured fastest (docs/circuits.md).
    /// </summary>
    Multigrid = 0,

    /// <summary>Diagonal (Jacobi) scaling: the cheapest iteration, but the iteration count grows with the grid's side.</summary>
    Jacobi = 1,
}

/// <summary>Parameters of a grid circuit solve.</summary>
public sealed record CircuitOptions
{
    /// <summary>Links to 8 neighbours (default, Circuitscape's default) or to the 4 edge neighbours only.</summary>
    public Connectivity Neighbours { get; init; } = Connectivity.Eight;

    /// <summary>Convergence when ‖b − A·v‖₂ ≤ tolerance · ‖b‖₂ (relative residual, dimensionless). Default 1e-8.</summary>
    public double Tolerance { get; init; } = 1e-8;

    /// <summary>Most conjugate-gradient iterations before the solve gives up (the result says it did not converge).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Preconditioner (multigrid by default).</summary>
    public CircuitPreconditioner Preconditioner { get; init; } = CircuitPreconditioner.Multigrid;

    /// <summary>Instruction path of the conjugate-gradient stencil passes: <see cref="KernelPath.Scalar"/> is the
    /// reference; any other value runs 4-double Vector256 loops on interior rows where the hardware accelerates them.</summary>
    public KernelPath Path { get; init; } = KernelPath.Best;

    /// <summary>Run the passes on all cores (row bands); false runs everything on the calling thread.</summary>
    public bool AllCores { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> on a non-positive tolerance or iteration cap.</summary>
    public CircuitOptions Validate()
    {
        if (!(Tolerance > 0 && Tolerance < 1)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "tolerance must lie in (0, 1)");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "the iteration cap must be at least 1");
        if (Neighbours is not (Connectivity.Four or Connectivity.Eight)) throw new ArgumentOutOfRangeException(nameof(Neighbours));
        return this;
    }
}

/// <summary>Result of a grid circuit solve. Arrays are row-major on the input grid.</summary>
public sealed class CircuitSolution
{
    /// <summary>Node voltages in volts (sources in amperes, conductances in siemens); NaN on removed cells (NoData,
    /// zero conductance) and on components without a ground; 0 on grounds.</summary>
    public required double[] VoltageVolts { get; init; }

    /// <summary>
    /// Cumulative current through each node in amperes, Circuitscape's definition: half of (the sum of the absolute
    /// currents on the node's links + the absolute current injected at a source or drawn at a ground), which equals
    /// the larger of the current flowing in and the current flowing out. NaN where the voltage is NaN.
    /// </summary>
    public required float[] CurrentAmps { get; init; }

    /// <summary>Conjugate-gradient iterations done.</summary>
    public int Iterations { get; init; }

    /// <summary>Relative residual ‖b − A·v‖₂ / ‖b‖₂ reached (the recursively updated residual of the CG).</summary>
    public double RelativeResidual { get; init; }

    /// <summary>True when the relative residual reached the tolerance within the iteration cap.</summary>
    public bool Converged { get; init; }

    /// <summary>Cells solved for (free nodes plus grounds).</summary>
    public long SolvedCells { get; init; }

    /// <summary>Grounded cells.</summary>
    public long GroundCells { get; init; }

    /// <summary>Valid cells in components that hold no ground: not solved, their voltage and current are NaN.</summary>
    public long UngroundedCells { get; init; }

    /// <summary>Number of components without a ground.</summary>
    public int UngroundedComponents { get; init; }

    /// <summary>Source current (amperes) injected on cells that were not solved (NoData or ungrounded components): ignored.</summary>
    public double IgnoredSourceAmps { get; init; }

    /// <summary>Source current (amperes) injected into the solved network.</summary>
    public double SourceAmps { get; init; }

    /// <summary>Bytes the solver held per input cell at its peak (conductance, vectors and the multigrid hierarchy).</summary>
    public double SolverBytesPerCell { get; init; }
}

/// <summary>A circuit problem that cannot be solved as given (no ground, a source on a ground, …). The message says why.</summary>
public sealed class CircuitInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the input.</param>
    public CircuitInputException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception (serialisation-free form required by the analyzers).</summary>
    public CircuitInputException()
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="message">What is wrong with the input.</param>
    /// <param name="inner">Underlying exception.</param>
    public CircuitInputException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>The conjugate-gradient solve stopped at its iteration cap before reaching the tolerance.</summary>
public sealed class CircuitNotConvergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Iterations, residual reached and tolerance.</param>
    public CircuitNotConvergedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CircuitNotConvergedException()
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="inner">Underlying exception.</param>
    public CircuitNotConvergedException(string message, Exception inner) : base(message, inner)
    {
    }
}
