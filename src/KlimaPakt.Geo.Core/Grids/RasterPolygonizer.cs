using KlimaPakt.Geo.Raster;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>One class of a polygonised raster.</summary>
/// <param name="Value">Class value.</param>
/// <param name="Geometry">Polygon or MultiPolygon (holes where other classes are) covering the class's cells.</param>
/// <param name="CellCount">Number of cells of the class.</param>
public sealed record ClassPolygons(int Value, Geometry Geometry, long CellCount);

/// <summary>
/// Turns a class raster into NTS polygons per class (for vector tiles and GeoJSON), on the grid's exact cell edges, by
/// tracing boundaries (GDAL <c>gdal_polygonize</c> semantics: 4-connectivity, so cells touching only at a corner are
/// separate polygons of one MultiPolygon).
/// </summary>
/// <remarks>
/// One sweep over the rows emits, per class, the cell sides that face another value as directed edges with the class on
/// their left (runs of sides along a row or a column are merged into one edge as they are found). Following the edges
/// gives closed rings: anticlockwise ones are outer boundaries, clockwise ones holes; where two corners of a class meet
/// diagonally the trace turns left, keeping the two cells apart, and a ring that comes back to one of its own corners
/// is split there into a shell and the hole it touches. Each hole goes to the smallest shell of its class containing a
/// point just inside it. Work and memory grow with the length of the class boundaries, not with the cell count.
/// </remarks>
public static class RasterPolygonizer
{
    /// <summary>Polygonises every class value except <paramref name="background"/>.</summary>
    /// <param name="grid">Grid of the cells.</param>
    /// <param name="classes">Row-major class values.</param>
    /// <param name="background">Value that is not polygonised (NoData / outside), 0 by default.</param>
    /// <param name="factory">Geometry factory; by default one with the grid's SRID.</param>
    /// <returns>One entry per class value present, ordered by value.</returns>
    public static IReadOnlyList<ClassPolygons> Polygonize(GridSpec grid, ReadOnlySpan<int> classes, int background = 0,
        GeometryFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (classes.Length < grid.CellCount) throw new ArgumentException($"Need {grid.CellCount} cells.", nameof(classes));
        factory ??= new GeometryFactory(new PrecisionModel(), grid.Srid);
        var tracers = new Dictionary<int, ClassTracer>();
        ClassTracer Tracer(int value) =>
            tracers.TryGetValue(value, out var t) ? t : tracers[value] = new ClassTracer(grid.Width);
        EmitEdges(grid, classes, background, Tracer);
        var result = new List<ClassPolygons>();
        foreach (var value in tracers.Keys.Order())
        {
            var geometry = tracers[value].Polygons(grid, factory);
            result.Add(new ClassPolygons(value, geometry, tracers[value].CellCount));
        }
        return result;
    }

    /// <summary>Directions in map orientation (y up).</summary>
    private const byte East = 0, North = 1, West = 2, South = 3;

    /// <summary>
    /// The sweep: per horizontal grid line, the sides between the row above and the row below (merged along the row);
    /// per row, the sides between neighbouring cells (merged down each column line while they continue).
    /// </summary>
    private static void EmitEdges(GridSpec grid, ReadOnlySpan<int> classes, int background, Func<int, ClassTracer> tracer)
    {
        int w = grid.Width, h = grid.Height;
        // Open vertical runs per column line x: (first row, class) for sides with the class to the right (southward
        // edges) and to the left (northward edges); Background means none open.
        var southStart = new int[w + 1];
        var southClass = new int[w + 1];
        var northStart = new int[w + 1];
        var northClass = new int[w + 1];
        southClass.AsSpan().Fill(background);
        northClass.AsSpan().Fill(background);
        for (int r = 0; r <= h; r++)
        {
            var above = r > 0 ? classes.Slice((r - 1) * w, w) : default;
            var below = r < h ? classes.Slice(r * w, w) : default;
            // Horizontal line r: the top sides of row r (westward, class below) and bottom sides of row r − 1 (eastward).
            for (int c = 0; c < w;)
            {
                int a = r > 0 ? above[c] : background, b = r < h ? below[c] : background;
                int c1 = c + 1;
                while (c1 < w && (r > 0 ? above[c1] : background) == a && (r < h ? below[c1] : background) == b) c1++;
                if (a != b)
                {
                    if (b != background) tracer(b).Add(Key(w, r, c1), Key(w, r, c), West);
                    if (a != background) tracer(a).Add(Key(w, r, c), Key(w, r, c1), East);
                }
                c = c1;
            }
            // Vertical sides of row r, extending the open runs of each column line.
            for (int x = 0; x <= w; x++)
            {
                int left = r < h && x > 0 ? below[x - 1] : background, right = r < h && x < w ? below[x] : background;
                int s = left != right ? right : background, n = left != right ? left : background;
                if (southClass[x] != s)
                {
                    if (southClass[x] != background) tracer(southClass[x]).Add(Key(w, southStart[x], x), Key(w, r, x), South);
                    southClass[x] = s;
                    southStart[x] = r;
                }
                if (northClass[x] != n)
                {
                    if (northClass[x] != background) tracer(northClass[x]).Add(Key(w, r, x), Key(w, northStart[x], x), North);
                    northClass[x] = n;
                    northStart[x] = r;
                }
            }
            if (r < h)
                foreach (int v in below)
                    if (v != background) tracer(v).CellCount++;
        }
    }

    private static long Key(int width, int row, int column) => (long)row * (width + 1) + column;

    /// <summary>The directed boundary edges of one class and the rings they close into.</summary>
    private sealed class ClassTracer(int width)
    {
        // Outgoing edges by start vertex: at most two (where two corners of the class meet diagonally).
        private readonly Dictionary<long, (long End1, byte Dir1, long End2, byte Dir2)> _out = [];

        public long CellCount { get; set; }

        public void Add(long from, long to, byte direction)
        {
            if (!_out.TryGetValue(from, out var e)) _out[from] = (to, direction, -1, 0);
            else if (e.End2 < 0) _out[from] = (e.End1, e.Dir1, to, direction);
            else throw new InvalidOperationException("Three boundary edges leave one vertex (polygoniser invariant broken).");
        }

        public Geometry Polygons(GridSpec grid, GeometryFactory factory)
        {
            var shells = new List<(LinearRing Ring, double Area)>();
            var holes = new List<(LinearRing Ring, Coordinate Inside)>();
            foreach (var ring in Rings())
                foreach (var simple in SplitAtRepeatedVertices(ring))
                {
                    var coords = simple.Select(k => Coordinate(grid, k)).Append(Coordinate(grid, simple[0])).ToArray();
                    var linear = factory.CreateLinearRing(coords);
                    // The class lies left of every edge: anticlockwise rings bound it from outside, clockwise ones are holes.
                    if (NetTopologySuite.Algorithm.Orientation.IsCCW(coords)) shells.Add((linear, NetTopologySuite.Algorithm.Area.OfRing(coords)));
                    else holes.Add((linear, PointInsideHole(grid, simple)));
                }
            // Each hole belongs to the smallest shell around a point just inside it.
            var shellHoles = shells.Select(_ => new List<LinearRing>()).ToArray();
            var index = new NetTopologySuite.Index.Strtree.STRtree<int>();
            for (int i = 0; i < shells.Count; i++) index.Insert(shells[i].Ring.EnvelopeInternal, i);
            var locators = new IndexedPointInAreaLocator?[shells.Count];
            foreach (var (ring, inside) in holes)
            {
                int best = -1;
                foreach (int i in index.Query(new Envelope(inside)))
                {
                    locators[i] ??= new IndexedPointInAreaLocator(shells[i].Ring);
                    if (locators[i]!.Locate(inside) != Location.Interior) continue;
                    if (best < 0 || shells[i].Area < shells[best].Area) best = i;
                }
                if (best < 0) throw new InvalidOperationException("A hole lies in no shell of its class (polygoniser invariant broken).");
                shellHoles[best].Add(ring);
            }
            var polygons = shells.Select((s, i) => factory.CreatePolygon(s.Ring, [.. shellHoles[i]])).ToArray();
            return polygons.Length == 1 ? polygons[0] : factory.CreateMultiPolygon(polygons);
        }

        /// <summary>
        /// Closed vertex loops (corners only), following each edge once. Where two edges leave a vertex the trace takes
        /// the left turn from its heading, so two corners of the class that meet diagonally stay apart; the first step
        /// of a trace takes either, and coming back to its start the trace goes on only if that is the left turn.
        /// </summary>
        private IEnumerable<List<long>> Rings()
        {
            // Starts from a snapshot of the vertices: taking the dictionary's first key after many removals would walk
            // the emptied slots each time.
            foreach (long start in _out.Keys.ToArray())
                while (_out.ContainsKey(start))
                {
                    var ring = new List<long>();
                    long at = start;
                    byte heading = 255;
                    while (_out.TryGetValue(at, out var e))
                    {
                        byte left = (byte)((heading + 1) % 4);
                        bool takeFirst;
                        if (heading == 255) takeFirst = true;
                        else if (e.End2 < 0) takeFirst = true;
                        else takeFirst = e.Dir1 == left;
                        var (end, dir) = takeFirst ? (e.End1, e.Dir1) : (e.End2, e.Dir2);
                        if (at == start && heading != 255 && dir != left) break; // closed: the start's other edge is not ours
                        if (e.End2 < 0) _out.Remove(at);
                        else _out[at] = takeFirst ? (e.End2, e.Dir2, -1L, (byte)0) : (e.End1, e.Dir1, -1L, (byte)0);
                        if (dir != heading) ring.Add(at); // a corner (a straight continuation adds no vertex)
                        heading = dir;
                        at = end;
                    }
                    // The start vertex may sit in the middle of a straight stretch: drop it if so.
                    if (ring.Count > 2 && Collinear(ring[^1], ring[0], ring[1])) ring.RemoveAt(0);
                    yield return ring;
                }
        }

        private bool Collinear(long a, long b, long c)
        {
            long ar = a / (width + 1), ac = a % (width + 1), br = b / (width + 1), bc = b % (width + 1), cr = c / (width + 1), cc = c % (width + 1);
            return (ar == br && br == cr) || (ac == bc && bc == cc);
        }

        /// <summary>
        /// Splits a loop that passes one vertex twice (a class touching itself diagonally around a hole) into simple
        /// loops: a stack of vertices, popping the loop closed whenever a vertex comes round again.
        /// </summary>
        private static IEnumerable<List<long>> SplitAtRepeatedVertices(List<long> ring)
        {
            var stack = new List<long>(ring.Count);
            var position = new Dictionary<long, int>();
            foreach (long v in ring)
            {
                if (position.TryGetValue(v, out int p))
                {
                    var loop = stack.GetRange(p, stack.Count - p);
                    foreach (long u in loop) position.Remove(u);
                    stack.RemoveRange(p, stack.Count - p);
                    yield return loop;
                }
                position[v] = stack.Count;
                stack.Add(v);
            }
            if (stack.Count > 0) yield return stack;
        }

        private Coordinate Coordinate(GridSpec grid, long key)
        {
            long row = key / (width + 1), column = key % (width + 1);
            return new Coordinate(grid.OriginX + column * grid.CellSizeX, grid.OriginY - row * grid.CellSizeY);
        }

        /// <summary>
        /// A point inside the hole: a quarter cell to the right of the middle of the hole's first edge (the class lies
        /// to the left of every edge, the hole's cells to the right).
        /// </summary>
        private Coordinate PointInsideHole(GridSpec grid, List<long> ring)
        {
            var a = Coordinate(grid, ring[0]);
            var b = Coordinate(grid, ring[1 % ring.Count]);
            double dx = Math.Sign(b.X - a.X), dy = Math.Sign(b.Y - a.Y);
            // Right of (dx, dy) is (dy, −dx).
            double mx = a.X + (dx != 0 ? dx * grid.CellSizeX * 0.5 : 0), my = a.Y + (dy != 0 ? dy * grid.CellSizeY * 0.5 : 0);
            return new Coordinate(mx + dy * grid.CellSizeX * 0.25, my - dx * grid.CellSizeY * 0.25);
        }
    }
}
