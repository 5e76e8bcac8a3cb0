using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>
/// Per-cell raster kernels: fuzzy membership, fused weighted overlay, distance, cost-distance, labelling and zonal
/// statistics. One file per operation; elementwise operations share the driver in this file, which owns the SIMD
/// tail handling and the split over cores, so each operator only states its scalar and vector formula.
/// </summary>
public static partial class RasterKernels
{
    /// <summary>
    /// Below this many cells a kernel runs on the calling thread: dispatching to the thread pool costs a few
    /// microseconds, which is what a single core needs for ~100 k cells of a memory-bound kernel. Chunks are at least
    /// this long too, and a multiple of 64 cells so that every chunk except the last starts 256-byte aligned relative
    /// to the span start (no two cores write the same cache line).
    /// </summary>
    internal const int ParallelThreshold = 1 << 18;

    /// <summary>Resolves <see cref="KernelPath.Best"/> to the widest accelerated path.</summary>
    internal static KernelPath Resolve(KernelPath path) => path switch
    {
        KernelPath.Best when Vector512.IsHardwareAccelerated => KernelPath.Vector512,
        KernelPath.Best when Vector256.IsHardwareAccelerated => KernelPath.Vector256,
        KernelPath.Best => KernelPath.Scalar,
        _ => path,
    };

    private static readonly ParallelOptions s_onePerCore = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>
    /// Splits [0, length) into chunks for the cores, or runs one chunk inline when the work is small or
    /// <paramref name="allCores"/> is false. <paramref name="body"/> gets (start, count).
    /// </summary>
    internal static void ForChunks(long length, bool allCores, Action<long, long> body)
    {
        int cores = Environment.ProcessorCount;
        if (!allCores || cores == 1 || length < 2L * ParallelThreshold)
        {
            body(0, length);
            return;
        }
        // A few chunks per core (not one) so a core slowed by another process does not hold up the whole call.
        long chunks = Math.Min(length / ParallelThreshold, cores * 4L);
        long chunk = (length / chunks + 63) & ~63L;
        long n = (length + chunk - 1) / chunk;
        // At most one thread per core: uncapped, Parallel.For ran 4-6 chunk bodies at once on 2 cores (the pool injects
        // threads while bodies run long), so they streamed through memory by turns (a G.POT loop at 8192², 8 chunks,
        // medians of 9 calls in 9 processes: typically ~21 ms uncapped, ~18 ms capped; benchmarks/results/2026-12-04-gpot-chunks.md).
        Parallel.For(0L, n, s_onePerCore, c =>
        {
            long start = c * chunk;
            body(start, Math.Min(chunk, length - start));
        });
    }

    /// <summary>Applies a unary operator cell by cell: <c>dst[i] = op(x[i])</c>. <paramref name="x"/> and
    /// <paramref name="dst"/> may be the same span (in place) but must not overlap otherwise.</summary>
    internal static unsafe void Map<TOp>(ReadOnlySpan<float> x, Span<float> dst, TOp op, KernelPath path, bool allCores)
        where TOp : struct, IUnaryOperator
    {
        if (dst.Length < x.Length) throw new ArgumentException("Destination is shorter than the input.", nameof(dst));
        KernelPath p = Resolve(path);
        fixed (float* px = x)
        fixed (float* pd = dst)
        {
            float* sx = px, sd = pd;
            // Small or single-core calls (e.g. one tile row at a time in the writers) skip the closure and the pool.
            if (!allCores || x.Length < 2 * ParallelThreshold)
            {
                MapChunk(sx, sd, x.Length, op, p);
                return;
            }
            ForChunks(x.Length, allCores, (start, count) => MapChunk(sx + start, sd + start, (int)count, op, p));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see OverlayChunk
    private static unsafe void MapChunk<TOp>(float* x, float* dst, int n, TOp op, KernelPath path)
        where TOp : struct, IUnaryOperator
    {
        if (path == KernelPath.Vector512 && n >= Vector512<float>.Count)
        {
            // Tail: the last full-width vector that ends exactly at n is computed BEFORE the main loop stores anything,
            // so an in-place call (x == dst) still reads original values; storing it after the loop rewrites the lanes
            // the loop already wrote with identical values. No scalar remainder loop, no masked loads.
            Vector512<float> last = op.Invoke(Vector512.Load(x + n - Vector512<float>.Count));
            int i = 0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                op.Invoke(Vector512.Load(x + i)).Store(dst + i);
            last.Store(dst + n - Vector512<float>.Count);
        }
        else if (path is KernelPath.Vector256 or KernelPath.Vector512 && n >= Vector256<float>.Count)
        {
            // Same overlapping-tail scheme as the 512-bit path; also the fallback for chunks shorter than 16 cells.
            Vector256<float> last = op.Invoke(Vector256.Load(x + n - Vector256<float>.Count));
            int i = 0;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                op.Invoke(Vector256.Load(x + i)).Store(dst + i);
            last.Store(dst + n - Vector256<float>.Count);
        }
        else
        {
            for (int i = 0; i < n; i++) dst[i] = op.Invoke(x[i]);
        }
    }

    /// <summary>Keeps NaN (NoData) lanes NaN whatever the operator did with them (Min/Max may drop NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> KeepNaN(Vector512<float> x, Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);

    /// <summary>Keeps NaN (NoData) lanes NaN whatever the operator did with them (Min/Max may drop NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> KeepNaN(Vector256<float> x, Vector256<float> y) =>
        Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
}

/// <summary>An elementwise float operator with a scalar reference and vector forms of the same formula.</summary>
internal interface IUnaryOperator
{
    /// <summary>Scalar reference.</summary>
    float Invoke(float x);

    /// <summary>256-bit form.</summary>
    Vector256<float> Invoke(Vector256<float> x);

    /// <summary>512-bit form.</summary>
    Vector512<float> Invoke(Vector512<float> x);
}
