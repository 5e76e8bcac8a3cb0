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
/// A hash grid of placed turbines (buckets of the long semi-axis) keeps each test to the 3 × 3 neighbouring buckets.
/// </summary>
public static class TurbineSiting
{
    /// <summary>Places turbines; returns the cell index of each, in order of placement.</summary>
    /// <param name="grid">Analysis grid.</param>
    /// <param name="eligible">1 = eligible.</param>
    /// <param name="score">Score per cell (NaN = not a candidate).</param>
    /// <param name="ellipse">Spacing.</param>
    /// <param name="existing">Existing turbines (x, y) that new ones keep the spacing from.</param>
    /// <param name="maxTurbines">Largest count, or null.</param>
    /// <param name="ct">Cancellation.</param>
    public static IReadOnlyList<int> Place(GridSpec grid, ReadOnlySpan<byte> eligible, ReadOnlySpan<float> score, SpacingEllipse ellipse,
        IReadOnlyList<(double X, double Y)> existing, int? maxTurbines, CancellationToken ct = default)
    {
        int n = checked((int)grid.CellCount);
        int candidates = 0;
        for (int i = 0; i < n; i++) if (eligible[i] != 0 && float.IsFinite(score[i]) && score[i] >= 0) candidates++;
        // Key = (inverted score bits, cell index): one ascending sort of longs gives score descending, ties by index.
        // Non-negative floats order like their bit patterns, so the key is exact.
        var keys = new long[candidates];
        int k = 0;
        for (int i = 0; i < n; i++)
            if (eligible[i] != 0 && float.IsFinite(score[i]) && score[i] >= 0)
                keys[k++] = ((long)(int.MaxValue - BitConverter.SingleToInt32Bits(score[i])) << 32) | (uint)i;
        Array.Sort(keys);
        double bucket = Math.Max(ellipse.AlongMeters, ellipse.AcrossMeters);
        var placed = new Dictionary<(long, long), List<(double X, double Y)>>();
        void Add(double x, double y)
        {
            var key = ((long)Math.Floor(x / bucket), (long)Math.Floor(y / bucket));
            if (!placed.TryGetValue(key, out var list)) placed[key] = list = [];
            list.Add((x, y));
        }
        foreach (var (x, y) in existing) Add(x, y);
        var result = new List<int>();
        int limit = maxTurbines ?? int.MaxValue;
        for (int j = 0; j < keys.Length && result.Count < limit; j++)
        {
            if ((j & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            int i = (int)(keys[j] & 0xFFFFFFFF);
            int row = i / grid.Width, col = i - row * grid.Width;
            var (x, y) = grid.CellCenter(col, row);
            long bx = (long)Math.Floor(x / bucket), by = (long)Math.Floor(y / bucket);
            bool free = true;
            for (long u = bx - 1; u <= bx + 1 && free; u++)
                for (long v = by - 1; v <= by + 1 && free; v++)
                    if (placed.TryGetValue((u, v), out var list))
                        foreach (var (px, py) in list)
                            if (ellipse.Conflicts(px, py, x, y)) { free = false; break; }
            if (!free) continue;
            Add(x, y);
            result.Add(i);
        }
        return result;
    }
}
