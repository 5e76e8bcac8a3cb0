using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

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
    /// the result is rounded to float once. The frontier is an exact bucket queue when every step costs at least
    /// some δ &gt; 0 (linear time, see <see cref="BucketFrontier"/>), else a 4-ary heap. On request (<paramref
    /// name="parallelism"/>) the bucket queue's search runs on several cores, one bucket at a time (see
    /// <see cref="ParallelBucketSearch"/>), with a result bit-identical to the sequential search's. Library callers get the
    /// sequential search by default (the analyses run several of these at once); <c>raster cost</c> asks for all cores. On
    /// the 4096² peers' cost raster, on a 2-core VM (2026-12-07, whole command, medians of one interleaved run each):
    /// 0.88 s against 1.62 s when nothing else ran (benchmarks/results/2026-12-07-peers-4096.md), 2.04 s against 1.92 s
    /// beside a process spinning on one core (the workers then hand over to the sequential search).
    /// Memory: the cost (4 B per cell, reused for the output when <paramref name="accumulated"/> is the cost's memory),
    /// an 8-byte double per cell for the search, 1 B per cell for back-links if asked for, plus the frontier (a few
    /// bucket widths of cells); the parallel search needs no more per cell.
    /// </summary>
    /// <param name="cost">Row-major friction per cell.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="sources">Source cells as (column, row).</param>
    /// <param name="cellSizeX">Cell width in map units.</param>
    /// <param name="cellSizeY">Cell height in map units.</param>
    /// <param name="units">Step length units (GRASS-compatible cells by default).</param>
    /// <param name="accumulated">Output accumulated cost. May be <paramref name="cost"/>'s own memory: the costs are no
    /// longer read when the result is written, and reusing them saves a grid-sized allocation.</param>
    /// <param name="backLinks">Optional output (empty for none): direction code 1..8 towards the previous cell on the
    /// least-cost path (E, NE, N, NW, W, SW, S, SE), <see cref="BackLinkSource"/> on sources, <see cref="BackLinkUnreached"/> elsewhere.</param>
    /// <param name="forceHeap">Use the heap even when the bucket queue applies (tests compare the two).</param>
    /// <param name="progress">Optional share of the grid's cells settled (0..1), every 2^20 cells and at the end.</param>
    /// <param name="parallelism">1 (default): the sequential search; 0: all cores for grids of 2²⁰ cells or more (a
    /// smaller search takes milliseconds, less than starting workers); n ≥ 2: n workers. The parallel search applies
    /// when the bucket queue does and no back-links are asked for, else the sequential one runs (tests use more workers
    /// than cores to provoke every interleaving).</param>
    /// <param name="maximumCost">Truncation (GRASS <c>r.cost max_cost</c>): the search settles no cell whose accumulated
    /// cost exceeds it, so its work grows with the band it reaches, not with the grid; those cells get NaN (and
    /// <see cref="BackLinkUnreached"/>) like unreached ones. Inside the band the costs are those of the untruncated search.
    /// Infinity (default) for none. A truncated search runs sequentially.</param>
    /// <returns>Number of cells reached.</returns>
    public static long CostDistance(ReadOnlySpan<float> cost, int width, int height, ReadOnlySpan<(int Column, int Row)> sources,
        double cellSizeX, double cellSizeY, CostDistanceUnits units, Span<float> accumulated, Span<byte> backLinks = default,
        bool forceHeap = false, IProgress<double>? progress = null, int parallelism = 1, double maximumCost = double.PositiveInfinity)
        => CostDistanceHandingOver(cost, width, height, sources, cellSizeX, cellSizeY, units, accumulated, backLinks, forceHeap,
            progress, parallelism, maximumCost, handOverAtPhase: 0);

    /// <summary><see cref="CostDistance(ReadOnlySpan{float}, int, int, ReadOnlySpan{ValueTuple{int, int}}, double, double,
    /// CostDistanceUnits, Span{float}, Span{byte}, bool, IProgress{double}, int, double)"/>, where tests can make the
    /// parallel search hand its frontier to the sequential one after a given bucket (0: only when the workers vote to).</summary>
    internal static long CostDistanceHandingOver(ReadOnlySpan<float> cost, int width, int height, ReadOnlySpan<(int Column, int Row)> sources,
        double cellSizeX, double cellSizeY, CostDistanceUnits units, Span<float> accumulated, Span<byte> backLinks,
        bool forceHeap, IProgress<double>? progress, int parallelism, double maximumCost, long handOverAtPhase)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parallelism);
        if (!(maximumCost >= 0)) throw new ArgumentOutOfRangeException(nameof(maximumCost), "The truncation must be 0 or more (infinity for none).");
        bool truncated = !double.IsPositiveInfinity(maximumCost);
        long cells = (long)width * height;
        if (cost.Length < cells || accumulated.Length < cells) throw new ArgumentException($"Cost and output need {cells} cells.");
        if (!backLinks.IsEmpty && backLinks.Length < cells) throw new ArgumentException("Back-link output is too short.", nameof(backLinks));
        if (!(cellSizeX > 0 && cellSizeY > 0)) throw new ArgumentOutOfRangeException(nameof(cellSizeX), "Cell sizes must be positive.");
        if (cells > Array.MaxLength) throw new ArgumentException("Grid too large for one cost-distance pass.");

        double ew = units == CostDistanceUnits.Cells ? 1.0 : cellSizeX;
        double ns = units == CostDistanceUnits.Cells ? cellSizeY / cellSizeX : cellSizeY;
        // Half step lengths: the step cost is (c_a + c_b) / 2 · length, folded into one multiply per neighbour.
        double[] half = new double[8];
        for (int k = 0; k < 8; k++)
        {
            double len = s_dCol[k] != 0 && s_dRow[k] != 0 ? Math.Sqrt(ew * ew + ns * ns) : s_dCol[k] != 0 ? ew : ns;
            half[k] = len * 0.5;
        }
        int n = (int)cells;
        var (minCost, maxCost) = PositiveCostRange(cost[..n]);
        double minEdge = 2.0 * minCost * half.Min(), maxEdge = 2.0 * maxCost * half.Max();

        var dist = LargeArrays.Allocate<double>(n);
        // Filling faults in half a GiB of fresh pages at 8192² (seconds on the project's VMs): on all cores.
        ForChunks(n, allCores: true, (start, count) => dist.AsSpan((int)start, (int)count).Fill(double.PositiveInfinity));
        if (!backLinks.IsEmpty) backLinks[..n].Fill(BackLinkUnreached);

        long reached = 0;
        // Up to 4 M buckets (32 MiB of list headers) the bucket queue wins; past that (a friction range over ~10⁶, or
        // zero-cost cells) the heap's log factor is cheaper than walking empty buckets.
        bool buckets = !forceHeap && minEdge > 0 && maxEdge / minEdge < 4e6;
        int workers = parallelism == 0 ? (n >= 1 << 20 ? Environment.ProcessorCount : 1) : parallelism;
        bool parallel = buckets && backLinks.IsEmpty && workers > 1 && !truncated;
        if (parallel)
        {
            foreach (var (c, r) in sources)
                if ((uint)c >= (uint)width || (uint)r >= (uint)height)
                    throw new ArgumentOutOfRangeException(nameof(sources), $"Source cell ({c}, {r}) is outside the {width}x{height} grid.");
            ParallelBucketSearch(cost, width, height, sources, half, dist, minEdge, maxEdge, workers, progress, handOverAtPhase);
        }
        else if (buckets)
        {
            var q = new BucketFrontier(minEdge, maxEdge);
            reached = Search(ref q, cost, width, height, sources, half, dist, backLinks, progress, maximumCost);
        }
        else
        {
            var q = new HeapFrontier(1 << 16);
            reached = Search(ref q, cost, width, height, sources, half, dist, backLinks, progress, maximumCost);
        }

        // A truncated search leaves cells beyond the band with a tentative (positive) cost and a back-link written when
        // they were pushed: they were never settled, so they read as unreached.
        if (truncated && !backLinks.IsEmpty)
            for (int i = 0; i < n; i++)
                if (!double.IsNegative(dist[i])) backLinks[i] = BackLinkUnreached;
        progress?.Report(1);
        // The parallel search leaves its cells' costs positive (and the sequential search's, where it handed over,
        // negative): every finite one is final. It is never truncated.
        long final = ToAccumulated(dist, accumulated[..n], finiteIsFinal: parallel);
        return parallel ? final : reached;
    }

    /// <summary>Smallest and largest non-negative cost (NaN and negative cells are barriers), on all cores.</summary>
    private static unsafe (float Min, float Max) PositiveCostRange(ReadOnlySpan<float> cost)
    {
        float min = float.PositiveInfinity, max = 0;
        var gate = new object();
        fixed (float* p = cost)
        {
            float* pc = p;
            ForChunks(cost.Length, allCores: true, (start, count) =>
            {
                float lo = float.PositiveInfinity, hi = 0;
                for (long i = start; i < start + count; i++)
                {
                    float c = pc[i];
                    if (!(c >= 0)) continue;
                    if (c < lo) lo = c;
                    if (c > hi) hi = c;
                }
                lock (gate)
                {
                    min = Math.Min(min, lo);
                    max = Math.Max(max, hi);
                }
            });
        }
        return (min, max);
    }

    /// <summary>Settled cells hold −cost (see Search), unreached ones +∞ and (after a truncated search) unsettled ones their
    /// positive tentative cost: negate and round to float the settled ones, NaN for the rest; on all cores. With
    /// <paramref name="finiteIsFinal"/> (the parallel search) every finite cost is final, whatever its sign. Returns the
    /// cells given a cost.</summary>
    private static unsafe long ToAccumulated(double[] dist, Span<float> accumulated, bool finiteIsFinal)
    {
        long final = 0;
        fixed (float* p = accumulated)
        {
            float* acc = p;
            ForChunks(accumulated.Length, allCores: true, (start, count) =>
            {
                long here = 0;
                for (long i = start; i < start + count; i++)
                {
                    double v = dist[i];
                    bool done = finiteIsFinal ? double.IsFinite(v) : double.IsNegative(v);
                    acc[i] = done ? (float)Math.Abs(v) : float.NaN;
                    if (done) here++;
                }
                Interlocked.Add(ref final, here);
            });
        }
        return final;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call, one long loop: no tier 0
    private static long Search<TFrontier>(ref TFrontier q, ReadOnlySpan<float> cost, int width, int height,
        ReadOnlySpan<(int Column, int Row)> sources, double[] half, double[] dist, Span<byte> backLinks, IProgress<double>? progress,
        double maximumCost, long reached = 0)
        where TFrontier : struct, IFrontier
    {
        bool links = !backLinks.IsEmpty;
        foreach (var (c, r) in sources)
        {
            if ((uint)c >= (uint)width || (uint)r >= (uint)height)
                throw new ArgumentOutOfRangeException(nameof(sources), $"Source cell ({c}, {r}) is outside the {width}x{height} grid.");
            int i = r * width + c;
            if (!(cost[i] >= 0)) continue;
            dist[i] = 0;
            if (links) backLinks[i] = BackLinkSource;
            q.Push(0, i);
        }
        // Neighbour offsets in the flat array, in back-link order.
        Span<int> offset = stackalloc int[8];
        for (int k = 0; k < 8; k++) offset[k] = s_dRow[k] * width + s_dCol[k];
        // A settled cell stores its cost NEGATED (−0.0 for sources): one sign test finds stale duplicates, and a settled
        // neighbour can never be "improved" (nd ≥ 0 is never < a negative value) — no separate settled array, so each
        // neighbour costs two cache lines (cost, dist) instead of three.
        while (q.TryPop(out int i))
        {
            // The cells the frontier hands out next are known (the rest of the current bucket): touch their three rows
            // of cost and dist now so the DRAM misses overlap with this cell's work instead of stalling the next one.
            // Without it each settled cell waits for ~4 dependent misses (~240 ns on the 2-core VM).
            int ahead = q.PeekAhead(PrefetchDistance);
            if (ahead >= width + 1 && Sse.IsSupported)
                PrefetchNeighbourhood(cost, dist, ahead, width);
            double d = dist[i];
            if (double.IsNegative(d)) continue; // stale duplicate: the cell was settled at a lower cost
            // Beyond the truncation: not settled, not expanded. The bucket queue hands out a bucket's cells in any order,
            // so the search cannot stop at the first such cell; it ends when the band's last neighbours are popped.
            if (d > maximumCost) continue;
            dist[i] = -d;
            if ((++reached & ((1 << 20) - 1)) == 0) progress?.Report(Math.Min(1, (double)reached / dist.Length));
            double ci = cost[i];
            int r = i / width, c = i - r * width;
            // Interior cells (the vast majority) skip the per-neighbour bounds test.
            bool interior = r > 0 && c > 0 && r < height - 1 && c < width - 1;
            for (int k = 0; k < 8; k++)
            {
                if (!interior)
                {
                    int nc = c + s_dCol[k], nr = r + s_dRow[k];
                    if ((uint)nc >= (uint)width || (uint)nr >= (uint)height) continue;
                }
                int j = i + offset[k];
                float cj = cost[j];
                if (!(cj >= 0)) continue;
                double nd = d + (ci + cj) * half[k];
                double was = dist[j];
                if (nd < was)
                {
                    dist[j] = nd;
                    // Direction from j back to i is the opposite of k: (k + 4) mod 8, stored 1-based.
                    if (links) backLinks[j] = (byte)(((k + 4) & 7) + 1);
                    // The entry pushed with the old cost still stands for the lower one when both fall in one bucket:
                    // a pop reads the cell's cost from dist, not from the entry.
                    if (!q.HasEntryFor(was, nd)) q.Push(nd, j);
                }
            }
        }
        return reached;
    }

    /// <summary>How many pops ahead to prefetch: far enough to cover DRAM latency, near enough to stay in L1/L2.</summary>
    private const int PrefetchDistance = 12;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchNeighbourhood(ReadOnlySpan<float> cost, double[] dist, int cell, int width)
    {
        if (cell + width + 1 >= cost.Length) return;
        fixed (float* c = cost) PrefetchNeighbourhood(c, dist, cell, width);
    }

    /// <summary>Touches the three rows of cost and search state around <paramref name="cell"/> (not on the first or last row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchNeighbourhood(float* c, double[] dist, int cell, int width)
    {
        fixed (double* d = dist)
        {
            Sse.Prefetch0(c + cell - width - 1);
            Sse.Prefetch0(c + cell - 1);
            Sse.Prefetch0(c + cell + width - 1);
            Sse.Prefetch0(d + cell - width - 1);
            Sse.Prefetch0(d + cell - 1);
            Sse.Prefetch0(d + cell + width - 1);
        }
    }

    private interface IFrontier
    {
        void Push(double key, int cell);

        bool TryPop(out int cell);

        /// <summary>The cell <paramref name="distance"/> pops ahead if already known, else −1.</summary>
        int PeekAhead(int distance);

        /// <summary>Whether a cell pushed with key <paramref name="was"/> (∞: never pushed) needs no new entry for the lower key
        /// <paramref name="key"/>: its entry pops at the same point, when the cell's cost is read from the search's array.</summary>
        bool HasEntryFor(double was, double key);
    }

    /// <summary>
    /// Exact bucket queue (Dial's algorithm for real weights). Buckets are δ wide with δ just under the cheapest possible
    /// step, so a cell popped from the current bucket can only push its neighbours into LATER buckets: every cell in the
    /// current bucket is already final and the order inside a bucket does not matter. Keys span at most one maximal step
    /// beyond the current bucket, so ⌈max step / δ⌉ + 2 buckets reused circularly suffice. O(1) per push and pop.
    /// </summary>
    private struct BucketFrontier : IFrontier
    {
        private readonly BucketRing _ring;
        private readonly int[][] _items;
        private readonly int[] _counts;
        private int _slot;
        private int _cursor;
        private long _pending;
        private readonly bool _fileEveryCost;

        /// <param name="minEdge">The cheapest step.</param>
        /// <param name="maxEdge">The dearest step (or more: the span of keys the queue holds at once, less a bucket).</param>
        /// <param name="fileEveryCost">File every lowered cost, even in the bucket of the cell's standing entry: for a
        /// search taken over from the parallel one, whose cells relaxed at their present cost have no entry left.</param>
        public BucketFrontier(double minEdge, double maxEdge, bool fileEveryCost = false)
        {
            _fileEveryCost = fileEveryCost;
            _ring = new BucketRing(BucketRing.NarrowWidth(minEdge), maxEdge);
            _items = new int[_ring.Slots][];
            _counts = new int[_ring.Slots];
            _slot = 0;
            _cursor = 0;
            _pending = 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(double key, int cell)
        {
            int slot = _ring.Slot(key);
            ref int[] list = ref _items[slot];
            int count = _counts[slot];
            if (list is null) list = new int[64];
            else if (count == list.Length) Array.Resize(ref list, count * 2);
            list[count] = cell;
            _counts[slot] = count + 1;
            _pending++;
        }

        /// <summary>Makes the bucket of <paramref name="key"/> the one popped next (every earlier one is empty).</summary>
        public void StartAt(double key)
        {
            _slot = _ring.Slot(key);
            _cursor = 0;
        }

        /// <summary>True when both keys fall in one bucket (a bucket's cells pop in any order, so one entry serves).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly bool HasEntryFor(double was, double key) => !_fileEveryCost && _ring.Same(was, key);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int PeekAhead(int distance)
        {
            int at = _cursor + distance;
            return at < _counts[_slot] ? _items[_slot][at] : -1;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryPop(out int cell)
        {
            if (_pending == 0) { cell = 0; return false; }
            int slot = _slot;
            while (_cursor >= _counts[slot])
            {
                // Bucket exhausted: everything pushed meanwhile went to later buckets, so it can be recycled.
                _counts[slot] = 0;
                _cursor = 0;
                slot = slot + 1 == _items.Length ? 0 : slot + 1;
            }
            _slot = slot;
            cell = _items[slot][_cursor++];
            _pending--;
            return true;
        }
    }

    /// <summary>
    /// The numbering both bucket queues file keys under: buckets <paramref name="width"/> wide, reused circularly in a
    /// ring of slots that holds keys spanning <paramref name="span"/> past the current bucket (⌈span / width⌉ + 2 slots,
    /// so a key never lands on the slot being emptied, even after wrapping).
    /// </summary>
    private readonly struct BucketRing(double width, double span)
    {
        /// <summary>Just under the cheapest step, so rounding in key / width never files a neighbour in the bucket of the
        /// cell that relaxed it (the sequential search's buckets; the parallel one's are a multiple).</summary>
        public static double NarrowWidth(double minEdge) => minEdge * (1 - 1e-9);

        public double Width { get; } = width;
        public int Slots { get; } = (int)Math.Ceiling(span / width) + 2;
        private readonly double _inverseWidth = 1 / width;

        /// <summary>The bucket a key falls in, counted from 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public long Number(double key) => (long)(key * _inverseWidth);

        /// <summary>The ring slot of that bucket.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Slot(double key) => (int)(Number(key) % Slots);

        /// <summary>Whether a finite <paramref name="was"/> and <paramref name="key"/> fall in the same bucket.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Same(double was, double key) => was != double.PositiveInfinity && Number(was) == Number(key);
    }

    /// <summary>
    /// 4-ary min-heap of (cost, cell) for step costs without a positive floor. Four children share one 64-byte line of
    /// 16-byte entries, so a sift-down touches half as many lines as a binary heap; duplicates are allowed (lazy
    /// deletion) instead of decrease-key, which would need a cell → heap-slot index as large as the grid.
    /// </summary>
    private struct HeapFrontier(int capacity) : IFrontier
    {
        private Entry[] _items = new Entry[capacity];
        private int _count;

        private struct Entry
        {
            public double Key;
            public int Cell;
        }

        public void Push(double key, int cell)
        {
            if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
            var items = _items;
            int i = _count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 2;
                if (items[parent].Key <= key) break;
                items[i] = items[parent];
                i = parent;
            }
            items[i] = new Entry { Key = key, Cell = cell };
        }

        public readonly int PeekAhead(int distance) => -1;

        /// <summary>Never: the heap pops in key order, so a lower key needs its own entry.</summary>
        public readonly bool HasEntryFor(double was, double key) => false;

        public bool TryPop(out int cell)
        {
            if (_count == 0) { cell = 0; return false; }
            var items = _items;
            cell = items[0].Cell;
            int n = --_count;
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
            return true;
        }
    }
}
