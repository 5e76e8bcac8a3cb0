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
    public ReadOnlySpan<byte> HitCounts => _count;

    /// <summary>Adds the next rule's mask (null: the rule had nothing to apply and hits nothing).</summary>
    /// <param name="hit">Row-major mask, non-zero = the rule hits the cell; or null.</param>
    /// <returns>The rule's alone and sequential counts (Unique is 0 until <see cref="Finish"/>).</returns>
    public RuleCellCounts Add(ReadOnlySpan<byte> hit)
    {
        if (_rules.Count >= 255) throw new InvalidOperationException("At most 255 rules.");
        long alone = 0, sequential = 0;
        if (hit.IsEmpty)
        {
            _rules.Add(new RuleCellCounts(0, 0, 0, new int[_blocks.Coarse.Width * _blocks.Coarse.Height]));
            return _rules[^1];
        }
        byte order = (byte)(_rules.Count + 1);
        for (int i = 0; i < _zones.Length; i++)
        {
            if (hit[i] == 0 || _zones[i] == 0) continue;
            alone++;
            if (_count[i] == 0) sequential++;
            if (_count[i] < 255) _count[i]++;
            _last[i] = order;
        }
        _rules.Add(new RuleCellCounts(alone, sequential, 0, _blocks.CountCells(_zones, hit)));
        return _rules[^1];
    }

    /// <summary>Region cells hit by at least one rule.</summary>
    public long HitCells()
    {
        long n = 0;
        for (int i = 0; i < _count.Length; i++) if (_count[i] != 0) n++;
        return n;
    }

    /// <summary>Every rule's counts with <see cref="RuleCellCounts.Unique"/> filled in, in the order added.</summary>
    public IReadOnlyList<RuleCellCounts> Finish()
    {
        var unique = new long[_rules.Count];
        for (int i = 0; i < _count.Length; i++) if (_count[i] == 1) unique[_last[i] - 1]++;
        return [.. _rules.Select((r, k) => r with { Unique = unique[k] })];
    }
}
