using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Wind;

/// <summary>
/// The spacing ellipse: semi-axes <c>along</c> (in the main wind direction) and <c>across</c>, in metres. Two turbines
/// conflict when either lies strictly inside the ellipse centred on the other (same shape, so the test is symmetric).
/// </summary>
/// <param name="AlongMeters">Semi-axis along the main wind direction (e.g. 8 rotor diameters).</param>
/// <param name="AcrossMeters">Semi-axis across it (e.g. 4 rotor diameters).</param>
/// <param name="DirectionDegrees">Main wind direction, degrees clockwise from north.</param>
public readonly record struct SpacingEllipse(double AlongMeters, double AcrossMeters, double DirectionDegrees)
{
    /// <summary>True when points (x1, y1) and (x2, y2) are closer than the ellipse allows.</summary>
    public bool Conflicts(double x1, double y1, double x2, double y2)
    {
        double t = DirectionDegrees * Math.PI / 180, ux = Math.Sin(t), uy = Math.Cos(t);
        double dx = x2 - x1, dy = y2 - y1;
        double along = dx * ux + dy * uy, across = dx * uy - dy * ux;
        double q = along / AlongMeters * (along / AlongMeters) + across / AcrossMeters * (across / AcrossMeters);
        return q < 1 - 1e-12;
    }
}

/// <summary>
/// Step 3: greedy placement on the best cells (GLAES <c>distributeItems</c> style): eligible cells with a score,
/// taken by decreasing score (ties by raster order, so the result is deterministic), a turbine at a cell centre
/// whenever no turbine placed before — nor an existing one, when given — lies within its spacing ellipse.
/// Each turbine, once placed (or existing), marks the grid cells inside its ellipse, so a candidate costs one read.
/// </summary>
public static class TurbineSiting
{
    /// <summary><see cref="SpacingEllipse.Conflicts"/> with the direction's sine and cosine taken once (the same arithmetic).</summary>
    private readonly struct Spacing(SpacingEllipse e)
    {
        private readonly double _ux = Math.Sin(e.DirectionDegrees * Math.PI / 180), _uy = Math.Cos(e.DirectionDegrees * Math.PI / 180);
        private readonly double _along = e.AlongMeters, _across = e.AcrossMeters;

        public bool Conflicts(double x1, double y1, double x2, double y2)
        {
            double dx = x2 - x1, dy = y2 - y1;
            double along = dx * _ux + dy * _uy, across = dx * _uy - dy * _ux;
            double q = along / _along * (along / _along) + across / _across * (across / _across);
            return q < 1 - 1e-12;
        }
    }

    /// <summary>Places turbines; returns the cell index of each, in order of placement.</summary>
    /// <param name="grid">Analysis grid.</param>
    /// <param name="eligible">1 = eligible.</param>
    /// <param name="score">Score per cell (NaN = not a candidate).</param>
    /// <param name="ellipse">Spacing.</param>
    /// <param name="existing">Existing turbines (x, y) that new ones keep the spacing from.</param>
    /// <param name="maxTurbines">Largest count, or null.</param>
    /// <param name="ct">Cancellation.</param>
    public static IReadOnlyList<int> Place(GridSpec grid, byte[] eligible, float[] score, SpacingEllipse ellipse,
        IReadOnlyList<(double X, double Y)> existing, int? maxTurbines, CancellationToken ct = default)
    {
        int n = checked((int)grid.CellCount);
        // Key = (inverted score bits, cell index), filled in raster order; a stable sort on the score half gives score
        // descending, ties by index. Non-negative floats order like their bit patterns, so the key is exact.
        var keys = CandidateKeys(eligible, score);
        SortByHighHalf(keys);
        // Each placed turbine marks the cells inside its ellipse (the same test, in the same argument order, as a
        // candidate against it), so a candidate is one byte read; every conflicting cell lies within the long semi-axis.
        var blocked = new byte[n];
        var spacing = new Spacing(ellipse);
        // The rotated ellipse's bounding box (half-extents √((a·uₓ)² + (b·u_y)²) and √((a·u_y)² + (b·uₓ)²)), plus a cell.
        double t = ellipse.DirectionDegrees * Math.PI / 180, ux = Math.Sin(t), uy = Math.Cos(t);
        double a = ellipse.AlongMeters, b = ellipse.AcrossMeters;
        double halfX = Math.Sqrt(a * ux * (a * ux) + b * uy * (b * uy)), halfY = Math.Sqrt(a * uy * (a * uy) + b * ux * (b * ux));
        int reachColumns = (int)Math.Min(grid.Width, Math.Ceiling(halfX / grid.CellSizeX) + 1);
        int reachRows = (int)Math.Min(grid.Height, Math.Ceiling(halfY / grid.CellSizeY) + 1);
        void Block(double px, double py)
        {
            var (c, r) = grid.CellOf(px, py);
            long c0 = Math.Max(0, c - reachColumns), c1 = Math.Min(grid.Width - 1, c + reachColumns);
            long r0 = Math.Max(0, r - reachRows), r1 = Math.Min(grid.Height - 1, r + reachRows);
            for (long row = r0; row <= r1; row++)
            {
                double y = grid.CellCenterY(row);
                for (long col = c0; col <= c1; col++)
                    if (spacing.Conflicts(px, py, grid.CellCenterX(col), y)) blocked[row * grid.Width + col] = 1;
            }
        }
        foreach (var (x, y) in existing) Block(x, y);
        var result = new List<int>();
        int limit = maxTurbines ?? int.MaxValue;
        for (int j = 0; j < keys.Length && result.Count < limit; j++)
        {
            if ((j & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            int i = (int)(keys[j] & 0xFFFFFFFF);
            if (blocked[i] != 0) continue;
            int row = i / grid.Width, col = i - row * grid.Width;
            var (x, y) = grid.CellCenter(col, row);
            Block(x, y);
            result.Add(i);
        }
        return result;
    }

    private static bool IsCandidate(byte eligible, float score) => eligible != 0 && float.IsFinite(score) && score >= 0;

    /// <summary>The candidates' keys in raster order, counted and filled in chunks on all cores.</summary>
    private static long[] CandidateKeys(byte[] eligible, float[] score)
    {
        int n = Math.Min(eligible.Length, score.Length);
        const int Chunk = 1 << 20;
        int chunks = (n + Chunk - 1) / Chunk;
        var counts = new int[chunks + 1];
        Parallel.For(0, chunks, c =>
        {
            int count = 0;
            for (int i = c * Chunk, end = Math.Min(n, i + Chunk); i < end; i++) if (IsCandidate(eligible[i], score[i])) count++;
            counts[c + 1] = count;
        });
        for (int c = 0; c < chunks; c++) counts[c + 1] += counts[c];
        var keys = GC.AllocateUninitializedArray<long>(counts[chunks]);
        Parallel.For(0, chunks, c =>
        {
            int k = counts[c];
            for (int i = c * Chunk, end = Math.Min(n, i + Chunk); i < end; i++)
                if (IsCandidate(eligible[i], score[i]))
                    keys[k++] = ((long)(int.MaxValue - BitConverter.SingleToInt32Bits(score[i])) << 32) | (uint)i;
        });
        return keys;
    }

    /// <summary>
    /// Stable LSD radix sort on the high 32 bits (four 8-bit digits, a digit skipped when every key shares it): keys
    /// filled in ascending low half come out in the order of one ascending sort of the whole longs.
    /// </summary>
    private static void SortByHighHalf(long[] keys)
    {
        var buffer = GC.AllocateUninitializedArray<long>(keys.Length);
        long[] from = keys, to = buffer;
        var count = new int[256];
        for (int shift = 32; shift < 64; shift += 8)
        {
            Array.Clear(count);
            foreach (var key in from) count[(int)((ulong)key >> shift) & 0xFF]++;
            if (Array.IndexOf(count, from.Length) >= 0) continue; // one bucket: the pass would not move anything
            for (int d = 0, total = 0; d < 256; d++) { int c = count[d]; count[d] = total; total += c; }
            foreach (var key in from) to[count[(int)((ulong)key >> shift) & 0xFF]++] = key;
            (from, to) = (to, from);
        }
        if (from != keys) from.CopyTo(keys, 0);
    }
}

