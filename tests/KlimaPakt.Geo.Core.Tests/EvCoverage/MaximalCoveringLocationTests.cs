using KlimaPakt.Geo.Core.EvCoverage;

namespace KlimaPakt.Geo.Core.Tests.EvCoverage;

public sealed class MaximalCoveringLocationTests
{
    [Fact]
    public void Greedy_ClassicTrap_FiveOfOptimumSixAndWithinBound()
    {
        // c0 covers 4 points, but c1 + c2 cover all 6: greedy takes c0 first and reaches 5 (ties go to the lower index).
        var mclp = new MaximalCoveringLocation([1, 1, 1, 1, 1, 1], [[0, 1, 2, 3], [0, 1, 4], [2, 3, 5]]);
        var greedy = mclp.Greedy(2);
        var exact = mclp.Exact(2);
        Assert.Equal([0, 1], greedy.Select(p => p.Candidate));
        Assert.Equal(5, greedy[^1].CumulativeDemand);
        Assert.Equal(6, exact.Demand);
        Assert.Equal([1, 2], exact.Candidates);
    }

    [Fact]
    public void Greedy_DisjointCandidates_EqualsExactOptimum()
    {
        var mclp = new MaximalCoveringLocation([5, 1, 3, 2, 4], [[0], [1], [2], [3], [4]]);
        Assert.Equal(mclp.Exact(3).Demand, mclp.Greedy(3)[^1].CumulativeDemand);
        Assert.Equal(12, mclp.Greedy(3)[^1].CumulativeDemand);
    }

    [Fact]
    public void Greedy_RandomSmallInstances_NeverBelowOneMinusOneOverEOfExact()
    {
        var random = new Random(20261128);
        for (var instance = 0; instance < 200; instance++)
        {
            var points = random.Next(5, 30);
            var demand = Enumerable.Range(0, points).Select(_ => (double)random.Next(0, 20)).ToArray();
            var covers = Enumerable.Range(0, random.Next(3, 12))
                .Select(_ => Enumerable.Range(0, points).Where(_ => random.NextDouble() < 0.25).ToArray()).ToArray();
            var p = random.Next(1, Math.Min(4, covers.Length) + 1);
            var mclp = new MaximalCoveringLocation(demand, covers);
            var greedy = mclp.Greedy(p) is { Count: > 0 } g ? g[^1].CumulativeDemand : 0;
            var exact = mclp.Exact(p).Demand;
            Assert.True(greedy <= exact + 1e-9);
            Assert.True(greedy >= (1 - 1 / Math.E) * exact - 1e-9, $"instance {instance}: greedy {greedy} < (1-1/e)·{exact}");
        }
    }

    [Fact]
    public void GreedyToTarget_ReachesTargetWithFewestGreedySites()
    {
        var mclp = new MaximalCoveringLocation([1, 1, 1, 1, 1, 1], [[0, 1, 2, 3], [0, 1, 4], [2, 3, 5], [5]]);
        Assert.Single(mclp.GreedyToTarget(4));
        Assert.Equal(3, mclp.GreedyToTarget(6).Count); // greedy: c0 (4), then c1 (+1), then c2 or c3 (+1)
    }

    [Fact]
    public void Greedy_MarginalGainsNeverIncrease()
    {
        var random = new Random(7);
        var demand = Enumerable.Range(0, 400).Select(_ => random.NextDouble() * 10).ToArray();
        var covers = Enumerable.Range(0, 60).Select(_ => Enumerable.Range(0, 400).Where(_ => random.NextDouble() < 0.05).ToArray()).ToArray();
        var picks = new MaximalCoveringLocation(demand, covers).Greedy(15);
        for (var i = 1; i < picks.Count; i++) Assert.True(picks[i].MarginalDemand <= picks[i - 1].MarginalDemand + 1e-9);
    }
}
