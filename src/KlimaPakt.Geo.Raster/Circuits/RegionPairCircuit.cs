using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>Result of a circuit between two focal regions, scaled to 1 A. Arrays are row-major on the input grid.</summary>
public sealed class RegionPairSolution
{
    /// <summary>
    /// Cumulative current per cell in amperes with 1 A flowing from the source region to the ground region
    /// (Circuitscape's definition, <see cref="CircuitSolution.CurrentAmps"/>; a region cell's terminal current is the net
    /// current it passes to its own region). NaN on removed cells and on components that touch neither region.
    /// </summary>
    public required float[] CurrentAmps { get; init; }

    /// <summary>Voltage difference between the two regions with 1 A flowing, in ohms (volts per ampere); +∞ when no
    /// valid path joins them (then every current is 0).</summary>
    public required double EffectiveResistanceOhms { get; init; }

    /// <summary>Conjugate-gradient iterations done.</summary>
    public int Iterations { get; init; }

    /// <summary>Relative residual reached.</summary>
    public double RelativeResidual { get; init; }

    /// <summary>True when the solve reached the tolerance within the iteration cap.</summary>
    public bool Converged { get; init; }
}

/// <summary>
/// Circuitscape's pairwise solve between two focal regions: every cell of a region is short-circuited to the others
/// (the region is one node), one region is the source, the other is grounded. Solved on the grid solver exactly: with the
/// source region held at 1 V and the ground region at 0 V, both regions are grounds of <see cref="GridCircuitSolver"/> and
/// each free cell next to the source region receives the current its links to it would carry at 1 V (Σⱼ wᵢⱼ·1 V), which
/// is the same linear system as the fixed-voltage one. The current drawn from the source region, I, gives the effective
/// resistance 1 V / I; voltages and currents are then scaled to 1 A.
/// </summary>
public static class RegionPairCircuit
{
    /// <summary>Terminal code of a source-region cell.</summary>
    public const byte Source = 1;

    /// <summary>Terminal code of a ground-region cell.</summary>
    public const byte Ground = 2;

    /// <summary>Solves the circuit between the two regions of <paramref name="regions"/>.</summary>
    /// <param name="conductance">Row-major conductance per cell in siemens (NaN or 0 = removed). Not modified.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="regions">Per cell: <see cref="Source"/>, <see cref="Ground"/> or 0 (free).</param>
    /// <param name="options">Neighbours, tolerance, iteration cap.</param>
    /// <exception cref="CircuitInputException">A region without a valid cell, a negative or infinite conductance.</exception>
    public static RegionPairSolution Solve(ReadOnlySpan<float> conductance, int width, int height, ReadOnlySpan<byte> regions, CircuitOptions? options = null)
    {
        var o = (options ?? new CircuitOptions()).Validate();
        long n = (long)width * height;
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "the grid is empty");
        if (conductance.Length != n || regions.Length != n) throw new ArgumentException($"conductance and regions need {n} cells ({width}×{height}).");
        bool eight = o.Neighbours == Connectivity.Eight;
        var g = new float[n];
        long sourceCells = 0, groundList = 0;
        for (int i = 0; i < n; i++)
        {
            float v = conductance[i];
            g[i] = float.IsNaN(v) ? 0 : v;
            if (!(g[i] > 0)) continue;
            if (regions[i] == Source) sourceCells++;
            else if (regions[i] == Ground) groundList++;
        }
        if (sourceCells == 0) throw new CircuitInputException("the source region has no valid cell");
        if (groundList == 0) throw new CircuitInputException("the ground region has no valid cell");

        // Both regions grounded; each free neighbour of the source region receives Σ wᵢⱼ (its links to it at 1 V).
        var grounds = new List<long>();
        var injected = new Dictionary<long, double>();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                long i = (long)y * width + x;
                if (!(g[i] > 0)) continue;
                if (regions[(int)i] is Source or Ground)
                {
                    grounds.Add(i);
                    continue;
                }
                double toSource = 0;
                foreach (var (j, w) in Links(g, width, height, eight, x, y))
                    if (regions[(int)j] == Source) toSource += w;
                if (toSource > 0) injected[i] = toSource;
            }
        var sourceList = injected.Keys.Order().ToArray();
        var terminals = new CircuitTerminals(sourceList, [.. sourceList.Select(i => injected[i])], [.. grounds]);
        var solution = GridCircuitSolver.Solve((float[])g.Clone(), width, height, terminals, o);

        // Voltages at 1 V: the source region's cells at 1, the ground region's at 0.
        var v1 = solution.VoltageVolts;
        for (long i = 0; i < n; i++)
            if (g[i] > 0 && regions[(int)i] == Source) v1[i] = 1;
        // The current drawn from the source region: its links to every cell outside it.
        double drawn = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                long i = (long)y * width + x;
                if (!(g[i] > 0) || regions[(int)i] != Source) continue;
                foreach (var (j, w) in Links(g, width, height, eight, x, y))
                    if (regions[(int)j] != Source && !double.IsNaN(v1[j])) drawn += w * (1 - v1[j]);
            }
        var current = new float[n];
        if (!(drawn > 0))
        {
            for (long i = 0; i < n; i++) current[i] = g[i] > 0 && !double.IsNaN(v1[i]) ? 0 : float.NaN;
            return new RegionPairSolution
            {
                CurrentAmps = current,
                EffectiveResistanceOhms = double.PositiveInfinity,
                Iterations = solution.Iterations,
                RelativeResidual = solution.RelativeResidual,
                Converged = solution.Converged,
            };
        }
        double scale = 1 / drawn;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                long i = (long)y * width + x;
                if (!(g[i] > 0) || double.IsNaN(v1[i]))
                {
                    current[i] = float.NaN;
                    continue;
                }
                double sumAbs = 0, net = 0;
                foreach (var (j, w) in Links(g, width, height, eight, x, y))
                {
                    if (double.IsNaN(v1[j])) continue;
                    double flow = w * (v1[i] - v1[j]) * scale;
                    sumAbs += Math.Abs(flow);
                    net += flow;
                }
                // A free cell passes on what it receives (net 0); a region cell's net is what its region's short circuit feeds or drains.
                double terminal = regions[(int)i] is Source or Ground ? Math.Abs(net) : 0;
                current[i] = (float)(0.5 * (sumAbs + terminal));
            }
        return new RegionPairSolution
        {
            CurrentAmps = current,
            EffectiveResistanceOhms = scale,
            Iterations = solution.Iterations,
            RelativeResidual = solution.RelativeResidual,
            Converged = solution.Converged,
        };
    }

    /// <summary>The valid neighbours of (x, y) with their link conductances (<see cref="GridCircuitSolver.LinkConductance"/>).</summary>
    private static IEnumerable<(long Cell, double Conductance)> Links(float[] g, int width, int height, bool eight, int x, int y)
    {
        double gi = g[(long)y * width + x];
        for (int dy = -1; dy <= 1; dy++)
        {
            int y2 = y + dy;
            if (y2 < 0 || y2 >= height) continue;
            for (int dx = -1; dx <= 1; dx++)
            {
                int x2 = x + dx;
                if ((dx | dy) == 0 || x2 < 0 || x2 >= width) continue;
                bool diagonal = dx != 0 && dy != 0;
                if (diagonal && !eight) continue;
                long j = (long)y2 * width + x2;
                if (!(g[j] > 0)) continue;
                yield return (j, GridCircuitSolver.LinkConductance(gi, g[j], diagonal));
            }
        }
    }
}
