using System.Runtime.CompilerServices;

namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>Units of an accumulated cost surface.</summary>
public enum CostDistanceUnits
{
    /// <summary>
    /// GRASS <c>r.cost</c> / scikit-image <c>MCP_Geometric</c>: a step costs the mean of the two cells' costs times its
    /// length in cells (1 east–west, CellSizeY/CellSizeX north–south, their hypotenuse diagonally).
    /// </summary>
    Cells = 0,

    /// <summary>A step costs the mean of the two cells' costs times its length in map units (metres in EPSG:2169).</summary>
    MapUnits = 1,
}

public static partial class RasterKernels
{
    /// <summary>Back-link code of a source cell.</summary>
    public const byte BackLinkSource = 0;

    /// <summary>Back-link code of a cell no source reaches.</summary>
    public const byte BackLinkUnreached = 255;

    // Neighbour order of the back-link codes 1..8: E, NE, N, NW, W, SW, S, SE (counter-clockwise from east, 45° apart,
    // row axis pointing down). Code c on a cell means "the previous cell on the least-cost path lies in direction c".
    private static readonly int[] s_dCol = [1, 1, 0, -1, -1, -1, 0, 1];
    private static readonly int[] s_dRow = [0, -1, -1, -1, 0, 1, 1, 1];

    /// <summary>
    /// Accumulated cost-distance from source cells (8-neighbour Dijkstra, GRASS <c>r.cost</c>'s model: moving between
    /// adjacent cells costs the mean of their two costs times the step length). Cells with NaN or negative cost are
    /// barriers and, like unreachable cells, get NaN. Sources on barrier cells are ignored. Accumulation is in double;
    /// the result is rounded to float once. A 4-ary heap of (cost, row, column) with lazy deletion keeps the frontier
    /// cache-resident; the search itself is sequential.
    /// </summary>
    /// <param name="cost">Row-major friction per cell.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="sources">Source cells as (column, row).</param>
    /// <param name="cellSizeX">Cell width in map units.</param>
    /// <param name="cellSizeY">Cell height in map units.</param>
    /// <param name="units">Step length units (GRASS-compatible cells by default).</param>
    /// <param name="accumulated">Output accumulated cost.</param>
    /// <param name="backLinks">Optional output (empty for none): direction code 1..8 towards the previous cell on the
    /// least-cost path (E, NE, N, NW, W, SW, S, SE), <see cref="BackLinkSource"/> on sources, <see cref="BackLinkUnreached"/> elsewhere.</param>
    /// <returns>Number of cells reached.</returns>
    public static long CostDistance(ReadOnlySpan<float> cost, int width, int height, ReadOnlySpan<(int Column, int Row)> sources,
        double cellSizeX, double cellSizeY, CostDistanceUnits units, Span<float> accumulated, Span<byte> backLinks = default)
    {
        long cells = (long)width * height;
        if (cost.Length < cells || accumulated.Length < cells) throw new ArgumentException($"Cost and output need {cells} cells.");
        if (!backLinks.IsEmpty && backLinks.Length < cells) throw new ArgumentException("Back-link output is too short.", nameof(backLinks));
        if (!(cellSizeX > 0 && cellSizeY > 0)) throw new ArgumentOutOfRangeException(nameof(cellSizeX), "Cell sizes must be positive.");

        double ew = units == CostDistanceUnits.Cells ? 1.0 : cellSizeX;
        double ns = units == CostDistanceUnits.Cells ? cellSizeY / cellSizeX : cellSizeY;
        // Half step lengths: the step cost is (c_a + c_b) / 2 · length, folded into one multiply per neighbour.
        double[] half = new double[8];
        for (int k = 0; k < 8; k++)
        {
            double len = s_dCol[k] != 0 && s_dRow[k] != 0 ? Math.Sqrt(ew * ew + ns * ns) : s_dCol[k] != 0 ? ew : ns;
            half[k] = len * 0.5;
        }

        var dist = GC.AllocateUninitializedArray<double>(checked((int)cells));
        dist.AsSpan().Fill(double.PositiveInfinity);
        bool links = !backLinks.IsEmpty;
        if (links) backLinks[..(int)cells].Fill(BackLinkUnreached);
        var heap = new CostHeap(1 << 16);
        foreach (var (c, r) in sources)
        {
            if ((uint)c >= (uint)width || (uint)r >= (uint)height)
                throw new ArgumentOutOfRangeException(nameof(sources), $"Source cell ({c}, {r}) is outside the {width}x{height} grid.");
            long i = (long)r * width + c;
            float ci = cost[(int)i];
            if (!(ci >= 0)) continue;
            dist[i] = 0;
            if (links) backLinks[(int)i] = BackLinkSource;
            heap.Push(0, r, c);
        }

        long reached = 0;
        while (heap.Count > 0)
        {
            var (d, r, c) = heap.Pop();
            long i = (long)r * width + c;
            if (d > dist[i]) continue; // stale duplicate: the cell was settled at a lower cost
            reached++;
            double ci = cost[(int)i];
            for (int k = 0; k < 8; k++)
            {
                int nc = c + s_dCol[k], nr = r + s_dRow[k];
                if ((uint)nc >= (uint)width || (uint)nr >= (uint)height) continue;
                long j = (long)nr * width + nc;
                float cj = cost[(int)j];
                if (!(cj >= 0)) continue;
                double nd = d + (ci + cj) * half[k];
                if (nd < dist[j])
                {
                    dist[j] = nd;
                    // Direction from j back to i is the opposite of k: (k + 4) mod 8, stored 1-based.
                    if (links) backLinks[(int)j] = (byte)(((k + 4) & 7) + 1);
                    heap.Push(nd, nr, nc);
                }
            }
        }

        var acc = accumulated;
        for (int i = 0; i < (int)cells; i++)
        {
            double v = dist[i];
            acc[i] = double.IsPositiveInfinity(v) ? float.NaN : (float)v;
        }
        return reached;
    }

    /// <summary>
    /// 4-ary min-heap of (cost, row, column). Four children share one 64-byte line of 16-byte entries, so a sift-down
    /// touches half as many lines as a binary heap; duplicates are allowed (lazy deletion) instead of decrease-key,
    /// which would need a cell → heap-slot index as large as the grid.
    /// </summary>
    private sealed class CostHeap(int capacity)
    {
        private Entry[] _items = new Entry[capacity];

        public int Count { get; private set; }

        private struct Entry
        {
            public double Key;
            public int Row;
            public int Column;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(double key, int row, int column)
        {
            if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
            var items = _items;
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 2;
                if (items[parent].Key <= key) break;
                items[i] = items[parent];
                i = parent;
            }
            items[i] = new Entry { Key = key, Row = row, Column = column };
        }

        public (double Key, int Row, int Column) Pop()
        {
            var items = _items;
            var top = items[0];
            int n = --Count;
            if (n > 0)
            {
                var last = items[n];
                int i = 0;
                while (true)
                {
                    int first = (i << 2) + 1;
                    if (first >= n) break;
                    int best = first;
                    double bestKey = items[first].Key;
                    int end = Math.Min(first + 4, n);
                    for (int ch = first + 1; ch < end; ch++)
                        if (items[ch].Key < bestKey) { best = ch; bestKey = items[ch].Key; }
                    if (bestKey >= last.Key) break;
                    items[i] = items[best];
                    i = best;
                }
                items[i] = last;
            }
            return (top.Key, top.Row, top.Column);
        }
    }
}
