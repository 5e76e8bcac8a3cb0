using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace KlimaPakt.Geo.Core.EvCoverage;

/// <summary>A public charger record.</summary>
/// <param name="Id">Database id.</param>
/// <param name="SourceFid">Id in the source (OSM node).</param>
/// <param name="Location">Point in the region's CRS (metres).</param>
/// <param name="Operator">Operator, when known.</param>
/// <param name="Ref">Reference, when known.</param>
/// <param name="Points">Charging points (OSM <c>capacity</c>), when known.</param>
public sealed record ChargerRecord(long Id, string SourceFid, Point Location, string? Operator, string? Ref, int? Points);

/// <summary>A charger after de-duplication, with the records merged into it.</summary>
/// <param name="Record">The record kept (the first of its group).</param>
/// <param name="Merged">Records counted as the same charger.</param>
public sealed record Charger(ChargerRecord Record, IReadOnlyList<ChargerRecord> Merged)
{
    /// <summary>Charging points: the largest capacity any merged record gives, else 1.</summary>
    public int Points => Merged.Prepend(Record).Max(r => r.Points ?? 0) is > 0 and var p ? p : 1;
}

/// <summary>
/// Registries list one station several times (Open Charge Map #223: ~4 % duplicate coordinates). Records closer than a
/// threshold with the same operator and ref (missing equals missing) count once; nothing else is merged. Groups are
/// transitive (a chain of near records with the same keys is one charger).
/// </summary>
public static class ChargerDeduplicator
{
    /// <summary>The chargers and one line per merge.</summary>
    public static (IReadOnlyList<Charger> Chargers, IReadOnlyList<string> Merges) Deduplicate(IReadOnlyList<ChargerRecord> records, double thresholdMeters)
    {
        var index = new STRtree<int>();
        for (var i = 0; i < records.Count; i++) index.Insert(records[i].Location.EnvelopeInternal, i);
        var parent = Enumerable.Range(0, records.Count).ToArray();
        int Find(int i) { while (parent[i] != i) i = parent[i] = parent[parent[i]]; return i; }

        for (var i = 0; i < records.Count; i++)
        {
            var a = records[i];
            var search = a.Location.EnvelopeInternal.Copy();
            search.ExpandBy(thresholdMeters);
            foreach (var j in index.Query(search))
            {
                if (j <= i) continue;
                var b = records[j];
                if (a.Location.Distance(b.Location) <= thresholdMeters && Same(a.Operator, b.Operator) && Same(a.Ref, b.Ref))
                {
                    var (ra, rb) = (Find(i), Find(j));
                    if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
                }
            }
        }

        var chargers = new List<Charger>();
        var merges = new List<string>();
        foreach (var group in Enumerable.Range(0, records.Count).GroupBy(Find).OrderBy(g => g.Key))
        {
            var members = group.Select(i => records[i]).ToList();
            chargers.Add(new Charger(members[0], members.Skip(1).ToList()));
            if (members.Count > 1)
                merges.Add($"{members[0].SourceFid} kept; merged {string.Join(", ", members.Skip(1).Select(m => $"{m.SourceFid} ({m.Location.Distance(members[0].Location):F1} m)"))}");
        }
        return (chargers, merges);
    }

    private static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);
}
