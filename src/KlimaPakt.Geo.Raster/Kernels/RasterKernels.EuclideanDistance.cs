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
                (r, s) => RowEnvelope(d + (long)r * width, width, dx, dy, s));
        }
    }

    /// <summary>Row distance (in rows) to the nearest feature in the same column; +∞ where the column has none.</summary>
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

    private sealed class EnvelopeScratch(int width)
    {
        public readonly int[] V = new int[width];
        public readonly double[] Z = new double[width + 1];
        public readonly double[] F = new double[width];
    }

    /// <summary>
    /// Felzenszwalb–Huttenlocher lower envelope along one row, in place: in = row distances (rows) to the nearest
    /// feature per column, out = exact distance in map units. Parabola q: (x − q·dx)² + (g[q]·dy)²; columns with no
    /// feature (+∞) are skipped, so the arithmetic never meets ∞ − ∞.
    /// </summary>
    private static unsafe void RowEnvelope(float* row, int width, double dx, double dy, EnvelopeScratch s)
    {
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
                // Intersection of parabolas q and v[k]: where (x−xq)²+fq = (x−xv)²+fv.
                sInt = (fq + xq * xq - (f[vk] + xv * xv)) / (2 * (xq - xv));
                if (sInt <= z[k] && k > 0) { k--; continue; }
                if (sInt <= z[k]) { k = -1; break; }
                break;
            }
            k++;
            v[k] = q;
            z[k] = k == 0 ? double.NegativeInfinity : sInt;
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
