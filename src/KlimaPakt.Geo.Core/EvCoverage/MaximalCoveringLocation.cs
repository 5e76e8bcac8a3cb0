namespace KlimaPakt.Geo.Core.EvCoverage;

/// <summary>A chosen site and what it adds.</summary>
/// <param name="Candidate">Index of the candidate.</param>
/// <param name="MarginalDemand">Demand it covers that no earlier site (or existing charger) covers.</param>
/// <param name="CumulativeDemand">Demand covered by the new sites so far, this one included.</param>
public sealed record SitePick(int Candidate, double MarginalDemand, double CumulativeDemand);

/// <summary>
/// Maximal Covering Location (MCLP: p sites that cover the most demand) and the Location Set Covering Problem (LSCP:
/// the fewest sites that reach a target), over demand points that existing facilities leave uncovered — so existing
/// chargers stay fixed (spopt-r #7). Greedy with lazy re-evaluation (CELF): coverage is submodular, so a stale gain is
/// an upper bound and the greedy solution is within 1 − 1/e of the optimum. <see cref="Exact"/> enumerates every
/// p-subset for small instances, to check the greedy.
/// </summary>
public sealed class MaximalCoveringLocation
{
    private readonly double[] _demand;
    private readonly int[][] _covers;

    /// <param name="demand">Demand of each point that is not yet covered (0 for covered points).</param>
    /// <param name="covers">For each candidate, the demand points it would cover.</param>
    public MaximalCoveringLocation(double[] demand, int[][] covers)
    {
        _demand = demand;
        _covers = covers;
    }

    /// <summary>Number of candidates.</summary>
    public int CandidateCount => _covers.Length;

    /// <summary>Greedy MCLP: up to <paramref name="p"/> sites in order of marginal gain (stops early when nothing more can be covered).</summary>
    public IReadOnlyList<SitePick> Greedy(int p) => GreedyUntil(p, double.PositiveInfinity);

    /// <summary>Greedy LSCP: the fewest sites (greedy) whose new coverage reaches <paramref name="targetDemand"/>; all gainful sites if it cannot.</summary>
    public IReadOnlyList<SitePick> GreedyToTarget(double targetDemand) => GreedyUntil(int.MaxValue, targetDemand);

    private List<SitePick> GreedyUntil(int p, double target)
    {
        var covered = new bool[_demand.Length];
        // Largest gain first; ties go to the lower candidate index, so runs are reproducible.
        var queue = new PriorityQueue<(int Candidate, int Round), (double Gain, int Candidate)>(
            Comparer<(double Gain, int Candidate)>.Create((a, b) => b.Gain != a.Gain ? b.Gain.CompareTo(a.Gain) : a.Candidate.CompareTo(b.Candidate)));
        for (var c = 0; c < _covers.Length; c++) queue.Enqueue((c, 0), (Gain(c, covered), c));
        var picks = new List<SitePick>();
        var total = 0.0;
        var round = 0;
        while (picks.Count < p && total < target && queue.TryDequeue(out var item, out var priority))
        {
            var gain = priority.Gain;
            if (gain <= 0) break;
            if (item.Round != round)
            {
                // Stale bound: recompute and put back; picked only when it is still the best fresh value.
                queue.Enqueue((item.Candidate, round), (Gain(item.Candidate, covered), item.Candidate));
                continue;
            }
            foreach (var d in _covers[item.Candidate]) covered[d] = true;
            total += gain;
            picks.Add(new SitePick(item.Candidate, gain, total));
            round++;
        }
        return picks;
    }

    /// <summary>The best demand any <paramref name="p"/> candidates cover, by enumeration; refuses more than 5 million subsets.</summary>
    public (IReadOnlyList<int> Candidates, double Demand) Exact(int p)
    {
        p = Math.Min(p, _covers.Length);
        var subsets = Binomial(_covers.Length, p);
        if (subsets > 5_000_000) throw new InvalidOperationException($"{subsets} subsets: too many for exact enumeration.");
        var best = (Candidates: Array.Empty<int>(), Demand: 0.0);
        var pick = new int[p];
        var stamp = new int[_demand.Length];
        var stampValue = 0;
        void Recurse(int start, int depth)
        {
            if (depth == p)
            {
                stampValue++;
                var sum = 0.0;
                foreach (var c in pick)
                    foreach (var d in _covers[c])
                        if (stamp[d] != stampValue) { stamp[d] = stampValue; sum += _demand[d]; }
                if (sum > best.Demand + 1e-9) best = ((int[])pick.Clone(), sum);
                return;
            }
            for (var c = start; c <= _covers.Length - (p - depth); c++) { pick[depth] = c; Recurse(c + 1, depth + 1); }
        }
        Recurse(0, 0);
        return best;
    }

    private double Gain(int candidate, bool[] covered)
    {
        var sum = 0.0;
        foreach (var d in _covers[candidate]) if (!covered[d]) sum += _demand[d];
        return sum;
    }

    private static double Binomial(int n, int k)
    {
        var r = 1.0;
        for (var i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }
}
