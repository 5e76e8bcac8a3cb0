namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>
/// Splits [0, count) rows into bands for the cores. Reductions are summed band by band in band order, so a solve gives
/// the same result to the bit on every run with the same core count.
/// </summary>
internal static class RowBands
{
    /// <summary>Below this many cells a pass runs on the calling thread (pool dispatch costs more than the work).</summary>
    public const long ParallelCells = 1 << 16;

    private static int BandCount(int count, bool parallel) =>
        parallel && Environment.ProcessorCount > 1 ? Math.Min(count, 4 * Environment.ProcessorCount) : 1;

    /// <summary>Runs body(start, end) on bands of [0, count).</summary>
    public static void For(int count, bool parallel, Action<int, int> body)
    {
        int bands = BandCount(count, parallel);
        if (bands <= 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, bands, k => body((int)((long)count * k / bands), (int)((long)count * (k + 1) / bands)));
    }

    /// <summary>Runs body(start, end) on bands of [0, count) and sums the results in band order.</summary>
    public static double Sum(int count, bool parallel, Func<int, int, double> body)
    {
        int bands = BandCount(count, parallel);
        if (bands <= 1) return body(0, count);
        var partial = new double[bands];
        Parallel.For(0, bands, k => partial[k] = body((int)((long)count * k / bands), (int)((long)count * (k + 1) / bands)));
        double s = 0;
        foreach (double v in partial) s += v;
        return s;
    }

    /// <summary>Runs body(start, end) on bands of [0, count) and returns the largest result.</summary>
    public static double Max(int count, bool parallel, Func<int, int, double> body)
    {
        int bands = BandCount(count, parallel);
        if (bands <= 1) return body(0, count);
        var partial = new double[bands];
        Parallel.For(0, bands, k => partial[k] = body((int)((long)count * k / bands), (int)((long)count * (k + 1) / bands)));
        return partial.Max();
    }
}
