using KlimaPakt.Geo.Raster.Kernels;
using static KlimaPakt.Geo.Raster.Tests.Kernels.KernelTestData;

namespace KlimaPakt.Geo.Raster.Tests.Kernels;

public class WeightedOverlayTests
{
    private static readonly float[] s_weights = [0.30f, 0.25f, 0.20f, 0.15f, 0.10f];

    private static (ReadOnlyMemory<float>[] Layers, byte[] Mask) Inputs(int n, int seed)
    {
        var layers = new ReadOnlyMemory<float>[5];
        for (int j = 0; j < 5; j++) layers[j] = Values(n, seed * 31 + j, 0f, 1f, nanShare: 0.01);
        var rng = new Random(seed);
        var mask = new byte[n];
        for (int i = 0; i < n; i++) mask[i] = rng.NextDouble() < 0.1 ? (byte)rng.Next(1, 256) : (byte)0;
        return (layers, mask);
    }

    [Fact]
    public void WeightedOverlay_VectorPathsAllLengthsWithMaskAndNaN_BitIdenticalToScalar()
    {
        foreach (int n in Lengths())
        {
            var (layers, mask) = Inputs(n, n + 1);
            foreach (var useMask in new[] { true, false })
            {
                byte[] m = useMask ? mask : [];
                var expected = new float[n];
                RasterKernels.WeightedOverlay(layers, s_weights, m, expected, RasterKernels.FileNoData, KernelPath.Scalar, false);
                foreach (var path in VectorPaths)
                {
                    var actual = new float[n];
                    RasterKernels.WeightedOverlay(layers, s_weights, m, actual, RasterKernels.FileNoData, path, true);
                    AssertClose(expected, actual, 0f, $"overlay n={n} mask={useMask} {path}");
                }
            }
        }
    }

    [Fact]
    public void WeightedOverlay_ScalarReference_MatchesFormulaAndNoDataRules()
    {
        const int n = 1000;
        var (layers, mask) = Inputs(n, 5);
        var dst = new float[n];
        RasterKernels.WeightedOverlay(layers, s_weights, mask, dst, float.NaN, KernelPath.Scalar, false);
        for (int i = 0; i < n; i++)
        {
            // numpy's evaluation order: ((((w0*a + w1*b) + w2*c) + w3*d) + w4*e) in float32.
            float s = s_weights[0] * layers[0].Span[i];
            for (int j = 1; j < 5; j++) s += s_weights[j] * layers[j].Span[i];
            bool nodata = mask[i] != 0 || float.IsNaN(s);
            if (nodata) Assert.True(float.IsNaN(dst[i]));
            else Assert.Equal(s, dst[i]);
        }
    }

    [Fact]
    public void WeightedOverlay_InPlaceIntoFirstLayer_MatchesOutOfPlace()
    {
        foreach (int n in new[] { 9, 16, 31, 100, LargeRagged })
        {
            var (layers, mask) = Inputs(n, 3 * n);
            var expected = new float[n];
            RasterKernels.WeightedOverlay(layers, s_weights, mask, expected, float.NaN, KernelPath.Scalar, false);
            float[] first = layers[0].ToArray();
            layers[0] = first;
            RasterKernels.WeightedOverlay(layers, s_weights, mask, first, float.NaN);
            AssertClose(expected, first, 0f, $"in place n={n}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(13)]
    public void WeightedOverlay_StreamingStoresAtAnyAlignment_BitIdenticalToScalar(int offset)
    {
        // Above the non-temporal threshold on one core; the output slice starts at 'offset' floats to exercise the
        // unaligned head, and the in-place variant writes into the first layer.
        const int n = (1 << 20) + 77;
        var (layers, mask) = Inputs(n, 11 + offset);
        var expected = new float[n];
        RasterKernels.WeightedOverlay(layers, s_weights, mask, expected, RasterKernels.FileNoData, KernelPath.Scalar, false);
        var backing = new float[n + 32];
        RasterKernels.WeightedOverlay(layers, s_weights, mask, backing.AsSpan(offset, n), RasterKernels.FileNoData, KernelPath.Vector512, false);
        AssertClose(expected, backing.AsSpan(offset, n), 0f, $"streaming offset {offset}");
        var first = new float[n + 32];
        layers[0].Span.CopyTo(first.AsSpan(offset));
        layers[0] = first.AsMemory(offset, n);
        RasterKernels.WeightedOverlay(layers, s_weights, mask, first.AsSpan(offset, n), RasterKernels.FileNoData, KernelPath.Vector512, false);
        AssertClose(expected, first.AsSpan(offset, n), 0f, $"streaming in place offset {offset}");
    }

    [Fact]
    public void WeightedOverlay_WeightCountMismatch_Throws()
    {
        var layers = new ReadOnlyMemory<float>[] { new float[4], new float[4] };
        Assert.Throws<ArgumentException>(() => RasterKernels.WeightedOverlay(layers, [1f], [], new float[4]));
    }
}
