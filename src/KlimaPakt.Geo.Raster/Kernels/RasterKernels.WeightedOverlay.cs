using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>The NoData value the project writes into float GeoTIFFs.</summary>
    public const float FileNoData = -9999f;

    /// <summary>
    /// Fused weighted linear combination in ONE pass over memory:
    /// <c>dst = Σ weights[j] · layers[j]</c>, except <paramref name="noData"/> where the constraint mask is non-zero or any
    /// layer is NaN (NoData). Terms are added left to right in float32 without FMA, so every path is bit-identical to the
    /// scalar reference and to numpy's <c>w0*a + w1*b + …</c>.
    /// </summary>
    /// <param name="layers">Criterion layers (memberships), all at least as long as <paramref name="dst"/>.</param>
    /// <param name="weights">One weight per layer.</param>
    /// <param name="mask">Constraint mask (non-zero = excluded), or empty for none.</param>
    /// <param name="dst">Output cells. May be one of the layers (in place).</param>
    /// <param name="noData">Value for excluded / NoData cells: NaN in memory, <see cref="FileNoData"/> when the result goes straight to a file.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static unsafe void WeightedOverlay(IReadOnlyList<ReadOnlyMemory<float>> layers, ReadOnlySpan<float> weights,
        ReadOnlySpan<byte> mask, Span<float> dst, float noData = float.NaN, KernelPath path = KernelPath.Best, bool allCores = true)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("At least one layer is required.", nameof(layers));
        if (weights.Length != layers.Count) throw new ArgumentException($"{layers.Count} layers but {weights.Length} weights.", nameof(weights));
        int n = dst.Length;
        for (int j = 0; j < layers.Count; j++)
            if (layers[j].Length < n) throw new ArgumentException($"Layer {j} has {layers[j].Length} cells, the output {n}.", nameof(layers));
        if (!mask.IsEmpty && mask.Length < n) throw new ArgumentException("The mask is shorter than the output.", nameof(mask));

        var handles = new MemoryHandle[layers.Count];
        var pointers = new nint[layers.Count];
        float[] w = weights.ToArray();
        KernelPath p = Resolve(path);
        try
        {
            for (int j = 0; j < layers.Count; j++)
            {
                handles[j] = layers[j].Pin();
                pointers[j] = (nint)handles[j].Pointer;
            }
            fixed (byte* pm = mask)
            fixed (float* pd = dst)
            {
                byte* m = mask.IsEmpty ? null : pm;
                float* d = pd;
                ForChunks(n, allCores, (start, count) => OverlayChunk(pointers, w, m, d, start, (int)count, noData, p));
            }
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
        }
    }

    /// <summary>
    /// Chunks from this many cells use streaming stores: 1 M cells (4 MiB of output) is past the L2 of one core, so the
    /// output would be evicted to memory anyway. Smaller chunks (tiles in the CLI) keep normal stores and stay cached
    /// for the writer that copies them out right after.
    /// </summary>
    internal const int NonTemporalThreshold = 1 << 20;

    // Fully optimised on first call: the CLI scores 67 M cells in ~1000 calls within half a second, before tiering
    // would promote a tier-0 body; vector code at tier 0 is several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void OverlayChunk(nint[] layers, float[] w, byte* mask, float* dst, long start, int n, float noData, KernelPath path)
    {
        int k = layers.Length;
        float** src = stackalloc float*[k];
        for (int j = 0; j < k; j++) src[j] = (float*)layers[j] + start;
        dst += start;
        if (mask != null) mask += start;

        if (path == KernelPath.Vector512 && n >= NonTemporalThreshold)
        {
            const int V = 16;
            // Large outputs: non-temporal (streaming) stores skip the read-for-ownership of every output line, so the
            // pass moves 25 bytes per cell instead of 29 (what membw.c's "nt" variant measures), and do not evict the
            // inputs from cache. They need 64-byte aligned addresses: the first and last vectors are computed before
            // the loop (in-place safe, as below) and stored unaligned after it, covering the unaligned head and tail.
            var first = Overlay512(src, w, k, mask, 0, noData);
            var last = Overlay512(src, w, k, mask, n - V, noData);
            int i = (int)(((64 - ((nint)dst & 63)) & 63) / sizeof(float));
            for (; i <= n - V; i += V)
                Overlay512(src, w, k, mask, i, noData).StoreAlignedNonTemporal(dst + i);
            if (Sse.IsSupported) Sse.StoreFence(); // streaming stores are weakly ordered: publish them before returning
            last.Store(dst + n - V);
            first.Store(dst);
        }
        else if (path == KernelPath.Vector512 && n >= Vector512<float>.Count)
        {
            const int V = 16;
            // Overlapping tail, computed before the loop stores anything so an in-place call reads original values.
            var last = Overlay512(src, w, k, mask, n - V, noData);
            for (int i = 0; i <= n - V; i += V)
                Overlay512(src, w, k, mask, i, noData).Store(dst + i);
            last.Store(dst + n - V);
        }
        else if (path is KernelPath.Vector256 or KernelPath.Vector512 && n >= Vector256<float>.Count)
        {
            const int V = 8;
            var last = Overlay256(src, w, k, mask, n - V, noData);
            for (int i = 0; i <= n - V; i += V)
                Overlay256(src, w, k, mask, i, noData).Store(dst + i);
            last.Store(dst + n - V);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                float acc = w[0] * src[0][i];
                for (int j = 1; j < k; j++) acc += w[j] * src[j][i];
                dst[i] = (mask != null && mask[i] != 0) || float.IsNaN(acc) ? noData : acc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Overlay512(float** src, float[] w, int k, byte* mask, int i, float noData)
    {
        var acc = Vector512.Create(w[0]) * Vector512.Load(src[0] + i);
        for (int j = 1; j < k; j++) acc += Vector512.Create(w[j]) * Vector512.Load(src[j] + i);
        // NaN in any layer propagates through the sum, so one self-compare at the end finds every NoData input.
        var keep = Vector512.Equals(acc, acc);
        if (mask != null) keep &= Vector512.Equals(MaskLanes512(mask + i), Vector512<int>.Zero).AsSingle();
        return Vector512.ConditionalSelect(keep, acc, Vector512.Create(noData));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Overlay256(float** src, float[] w, int k, byte* mask, int i, float noData)
    {
        var acc = Vector256.Create(w[0]) * Vector256.Load(src[0] + i);
        for (int j = 1; j < k; j++) acc += Vector256.Create(w[j]) * Vector256.Load(src[j] + i);
        var keep = Vector256.Equals(acc, acc);
        if (mask != null) keep &= Vector256.Equals(MaskLanes256(mask + i), Vector256<int>.Zero).AsSingle();
        return Vector256.ConditionalSelect(keep, acc, Vector256.Create(noData));
    }

    /// <summary>16 mask bytes zero-extended to 16 int lanes (one vpmovzxbd with AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector512<int> MaskLanes512(byte* p)
    {
        if (Avx512F.IsSupported) return Avx512F.ConvertToVector512Int32(Vector128.Load(p));
        var b = Vector128.Load(p);
        var lo = Vector128.WidenLower(b);
        var hi = Vector128.WidenUpper(b);
        return Vector512.Create(
            Vector256.Create(Vector128.WidenLower(lo), Vector128.WidenUpper(lo)),
            Vector256.Create(Vector128.WidenLower(hi), Vector128.WidenUpper(hi))).AsInt32();
    }

    /// <summary>8 mask bytes zero-extended to 8 int lanes (one vpmovzxbd with AVX2; reads exactly 8 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<int> MaskLanes256(byte* p)
    {
        if (Avx2.IsSupported) return Avx2.ConvertToVector256Int32(p);
        var b = Vector64.Load(p);
        var lo = Vector64.WidenLower(b);
        var hi = Vector64.WidenUpper(b);
        return Vector256.Create(
            Vector128.Create(Vector64.WidenLower(lo), Vector64.WidenUpper(lo)),
            Vector128.Create(Vector64.WidenLower(hi), Vector64.WidenUpper(hi))).AsInt32();
    }
}
