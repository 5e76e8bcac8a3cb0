using NetTopologySuite.Densify;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace KlimaPakt.Geo.Core.EvCoverage;

/// <summary>
/// The region's roads as an undirected graph for network distances: line vertices are nodes (lines densified so that
/// vertices are at most <see cref="MaxVertexSpacingMeters"/> apart, which bounds the snapping error), segments are
/// edges weighted by their length. Points join the graph at their nearest node, and the snapping distance is part of
/// their network distance — so a network distance is never shorter than the straight line.
/// </summary>
public sealed class RoadNetwork
{
    /// <summary>Largest distance between consecutive nodes along a road, in metres.</summary>
    public const double MaxVertexSpacingMeters = 50;

    private readonly List<Coordinate> _nodes = [];
    private readonly List<List<(int To, double LengthMeters)>> _edges = [];
    private readonly STRtree<int> _index = new();

    /// <summary>Builds the graph; coordinates closer than 1 cm are one node (roads meet where their vertices meet).</summary>
    public RoadNetwork(IEnumerable<Geometry> roads)
    {
        var ids = new Dictionary<(long, long), int>();
        int Node(Coordinate c)
        {
            var key = ((long)Math.Round(c.X * 100), (long)Math.Round(c.Y * 100));
            if (ids.TryGetValue(key, out var id)) return id;
            id = _nodes.Count;
            ids[key] = id;
            _nodes.Add(c.Copy());
            _edges.Add([]);
            _index.Insert(new Envelope(c), id);
            return id;
        }
        foreach (var road in roads)
        {
            var dense = Densifier.Densify(road, MaxVertexSpacingMeters);
            for (var g = 0; g < dense.NumGeometries; g++)
            {
                if (dense.GetGeometryN(g) is not LineString line) continue;
                var coords = line.Coordinates;
                for (var i = 1; i < coords.Length; i++)
                {
                    int a = Node(coords[i - 1]), b = Node(coords[i]);
                    if (a == b) continue;
                    var length = coords[i - 1].Distance(coords[i]);
                    _edges[a].Add((b, length));
                    _edges[b].Add((a, length));
                }
            }
        }
        _index.Build();
    }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>The nearest node to <paramref name="point"/> and the distance to it, or null when farther than <paramref name="maxSnapMeters"/>.</summary>
    public (int Node, double DistanceMeters)? Snap(Coordinate point, double maxSnapMeters)
    {
        if (_nodes.Count == 0) return null;
        var search = new Envelope(point);
        search.ExpandBy(maxSnapMeters);
        var best = (Node: -1, Distance: double.PositiveInfinity);
        foreach (var n in _index.Query(search))
        {
            var d = _nodes[n].Distance(point);
            if (d < best.Distance) best = (n, d);
        }
        return best.Node >= 0 && best.Distance <= maxSnapMeters ? best : null;
    }

    /// <summary>
    /// Multi-source Dijkstra: for every node, the shortest distance from any source (each starting at its own offset,
    /// its snapping distance), up to <paramref name="maxMeters"/>; +∞ beyond.
    /// </summary>
    public double[] DistancesFrom(IEnumerable<(int Node, double OffsetMeters)> sources, double maxMeters)
    {
        var distance = new double[_nodes.Count];
        Array.Fill(distance, double.PositiveInfinity);
        var queue = new PriorityQueue<int, double>();
        foreach (var (node, offset) in sources)
            if (offset < distance[node]) { distance[node] = offset; queue.Enqueue(node, offset); }
        while (queue.TryDequeue(out var node, out var d))
        {
            if (d > distance[node]) continue;
            foreach (var (to, length) in _edges[node])
            {
                var next = d + length;
                if (next < distance[to] && next <= maxMeters) { distance[to] = next; queue.Enqueue(to, next); }
            }
        }
        return distance;
    }
}
