using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>One row of a reclassification table: inputs in [<see cref="From"/>, <see cref="To"/>) become <see cref="Value"/>.</summary>
/// <param name="From">Inclusive lower bound.</param>
/// <param name="To">Exclusive upper bound.</param>
/// <param name="Value">Output value (a membership, a class code, or NaN for NoData).</param>
public readonly record struct ReclassRange(float From, float To, float Value);

public static partial class RasterKernels
{
    /// <summary>
    /// Reclassification table membership: each cell gets the value of the FIRST range that contains it, or
    /// <paramref name="otherwise"/> when none does. NaN inputs give NaN. Bit-identical on all paths.
    /// </summary>
    /// <param name="x">Input cells.</param>
    /// <param name="dst">Output cells (may be <paramref name="x"/> itself).</param>
    /// <param name="table">Ranges, first match wins (at most 64: a longer table wants a sorted lookup, not a chain).</param>
    /// <param name="otherwise">Value for cells outside every range (NaN: NoData).</param>
    /// <param name="path">Instruction path.</param>
    /// <param name="allCores">Split large inputs over all cores.</param>
    public static void Reclassify(ReadOnlySpan<float> x, Span<float> dst, ReadOnlySpan<ReclassRange> table,
        float otherwise = float.NaN, KernelPath path = KernelPath.Best, bool allCores = true)
    {
        if (table.Length > 64) throw new ArgumentException("At most 64 ranges.", nameof(table));
        Map(x, dst, new ReclassifyOperator(table.ToArray(), otherwise), path, allCores);
    }

    private readonly struct ReclassifyOperator(ReclassRange[] table, float otherwise) : IUnaryOperator
    {
        public float Invoke(float x)
        {
            if (float.IsNaN(x)) return x;
            foreach (var r in table)
                if (x >= r.From && x < r.To) return r.Value;
            return otherwise;
        }

        // Vector form walks the table backwards so that earlier ranges overwrite later ones: first match wins, as in
        // the scalar loop, without a per-lane "already matched" mask.
        public Vector256<float> Invoke(Vector256<float> x)
        {
            var result = Vector256.Create(otherwise);
            for (int k = table.Length - 1; k >= 0; k--)
            {
                var r = table[k];
                var hit = Vector256.GreaterThanOrEqual(x, Vector256.Create(r.From)) & Vector256.LessThan(x, Vector256.Create(r.To));
                result = Vector256.ConditionalSelect(hit, Vector256.Create(r.Value), result);
            }
            return KeepNaN(x, result);
        }

        public Vector512<float> Invoke(Vector512<float> x)
        {
            var result = Vector512.Create(otherwise);
            for (int k = table.Length - 1; k >= 0; k--)
            {
                var r = table[k];
                var hit = Vector512.GreaterThanOrEqual(x, Vector512.Create(r.From)) & Vector512.LessThan(x, Vector512.Create(r.To));
                result = Vector512.ConditionalSelect(hit, Vector512.Create(r.Value), result);
            }
            return KeepNaN(x, result);
        }
    }
}
