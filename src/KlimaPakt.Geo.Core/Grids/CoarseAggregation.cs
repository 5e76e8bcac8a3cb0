using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>
/// Aggregation of a fine grid onto a coarser one whose cells are blocks of <see cref="Factor"/> × <see cref="Factor"/>
/// fine cells (same origin; the last block column and row are cut by the fine grid's edge). Aggregates count only the
/// cells of a region (zone id ≠ 0), so a block on the region's border is judged by its region cells alone. Used by wind
/// to turn the analysis grid into the output grid of its polygons.
/// </summary>
public sealed class CoarseAggregation
{
    /// <summary>Aggregation of <paramref name="fine"/> in blocks of <paramref name="factor"/> × <paramref name="factor"/> cells.</summary>
    /// <param name="fine">The fine grid.</param>
    /// <param name="factor">Block size in fine cells (1 or more).</param>
    public CoarseAggregation(GridSpec fine, int factor)
    {
        ArgumentNullException.ThrowIfNull(fine);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        Fine = fine;
        Factor = factor;
        int cw = (fine.Width + factor - 1) / factor, ch = (fine.Height + factor - 1) / factor;
        Coarse = new GridSpec(fine.Srid, fine.OriginX, fine.OriginY, fine.CellSizeX * factor, fine.CellSizeY * factor, cw, ch);
    }

    /// <summary>The fine grid.</summary>
    public GridSpec Fine { get; }

    /// <summary>Block size in fine cells along each axis.</summary>
    public int Factor { get; }

    /// <summary>The coarse grid (cell size × <see cref="Factor"/>).</summary>
    public GridSpec Coarse { get; }

    /// <summary>Index of the coarse cell that holds fine cell <paramref name="fineCell"/>.</summary>
    /// <param name="fineCell">Row-major index on the fine grid.</param>
    public int CoarseCellOf(int fineCell)
    {
        int row = fineCell / Fine.Width, col = fineCell - row * Fine.Width;
        return row / Factor * Coarse.Width + col / Factor;
    }

    /// <summary>Per coarse cell, the number of its fine cells inside the region (zone id ≠ 0) where <paramref name="mask"/> is non-zero.</summary>
    /// <param name="zones">Row-major zone ids on the fine grid (0 = outside the region).</param>
    /// <param name="mask">Row-major mask on the fine grid, or empty to count every region cell.</param>
    public int[] CountCells(ReadOnlySpan<int> zones, ReadOnlySpan<byte> mask = default)
    {
        CheckLength(zones.Length);
        bool all = mask.IsEmpty;
        if (!all) CheckLength(mask.Length);
        var count = new int[Coarse.Width * Coarse.Height];
        // Row by row, so the coarse index is one division per row and one per column, not a division per cell.
        var blockOfColumn = BlockOfColumn();
        for (int row = 0; row < Fine.Height; row++)
        {
            int start = row * Fine.Width, coarseRow = row / Factor * Coarse.Width;
            for (int col = 0; col < Fine.Width; col++)
            {
                int i = start + col;
                if (zones[i] != 0 && (all || mask[i] != 0)) count[coarseRow + blockOfColumn[col]]++;
            }
        }
        return count;
    }

    /// <summary>
    /// Per coarse cell, the sum (in double, in fine-cell order) of the finite values of its fine cells inside the region
    /// where <paramref name="mask"/> is non-zero; NaN values are skipped.
    /// </summary>
    /// <param name="zones">Row-major zone ids on the fine grid (0 = outside the region).</param>
    /// <param name="mask">Row-major mask on the fine grid, or empty for every region cell.</param>
    /// <param name="values">Row-major values on the fine grid.</param>
    public double[] SumValues(ReadOnlySpan<int> zones, ReadOnlySpan<byte> mask, ReadOnlySpan<float> values)
    {
        CheckLength(zones.Length);
        CheckLength(values.Length);
        bool all = mask.IsEmpty;
        if (!all) CheckLength(mask.Length);
        var sum = new double[Coarse.Width * Coarse.Height];
        var blockOfColumn = BlockOfColumn();
        for (int row = 0; row < Fine.Height; row++)
        {
            int start = row * Fine.Width, coarseRow = row / Factor * Coarse.Width;
            for (int col = 0; col < Fine.Width; col++)
            {
                int i = start + col;
                if (zones[i] != 0 && (all || mask[i] != 0) && float.IsFinite(values[i])) sum[coarseRow + blockOfColumn[col]] += values[i];
            }
        }
        return sum;
    }

    /// <summary>
    /// Per coarse cell, the mean of <paramref name="sums"/> over <paramref name="counts"/> (e.g. <see cref="SumValues"/>
    /// over <see cref="CountCells"/> with the same mask); NaN where the count is 0.
    /// </summary>
    /// <param name="sums">Block sums.</param>
    /// <param name="counts">Block counts.</param>
    public static double[] Mean(ReadOnlySpan<double> sums, ReadOnlySpan<int> counts)
    {
        if (sums.Length != counts.Length) throw new ArgumentException("Sums and counts differ in length.", nameof(counts));
        var mean = new double[sums.Length];
        for (int k = 0; k < mean.Length; k++) mean[k] = counts[k] > 0 ? sums[k] / counts[k] : double.NaN;
        return mean;
    }

    /// <summary>
    /// The majority rule: 1 where a coarse cell has region cells and at least half of them (ties included) are counted
    /// in <paramref name="counts"/>, else 0.
    /// </summary>
    /// <param name="counts">Per coarse cell, the region cells that have the property (<see cref="CountCells"/> with a mask).</param>
    /// <param name="regionCells">Per coarse cell, its region cells (<see cref="CountCells"/> without a mask).</param>
    public static int[] Majority(ReadOnlySpan<int> counts, ReadOnlySpan<int> regionCells)
    {
        if (counts.Length != regionCells.Length) throw new ArgumentException("Counts and region cells differ in length.", nameof(regionCells));
        var majority = new int[counts.Length];
        for (int k = 0; k < majority.Length; k++) majority[k] = regionCells[k] > 0 && 2 * counts[k] >= regionCells[k] ? 1 : 0;
        return majority;
    }

    internal int[] BlockOfColumn()
    {
        var block = new int[Fine.Width];
        for (int col = 0; col < block.Length; col++) block[col] = col / Factor;
        return block;
    }

    private void CheckLength(int length)
    {
        if (length != Fine.CellCount) throw new ArgumentException($"Expected {Fine.CellCount} fine cells, got {length}.");
    }
}
