using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>
    /// A byte mask of the cells at most <paramref name="bound"/>: <c>dst[i] = x[i] ≤ bound ? 1 : 0</c> (NaN → 0), on the
    /// calling thread (callers split the grid into bands). The buffer masks of the exclusion rules: distance ≤ buffer.
    /// </summary>
    /// <param name="x">Values.</param>
    /// <param name="bound">Inclusive upper bound.</param>
    /// <param name="dst">Output mask, at least as long as <paramref name="x"/>.</param>
    /// <param name="path">Instruction path (all give the same bytes).</param>
    public static unsafe void AtMost(ReadOnlySpan<float> x, float bound, Span<byte> dst, KernelPath path = KernelPath.Best)
    {
        if (dst.Length < x.Length) throw new ArgumentException("Destination is shorter than the input.", nameof(dst));
        int n = x.Length, i = 0;
        fixed (float* px = x)
        fixed (byte* pd = dst)
        {
            if (Resolve(path) != KernelPath.Scalar && Vector256.IsHardwareAccelerated)
            {
                // 32 cells a step: four float compares narrowed int → short → byte, masked to 0/1.
                var b = Vector256.Create(bound);
                var one = Vector256.Create((byte)1);
                for (; i <= n - 32; i += 32)
                {
                    var m0 = Vector256.LessThanOrEqual(Vector256.Load(px + i), b).AsInt32();
                    var m1 = Vector256.LessThanOrEqual(Vector256.Load(px + i + 8), b).AsInt32();
                    var m2 = Vector256.LessThanOrEqual(Vector256.Load(px + i + 16), b).AsInt32();
                    var m3 = Vector256.LessThanOrEqual(Vector256.Load(px + i + 24), b).AsInt32();
                    var lo = Vector256.Narrow(m0, m1);
                    var hi = Vector256.Narrow(m2, m3);
                    (Vector256.Narrow(lo, hi).AsByte() & one).Store(pd + i);
                }
            }
            for (; i < n; i++) pd[i] = px[i] <= bound ? (byte)1 : (byte)0;
        }
    }
}
