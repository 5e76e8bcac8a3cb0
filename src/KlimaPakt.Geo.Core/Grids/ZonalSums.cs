using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>
/// Per-zone sums over a zone-id raster (commune index + 1 per cell, 0 outside every commune, as the analyses burn their
/// communes): what each analysis reports per commune. Results are indexed by zone id − 1, so entry k belongs to the
/// k-th commune of the list that was burnt. Float values and cell counts go through the raster core's zonal statistics
/// (<see cref="RasterKernels.ZonalStatistics"/>, vectorised over runs of one zone, all cores); double values, which
/// that kernel does not take, are summed in cell order.
/// </summary>
public static class ZonalSums
{
    // The kernel takes float values: masks and counts are handed to it through a strip buffer of this many cells, so a
    // grid of 10⁸ cells needs 4 MiB, not a second grid-sized array.
    private const int StripCells = 1 << 20;

    /// <summary>Per zone, its cells and those of them where <paramref name="mask"/> is non-zero (exact counts).</summary>
    /// <param name="zones">Row-major zone ids (0 = outside every zone; ids 1..<paramref name="zoneCount"/>).</param>
    /// <param name="mask">Row-major mask, the zones' length.</param>
    /// <param name="zoneCount">Number of zones.</param>
    /// <returns>Cells and masked cells per zone, indexed by zone id − 1.</returns>
    public static (long[] Cells, long[] MaskCells) CountCells(int[] zones, byte[] mask, int zoneCount)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Length != zones.Length) throw new ArgumentException("Mask and zones differ in length.", nameof(mask));
        ArgumentOutOfRangeException.ThrowIfNegative(zoneCount);
        var cells = new long[zoneCount];
        var masked = new long[zoneCount];
        // Chunks of 1 M cells on all cores, each counting into its own arrays, added up under a lock (exact integers).
        long chunks = (zones.Length + StripCells - 1L) / StripCells;
        string? error = null;
        Parallel.For(0L, chunks, k =>
        {
            var localCells = new long[zoneCount];
            var localMasked = new long[zoneCount];
            int start = (int)(k * StripCells), end = (int)Math.Min(zones.Length, start + (long)StripCells);
            for (int i = start; i < end; i++)
            {
                int z = zones[i] - 1;
                if (z < 0) continue;
                if (z >= zoneCount) { error = $"Zone id {z + 1} is above the zone count {zoneCount}."; return; }
                localCells[z]++;
                if (mask[i] != 0) localMasked[z]++;
            }
            lock (cells)
                for (int z = 0; z < zoneCount; z++) { cells[z] += localCells[z]; masked[z] += localMasked[z]; }
        });
        if (error is not null) throw new ArgumentException(error, nameof(zones));
        return (cells, masked);
    }

    /// <summary>
    /// Per zone, the sum of the finite values of its cells (NaN = NoData, skipped), in double; the summation order is the
    /// kernel's, so sums agree with a sequential loop to rounding.
    /// </summary>
    /// <param name="zones">Row-major zone ids (0 = outside every zone; ids 1..<paramref name="zoneCount"/>).</param>
    /// <param name="values">Row-major values, the zones' length.</param>
    /// <param name="zoneCount">Number of zones.</param>
    /// <returns>Sums per zone, indexed by zone id − 1 (0 for a zone without a value).</returns>
    public static double[] Sum(ReadOnlySpan<int> zones, ReadOnlySpan<float> values, int zoneCount)
    {
        if (values.Length != zones.Length) throw new ArgumentException("Values and zones differ in length.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfNegative(zoneCount);
        var sums = new double[zoneCount];
        foreach (var s in Statistics(zones, values, zoneCount)) sums[s.ZoneId - 1] = s.Sum;
        return sums;
    }

    /// <summary>
    /// Per zone, the sum of <paramref name="values"/> over its cells where <paramref name="where"/> holds, in double and in
    /// cell order (deterministic to the last bit: EV's commune populations add up to STATEC's figures exactly).
    /// </summary>
    /// <param name="zones">Row-major zone ids (0 = outside every zone; ids 1..<paramref name="zoneCount"/>).</param>
    /// <param name="values">Row-major values, the zones' length.</param>
    /// <param name="zoneCount">Number of zones.</param>
    /// <param name="where">Row-major condition, the zones' length, or empty for every cell.</param>
    /// <returns>Sums per zone, indexed by zone id − 1.</returns>
    public static double[] Sum(ReadOnlySpan<int> zones, ReadOnlySpan<double> values, int zoneCount, ReadOnlySpan<bool> where = default)
    {
        if (values.Length != zones.Length) throw new ArgumentException("Values and zones differ in length.", nameof(values));
        if (!where.IsEmpty && where.Length != zones.Length) throw new ArgumentException("Condition and zones differ in length.", nameof(where));
        ArgumentOutOfRangeException.ThrowIfNegative(zoneCount);
        var sums = new double[zoneCount];
        bool all = where.IsEmpty;
        for (int i = 0; i < zones.Length; i++)
        {
            int z = zones[i] - 1;
            if (z < 0 || !(all || where[i])) continue;
            if (z >= zoneCount) throw new ArgumentException($"Zone id {z + 1} is above the zone count {zoneCount}.", nameof(zones));
            sums[z] += values[i];
        }
        return sums;
    }

    private static IReadOnlyList<ZoneStatistics> Statistics(ReadOnlySpan<int> zones, ReadOnlySpan<float> values, int zoneCount)
    {
        var statistics = RasterKernels.ZonalStatistics(zones, values, 1.0);
        if (statistics.Count > 0 && statistics[^1].ZoneId > zoneCount)
            throw new ArgumentException($"Zone id {statistics[^1].ZoneId} is above the zone count {zoneCount}.", nameof(zones));
        return statistics;
    }
}
