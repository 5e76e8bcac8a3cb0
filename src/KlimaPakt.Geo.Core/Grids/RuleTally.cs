namespace KlimaPakt.Geo.Core.Grids;

/// <summary>What one rule of a sequence removed: cells on its own, cells it added to the rules before it, cells only it removes.</summary>
/// <param name="Alone">Region cells the rule hits on its own.</param>
/// <param name="Sequential">Region cells it adds to the rules applied before it.</param>
/// <param name="Unique">Region cells only this rule hits (known once every rule is added).</param>
/// <param name="CoarseHits">Per coarse cell, how many of its region cells the rule hits (for the rule's map polygons).</param>
public sealed record RuleCellCounts(long Alone, long Sequential, long Unique, int[] CoarseHits);

/// <summary>
/// Overlap bookkeeping of a sequence of rule masks on one grid (wind exclusions, geothermal restrictions): for each rule
/// the region cells it hits alone, the cells it adds to the rules before it, and — after the last rule — the cells only
/// it hits. Two bytes per cell whatever the number of rules.
/// </summary>
public sealed class RuleTally
{
    private readonly int[] _zones;
    private readonly CoarseAggregation _blocks;
    private readonly byte[] _count;
    private readonly byte[] _last;
    private readonly List<RuleCellCounts> _rules = [];

    /// <summary>A tally over the region cells (zone ≠ 0) of <paramref name="blocks"/>' fine grid.</summary>
    /// <param name="zones">Row-major zone ids (0 = outside the region).</param>
    /// <param name="blocks">Aggregation onto the grid of the rules' polygons.</param>
    public RuleTally(int[] zones, CoarseAggregation blocks)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(blocks);
        _zones = zones;
        _blocks = blocks;
        _count = new byte[zones.Length];
        _last = new byte[zones.Length];
        foreach (var z in zones) if (z != 0) RegionCells++;
    }

    /// <summary>Region cells.</summary>
    public long RegionCells { get; }

    /// <summary>Per cell, how many rules hit it (saturating at 255).</summary>
    public ReadOnlyMemory<byte> HitCounts => _count;

    /// <summary>Adds the next rule's mask (null: the rule had nothing to apply and hits nothing).</summary>
    /// <param name="hit">Row-major mask of the fine grid, non-zero = the rule hits the cell; or null.</param>
    /// <param name="window">The window outside which <paramref name="hit"/> is 0 (only it is read).</param>
    /// <returns>The rule's alone and sequential counts (Unique is 0 until <see cref="Finish"/>).</returns>
    public RuleCellCounts Add(byte[]? hit, CellWindow window)
    {
        if (_rules.Count >= 255) throw new InvalidOperationException("At most 255 rules.");
        var coarse = new int[_blocks.Coarse.Width * _blocks.Coarse.Height];
        if (hit is null || window.IsEmpty)
        {
            _rules.Add(new RuleCellCounts(0, 0, 0, coarse));
            return _rules[^1];
        }
        if (hit.Length < _zones.Length) throw new ArgumentException("The mask is smaller than the grid.", nameof(hit));
        byte order = (byte)(_rules.Count + 1);
        int width = _blocks.Fine.Width, factor = _blocks.Factor, coarseWidth = _blocks.Coarse.Width;
        var blockOfColumn = _blocks.BlockOfColumn();
        int[] zones = _zones;
        byte[] count = _count, last = _last;
        var totals = new long[2]; // alone, sequential
        // Bands on whole coarse rows, so no two cores count into the same coarse cell.
        window.ForEachRowBand((r0, r1) =>
        {
            long alone = 0, sequential = 0;
            for (int row = r0; row < r1; row++)
            {
                int start = row * width, coarseRow = row / factor * coarseWidth;
                for (int col = window.Column; col < window.EndColumn; col++)
                {
                    int i = start + col;
                    if (hit[i] == 0 || zones[i] == 0) continue;
                    alone++;
                    if (count[i] == 0) sequential++;
                    if (count[i] < 255) count[i]++;
                    last[i] = order;
                    coarse[coarseRow + blockOfColumn[col]]++;
                }
            }
            Interlocked.Add(ref totals[0], alone);
            Interlocked.Add(ref totals[1], sequential);
        }, factor);
        _rules.Add(new RuleCellCounts(totals[0], totals[1], 0, coarse));
        return _rules[^1];
    }

    /// <summary>Region cells hit by at least one rule.</summary>
    public long HitCells()
    {
        long hits = 0;
        int width = _blocks.Fine.Width;
        byte[] count = _count;
        CellWindow.Whole(width, _blocks.Fine.Height).ForEachRowBand((r0, r1) =>
        {
            var cells = count.AsSpan(r0 * width, (r1 - r0) * width);
            Interlocked.Add(ref hits, cells.Length - cells.Count((byte)0));
        });
        return hits;
    }

    /// <summary>Every rule's counts with <see cref="RuleCellCounts.Unique"/> filled in, in the order added.</summary>
    public IReadOnlyList<RuleCellCounts> Finish()
    {
        var unique = new long[_rules.Count];
        int width = _blocks.Fine.Width;
        byte[] count = _count, last = _last;
        CellWindow.Whole(width, _blocks.Fine.Height).ForEachRowBand((r0, r1) =>
        {
            var local = new long[unique.Length];
            for (int i = r0 * width, end = r1 * width; i < end; i++) if (count[i] == 1) local[last[i] - 1]++;
            lock (unique) for (int k = 0; k < local.Length; k++) unique[k] += local[k];
        });
        return [.. _rules.Select((r, k) => r with { Unique = unique[k] })];
    }
}
