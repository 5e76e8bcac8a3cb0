using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>
    /// Turns a file's NoData value into NaN, in place (the reader's edge conversion). A NaN <paramref name="noData"/>
    /// is a no-op. Bit-identical on all paths.
    /// </summary>
    /// <param name="cells">Cells read from a file.</param>
    /// <param name="noData">The file's NoData value.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void NoDataToNaN(Span<float> cells, float noData, KernelPath path = KernelPath.Best, bool allCores = true)
    {
        if (float.IsNaN(noData)) return;
        Map(cells, cells, new ReplaceOperator(noData, float.NaN), path, allCores);
    }

    /// <summary>
    /// Copies cells replacing NaN by <paramref name="noData"/> (the writer's edge conversion). Bit-identical on all paths.
    /// </summary>
    /// <param name="cells">Cells with NaN for NoData.</param>
    /// <param name="dst">Output (may be <paramref name="cells"/>' own memory for in-place).</param>
    /// <param name="noData">Value to write for NaN, e.g. <see cref="FileNoData"/>.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void NaNToNoData(ReadOnlySpan<float> cells, Span<float> dst, float noData, KernelPath path = KernelPath.Best, bool allCores = true) =>
        Map(cells, dst, new ReplaceOperator(float.NaN, noData), path, allCores);

    /// <summary>Replaces one value (or NaN, when <c>from</c> is NaN) by another.</summary>
    private readonly struct ReplaceOperator(float from, float to) : IUnaryOperator
    {
        private readonly bool _fromNaN = float.IsNaN(from);

        public float Invoke(float x) => (_fromNaN ? float.IsNaN(x) : x == from) ? to : x;

        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.ConditionalSelect(_fromNaN ? ~Vector256.Equals(x, x) : Vector256.Equals(x, Vector256.Create(from)), Vector256.Create(to), x);

        public Vector512<float> Invoke(Vector512<float> x) =>
            Vector512.ConditionalSelect(_fromNaN ? ~Vector512.Equals(x, x) : Vector512.Equals(x, Vector512.Create(from)), Vector512.Create(to), x);
    }
}
