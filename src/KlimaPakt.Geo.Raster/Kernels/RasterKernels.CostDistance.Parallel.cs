using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>
    /// The bucket queue's search on several cores, with the same result to the bit. Buckets are narrower than the
    /// cheapest step (see <see cref="BucketFrontier"/>), so every cell in the current bucket already holds its final
    /// cost and relaxing it can only touch later buckets: the cells of one bucket can be settled in any order and on any
    /// core. The workers split each bucket evenly, settle and relax its cells, push into their own bucket lists and meet
    /// at a barrier before the next bucket.
    /// <para>
    /// Why the result is bit-identical and not merely close: each cell's final value is the minimum, over its
    /// neighbours' final values, of the same double expression <c>d + (cᵢ + cⱼ) · half</c> the sequential search
    /// evaluates; every step adds a positive amount, so that fixpoint is unique whatever order the relaxations ran in,
    /// and min is exact in floating point. Two workers lowering the same cell race through a compare-and-swap loop on
    /// its bits (a plain store could let the larger value win); a cell pushed twice into the current bucket is settled
    /// by whichever worker flips its sign first, the other sees the flip and skips it.
    /// </para>
    /// Memory is the sequential search's: the same double per cell; each worker has its own ring of bucket lists.
    /// On a machine with more runnable threads than cores the barrier per bucket costs a time slice whenever a partner is
    /// preempted; the workers then vote to let worker 0 finish alone: it hands the frontier, as it stands, to the
    /// sequential search (still exact: the same fixpoint), so a loaded machine costs about one vote window of slowed
    /// buckets more than the sequential search.
    /// Back-links are left to the sequential search: among equal-cost predecessors it keeps the first settled, an order
    /// that the parallel search does not reproduce.
    /// </summary>
    private static unsafe long ParallelBucketSearch(ReadOnlySpan<float> cost, int width, int height,
        ReadOnlySpan<(int Column, int Row)> sources, double[] half, double[] dist, double minEdge, double maxEdge, int workers,
        IProgress<double>? progress, long handOverAtPhase)
    {
        fixed (float* pc = cost)
        {
            var search = new BucketSearch(pc, width, height, half, dist, minEdge, maxEdge, workers, progress, handOverAtPhase);
            foreach (var (c, r) in sources)
            {
                int i = r * width + c;
                if (!(pc[i] >= 0)) continue;
                dist[i] = 0;
                search.Push(0, 0, i);
            }
            return search.Run();
        }
    }

    /// <summary>Shared state of <see cref="ParallelBucketSearch"/>: the grid, one ring of bucket lists per worker, the barrier.</summary>
    private sealed unsafe class BucketSearch
    {
        /// <summary>Buckets smaller than this are settled by worker 0 alone: splitting a few cells costs more than it saves.</summary>
        private const int SplitThreshold = 256;

        private readonly float* _cost;
        private readonly int _width;
        private readonly int _height;
        private readonly double[] _half;
        private readonly double[] _dist;
        private readonly double _minEdge;
        private readonly double _maxEdge;
        private readonly double _inverseWidth;
        private readonly int _slots;
        private readonly int[][][] _items;   // [worker][slot] → cells
        private readonly int[][] _counts;    // [worker][slot] → cells in that list
        private readonly long[] _settled;    // per worker
        private readonly SpinBarrier _barrier;
        private readonly IProgress<double>? _progress;
        private long _reported;
        private readonly long[] _votes;      // per worker, one cache line each
        private int _left;
        private readonly long _handOverAtPhase; // tests: hand over to the sequential search after this phase (0: by vote)
        private Exception? _failure;

        public BucketSearch(float* cost, int width, int height, double[] half, double[] dist, double minEdge, double maxEdge,
            int workers, IProgress<double>? progress, long handOverAtPhase)
        {
            _handOverAtPhase = handOverAtPhase;
            _cost = cost;
            _width = width;
            _height = height;
            _half = half;
            _dist = dist;
            // The same bucket width and ring size as BucketFrontier: a pushed key lies at most one maximal step past
            // the current bucket, so it never lands in the bucket being settled, even after wrapping round the ring.
            _minEdge = minEdge;
            _maxEdge = maxEdge;
            double w = minEdge * (1 - 1e-9);
            _inverseWidth = 1 / w;
            _slots = (int)Math.Ceiling(maxEdge / w) + 2;
            _items = new int[workers][][];
            _counts = new int[workers][];
            for (int t = 0; t < workers; t++)
            {
                _items[t] = new int[_slots][];
                _counts[t] = new int[_slots];
            }
            _settled = new long[workers * 8]; // one cache line per worker's counter
            _votes = new long[workers * 8];
            _barrier = new SpinBarrier(workers);
            _progress = progress;
        }

        /// <summary>Appends a cell to worker <paramref name="worker"/>'s list of the key's bucket (only that worker calls this).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(int worker, double key, int cell)
        {
            int slot = (int)((long)(key * _inverseWidth) % _slots);
            ref int[] list = ref _items[worker][slot];
            ref int count = ref _counts[worker][slot];
            if (list is null) list = new int[64];
            else if (count == list.Length) Array.Resize(ref list, count * 2);
            list[count++] = cell;
        }

        public long Run()
        {
            int workers = _items.Length;
            var threads = new Thread[workers - 1];
            for (int t = 1; t < workers; t++)
            {
                int id = t;
                threads[t - 1] = new Thread(() => Work(id), 256 * 1024) { IsBackground = true, Name = "cost-distance " + id };
                threads[t - 1].Start();
            }
            Work(0);
            foreach (var th in threads) th.Join();
            if (_failure is not null) throw new InvalidOperationException("A cost-distance worker failed.", _failure);
            long reached = 0;
            for (int t = 0; t < workers; t++) reached += _settled[t * 8];
            return reached;
        }

        private void Work(int me)
        {
            try
            {
                Loop(me);
            }
            catch (Exception e)
            {
                // Keep the others from waiting for this worker forever; the first failure is rethrown by Run.
                Interlocked.CompareExchange(ref _failure, e, null);
                _barrier.Abandon();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call per worker, one long loop: no tier 0
        private void Loop(int me)
        {
            int workers = _items.Length, width = _width, height = _height;
            float* cost = _cost;
            double[] dist = _dist, half = _half;
            Span<int> offset = stackalloc int[8];
            for (int k = 0; k < 8; k++) offset[k] = s_dRow[k] * width + s_dCol[k];
            long settled = 0;
            int slot = 0, emptyRun = 0;
            // Time at work and at the barrier in the phases that were split (in the others one worker settles the bucket
            // and the rest wait by design).
            long phase = 0, waitTicks = 0, workTicks = 0, splitPhases = 0, phaseStart = System.Diagnostics.Stopwatch.GetTimestamp();
            while (true)
            {
                // Every worker computes the same total: the lists of this slot were filled before the last barrier and
                // nobody pushes into the slot being settled.
                long total = 0;
                for (int t = 0; t < workers; t++) total += _counts[t][slot];
                // A whole ring of empty buckets means an empty frontier. Every worker sees the same counts, so all stop
                // at the same slot. Empty buckets still end at the barrier: a worker that ran ahead over empty slots
                // would start pushing into slots that a slower one has yet to count.
                emptyRun = total == 0 ? emptyRun + 1 : 0;
                if (emptyRun >= _slots) break;
                long lo, hi;
                bool split = total >= SplitThreshold;
                if (!split) (lo, hi) = me == 0 ? (0L, total) : (total, total);
                else (lo, hi) = (total * me / workers, total * (me + 1) / workers);
                long start = 0;
                for (int t = 0; t < workers && start < hi; t++)
                {
                    int count = _counts[t][slot];
                    long a = Math.Max(lo, start), b = Math.Min(hi, start + count);
                    if (a < b)
                    {
                        int[] list = _items[t][slot];
                        for (int p = (int)(a - start), end = (int)(b - start); p < end; p++)
                        {
                            // As in Search: warm the neighbourhood of the cell settled PrefetchDistance pops ahead.
                            if (p + PrefetchDistance < end && Sse.IsSupported)
                            {
                                int ahead = list[p + PrefetchDistance];
                                if (ahead >= width + 1 && ahead + width + 1 < dist.Length) Prefetch(cost, dist, ahead, width);
                            }
                            int i = list[p];
                            ref long di = ref Unsafe.As<double, long>(ref dist[i]);
                            long bits = Volatile.Read(ref di);
                            double d = BitConverter.Int64BitsToDouble(bits);
                            if (double.IsNegative(d)) continue; // settled already (a lower push, or another worker just now)
                            // Settled cells hold −cost, as in Search. Bits, not doubles, are compared: the sources' +0.0
                            // and −0.0 are equal as doubles.
                            if (Interlocked.CompareExchange(ref di, BitConverter.DoubleToInt64Bits(-d), bits) != bits) continue;
                            settled++;
                            double ci = cost[i];
                            int r = i / width, c = i - r * width;
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
                                double nd = d + (ci + cj) * half[k]; // the sequential search's expression, term for term
                                ref long dj = ref Unsafe.As<double, long>(ref dist[j]);
                                long seen = Volatile.Read(ref dj);
                                while (nd < BitConverter.Int64BitsToDouble(seen))
                                {
                                    long was = Interlocked.CompareExchange(ref dj, BitConverter.DoubleToInt64Bits(nd), seen);
                                    if (was == seen)
                                    {
                                        // As in Search: an entry filed under the replaced cost's bucket stands for this
                                        // one when the bucket is the same (whichever worker filed it).
                                        if (!SameBucket(BitConverter.Int64BitsToDouble(seen), nd, _inverseWidth)) Push(me, nd, j);
                                        break;
                                    }
                                    seen = was; // another worker lowered it meanwhile: retry only if still higher
                                }
                            }
                        }
                    }
                    start += count;
                }
                if (_progress is not null && (settled & ~((1L << 20) - 1)) != 0)
                {
                    long all = Interlocked.Add(ref _reported, settled);
                    _settled[me * 8] += settled;
                    settled = 0;
                    if (me == 0) _progress.Report((double)all / dist.Length);
                }
                long arrived = System.Diagnostics.Stopwatch.GetTimestamp();
                if (split)
                {
                    workTicks += arrived - phaseStart;
                    splitPhases++;
                }
                // The vote on going on alone: published before this barrier, read after it, rewritten only a window later.
                bool vote = ++phase % VoteWindow == 0;
                if (vote)
                {
                    _votes[me * 8] = splitPhases >= VoteWindow / 4 && waitTicks > 2 * workTicks ? 1 : 0;
                    waitTicks = workTicks = splitPhases = 0;
                }
                if (!_barrier.SignalAndWait()) return;
                phaseStart = System.Diagnostics.Stopwatch.GetTimestamp();
                if (split) waitTicks += phaseStart - arrived;
                // Only this worker pushes into its lists, and nobody reads this slot again before it is refilled.
                _counts[me][slot] = 0;
                slot = slot + 1 == _slots ? 0 : slot + 1;
                if ((vote && AnyVote()) || phase == _handOverAtPhase)
                {
                    // In the split buckets a worker spent over a third of its time waiting for the others: its partners
                    // are being preempted (more runnable threads than cores), and a barrier per bucket then costs a
                    // scheduler time slice. Worker 0 goes on alone, the others leave once their slot is reset.
                    if (me != 0)
                    {
                        _settled[me * 8] += settled;
                        Interlocked.Increment(ref _left);
                        return;
                    }
                    var spin = new SpinWait();
                    while (Volatile.Read(ref _left) < workers - 1)
                    {
                        if (_barrier.IsAbandoned) return; // a worker failed instead of leaving: Run rethrows its error
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                    settled += FinishSequentially(slot, settled);
                    break;
                }
            }
            _settled[me * 8] += settled;
        }

        /// <summary>Phases between votes on going on alone.</summary>
        private const int VoteWindow = 256;

        /// <summary>
        /// Worker 0, alone once the others left: moves every worker's bucket lists into one <see cref="BucketFrontier"/>
        /// (the same bucket width and ring, so each cell keeps its slot) starting at <paramref name="slot"/>, and runs the
        /// sequential search on it. Returns the cells it settled.
        /// </summary>
        private long FinishSequentially(int slot, long settledHere)
        {
            var q = new BucketFrontier(_minEdge, _maxEdge);
            for (int t = 0; t < _items.Length; t++)
                for (int s = 0; s < _slots; s++)
                    if (_counts[t][s] > 0) q.Append(s, _items[t][s], _counts[t][s]);
            q.StartAt(slot);
            long before = settledHere; // plus what every worker has counted in _settled so far
            for (int t = 0; t < _items.Length; t++) before += _settled[t * 8];
            var cost = new ReadOnlySpan<float>(_cost, _dist.Length);
            return Search(ref q, cost, _width, _height, [], _half, _dist, default, _progress, double.PositiveInfinity, before) - before;
        }

        private bool AnyVote()
        {
            for (int t = 0; t < _items.Length; t++)
                if (_votes[t * 8] != 0) return true;
            return false;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Prefetch(float* c, double[] dist, int cell, int width)
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
    }

    /// <summary>
    /// Sense-reversing barrier that spins, then yields, but never sleeps: the search meets it once per bucket (10⁴–10⁵
    /// times), where <see cref="Barrier"/>'s kernel wait or a 1 ms sleep would cost more than the buckets' work.
    /// </summary>
    private sealed class SpinBarrier(int participants)
    {
        private readonly int _participants = participants;
        private int _remaining = participants;
        private volatile int _phase;
        private volatile bool _abandoned;

        /// <summary>Waits for all participants; false when one of them failed.</summary>
        public bool SignalAndWait()
        {
            int phase = _phase;
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _remaining = _participants;
                _phase = phase + 1; // volatile write after the reset: the next phase's decrements see the full count
                return !_abandoned;
            }
            // A tight spin first (one pause per look, so the release is seen within ~100 ns), then a yield per look.
            // SpinWait's exponential back-off was seen to notice a release tens of µs late after a long wait (worker 0
            // settling a run of small buckets alone): on the 2-core VMs that delay made worker 0 wait longer in each
            // split bucket than it worked.
            for (int looks = 0; _phase == phase && !_abandoned; looks++)
            {
                if (looks < TightLooks) Thread.SpinWait(1);
                else Thread.Yield();
            }
            return !_abandoned;
        }

        /// <summary>Looks at the phase with one pause each before yielding between looks (some tens of µs).</summary>
        private const int TightLooks = 1000;

        /// <summary>Whether a participant failed.</summary>
        public bool IsAbandoned => _abandoned;

        /// <summary>Releases every waiter for good (a participant failed).</summary>
        public void Abandon() => _abandoned = true;
    }
}
