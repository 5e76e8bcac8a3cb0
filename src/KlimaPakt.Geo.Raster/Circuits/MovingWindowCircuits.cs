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

/// <summary>What a streamed moving-window run did (the rasters went to its writer).</summary>
/// <param name="Windows">Windows solved.</param>
/// <param name="NotConverged">Windows whose solve stopped at the iteration cap (their current is still added).</param>
/// <param name="Iterations">CG iterations over all window solves.</param>
/// <param name="PeakRowsHeld">Most raster rows held in memory at once.</param>
public sealed record MovingWindowStreamStats(int Windows, int NotConverged, long Iterations, int PeakRowsHeld);

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
    /// <summary>Runs the moving window on whole rasters in memory (one band: <see cref="RunStreamed"/> with every row held).</summary>
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
        long n = (long)width * height;
        if (conductance.Length != n || sourceStrength.Length != n) throw new ArgumentException($"both rasters need {n} cells");
        var g = conductance.ToArray();
        var s = sourceStrength.ToArray();
        var cum = new float[n];
        var fp = options.FlowPotential ? new float[n] : null;
        var norm = options.FlowPotential ? new float[n] : null;
        var stats = RunStreamed((row, rows, gd, sd) =>
        {
            g.AsSpan(row * width, rows * width).CopyTo(gd);
            s.AsSpan(row * width, rows * width).CopyTo(sd);
        }, (row, rows, c, f, q) =>
        {
            c.CopyTo(cum.AsSpan(row * width));
            if (fp is not null) f.CopyTo(fp.AsSpan(row * width));
            if (norm is not null) q.CopyTo(norm.AsSpan(row * width));
        }, width, height, options, bandTargetRows: int.MaxValue, progress);
        return new MovingWindowResult
        {
            CumulativeAmps = cum,
            FlowPotentialAmps = fp,
            Normalised = norm,
            Windows = stats.Windows,
            NotConverged = stats.NotConverged,
            Iterations = stats.Iterations,
        };
    }

    /// <summary>Reads <paramref name="rowCount"/> rows from <paramref name="firstRow"/>: conductance (1/resistance, NaN =
    /// NoData) and source strength, row-major.</summary>
    public delegate void RowReader(int firstRow, int rowCount, Span<float> conductance, Span<float> sourceStrength);

    /// <summary>Receives finished rows: cumulative current, flow potential and normalised current (the last two empty
    /// without <see cref="MovingWindowOptions.FlowPotential"/>); rows arrive in order, each once.</summary>
    public delegate void RowWriter(int firstRow, int rowCount, ReadOnlySpan<float> cumulative, ReadOnlySpan<float> flowPotential, ReadOnlySpan<float> normalised);

    /// <summary>
    /// The moving window streamed in bands of target rows: for each band, the rows within reach of its targets (the radius,
    /// or half a block if larger) are read once, its windows solved in parallel and summed, and every row no later target
    /// can reach is written and dropped. Memory: (band height + 2 × reach + 1) rows × 24 bytes per cell plus one window per
    /// worker, whatever the raster's height. The sums are the in-memory run's (<see cref="Run"/> is this with one band).
    /// </summary>
    /// <param name="read">Reads input rows.</param>
    /// <param name="write">Receives finished rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="options">Radius, block size, solver.</param>
    /// <param name="bandTargetRows">Rows of targets (blocks) per band, at least 1.</param>
    /// <param name="progress">Optional share of targets done (0..1).</param>
    public static MovingWindowStreamStats RunStreamed(RowReader read, RowWriter write, int width, int height, MovingWindowOptions options,
        int bandTargetRows, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Validate();
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "the grid is empty");
        if (bandTargetRows < 1) throw new ArgumentOutOfRangeException(nameof(bandTargetRows), bandTargetRows, "at least one row of targets per band");
        int b = o.BlockSize, half = b / 2;
        int rad = (int)Math.Floor(o.RadiusCells), reach = Math.Max(rad, half);
        double r2 = o.RadiusCells * o.RadiusCells;
        // Target rows: block centres half + k·b (the last clipped to the grid).
        var targetRows = new List<(int Cy, int Ty)>();
        for (int cy = half; cy - half < height; cy += b) targetRows.Add((cy, Math.Min(cy, height - 1)));
        int bands = (int)Math.Ceiling(targetRows.Count / (double)Math.Min(bandTargetRows, targetRows.Count));
        int perBand = (int)Math.Ceiling(targetRows.Count / (double)bands);
        long capacityRows = Math.Min(height, (long)perBand * b + 2L * reach + 1);
        long cap = capacityRows * width;
        var g = new float[cap];
        var s = new float[cap];
        var cumulative = new double[cap];
        var potential = o.FlowPotential ? new double[cap] : null;
        int lo = 0, held = 0; // rows [lo, lo + held) are in the buffers
        long totalTargets = 0, done = 0, iterations = 0;
        int windows = 0, notConverged = 0, peakRows = 0;
        var gate = new object();
        // Targets are counted first (one pass over the source strength band by band would read twice): progress is per band.
        for (int band = 0; band < bands; band++)
        {
            var rows = targetRows.GetRange(band * perBand, Math.Min(perBand, targetRows.Count - band * perBand));
            int need = Math.Min(height, rows[^1].Ty + reach + 1);
            if (need > lo + held)
            {
                int first = lo + held, count = need - first;
                read(first, count, g.AsSpan(held * width, count * width), s.AsSpan(held * width, count * width));
                for (long i = (long)held * width; i < (long)(held + count) * width; i++)
                {
                    float gi = g[i];
                    if (float.IsNaN(gi) || !(gi > 0)) g[i] = float.NaN;
                    if (!(s[i] > 0) || float.IsNaN(g[i])) s[i] = 0;
                }
                Array.Clear(cumulative, held * width, count * width);
                if (potential is not null) Array.Clear(potential, held * width, count * width);
                held += count;
            }
            peakRows = Math.Max(peakRows, held);
            var targets = new List<(int X, int Y, double Strength)>();
            foreach (var (cy, ty) in rows)
                for (int cx = half; cx - half < width; cx += b)
                {
                    int tx = Math.Min(cx, width - 1);
                    double strength = 0;
                    for (int y = cy - half; y <= Math.Min(cy + half, height - 1); y++)
                        for (int x = cx - half; x <= Math.Min(cx + half, width - 1); x++) strength += s[(long)(y - lo) * width + x];
                    float gt = g[(long)(ty - lo) * width + tx];
                    if (strength > 0 && gt > 0) targets.Add((tx, ty, strength));
                }
            totalTargets += targets.Count;
            int bandLo = lo;
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
                            long bi = (long)(y - bandLo) * width + x;
                            bool inside = (double)(x - tx) * (x - tx) + (double)(y - ty) * (y - ty) <= r2;
                            wg[wi] = inside ? g[bi] : float.NaN;
                            if (inside && s[bi] > 0 && !(x == tx && y == ty))
                            {
                                cells.Add(wi);
                                amps.Add(s[bi]);
                                sum += s[bi];
                            }
                        }
                    if (sum == 0) continue;
                    for (int j = 0; j < amps.Count; j++) amps[j] *= strength / sum;
                    long ground = (long)(ty - y0) * ww + (tx - x0);
                    var terminals = new CircuitTerminals([.. cells], [.. amps], [ground]);
                    var uniform = potential is null ? null : wg.Select(v => float.IsNaN(v) ? float.NaN : 1f).ToArray();
                    var sol = GridCircuitSolver.Solve(wg, ww, wh, terminals, o.Solver);
                    var solFp = uniform is null ? null : GridCircuitSolver.Solve(uniform, ww, wh, terminals, o.Solver);
                    lock (gate)
                    {
                        Accumulate(cumulative, sol.CurrentAmps, x0, y0 - bandLo, ww, wh, width);
                        if (solFp is not null) Accumulate(potential!, solFp.CurrentAmps, x0, y0 - bandLo, ww, wh, width);
                        iterations += sol.Iterations + (solFp?.Iterations ?? 0);
                        if (!sol.Converged || solFp is { Converged: false }) notConverged++;
                        windows++;
                    }
                }
                lock (gate)
                {
                    done += range.Item2 - range.Item1;
                    progress?.Report(Math.Min(1, (band + (double)done / Math.Max(1, totalTargets)) / bands));
                }
            });
            done = 0;
            totalTargets = 0;
            // Rows no later target reaches are final: below the next band's first target row minus the reach.
            int final = band == bands - 1 ? height : Math.Min(height, targetRows[(band + 1) * perBand].Ty - reach);
            if (final > lo)
            {
                int count = final - lo;
                var cum = new float[(long)count * width];
                var fp = potential is null ? [] : new float[cum.Length];
                var norm = potential is null ? [] : new float[cum.Length];
                for (long i = 0; i < cum.Length; i++)
                {
                    bool valid = g[i] > 0;
                    cum[i] = valid ? (float)cumulative[i] : float.NaN;
                    if (potential is not null)
                    {
                        fp[i] = valid ? (float)potential[i] : float.NaN;
                        norm[i] = valid && potential[i] > 0 ? (float)(cumulative[i] / potential[i]) : float.NaN;
                    }
                }
                write(lo, count, cum, fp, norm);
                long keep = (long)(held - count) * width;
                Array.Copy(g, (long)count * width, g, 0, keep);
                Array.Copy(s, (long)count * width, s, 0, keep);
                Array.Copy(cumulative, (long)count * width, cumulative, 0, keep);
                if (potential is not null) Array.Copy(potential, (long)count * width, potential, 0, keep);
                lo = final;
                held -= count;
            }
        }
        progress?.Report(1);
        return new MovingWindowStreamStats(windows, notConverged, iterations, peakRows);
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
