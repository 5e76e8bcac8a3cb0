namespace KlimaPakt.Geo.Core.Corridors;

/// <summary>Graphab's probability of connectivity of a patch graph, and each patch's contribution.</summary>
/// <param name="ProbabilityOfConnectivity">PC = Σᵢ Σⱼ aᵢ·aⱼ·p*ᵢⱼ / A_L² (0–1).</param>
/// <param name="DeltaPc">Per patch (index = patch id − 1): dPC = 100 · (PC − PC without the patch) / PC, in percent.</param>
public sealed record GraphConnectivity(double ProbabilityOfConnectivity, IReadOnlyList<double> DeltaPc);

/// <summary>
/// Probability of connectivity (Saura &amp; Pascual-Hortal 2007; Graphab's PC): PC = Σᵢ Σⱼ aᵢ·aⱼ·p*ᵢⱼ / A_L², with
/// p*ᵢⱼ the product of the link probabilities p = exp(−k·d) along the most probable path (i = j included, p*ᵢᵢ = 1) —
/// the shortest path in the graph weighted by the links' cost distances, since exp(−k·Σd) = Π exp(−k·d). dPC of patch
/// m: the percent drop of PC when m and its links are removed (A_L unchanged).
/// </summary>
public static class ConnectivityMetrics
{
    /// <summary>PC and dPC of the graph.</summary>
    /// <param name="areas">Patch attribute aᵢ (area in m²), index = patch id − 1.</param>
    /// <param name="links">Edges (patch ids 1-based, cost distance in cost units).</param>
    /// <param name="decayPerCost">k of p = exp(−k·d); <see cref="SpeciesProfile.DecayPerCost"/> gives p = 0.05 at the dispersal distance.</param>
    /// <param name="landscapeArea">A_L, the area of the study landscape, in the unit of the areas.</param>
    public static GraphConnectivity Compute(IReadOnlyList<double> areas, IEnumerable<(int From, int To, double CostDistance)> links, double decayPerCost,
        double landscapeArea)
    {
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(links);
        if (!(landscapeArea > 0)) throw new ArgumentOutOfRangeException(nameof(landscapeArea), "The landscape area must be positive.");
        int n = areas.Count;
        var adjacency = new List<(int To, double Cost)>[n];
        for (int i = 0; i < n; i++) adjacency[i] = [];
        foreach (var (f, t, d) in links)
        {
            adjacency[f - 1].Add((t - 1, d));
            adjacency[t - 1].Add((f - 1, d));
        }
        // Full graph: per source its distances and shortest-path tree (parent per node).
        var rows = new double[n];
        var dist = new double[n][];
        var parent = new int[n][];
        for (int i = 0; i < n; i++)
        {
            (dist[i], parent[i]) = ShortestPaths(adjacency, i, removed: -1);
            rows[i] = Row(areas, dist[i], i, decayPerCost, removed: -1);
        }
        double numerator = rows.Sum();
        double pc = numerator / (landscapeArea * landscapeArea);
        var delta = new double[n];
        for (int m = 0; m < n; m++)
        {
            double without = 0;
            for (int i = 0; i < n; i++)
            {
                if (i == m) continue;
                // When m is a leaf of i's shortest-path tree (or unreached), no other path from i runs through it:
                // only the pair (i, m) goes; otherwise search again without m.
                bool interior = false;
                for (int j = 0; j < n && !interior; j++) interior = j != m && parent[i][j] == m;
                without += interior
                    ? Row(areas, ShortestPaths(adjacency, i, removed: m).Distance, i, decayPerCost, removed: m)
                    : rows[i] - (double.IsFinite(dist[i][m]) ? areas[i] * areas[m] * Math.Exp(-decayPerCost * dist[i][m]) : 0);
            }
            delta[m] = numerator > 0 ? 100 * (numerator - without) / numerator : 0;
        }
        return new GraphConnectivity(pc, delta);
    }

    private static double Row(IReadOnlyList<double> areas, double[] dist, int i, double k, int removed)
    {
        double sum = 0;
        for (int j = 0; j < dist.Length; j++)
            if (j != removed && double.IsFinite(dist[j])) sum += areas[i] * areas[j] * Math.Exp(-k * dist[j]);
        return sum;
    }

    private static (double[] Distance, int[] Parent) ShortestPaths(List<(int To, double Cost)>[] adjacency, int source, int removed)
    {
        int n = adjacency.Length;
        var dist = new double[n];
        var parent = new int[n];
        Array.Fill(dist, double.PositiveInfinity);
        Array.Fill(parent, -1);
        dist[source] = 0;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out int u, out double du))
        {
            if (du > dist[u]) continue;
            foreach (var (v, c) in adjacency[u])
            {
                if (v == removed) continue;
                double nd = du + c;
                // Ties go to the smaller parent id, so the tree (and the leaf test) does not depend on the queue.
                if (nd < dist[v] || (nd == dist[v] && u < parent[v]))
                {
                    bool improved = nd < dist[v];
                    dist[v] = nd;
                    parent[v] = u;
                    if (improved) queue.Enqueue(v, nd);
                }
            }
        }
        return (dist, parent);
    }
}
