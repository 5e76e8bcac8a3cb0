namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>Statistics of the valid (non-NaN) value cells of one zone.</summary>
/// <param name="ZoneId">Zone id (&gt; 0).</param>
/// <param name="Count">Number of zone cells with a value.</param>
/// <param name="Sum">Sum of the values.</param>
/// <param name="Mean">Mean value (NaN when <paramref name="Count"/> is 0).</param>
/// <param name="Min">Smallest value (NaN when empty).</param>
/// <param name="Max">Largest value (NaN when empty).</param>
/// <param name="AreaSquareMeters">Area of the counted cells (Count × cell area, m² for metric CRSs).</param>
public readonly record struct ZoneStatistics(int ZoneId, long Count, double Sum, double Mean, double Min, double Max, double AreaSquareMeters);

public static partial class RasterKernels
{
    /// <summary>
    /// Zonal statistics per zone id (count, sum, mean, min, max, area) of <paramref name="values"/> over the cells of
    /// each zone. Zone ids ≤ 0 are outside every zone; NaN values (NoData) are not counted. Parallel over chunks with
    /// per-thread accumulators merged at the end; sums in double.
    /// </summary>
    /// <param name="zones">Row-major zone ids (e.g. rasterised commune ids).</param>
    /// <param name="values">Row-major values.</param>
    /// <param name="cellAreaSquareMeters">Area of one cell.</param>
    /// <param name="allCores">Use all cores.</param>
    /// <returns>Statistics per zone that has at least one cell, ordered by zone id.</returns>
    public static unsafe IReadOnlyList<ZoneStatistics> ZonalStatistics(ReadOnlySpan<int> zones, ReadOnlySpan<float> values,
        double cellAreaSquareMeters, bool allCores = true)
    {
        if (values.Length < zones.Length) throw new ArgumentException("Values are shorter than zones.", nameof(values));
        int maxZone = 0;
        foreach (int z in zones) if (z > maxZone) maxZone = z;
        if (maxZone == 0) return [];
        if (maxZone > 1 << 24) throw new ArgumentException("Zone ids above 2^24 are not supported (dense accumulators).", nameof(zones));
        var total = new Accumulators(maxZone + 1);
        object gate = new();
        fixed (int* pz = zones)
        fixed (float* pv = values)
        {
            int* z = pz;
            float* v = pv;
            ForChunks(zones.Length, allCores, (start, count) =>
            {
                var a = new Accumulators(maxZone + 1);
                for (long i = start; i < start + count; i++)
                {
                    int id = z[i];
                    float x = v[i];
                    if (id <= 0 || float.IsNaN(x)) continue;
                    a.Add(id, x);
                }
                lock (gate) total.Merge(a);
            });
        }
        var result = new List<ZoneStatistics>();
        for (int id = 1; id <= maxZone; id++)
        {
            long n = total.Count[id];
            if (n == 0) continue;
            result.Add(new ZoneStatistics(id, n, total.Sum[id], total.Sum[id] / n, total.Min[id], total.Max[id], n * cellAreaSquareMeters));
        }
        return result;
    }

    private sealed class Accumulators
    {
        public readonly long[] Count;
        public readonly double[] Sum;
        public readonly double[] Min;
        public readonly double[] Max;

        public Accumulators(int n)
        {
            Count = new long[n];
            Sum = new double[n];
            Min = new double[n];
            Max = new double[n];
            Min.AsSpan().Fill(double.PositiveInfinity);
            Max.AsSpan().Fill(double.NegativeInfinity);
        }

        public void Add(int id, float x)
        {
            Count[id]++;
            Sum[id] += x;
            if (x < Min[id]) Min[id] = x;
            if (x > Max[id]) Max[id] = x;
        }

        public void Merge(Accumulators o)
        {
            for (int i = 0; i < Count.Length; i++)
            {
                if (o.Count[i] == 0) continue;
                Count[i] += o.Count[i];
                Sum[i] += o.Sum[i];
                Min[i] = Math.Min(Min[i], o.Min[i]);
                Max[i] = Math.Max(Max[i], o.Max[i]);
            }
        }
    }
}
