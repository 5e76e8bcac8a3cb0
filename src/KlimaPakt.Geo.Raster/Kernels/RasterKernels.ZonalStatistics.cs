using System.Runtime.Intrinsics;

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
    /// per-thread accumulators merged at the end; sums in double. The vector path walks runs of one zone id (a
    /// rasterised commune is hundreds of cells wide): the run's end is found with a vector search, its values are
    /// reduced eight at a time (valid-cell count, sum widened to double, min, max) and the zone's accumulators are
    /// touched once per run instead of once per cell. Counts, minima and maxima are identical on every path; sums agree
    /// to rounding (another summation order).
    /// </summary>
    /// <param name="zones">Row-major zone ids (e.g. rasterised commune ids).</param>
    /// <param name="values">Row-major values.</param>
    /// <param name="cellAreaSquareMeters">Area of one cell.</param>
    /// <param name="allCores">Use all cores.</param>
    /// <param name="path">Instruction path (Scalar: one cell at a time, the reference).</param>
    /// <returns>Statistics per zone that has at least one cell, ordered by zone id.</returns>
    public static unsafe IReadOnlyList<ZoneStatistics> ZonalStatistics(ReadOnlySpan<int> zones, ReadOnlySpan<float> values,
        double cellAreaSquareMeters, bool allCores = true, KernelPath path = KernelPath.Best)
    {
        if (values.Length < zones.Length) throw new ArgumentException("Values are shorter than zones.", nameof(values));
        bool vector = Resolve(path) != KernelPath.Scalar && Vector256.IsHardwareAccelerated;
        int maxZone = 0;
        object gate = new();
        fixed (int* pz = zones)
        fixed (float* pv = values)
        {
            int* z = pz;
            float* v = pv;
            ForChunks(zones.Length, allCores, (start, count) =>
            {
                int m = MaxOf(z + start, count);
                lock (gate) maxZone = Math.Max(maxZone, m);
            });
            if (maxZone == 0) return [];
            if (maxZone > 1 << 24) throw new ArgumentException("Zone ids above 2^24 are not supported (dense accumulators).", nameof(zones));
            var total = new Accumulators(maxZone + 1);
            ForChunks(zones.Length, allCores, (start, count) =>
            {
                var a = new Accumulators(maxZone + 1);
                if (vector) AccumulateRuns(z + start, v + start, count, a);
                else
                    for (long i = start; i < start + count; i++)
                    {
                        int id = z[i];
                        float x = v[i];
                        if (id <= 0 || float.IsNaN(x)) continue;
                        a.Add(id, x);
                    }
                lock (gate) total.Merge(a);
            });
            var result = new List<ZoneStatistics>();
            for (int id = 1; id <= maxZone; id++)
            {
                long n = total.Count[id];
                if (n == 0) continue;
                result.Add(new ZoneStatistics(id, n, total.Sum[id], total.Sum[id] / n, total.Min[id], total.Max[id], n * cellAreaSquareMeters));
            }
            return result;
        }
    }

    private static unsafe int MaxOf(int* z, long count)
    {
        int m = 0;
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vm = Vector256<int>.Zero;
            for (; i <= count - 8; i += 8) vm = Vector256.Max(vm, Vector256.Load(z + i));
            for (int l = 0; l < 8; l++) m = Math.Max(m, vm[l]);
        }
        for (; i < count; i++) m = Math.Max(m, z[i]);
        return m;
    }

    /// <summary>The vector path over one chunk: runs of equal zone ids, each reduced with Vector256.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AccumulateRuns(int* z, float* v, long count, Accumulators a)
    {
        long i = 0;
        while (i < count)
        {
            int id = z[i];
            long end = i + 1;
            // The run's end: eight ids compared per step.
            var vid = Vector256.Create(id);
            while (end <= count - 8)
            {
                uint differs = ~Vector256.Equals(Vector256.Load(z + end), vid).ExtractMostSignificantBits() & 0xFF;
                if (differs != 0) { end += System.Numerics.BitOperations.TrailingZeroCount(differs); goto found; }
                end += 8;
            }
            while (end < count && z[end] == id) end++;
        found:
            if (id > 0) ReduceRun(v + i, end - i, id, a);
            i = end;
        }
    }

    private static unsafe void ReduceRun(float* v, long n, int id, Accumulators a)
    {
        long k = 0, valid = 0;
        double sum = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        if (n >= 8)
        {
            var sumV = Vector256<double>.Zero;
            var minV = Vector256.Create(float.PositiveInfinity);
            var maxV = Vector256.Create(float.NegativeInfinity);
            for (; k <= n - 8; k += 8)
            {
                var x = Vector256.Load(v + k);
                var ok = Vector256.Equals(x, x); // false for NaN (NoData)
                valid += System.Numerics.BitOperations.PopCount(ok.ExtractMostSignificantBits());
                var (lo, hi) = Vector256.Widen(x & ok);
                sumV += lo + hi;
                minV = Vector256.Min(minV, Vector256.ConditionalSelect(ok, x, Vector256.Create(float.PositiveInfinity)));
                maxV = Vector256.Max(maxV, Vector256.ConditionalSelect(ok, x, Vector256.Create(float.NegativeInfinity)));
            }
            sum = Vector256.Sum(sumV);
            for (int l = 0; l < 8; l++)
            {
                min = Math.Min(min, minV[l]);
                max = Math.Max(max, maxV[l]);
            }
        }
        for (; k < n; k++)
        {
            float x = v[k];
            if (float.IsNaN(x)) continue;
            valid++;
            sum += x;
            if (x < min) min = x;
            if (x > max) max = x;
        }
        if (valid == 0) return;
        a.Count[id] += valid;
        a.Sum[id] += sum;
        if (min < a.Min[id]) a.Min[id] = min;
        if (max > a.Max[id]) a.Max[id] = max;
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
