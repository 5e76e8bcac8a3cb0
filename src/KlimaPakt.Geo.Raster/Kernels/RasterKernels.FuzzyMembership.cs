using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>
    /// Linear fuzzy membership: 0 at <paramref name="zeroAt"/>, 1 at <paramref name="oneAt"/>, linear between and
    /// clamped outside. With <paramref name="zeroAt"/> &gt; <paramref name="oneAt"/> the ramp decreases (the inverted
    /// form, e.g. "closer to the grid is better"). NaN (NoData) stays NaN. Vector paths are bit-identical to scalar.
    /// </summary>
    /// <param name="x">Input cells.</param>
    /// <param name="dst">Output cells (may be <paramref name="x"/> itself).</param>
    /// <param name="zeroAt">Input value with membership 0.</param>
    /// <param name="oneAt">Input value with membership 1 (must differ from <paramref name="zeroAt"/>).</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void LinearMembership(ReadOnlySpan<float> x, Span<float> dst, float zeroAt, float oneAt,
        KernelPath path = KernelPath.Best, bool allCores = true)
    {
        if (zeroAt == oneAt || !float.IsFinite(zeroAt) || !float.IsFinite(oneAt))
            throw new ArgumentException("Linear membership needs two distinct finite thresholds.");
        Map(x, dst, new LinearRampOperator(zeroAt, 1f / (oneAt - zeroAt)), path, allCores);
    }

    /// <summary>
    /// Sigmoid fuzzy membership <c>1 / (1 + exp(−slope · (x − midpoint)))</c>: 0.5 at the midpoint, increasing for a
    /// positive slope, decreasing (inverted) for a negative one. Vector paths use the BCL's vector exp and agree with the
    /// scalar reference within 2e-6 absolute.
    /// </summary>
    /// <param name="x">Input cells.</param>
    /// <param name="dst">Output cells (may be <paramref name="x"/> itself).</param>
    /// <param name="midpoint">Input value with membership 0.5.</param>
    /// <param name="slope">Steepness per input unit; negative inverts.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void SigmoidMembership(ReadOnlySpan<float> x, Span<float> dst, float midpoint, float slope,
        KernelPath path = KernelPath.Best, bool allCores = true) =>
        Map(x, dst, new SigmoidOperator(midpoint, slope), path, allCores);

    /// <summary>
    /// Gaussian fuzzy membership <c>exp(−spread · (x − midpoint)²)</c> (ArcGIS's FuzzyGaussian): 1 at the midpoint,
    /// falling off on both sides. Vector paths agree with the scalar reference within 2e-6 absolute.
    /// </summary>
    /// <param name="x">Input cells.</param>
    /// <param name="dst">Output cells (may be <paramref name="x"/> itself).</param>
    /// <param name="midpoint">Input value with membership 1.</param>
    /// <param name="spread">Positive fall-off per squared input unit.</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void GaussianMembership(ReadOnlySpan<float> x, Span<float> dst, float midpoint, float spread,
        KernelPath path = KernelPath.Best, bool allCores = true)
    {
        if (!(spread > 0)) throw new ArgumentOutOfRangeException(nameof(spread), "Spread must be positive.");
        Map(x, dst, new GaussianOperator(midpoint, spread), path, allCores);
    }

    /// <summary>Inverts a membership: <c>1 − x</c>. NaN stays NaN. Bit-identical on all paths.</summary>
    /// <param name="x">Input memberships.</param>
    /// <param name="dst">Output cells (may be <paramref name="x"/> itself).</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void InvertMembership(ReadOnlySpan<float> x, Span<float> dst,
        KernelPath path = KernelPath.Best, bool allCores = true) =>
        Map(x, dst, new InvertOperator(), path, allCores);

    private readonly struct LinearRampOperator(float zeroAt, float inverseRange) : IUnaryOperator
    {
        public float Invoke(float x)
        {
            float t = (x - zeroAt) * inverseRange;
            // Written as compare-and-select (not Math.Clamp) so NaN falls through unchanged, like the vector form.
            t = t < 0f ? 0f : t;
            return t > 1f ? 1f : t;
        }

        public Vector256<float> Invoke(Vector256<float> x)
        {
            var t = (x - Vector256.Create(zeroAt)) * Vector256.Create(inverseRange);
            t = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256<float>.Zero), Vector256<float>.Zero, t);
            return Vector256.ConditionalSelect(Vector256.GreaterThan(t, Vector256<float>.One), Vector256<float>.One, t);
        }

        public Vector512<float> Invoke(Vector512<float> x)
        {
            var t = (x - Vector512.Create(zeroAt)) * Vector512.Create(inverseRange);
            t = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512<float>.Zero), Vector512<float>.Zero, t);
            return Vector512.ConditionalSelect(Vector512.GreaterThan(t, Vector512<float>.One), Vector512<float>.One, t);
        }
    }

    private readonly struct SigmoidOperator(float midpoint, float slope) : IUnaryOperator
    {
        public float Invoke(float x) => 1f / (1f + MathF.Exp(-slope * (x - midpoint)));

        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(Vector256.Create(-slope) * (x - Vector256.Create(midpoint))));

        public Vector512<float> Invoke(Vector512<float> x) =>
            Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(Vector512.Create(-slope) * (x - Vector512.Create(midpoint))));
    }

    private readonly struct GaussianOperator(float midpoint, float spread) : IUnaryOperator
    {
        public float Invoke(float x)
        {
            float d = x - midpoint;
            return MathF.Exp(-spread * (d * d));
        }

        public Vector256<float> Invoke(Vector256<float> x)
        {
            var d = x - Vector256.Create(midpoint);
            return Vector256.Exp(Vector256.Create(-spread) * (d * d));
        }

        public Vector512<float> Invoke(Vector512<float> x)
        {
            var d = x - Vector512.Create(midpoint);
            return Vector512.Exp(Vector512.Create(-spread) * (d * d));
        }
    }

    private readonly struct InvertOperator : IUnaryOperator
    {
        public float Invoke(float x) => 1f - x;

        public Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One - x;

        public Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One - x;
    }
}
