using KlimaPakt.Geo.Core.EvCoverage;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Tests.EvCoverage;

public sealed class ChargerDeduplicatorTests
{
    private static ChargerRecord At(string id, double x, double y, string? op = null, string? reference = null, int? points = null) =>
        new(0, id, new Point(x, y), op, reference, points);

    [Fact]
    public void Deduplicate_KnownDuplicates_MergedAndNothingElse()
    {
        var records = new[]
        {
            At("a", 0, 0, "Chargy", "C1", 2), At("a-dup", 5, 0, "chargy", "C1"),  // 5 m, same operator and ref: one charger
            At("b", 3, 4, "Tesla", "C1"),                                          // 5 m, other operator: kept
            At("c", 0, 100, "Chargy", "C1"),                                       // same keys, 100 m away: kept
            At("d", 200, 200), At("d-dup", 200, 200),                              // identical coordinates, no keys: one charger
            At("e", 300, 300, "Chargy", "C2"), At("e2", 300, 310, "Chargy", "C3"), // 10 m, different refs: kept
        };
        var (chargers, merges) = ChargerDeduplicator.Deduplicate(records, 25);
        Assert.Equal(["a", "b", "c", "d", "e", "e2"], chargers.Select(c => c.Record.SourceFid));
        Assert.Equal(2, merges.Count);
        Assert.Contains("a kept; merged a-dup (5.0 m)", merges);
        Assert.Equal(2, chargers[0].Points);
        Assert.Equal(1, chargers[1].Points);
    }
}
