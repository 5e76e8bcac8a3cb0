using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>
    /// The bucket queue's search on several cores, with the same result to the bit. The buckets are <see
    /// cref="WideBuckets"/> times as wide as the sequential search's (which are narrower than the cheapest step, see
    /// <see cref="BucketFrontier"/>), so a worker meets the others at a barrier once per round of a bucket instead of
    /// once per narrow bucket, with that many more cells to share out. A wide bucket is settled by label correction:
    /// the workers split its entries evenly and relax their cells' neighbours; a neighbour lowered into the same bucket
    /// is pushed back into it and relaxed again in the bucket's next round; the bucket is done when a round pushes
    /// nothing into it. Every cell below the current bucket then holds its final cost (each step adds at least the
    /// cheapest step), so relaxations never lower it again, and an entry whose cell has dropped below the bucket it was
    /// filed in is stale and skipped.
    /// <para>
    /// Why the result is bit-identical and not merely close: each cell's final value is the minimum, over its
    /// neighbours' final values, of the same double expression <c>d + (cᵢ + cⱼ) · half</c> the sequential search
    /// evaluates; every relaxation of a cell from a larger, not yet final, neighbour value gives a larger candidate
    /// (rounding is monotonic), and every cell is relaxed again once at its final value, so the minimum each cell ends
    /// with is that of the sequential search whatever order the relaxations ran in, and min is exact in floating point.
    /// Two workers lowering the same cell race through a compare-and-swap loop on its bits (a plain store could let
    /// the larger value win).
    /// </para>
    /// Memory is the sequential search's: the same double per cell; each worker has its own ring of bucket lists.
    /// On a machine with more runnable threads than cores the barrier per round costs a time slice whenever a partner is
    /// preempted; the workers then vote to let worker 0 finish alone: it files the frontier, as it stands, into the
    /// sequential search's queue (still exact: the same fixpoint), so a loaded machine costs about one vote window of
    /// slowed rounds more than the sequential search. Cells hold their cost positive throughout (none is marked
    /// settled); the caller reads every finite cost as final.
    /// Back-links are left to the sequential search: among equal-cost predecessors it keeps the first settled, an order
    /// that the parallel search does not reproduce.
    /// </summary>
    private static unsafe void ParallelBucketSearch(ReadOnlySpan<float> cost, int width, int height,
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
            search.Run();
        }
    }

    /// <summary>
    /// How many of the sequential search's buckets one bucket of the parallel search spans: an eighth of the ratio of the
    /// dearest step to the cheapest, at least 1. Wider means fewer barriers and bigger shares but more cells relaxed
    /// twice (those lowered within their own bucket, which grow with the share of steps cheaper than a bucket). Chosen
    /// by measurement on two 4096² rasters, 2 cores (2026-12-07, whole command, hyperfine): frictions 1–100 (ratio 141),
    /// where 8, 16, 32 and 64 narrow buckets took 1.00, 0.90, 0.93 and 0.88 s, the search of the day before (one barrier
    /// per narrow bucket) 1.11 s and the sequential search 1.82 s; and frictions 1–1.5 (ratio 2.1), where 8 took 1.12 s,
    /// 16 1.75 s, 32 1.63 s, the search of the day before 1.03 s and the sequential search 1.57 s.
    /// </summary>
    private static int WideBuckets(double minEdge, double maxEdge) => (int)Math.Clamp(maxEdge / minEdge / 8, 1, 1 << 20);

    /// <summary>Shared state of <see cref="ParallelBucketSearch"/>: the grid, one ring of bucket lists per worker, the barrier.</summary>
    private sealed unsafe class BucketSearch
    {
        /// <summary>Rounds with fewer entries are relaxed by worker 0 alone: splitting a few cells costs more than it saves.</summary>
        private const int SplitThreshold = 256;

        private readonly float* _cost;
        private readonly int _width;
        private readonly int _height;
        private readonly double[] _half;
        private readonly double[] _dist;
        private readonly double _minEdge;
        private readonly double _maxEdge;
        private readonly BucketRing _ring;   // wide buckets
        private readonly int[][][] _items;   // [worker][slot] → cells
        private readonly int[][] _counts;    // [worker][slot] → cells in that list
        // Each worker's list lengths for the current and the next slot as it arrived at the barrier, [phase parity][worker]:
        // read after the barrier, rewritten (into the other parity) only before the next one, so every worker shares the
        // round out from the same figures while the fastest already pushes into the lists.
        private readonly int[][] _currentEnds;
        private readonly int[][] _nextEnds;
        private readonly SpinBarrier _barrier;
        private readonly IProgress<double>? _progress;
        private long _relaxed;               // cells relaxed, for progress
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
            _minEdge = minEdge;
            _maxEdge = maxEdge;
            // A pushed key lies at most one maximal step past the current bucket, so the ring never wraps onto it.
            _ring = new BucketRing(BucketRing.NarrowWidth(minEdge) * WideBuckets(minEdge, maxEdge), maxEdge);
            _items = new int[workers][][];
            _counts = new int[workers][];
            for (int t = 0; t < workers; t++)
            {
                _items[t] = new int[_ring.Slots][];
                _counts[t] = new int[_ring.Slots];
            }
            _currentEnds = [new int[workers], new int[workers]];
            _nextEnds = [new int[workers], new int[workers]];
            _votes = new long[workers * 8];
            _barrier = new SpinBarrier(workers);
            _progress = progress;
        }

        /// <summary>Appends a cell to worker <paramref name="worker"/>'s list of the key's bucket (only that worker calls this).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(int worker, double key, int cell)
        {
            int slot = _ring.Slot(key);
            ref int[] list = ref _items[worker][slot];
            ref int count = ref _counts[worker][slot];
            if (list is null) list = new int[64];
            else if (count == list.Length)
            {
                // Others may be reading the old array's entries below count: they stay valid there, and the new
                // array is published only once they are copied.
                var grown = new int[count * 2];
                Array.Copy(list, grown, count);
                Volatile.Write(ref list, grown);
            }
            list[count++] = cell;
        }

        public void Run()
        {
            int workers = _items.Length;
            // The sources' entries, pushed before any worker starts, as the first round's figures.
            for (int t = 0; t < workers; t++)
            {
                _currentEnds[0][t] = _counts[t][0];
                _nextEnds[0][t] = _counts[t][1 % _ring.Slots];
            }
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
            var ring = _ring;
            Span<int> offset = stackalloc int[8];
            for (int k = 0; k < 8; k++) offset[k] = s_dRow[k] * width + s_dCol[k];
            // Where this round starts in each worker's list of the current slot: the same on every worker.
            Span<int> done = stackalloc int[workers];
            Span<int> ends = stackalloc int[workers];
            done.Clear();
            long bucket = 0, relaxed = 0;
            int slot = 0, emptyRun = 0;
            // Time at work and at the barrier in the rounds that were split (in the others one worker relaxes the round
            // and the rest wait by design).
            long phase = 0, waitTicks = 0, workTicks = 0, splitPhases = 0, phaseStart = System.Diagnostics.Stopwatch.GetTimestamp();
            while (true)
            {
                int parity = (int)(phase & 1);
                long total = 0;
                for (int t = 0; t < workers; t++) total += _currentEnds[parity][t] - done[t];
                if (total > 0)
                {
                    // Cells lowered into the current bucket last round: another round of it.
                    for (int t = 0; t < workers; t++) ends[t] = _currentEnds[parity][t];
                }
                else
                {
                    // The bucket is done. Only this worker pushes into its lists, and nobody reads this slot's entries
                    // again before it is refilled, a ring later.
                    _counts[me][slot] = 0;
                    slot = slot + 1 == _ring.Slots ? 0 : slot + 1;
                    bucket++;
                    done.Clear();
                    for (int t = 0; t < workers; t++)
                    {
                        ends[t] = _nextEnds[parity][t];
                        total += ends[t];
                    }
                    // A whole ring of empty buckets means an empty frontier; every worker sees the same figures, so
                    // all stop at the same slot. An empty bucket still ends at the barrier: the next slot's figures
                    // are only known there.
                    emptyRun = total == 0 ? emptyRun + 1 : 0;
                    if (emptyRun >= _ring.Slots) break;
                }
                bool split = total >= SplitThreshold;
                long lo, hi;
                if (!split) (lo, hi) = me == 0 ? (0L, total) : (total, total);
                else (lo, hi) = (total * me / workers, total * (me + 1) / workers);
                long start = 0;
                for (int t = 0; t < workers && start < hi; t++)
                {
                    int count = ends[t] - done[t];
                    long a = Math.Max(lo, start), b = Math.Min(hi, start + count);
                    if (a < b)
                    {
                        int[] list = Volatile.Read(ref _items[t][slot]);
                        int first = done[t];
                        for (int p = first + (int)(a - start), end = first + (int)(b - start); p < end; p++)
                        {
                            // As in Search: warm the neighbourhood of the cell relaxed PrefetchDistance entries ahead.
                            if (p + PrefetchDistance < end && Sse.IsSupported)
                            {
                                int ahead = list[p + PrefetchDistance];
                                if (ahead >= width + 1 && ahead + width + 1 < dist.Length) PrefetchNeighbourhood(cost, dist, ahead, width);
                            }
                            int i = list[p];
                            double d = BitConverter.Int64BitsToDouble(Volatile.Read(ref Unsafe.As<double, long>(ref dist[i])));
                            // Lowered into an earlier bucket since it was filed here: final and relaxed there.
                            if (ring.Number(d) < bucket) continue;
                            relaxed++;
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
                                        // As in Search: an entry filed under the replaced cost's bucket stands for this one
                                        // when that bucket is a later one (whichever worker filed it). In the current
                                        // bucket the entry may be relaxed already: the cell needs the next round.
                                        if (ring.Number(nd) == bucket || !ring.Same(BitConverter.Int64BitsToDouble(seen), nd))
                                            Push(me, nd, j);
                                        break;
                                    }
                                    seen = was; // another worker lowered it meanwhile: retry only if still higher
                                }
                            }
                        }
                    }
                    start += count;
                }
                for (int t = 0; t < workers; t++) done[t] = ends[t];
                if (_progress is not null && (relaxed & ~((1L << 20) - 1)) != 0)
                {
                    long all = Interlocked.Add(ref _relaxed, relaxed);
                    relaxed = 0;
                    if (me == 0) _progress.Report(Math.Min(1, (double)all / dist.Length));
                }
                // This worker's figures for the next phase: its lists of the current slot (a next round) and the next one.
                int nextParity = parity ^ 1;
                _currentEnds[nextParity][me] = _counts[me][slot];
                _nextEnds[nextParity][me] = _counts[me][slot + 1 == _ring.Slots ? 0 : slot + 1];
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
                if ((vote && AnyVote()) || phase == _handOverAtPhase)
                {
                    // In the split rounds a worker spent twice as long waiting for the others as working: its partners
                    // are being preempted (more runnable threads than cores), and a barrier per round then costs a
                    // scheduler time slice. Worker 0 goes on alone, the others leave.
                    if (me != 0)
                    {
                        Interlocked.Increment(ref _left);
                        return;
                    }
                    var spin = new SpinWait();
                    while (Volatile.Read(ref _left) < workers - 1)
                    {
                        if (_barrier.IsAbandoned) return; // a worker failed instead of leaving: Run rethrows its error
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                    FinishSequentially(slot, bucket, done);
                    return;
                }
            }
        }

        /// <summary>Phases between votes on going on alone.</summary>
        private const int VoteWindow = 256;

        /// <summary>
        /// Worker 0, alone once the others left: files every pending entry into one <see cref="BucketFrontier"/> (the
        /// sequential search's narrow buckets) under its cell's cost as it stands, and runs the sequential search from
        /// the lowest. Pending: the current slot's entries from <paramref name="done"/> on (the earlier ones were relaxed
        /// at the costs they hold, or were lowered and filed again) and every other slot's, stale ones left out.
        /// </summary>
        private void FinishSequentially(int slot, long bucket, ReadOnlySpan<int> done)
        {
            // The pending keys span one wide bucket plus a maximal step: the narrow ring must hold that span.
            var q = new BucketFrontier(_minEdge, _maxEdge + _ring.Width, fileEveryCost: true);
            double lowest = double.PositiveInfinity;
            for (int t = 0; t < _items.Length; t++)
                for (int s = 0; s < _ring.Slots; s++)
                {
                    int[] list = _items[t][s];
                    int from = s == slot ? done[t] : 0, to = _counts[t][s];
                    for (int p = from; p < to; p++)
                    {
                        int cell = list[p];
                        double d = _dist[cell];
                        if (_ring.Number(d) < bucket) continue; // final in an earlier bucket
                        q.Push(d, cell);
                        lowest = Math.Min(lowest, d);
                    }
                }
            if (double.IsPositiveInfinity(lowest)) return;
            q.StartAt(lowest);
            var cost = new ReadOnlySpan<float>(_cost, _dist.Length);
            // Progress goes on from the cells relaxed so far (Search caps it at the whole: a few were relaxed twice).
            Search(ref q, cost, _width, _height, [], _half, _dist, default, _progress, double.PositiveInfinity, Volatile.Read(ref _relaxed));
        }

        private bool AnyVote()
        {
            for (int t = 0; t < _items.Length; t++)
                if (_votes[t * 8] != 0) return true;
            return false;
        }
    }

    /// <summary>
    /// Sense-reversing barrier that spins, then yields, but never sleeps: the search meets it once per round (10⁴
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
