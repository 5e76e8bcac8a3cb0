using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>
    /// Exact Euclidean distance transform: for every cell, the distance in map units between its centre and the centre
    /// of the nearest feature cell (<paramref name="features"/> non-zero); 0 on feature cells, NaN everywhere when there
    /// is no feature. Linear time (Felzenszwalb–Huttenlocher): a vertical pass gives each cell the row distance to the
    /// nearest feature in its column (vectorised across columns, parallel over column blocks), then the lower envelope
    /// of parabolas along each row turns it into the exact 2-D distance (parallel over rows, double precision).
    /// Anisotropic cells (CellSizeX ≠ CellSizeY) are exact too.
    /// </summary>
    /// <param name="features">Row-major feature cells (non-zero = feature).</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="cellSizeX">Cell width in map units.</param>
    /// <param name="cellSizeY">Cell height in map units.</param>
    /// <param name="distanceMapUnits">Output distances (width × height cells).</param>
    /// <param name="path">Instruction path of the vertical pass (the row pass is a sequential scan per row).</param>
    /// <param name="allCores">Run both passes on all cores.</param>
    public static unsafe void EuclideanDistance(ReadOnlySpan<byte> features, int width, int height,
        double cellSizeX, double cellSizeY, Span<float> distanceMapUnits, KernelPath path = KernelPath.Best, bool allCores = true)
    {
        long cells = (long)width * height;
        if (features.Length < cells || distanceMapUnits.Length < cells)
            throw new ArgumentException($"Features and output need {cells} cells.");
        if (!(cellSizeX > 0 && cellSizeY > 0)) throw new ArgumentOutOfRangeException(nameof(cellSizeX), "Cell sizes must be positive.");
        if (cells == 0) return;
        KernelPath p = Resolve(path);
        bool any = features[..(int)cells].IndexOfAnyExcept((byte)0) >= 0;
        if (!any)
        {
            distanceMapUnits[..(int)cells].Fill(float.NaN);
            return;
        }
        fixed (byte* pf = features)
        fixed (float* pd = distanceMapUnits)
        {
            byte* f = pf;
            float* d = pd;
            // Column blocks of 512 columns: 2 KiB of each row per block, so a core streams whole cache lines and the
            // two cores never write the same line; parallelism over ~16 blocks for an 8192-wide grid.
            const int Block = 512;
            int blocks = (width + Block - 1) / Block;
            ParallelRange(blocks, allCores && cells >= 2L * ParallelThreshold, b =>
            {
                int c0 = b * Block;
                VerticalPass(f, d, width, height, c0, Math.Min(Block, width - c0), p);
            });
            double dx = cellSizeX, dy = cellSizeY;
            ParallelRange(height, allCores && cells >= 2L * ParallelThreshold, () => new EnvelopeScratch(width),
                (r, s) => RowEnvelope(d + (long)r * width, width, dx, dy, s, p));
        }
    }

    /// <summary>
    /// The exact distance transform (as <see cref="EuclideanDistance"/>) for rows [<paramref name="firstRow"/>,
    /// +<paramref name="rowCount"/>) only, from a <see cref="FeatureColumns"/> set: the file-to-file path computes one
    /// band of rows at a time per core and writes it out, so no grid-sized array is ever allocated (on the project's VMs
    /// first-touching a fresh 268 MB array costs more than the transform itself). NaN everywhere when there is no feature.
    /// </summary>
    /// <param name="features">Completed feature set.</param>
    /// <param name="firstRow">First row to produce.</param>
    /// <param name="rowCount">Rows to produce.</param>
    /// <param name="cellSizeX">Cell width in map units.</param>
    /// <param name="cellSizeY">Cell height in map units.</param>
    /// <param name="distanceMapUnits">Output, rowCount × Width cells.</param>
    /// <param name="path">Instruction path (Scalar: the Felzenszwalb–Huttenlocher reference for every row).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called ~30 times per grid with long loops: skip tier 0 / OSR
    public static void EuclideanDistanceRows(FeatureColumns features, int firstRow, int rowCount, double cellSizeX, double cellSizeY,
        Span<float> distanceMapUnits, KernelPath path = KernelPath.Best)
    {
        path = Resolve(path);
        ArgumentNullException.ThrowIfNull(features);
        int w = features.Width;
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > features.Height) throw new ArgumentOutOfRangeException(nameof(rowCount));
        if (distanceMapUnits.Length < (long)rowCount * w) throw new ArgumentException("Output too short.", nameof(distanceMapUnits));
        if (!(cellSizeX > 0 && cellSizeY > 0)) throw new ArgumentOutOfRangeException(nameof(cellSizeX), "Cell sizes must be positive.");
        if (features.Count == 0) { distanceMapUnits[..(rowCount * w)].Fill(float.NaN); return; }
        int[] start = features.Start, rows = features.Rows;
        // Per column: the nearest feature row at or above the current row and the next one below it (sentinels far
        // away when none). They change only when the row passes a feature (~2 % of cells), so the per-cell work is a
        // vectorised min(r − above, below − r) and the rare update runs scalar.
        const int Far = 1 << 29;
        var above = new int[w];
        var below = new int[w];
        var next = new int[w];
        for (int c = 0; c < w; c++)
        {
            int lo = start[c], n = start[c + 1] - lo;
            int i = Array.BinarySearch(rows, lo, n, firstRow);
            i = i >= 0 ? i : ~i; // first feature row ≥ firstRow
            below[c] = i < lo + n ? rows[i] : Far;
            above[c] = i > lo ? rows[i - 1] : -Far;
            next[c] = i + 1;
        }
        // Scratch reused per thread across bands (a band call allocates nothing grid-wide, but 300 KiB per call adds up).
        var scratch = t_scratch is { } cached && cached.Width == w ? cached : (t_scratch = new EnvelopeScratch(w));
        unsafe
        {
            fixed (float* pd = distanceMapUnits)
            fixed (int* pa = above, pb = below)
            {
                for (int rr = 0; rr < rowCount; rr++)
                {
                    int r = firstRow + rr;
                    float* row = pd + (long)rr * w;
                    int c = 0;
                    // Vector path, square cells: the column distances go out as g² (int, Sentinel where g ≥ 2^15 or no
                    // feature) straight into the windowed search's padded input; no float row, no conversion loop.
                    int lanes = path == KernelPath.Vector512 ? 16 : path == KernelPath.Vector256 ? 8 : 0;
                    bool squared = lanes > 0 && cellSizeX == cellSizeY && w >= lanes;
                    int* g2 = squared ? scratch.PaddedSquares() : null;
                    if (path == KernelPath.Vector512)
                    {
                        var vr = Vector512.Create(r);
                        for (; c <= w - 16; c += 16)
                        {
                            var b = Vector512.Load(pb + c);
                            uint passed = (uint)Vector512.GreaterThan(vr, b).ExtractMostSignificantBits();
                            if (passed != 0)
                            {
                                // Only the lanes whose feature row was passed (~2 % of cells) move on to the next one.
                                for (; passed != 0; passed &= passed - 1)
                                    AdvanceColumn(c + System.Numerics.BitOperations.TrailingZeroCount(passed), r, above, below, next, start, rows, Far);
                                b = Vector512.Load(pb + c);
                            }
                            var g = Vector512.Min(vr - Vector512.Load(pa + c), b - vr);
                            if (squared)
                            {
                                Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(g, Vector512.Create(WindowMaxG)),
                                    Vector512.Create(WindowSentinel), g * g).Store(g2 + c);
                                continue;
                            }
                            var none = Vector512.GreaterThanOrEqual(g, Vector512.Create(Far / 2));
                            Vector512.ConditionalSelect(none.AsSingle(), Vector512.Create(float.PositiveInfinity), Vector512.ConvertToSingle(g)).Store(row + c);
                        }
                    }
                    else if (path == KernelPath.Vector256)
                    {
                        var vr = Vector256.Create(r);
                        for (; c <= w - 8; c += 8)
                        {
                            var b = Vector256.Load(pb + c);
                            uint passed = Vector256.GreaterThan(vr, b).ExtractMostSignificantBits();
                            if (passed != 0)
                            {
                                for (; passed != 0; passed &= passed - 1)
                                    AdvanceColumn(c + System.Numerics.BitOperations.TrailingZeroCount(passed), r, above, below, next, start, rows, Far);
                                b = Vector256.Load(pb + c);
                            }
                            var g = Vector256.Min(vr - Vector256.Load(pa + c), b - vr);
                            if (squared)
                            {
                                Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(g, Vector256.Create(WindowMaxG)),
                                    Vector256.Create(WindowSentinel), g * g).Store(g2 + c);
                                continue;
                            }
                            var none = Vector256.GreaterThanOrEqual(g, Vector256.Create(Far / 2));
                            Vector256.ConditionalSelect(none.AsSingle(), Vector256.Create(float.PositiveInfinity), Vector256.ConvertToSingle(g)).Store(row + c);
                        }
                    }
                    // Scalar reference and the (< one vector) column tail.
                    for (; c < w; c++)
                    {
                        if (r > below[c]) AdvanceColumn(c, r, above, below, next, start, rows, Far);
                        int g = Math.Min(r - above[c], below[c] - r);
                        if (squared) g2[c] = g >= WindowMaxG ? WindowSentinel : g * g;
                        else row[c] = g >= Far / 2 ? float.PositiveInfinity : g;
                    }
                    if (squared)
                    {
                        if (RowWindowed(row, w, cellSizeX, scratch, lanes, squaresReady: true)) continue;
                        // Sparse features: the window failed, and the envelope (which never fails) needs the row distances.
                        for (c = 0; c < w; c++)
                        {
                            int g = Math.Min(r - above[c], below[c] - r);
                            row[c] = g >= Far / 2 ? float.PositiveInfinity : g;
                        }
                    }
                    RowEnvelope(row, w, cellSizeX, cellSizeY, scratch, squared ? KernelPath.Scalar : path);
                }
            }
        }
    }

    private static void AdvanceColumn(int c, int r, int[] above, int[] below, int[] next, int[] start, int[] rows, int far)
    {
        while (below[c] < r)
        {
            above[c] = below[c];
            int i = next[c]++;
            below[c] = i < start[c + 1] ? rows[i] : far;
        }
    }

    /// <summary>Row distance (in rows) to the nearest feature in the same column; +∞ where the column has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times with long loops: skip tier 0
    private static unsafe void VerticalPass(byte* f, float* g, int width, int height, int c0, int n, KernelPath path)
    {
        int vec = path == KernelPath.Vector512 ? 16 : path == KernelPath.Vector256 ? 8 : 0;
        // Vector lanes cover whole vectors of columns; the (< vec) leftover columns of the block take the scalar loop.
        // Columns are independent here, so a column tail needs no overlap trick and the results are bit-identical.
        int vn = vec == 0 ? 0 : n / vec * vec;
        float inf = float.PositiveInfinity;
        if (vec == 16)
        {
            for (int c = c0; c < c0 + vn; c += 16)
            {
                var prev = Vector512.Create(inf);
                for (int r = 0; r < height; r++)
                {
                    long o = (long)r * width + c;
                    var isFeature = ~Vector512.Equals(MaskLanes512(f + o), Vector512<int>.Zero).AsSingle();
                    prev = Vector512.ConditionalSelect(isFeature, Vector512<float>.Zero, prev + Vector512<float>.One);
                    prev.Store(g + o);
                }
                prev = Vector512.Create(inf);
                for (int r = height - 1; r >= 0; r--)
                {
                    long o = (long)r * width + c;
                    prev = Vector512.Min(Vector512.Load(g + o), prev + Vector512<float>.One);
                    prev.Store(g + o);
                }
            }
        }
        else if (vec == 8)
        {
            for (int c = c0; c < c0 + vn; c += 8)
            {
                var prev = Vector256.Create(inf);
                for (int r = 0; r < height; r++)
                {
                    long o = (long)r * width + c;
                    var isFeature = ~Vector256.Equals(MaskLanes256(f + o), Vector256<int>.Zero).AsSingle();
                    prev = Vector256.ConditionalSelect(isFeature, Vector256<float>.Zero, prev + Vector256<float>.One);
                    prev.Store(g + o);
                }
                prev = Vector256.Create(inf);
                for (int r = height - 1; r >= 0; r--)
                {
                    long o = (long)r * width + c;
                    prev = Vector256.Min(Vector256.Load(g + o), prev + Vector256<float>.One);
                    prev.Store(g + o);
                }
            }
        }
        // Scalar reference (and the column tail): the same two sweeps one column at a time. Row distances are small
        // integers, exact in float up to 2^24 rows.
        for (int c = c0 + vn; c < c0 + n; c++)
        {
            float prev = inf;
            for (int r = 0; r < height; r++)
            {
                long o = (long)r * width + c;
                prev = f[o] != 0 ? 0f : prev + 1f;
                g[o] = prev;
            }
            prev = inf;
            for (int r = height - 1; r >= 0; r--)
            {
                long o = (long)r * width + c;
                prev = Math.Min(g[o], prev + 1f);
                g[o] = prev;
            }
        }
    }

    [ThreadStatic]
    private static EnvelopeScratch? t_scratch;

    private sealed unsafe class EnvelopeScratch(int width)
    {
        public int Width => width;
        public readonly int[] V = new int[width];
        public readonly double[] Z = new double[width + 1];
        public readonly double[] F = new double[width];
        public readonly Parabola[] Envelope = new Parabola[width];
        public readonly float[] Out = new float[width];

        /// <summary>g² per column with <see cref="WindowPadding"/> Sentinel cells each side; pinned for its lifetime.</summary>
        private readonly int[] _squares = NewPaddedSquares(width);

        /// <summary>Column 0 of the padded g² row (the padding before it and after column width − 1 reads Sentinel).</summary>
        public int* PaddedSquares() => (int*)Unsafe.AsPointer(ref _squares[WindowPadding]);

        private static int[] NewPaddedSquares(int width)
        {
            var a = GC.AllocateUninitializedArray<int>(width + 2 * WindowPadding, pinned: true);
            a.AsSpan().Fill(WindowSentinel);
            return a;
        }
    }

    /// <summary>
    /// g² of padding, of columns without a feature and of column distances ≥ <see cref="WindowMaxG"/> in the windowed
    /// search: t² + Sentinel never wins a real candidate and never overflows int32 (t ≤ 260).
    /// </summary>
    private const int WindowSentinel = 1 << 30;

    /// <summary>Column distances (rows) from which g² is stored as <see cref="WindowSentinel"/>.</summary>
    private const int WindowMaxG = 1 << 15;

    /// <summary>
    /// Widest search window of the vector row pass, in cells. Rows whose column distances exceed it (sparse features)
    /// take the envelope; 256 keeps g² + t² well inside int32 and bounds the work per cell.
    /// </summary>
    private const int WindowCells = 256;

    /// <summary>Sentinel cells on each side of a row: the search reaches t + 3 ≤ 260 columns beyond a block of 16.</summary>
    private const int WindowPadding = WindowCells + 32;

    /// <summary>
    /// Vector row pass for square cells: d²(x) = min over t of t² + g²(x ± t), one vector of columns at a time, searching
    /// outwards only while t² is below the largest d² found so far in the vector (since d²(x) ≤ g²(x), t never exceeds
    /// the largest column distance in the block). Branch-free except for the exit test, where the envelope mispredicts
    /// on almost every pop; ~5× faster on dense features. Same exact integer d² and same √(d²·cell²) as the envelope, so
    /// results are bit-identical. Returns false when some cell's nearest feature is more than <see cref="WindowCells"/>
    /// columns away; then the envelope handles the row. With <paramref name="squaresReady"/> the caller has written g²
    /// into the scratch and results go straight into <paramref name="row"/> (partly written on false); otherwise g² comes
    /// from the float row, which stays untouched on false.
    /// </summary>
    /// <param name="row">Row distances in (unless <paramref name="squaresReady"/>), map-unit distances out.</param>
    /// <param name="width">Columns.</param>
    /// <param name="cell">Cell size in map units.</param>
    /// <param name="s">This thread's scratch (holds the padded g²).</param>
    /// <param name="lanes">16 (AVX-512) or 8 (AVX2) columns per vector.</param>
    /// <param name="squaresReady">Whether the caller has already written g² into the scratch.</param>
    private static unsafe bool RowWindowed(float* row, int width, double cell, EnvelopeScratch s, int lanes, bool squaresReady = false)
    {
        int* g2 = s.PaddedSquares();
        if (!squaresReady)
            for (int x = 0; x < width; x++)
            {
                float g = row[x];
                g2[x] = g < WindowMaxG ? (int)g * (int)g : WindowSentinel;
            }
        fixed (float* outScratch = s.Out)
        {
            // With the squares prepared by the caller the row's contents are not needed again (a failed search makes the
            // caller rebuild them), so results go straight into it; otherwise they wait in scratch until the row succeeds.
            float* result = squaresReady ? row : outScratch;
            if (!(lanes == 16 ? WindowSearch512(g2, result, width, cell) : WindowSearch256(g2, result, width, cell))) return false;
            if (!squaresReady) new Span<float>(result, width).CopyTo(new Span<float>(row, width));
        }
        return true;
    }

    /// <summary>The windowed search 16 columns at a time (see <see cref="RowWindowed"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool WindowSearch512(int* g2, float* result, int width, double cell)
    {
        var cell2 = Vector512.Create(cell * cell);
        // √ in float gives the same bits as √ in double rounded to float (double has more than 2 × 24 + 2 bits) as
        // long as d²·cell² is exact in float: true for d² below FloatExactSquares(cell) (2^19 for 10 m cells).
        float cell2Single = (float)(cell * cell);
        var exactBelow = Vector512.Create(FloatExactSquares(cell));
        // Overlapping last block instead of a scalar tail: each column's result depends only on g², not on the row
        // being written, so computing a column twice is harmless.
        for (int x0 = 0; ; x0 = Math.Min(x0 + 16, width - 16))
        {
            var best = Vector512.Load(g2 + x0);
            // Four distances per exit test: the test (compare + mask test + branch) costs as much as a candidate.
            // Searching a few steps further than needed cannot change the minimum, only cost those steps.
            for (int t = 1; ; t += 4)
            {
                var t2 = Vector512.Create(t * t);
                if (Vector512.GreaterThanOrEqualAll(t2, best)) break;
                if (t > WindowCells) return false; // the envelope takes this row (sparse features)
                var c1 = t2 + Vector512.Min(Vector512.Load(g2 + x0 + t), Vector512.Load(g2 + x0 - t));
                var c2 = Vector512.Create((t + 1) * (t + 1)) + Vector512.Min(Vector512.Load(g2 + x0 + t + 1), Vector512.Load(g2 + x0 - t - 1));
                var c3 = Vector512.Create((t + 2) * (t + 2)) + Vector512.Min(Vector512.Load(g2 + x0 + t + 2), Vector512.Load(g2 + x0 - t - 2));
                var c4 = Vector512.Create((t + 3) * (t + 3)) + Vector512.Min(Vector512.Load(g2 + x0 + t + 3), Vector512.Load(g2 + x0 - t - 3));
                best = Vector512.Min(best, Vector512.Min(Vector512.Min(c1, c2), Vector512.Min(c3, c4)));
            }
            if (Vector512.LessThanAll(best, exactBelow))
            {
                Vector512.Sqrt(Vector512.ConvertToSingle(best) * cell2Single).Store(result + x0);
            }
            else
            {
                var (lo, hi) = Vector512.Widen(best);
                var dLo = Vector512.Sqrt(Vector512.ConvertToDouble(lo) * cell2);
                var dHi = Vector512.Sqrt(Vector512.ConvertToDouble(hi) * cell2);
                Vector512.Narrow(dLo, dHi).Store(result + x0);
            }
            if (x0 == width - 16) break;
        }
        return true;
    }

    /// <summary>
    /// The windowed search eight columns at a time, for AVX2 machines: the same search, exit test and results to the
    /// bit. Where d²·cell² is not exact in float the square roots are taken one lane at a time in double (AVX2 has no
    /// packed int64-to-double conversion; that case is rare: cell² not a float, or d² past 2^19 at 10 m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool WindowSearch256(int* g2, float* result, int width, double cell)
    {
        double cell2 = cell * cell;
        float cell2Single = (float)cell2;
        var exactBelow = Vector256.Create(FloatExactSquares(cell));
        for (int x0 = 0; ; x0 = Math.Min(x0 + 8, width - 8))
        {
            var best = Vector256.Load(g2 + x0);
            for (int t = 1; ; t += 4)
            {
                var t2 = Vector256.Create(t * t);
                if (Vector256.GreaterThanOrEqualAll(t2, best)) break;
                if (t > WindowCells) return false; // the envelope takes this row (sparse features)
                var c1 = t2 + Vector256.Min(Vector256.Load(g2 + x0 + t), Vector256.Load(g2 + x0 - t));
                var c2 = Vector256.Create((t + 1) * (t + 1)) + Vector256.Min(Vector256.Load(g2 + x0 + t + 1), Vector256.Load(g2 + x0 - t - 1));
                var c3 = Vector256.Create((t + 2) * (t + 2)) + Vector256.Min(Vector256.Load(g2 + x0 + t + 2), Vector256.Load(g2 + x0 - t - 2));
                var c4 = Vector256.Create((t + 3) * (t + 3)) + Vector256.Min(Vector256.Load(g2 + x0 + t + 3), Vector256.Load(g2 + x0 - t - 3));
                best = Vector256.Min(best, Vector256.Min(Vector256.Min(c1, c2), Vector256.Min(c3, c4)));
            }
            if (Vector256.LessThanAll(best, exactBelow))
                Vector256.Sqrt(Vector256.ConvertToSingle(best) * cell2Single).Store(result + x0);
            else
                for (int l = 0; l < 8; l++) result[x0 + l] = (float)Math.Sqrt(best[l] * cell2);
            if (x0 == width - 8) break;
        }
        return true;
    }

    /// <summary>
    /// Integer squared distances d² below this bound give a d²·cell² that float32 holds exactly (0 when cell² itself is
    /// not a float): cell² = m·2^e with m odd, so the product is exact while d² &lt; 2^(24 − bits(m)).
    /// </summary>
    internal static int FloatExactSquares(double cell)
    {
        double cell2 = cell * cell;
        if ((float)cell2 != cell2 || cell2 == 0 || double.IsInfinity(cell2)) return 0;
        long bits = BitConverter.DoubleToInt64Bits(cell2);
        long mantissa = (bits & ((1L << 52) - 1)) | (1L << 52);
        mantissa >>= System.Numerics.BitOperations.TrailingZeroCount(mantissa);
        int used = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)mantissa);
        return used >= 24 ? 0 : 1 << (24 - used);
    }

    /// <summary>One parabola of the integer lower envelope: apex column V, H = g² + V², left breakpoint ZNum/ZDen.</summary>
    private struct Parabola
    {
        public long H;
        public long ZNum;
        public long ZDen;
        public int V;
    }

    /// <summary>
    /// Felzenszwalb–Huttenlocher lower envelope along one row, in place: in = row distances (rows) to the nearest
    /// feature per column, out = exact distance in map units. Square cells take an all-integer path (below); otherwise
    /// parabola q is (x − q·dx)² + (g[q]·dy)² in double. Columns with no feature (+∞) are skipped, so the arithmetic
    /// never meets ∞ − ∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowEnvelope(float* row, int width, double dx, double dy, EnvelopeScratch s, KernelPath path)
    {
        int lanes = path == KernelPath.Vector512 ? 16 : path == KernelPath.Vector256 ? 8 : 0;
        if (dx == dy && lanes > 0 && width >= lanes && RowWindowed(row, width, dx, s, lanes)) return;
        if (dx == dy && width <= 1 << 20)
        {
            RowEnvelopeSquare(row, width, dx, s);
            return;
        }
        int[] v = s.V;
        double[] z = s.Z, f = s.F;
        int k = -1;
        for (int q = 0; q < width; q++)
        {
            float gq = row[q];
            if (float.IsPositiveInfinity(gq)) continue;
            double fq = gq * dy;
            fq *= fq;
            f[q] = fq;
            double xq = q * dx;
            if (k < 0)
            {
                k = 0;
                v[0] = q;
                z[0] = double.NegativeInfinity;
                z[1] = double.PositiveInfinity;
                continue;
            }
            double sInt;
            while (true)
            {
                int vk = v[k];
                double xv = vk * dx;
                // Intersection of parabolas q and v[k]: where (x−xq)²+fq = (x−xv)²+fv. z[0] = −∞ stops the loop at k = 0.
                sInt = (fq + xq * xq - (f[vk] + xv * xv)) / (2 * (xq - xv));
                if (sInt <= z[k]) { k--; continue; }
                break;
            }
            k++;
            v[k] = q;
            z[k] = sInt;
            z[k + 1] = double.PositiveInfinity;
        }
        // k < 0 only when the whole row is ∞, i.e. the grid has no feature at all (handled by the caller).
        if (k < 0) { new Span<float>(row, width).Fill(float.NaN); return; }
        int j = 0;
        for (int x = 0; x < width; x++)
        {
            double px = x * dx;
            while (z[j + 1] < px) j++;
            int vj = v[j];
            double ddx = px - vj * dx;
            row[x] = (float)Math.Sqrt(ddx * ddx + f[vj]);
        }
    }

    /// <summary>
    /// Square cells: the envelope in cell units with 64-bit integers only. Breakpoints z = num/den are compared by
    /// cross-multiplication instead of division (a 64-bit multiply is ~4× cheaper than a double divide and exact), and
    /// the final scan advances along the envelope by comparing parabola values, so no breakpoint is ever divided out.
    /// Squared distances stay exact integers; distance = √(d²·cell²), the same double expression scipy evaluates with
    /// sampling, so results agree to the last float bit. Widths up to 2^20 keep every product below 2^62.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowEnvelopeSquare(float* row, int width, double cell, EnvelopeScratch s)
    {
        fixed (Parabola* env = s.Envelope)
        {
            // Parabola q in cell units: (x − q)² + g² = x² − 2xq + H with H = g² + q². The x² term is common to all, so
            // the construction and the scan compare only H − 2xq: one multiply, no squares of large numbers.
            int k = -1;
            for (int q = 0; q < width; q++)
            {
                float gq = row[q];
                if (float.IsPositiveInfinity(gq)) continue;
                long gi = (long)gq;
                long hq = gi * gi + (long)q * q;
                long num = 0, den = 1;
                while (k >= 0)
                {
                    // Intersection with the top parabola: x* = (hq − H) / (2(q − V)), den > 0 since q > V.
                    num = hq - env[k].H;
                    den = 2L * (q - env[k].V);
                    // Pop while x* ≤ its left breakpoint (the bottom one has −∞): num/den ≤ zn/zd ⇔ num·zd ≤ zn·den.
                    if (k > 0 && num * env[k].ZDen <= env[k].ZNum * den) { k--; continue; }
                    break;
                }
                k++;
                env[k].V = q;
                env[k].H = hq;
                env[k].ZNum = num;
                env[k].ZDen = den;
            }
            if (k < 0) { new Span<float>(row, width).Fill(float.NaN); return; }
            double cell2 = cell * cell;
            int j = 0;
            long hj = env[0].H, vj = env[0].V;
            for (int x = 0; x < width; x++)
            {
                long cur = hj - 2L * x * vj;
                while (j < k)
                {
                    long next = env[j + 1].H - 2L * x * env[j + 1].V;
                    if (next > cur) break;
                    cur = next;
                    j++;
                    hj = env[j].H;
                    vj = env[j].V;
                }
                // d² = x² + cur is an exact integer; √(d²·cell²) is scipy's expression with sampling (bit-identical).
                row[x] = (float)Math.Sqrt(((long)x * x + cur) * cell2);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> for 0..count−1 on all cores or inline.</summary>
    internal static void ParallelRange(int count, bool parallel, Action<int> body)
    {
        if (!parallel || Environment.ProcessorCount == 1) { for (int i = 0; i < count; i++) body(i); return; }
        Parallel.For(0, count, body);
    }

    /// <summary>Runs <paramref name="body"/> for 0..count−1 with per-thread scratch state, on all cores or inline.</summary>
    internal static void ParallelRange<TState>(int count, bool parallel, Func<TState> init, Action<int, TState> body)
    {
        if (!parallel || Environment.ProcessorCount == 1)
        {
            var s = init();
            for (int i = 0; i < count; i++) body(i, s);
            return;
        }
        Parallel.For(0, count, init, (i, _, s) => { body(i, s); return s; }, _ => { });
    }
}
