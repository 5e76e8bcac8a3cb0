namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>Parameters of an Omniscape-style moving-window run.</summary>
public sealed record MovingWindowOptions
{
    /// <summary>Window radius in cells (Omniscape's <c>radius</c>): cells whose centre lies within it of the target count.</summary>
    public double RadiusCells { get; init; } = 50;

    /// <summary>Side of the square blocks whose centre is the target (Omniscape's <c>block_size</c>; odd, default 1).</summary>
    public int BlockSize { get; init; } = 1;

    /// <summary>Also solve every window on a uniform resistance (the flow potential) and return the normalised current.</summary>
    public bool FlowPotential { get; init; } = true;

    /// <summary>Solver options of each window (each window runs on one core; windows run in parallel).</summary>
    public CircuitOptions Solver { get; init; } = new() { Tolerance = 1e-6, AllCores = false };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> on a non-positive radius or an even or non-positive block size.</summary>
    public MovingWindowOptions Validate()
    {
        if (!(RadiusCells >= 1) || double.IsInfinity(RadiusCells)) throw new ArgumentOutOfRangeException(nameof(RadiusCells), RadiusCells, "the radius must be at least one cell");
        if (BlockSize < 1 || BlockSize % 2 == 0) throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize, "the block size must be a positive odd number of cells");
        Solver.Validate();
        return this;
    }
}

/// <summary>Result of a moving-window run, row-major on the input grid (NaN where the resistance is NoData).</summary>
public sealed class MovingWindowResult
{
    /// <summary>Cumulative current: the sum of every window's current map, amperes per unit source strength.</summary>
    public required float[] CumulativeAmps { get; init; }

    /// <summary>The same on a uniform resistance (Omniscape's flow potential); null unless requested.</summary>
    public float[]? FlowPotentialAmps { get; init; }

    /// <summary>Cumulative / flow potential (1 = as connected as a uniform landscape; &gt; 1 channelled, &lt; 1 impeded); null unless requested.</summary>
    public float[]? Normalised { get; init; }

    /// <summary>Windows solved (targets with a positive block strength and a valid centre).</summary>
    public int Windows { get; init; }

    /// <summary>Windows whose solve did not reach the tolerance within the cap (their current is still added).</summary>
    public int NotConverged { get; init; }

    /// <summary>CG iterations over all window solves.</summary>
    public long Iterations { get; init; }
}

/// <summary>
/// Omniscape's moving window (McRae et al. 2016; Landau et al. 2021) as a raster operation. For each block of
/// <see cref="MovingWindowOptions.BlockSize"/>² cells whose summed source strength is positive, the block's centre is the
/// target: the resistance within the radius around it is clipped to a circle, the target is grounded, and a current equal
/// to the block's source strength is injected at the window's other source cells in proportion to their strengths. The
/// windows' current maps add up to the cumulative current. Memory: the whole-raster inputs and outputs (4 bytes per cell
/// each) plus one window's arrays per worker (about 40 bytes per window cell).
/// </summary>
public static class MovingWindowCircuits
{
    /// <summary>Runs the moving window.</summary>
    /// <param name="conductance">Conductance per cell (1/resistance; NaN = NoData).</param>
    /// <param name="sourceStrength">Source strength per cell (≤ 0 or NaN = not a source).</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="options">Radius, block size, solver.</param>
    /// <param name="progress">Optional share of targets done (0..1).</param>
    public static MovingWindowResult Run(ReadOnlySpan<float> conductance, ReadOnlySpan<float> sourceStrength, int width, int height,
        MovingWindowOptions options, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Validate();
        long n = (long)width * height;
        if (conductance.Length != n || sourceStrength.Length != n) throw new ArgumentException($"both rasters need {n} cells");
        var g = conductance.ToArray();
        var s = new float[n];
        for (int i = 0; i < n; i++) s[i] = sourceStrength[i] > 0 && !float.IsNaN(g[i]) && g[i] > 0 ? sourceStrength[i] : 0;
        int b = o.BlockSize, half = b / 2;
        // Targets: block centres (half + k·b) whose block holds source strength and whose centre is a valid cell.
        var targets = new List<(int X, int Y, double Strength)>();
        for (int cy = half; cy - half < height; cy += b)
            for (int cx = half; cx - half < width; cx += b)
            {
                int tx = Math.Min(cx, width - 1), ty = Math.Min(cy, height - 1);
                double strength = 0;
                for (int y = cy - half; y <= Math.Min(cy + half, height - 1); y++)
                    for (int x = cx - half; x <= Math.Min(cx + half, width - 1); x++) strength += s[(long)y * width + x];
                float gt = g[(long)ty * width + tx];
                if (strength > 0 && gt > 0 && !float.IsNaN(gt)) targets.Add((tx, ty, strength));
            }
        var cumulative = new double[n];
        var potential = o.FlowPotential ? new double[n] : null;
        int rad = (int)Math.Floor(o.RadiusCells);
        double r2 = o.RadiusCells * o.RadiusCells;
        int done = 0, notConverged = 0;
        long iterations = 0;
        var gate = new object();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, targets.Count, 1), range =>
        {
            for (int k = range.Item1; k < range.Item2; k++)
            {
                var (tx, ty, strength) = targets[k];
                int x0 = Math.Max(0, tx - rad), x1 = Math.Min(width - 1, tx + rad);
                int y0 = Math.Max(0, ty - rad), y1 = Math.Min(height - 1, ty + rad);
                int ww = x1 - x0 + 1, wh = y1 - y0 + 1;
                var wg = new float[ww * wh];
                var cells = new List<long>();
                var amps = new List<double>();
                double sum = 0;
                for (int y = y0; y <= y1; y++)
                    for (int x = x0; x <= x1; x++)
                    {
                        long wi = (long)(y - y0) * ww + (x - x0);
                        long gi = (long)y * width + x;
                        bool inside = (double)(x - tx) * (x - tx) + (double)(y - ty) * (y - ty) <= r2;
                        wg[wi] = inside ? g[gi] : float.NaN;
                        if (inside && s[gi] > 0 && !(x == tx && y == ty))
                        {
                            cells.Add(wi);
                            amps.Add(s[gi]);
                            sum += s[gi];
                        }
                    }
                if (sum == 0) continue;
                for (int j = 0; j < amps.Count; j++) amps[j] *= strength / sum;
                long ground = (long)(ty - y0) * ww + (tx - x0);
                var terminals = new CircuitTerminals([.. cells], [.. amps], [ground]);
                var uniform = potential is null ? null : wg.Select(v => float.IsNaN(v) || v <= 0 ? float.NaN : 1f).ToArray();
                var sol = GridCircuitSolver.Solve(wg, ww, wh, terminals, o.Solver);
                var solFp = uniform is null ? null : GridCircuitSolver.Solve(uniform, ww, wh, terminals, o.Solver);
                lock (gate)
                {
                    Accumulate(cumulative, sol.CurrentAmps, x0, y0, ww, wh, width);
                    if (solFp is not null) Accumulate(potential!, solFp.CurrentAmps, x0, y0, ww, wh, width);
                    iterations += sol.Iterations + (solFp?.Iterations ?? 0);
                    if (!sol.Converged || solFp is { Converged: false }) notConverged++;
                    done++;
                    progress?.Report((double)done / targets.Count);
                }
            }
        });
        var cum = new float[n];
        var fp = potential is null ? null : new float[n];
        var norm = potential is null ? null : new float[n];
        for (long i = 0; i < n; i++)
        {
            bool valid = g[i] > 0 && !float.IsNaN(g[i]);
            cum[i] = valid ? (float)cumulative[i] : float.NaN;
            if (fp is not null)
            {
                fp[i] = valid ? (float)potential![i] : float.NaN;
                norm![i] = valid && potential![i] > 0 ? (float)(cumulative[i] / potential[i]) : float.NaN;
            }
        }
        return new MovingWindowResult
        {
            CumulativeAmps = cum,
            FlowPotentialAmps = fp,
            Normalised = norm,
            Windows = done,
            NotConverged = notConverged,
            Iterations = iterations,
        };
    }

    private static void Accumulate(double[] total, float[] window, int x0, int y0, int ww, int wh, int width)
    {
        for (int y = 0; y < wh; y++)
            for (int x = 0; x < ww; x++)
            {
                float v = window[(long)y * ww + x];
                if (!float.IsNaN(v)) total[(long)(y + y0) * width + x + x0] += v;
            }
    }
}
