using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;
using KlimaPakt.Geo.Raster.Operations;

namespace KlimaPakt.Geo.Raster.Tests.Operations;

public class OperationsTests
{
    private static readonly GridSpec s_grid = new(2169, 40000, 140000, 10, 10, 600, 530);

    private static Raster<float> Layer(int seed, double nanShare)
    {
        var r = new Raster<float>(s_grid);
        var rng = new Random(seed);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = rng.NextDouble() < nanShare ? float.NaN : (float)rng.NextDouble();
        return r;
    }

    [Theory]
    [InlineData(TiffCodec.None)]      // inputs qualify for the direct tile path
    [InlineData(TiffCodec.Deflate)]   // decoded by libdeflate on the tile path
    [InlineData(TiffCodec.Zstd)]      // decoded by libzstd on the tile path
    [InlineData(TiffCodec.Lzw)]       // inputs take the GDAL strip path
    public void ScoreOperation_BothInputPaths_EqualInMemoryKernel(TiffCodec codec)
    {
        var inputs = new TiffCompression(codec);
        var dir = TestFiles.TempDir();
        float[] w = [0.5f, 0.3f, 0.2f];
        var layers = new[] { Layer(1, 0.01), Layer(2, 0), Layer(3, 0.02) };
        var mask = new Raster<byte>(s_grid);
        var rng = new Random(4);
        for (int i = 0; i < mask.Cells.Length; i++) mask.Cells[i] = rng.NextDouble() < 0.1 ? (byte)1 : (byte)0;
        var specs = new List<WeightedLayer>();
        for (int j = 0; j < 3; j++)
        {
            var p = Path.Combine(dir, $"c{j}.tif");
            GeoTiff.Write(p, layers[j], inputs);
            specs.Add(new WeightedLayer(p, w[j]));
        }
        GeoTiff.Write(Path.Combine(dir, "mask.tif"), mask, compression: inputs);
        var outPath = Path.Combine(dir, "out.tif");
        ScoreOperation.Run(specs, Path.Combine(dir, "mask.tif"), outPath, TiffCompression.Deflate, rowsPerStrip: 100);

        var expected = new float[s_grid.CellCount];
        RasterKernels.WeightedOverlay(layers.Select(l => (ReadOnlyMemory<float>)l.Cells).ToArray(), w, mask.Cells, expected, float.NaN, KernelPath.Scalar, false);
        var info = GeoTiff.ReadInfo(outPath);
        Assert.Equal(-9999.0, info.NoData);
        Assert.Equal(expected, GeoTiff.ReadBand(outPath).Cells);
    }

    [Fact]
    public void ScoreOperation_MisalignedLayer_ThrowsNamingTheFile()
    {
        var dir = TestFiles.TempDir();
        GeoTiff.Write(Path.Combine(dir, "a.tif"), Layer(1, 0));
        GeoTiff.Write(Path.Combine(dir, "b.tif"), new Raster<float>(s_grid with { OriginX = 40005 }));
        var e = Assert.Throws<RasterFileException>(() => ScoreOperation.Run(
            [new(Path.Combine(dir, "a.tif"), 1), new(Path.Combine(dir, "b.tif"), 1)], null, Path.Combine(dir, "o.tif")));
        Assert.Contains("b.tif", e.Message);
    }

    [Theory]
    [InlineData("a.tif", false)]            // the first layer, named as it was given
    [InlineData("./sub/../mask.tif", false)] // the mask, by another spelling of its path
    [InlineData("link.tif", true)]          // a symbolic link to the second layer
    public void ScoreOperation_OutputIsAnInput_RefusedBeforeTouchingIt(string output, bool viaLink)
    {
        var dir = TestFiles.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        string a = Path.Combine(dir, "a.tif"), b = Path.Combine(dir, "b.tif"), mask = Path.Combine(dir, "mask.tif");
        GeoTiff.Write(a, Layer(1, 0));
        GeoTiff.Write(b, Layer(2, 0));
        GeoTiff.Write(mask, new Raster<byte>(s_grid));
        if (viaLink) File.CreateSymbolicLink(Path.Combine(dir, "link.tif"), b);
        var before = new[] { a, b, mask }.Select(File.ReadAllBytes).ToArray();

        var e = Assert.Throws<RasterFileException>(() => ScoreOperation.Run([new(a, 0.5f), new(b, 0.5f)], mask, Path.Combine(dir, output)));

        Assert.Contains("is also an input", e.Message);
        Assert.Contains(viaLink ? "b.tif" : Path.GetFileName(output), e.Message);
        Assert.Equal(before, new[] { a, b, mask }.Select(File.ReadAllBytes).ToArray());
    }

    [Fact]
    public void ScoreOperation_OneLayerTwice_ScoresItAsTwoLayers()
    {
        // The output check must not trip over an input named twice: 0.25·a + 0.75·a by another spelling of its path.
        var dir = TestFiles.TempDir();
        var layer = Layer(1, 0.01);
        string a = Path.Combine(dir, "a.tif"), outPath = Path.Combine(dir, "o.tif");
        GeoTiff.Write(a, layer);
        ScoreOperation.Run([new(a, 0.25f), new(Path.Combine(dir, ".", "a.tif"), 0.75f)], null, outPath, TiffCompression.None);
        var expected = new float[s_grid.CellCount];
        RasterKernels.WeightedOverlay([layer.Cells, layer.Cells], [0.25f, 0.75f], [], expected, float.NaN, KernelPath.Scalar, false);
        Assert.Equal(expected, GeoTiff.ReadBand(outPath).Cells);
    }

    [Fact]
    public void DistanceOperation_File_EqualsInMemoryKernel()
    {
        var dir = TestFiles.TempDir();
        var f = new Raster<byte>(s_grid);
        var rng = new Random(8);
        for (int i = 0; i < f.Cells.Length; i++) f.Cells[i] = rng.NextDouble() < 0.003 ? (byte)1 : (byte)0;
        GeoTiff.Write(Path.Combine(dir, "f.tif"), f, compression: TiffCompression.None);
        DistanceOperation.Run(Path.Combine(dir, "f.tif"), Path.Combine(dir, "d.tif"));
        var expected = new float[s_grid.CellCount];
        RasterKernels.EuclideanDistance(f.Cells, s_grid.Width, s_grid.Height, 10, 10, expected);
        Assert.Equal(expected, GeoTiff.ReadBand(Path.Combine(dir, "d.tif")).Cells);
    }

    [Fact]
    public void CostDistanceOperation_MapPointSources_EqualKernelWithCellsAndWritesBackLinks()
    {
        var dir = TestFiles.TempDir();
        var cost = Layer(9, 0.02);
        for (int i = 0; i < cost.Cells.Length; i++) cost.Cells[i] = float.IsNaN(cost.Cells[i]) ? float.NaN : 1 + 99 * cost.Cells[i];
        var costPath = Path.Combine(dir, "cost.tif");
        GeoTiff.Write(costPath, cost);
        (int, int)[] cells = [(20, 30), (500, 400)];
        var points = cells.Select(c => s_grid.CellCenter(c.Item1, c.Item2)).ToList();
        cost.Cells[30 * 600 + 20] = 5; cost.Cells[400 * 600 + 500] = 5;
        GeoTiff.Write(costPath, cost);
        CostDistanceOperation.Run(costPath, points, Path.Combine(dir, "acc.tif"), Path.Combine(dir, "links.tif"));
        var expected = new float[s_grid.CellCount];
        var links = new byte[s_grid.CellCount];
        RasterKernels.CostDistance(cost.Cells, 600, 530, cells, 10, 10, CostDistanceUnits.Cells, expected, links);
        Assert.Equal(expected, GeoTiff.ReadBand(Path.Combine(dir, "acc.tif")).Cells);
        Assert.Equal(links, GeoTiff.ReadByteBand(Path.Combine(dir, "links.tif")).Cells);
        Assert.Equal(255.0, GeoTiff.ReadInfo(Path.Combine(dir, "links.tif")).NoData);
    }

    [Fact]
    public void CostDistanceOperation_OnTwoWorkers_EqualsSequentialKernel()
    {
        var dir = TestFiles.TempDir();
        var cost = Layer(12, 0.02);
        for (int i = 0; i < cost.Cells.Length; i++) cost.Cells[i] = float.IsNaN(cost.Cells[i]) ? float.NaN : 1 + 99 * cost.Cells[i];
        (int, int)[] cells = [(20, 30), (500, 400), (300, 10)];
        foreach (var (c, r) in cells) cost.Cells[r * 600 + c] = 5;
        var costPath = Path.Combine(dir, "cost.tif");
        GeoTiff.Write(costPath, cost);
        CostDistanceOperation.Run(costPath, cells.Select(c => s_grid.CellCenter(c.Item1, c.Item2)).ToList(), Path.Combine(dir, "acc.tif"), parallelism: 2);
        var expected = new float[s_grid.CellCount];
        RasterKernels.CostDistance(cost.Cells, 600, 530, cells, 10, 10, CostDistanceUnits.Cells, expected);
        Assert.Equal(expected, GeoTiff.ReadBand(Path.Combine(dir, "acc.tif")).Cells);
    }

    [Fact]
    public void CostDistanceOperation_SourceOutsideRaster_ThrowsNamingTheFile()
    {
        var dir = TestFiles.TempDir();
        var costPath = Path.Combine(dir, "cost.tif");
        GeoTiff.Write(costPath, Layer(1, 0));
        var e = Assert.Throws<RasterFileException>(() => CostDistanceOperation.Run(costPath, [(0, 0)], Path.Combine(dir, "o.tif")));
        Assert.Contains("cost.tif", e.Message);
    }

    /// <summary>Collects reports on the reporting thread (operations report from their workers).</summary>
    private sealed class Reports : IProgress<double>
    {
        private readonly List<double> _values = [];

        public void Report(double value)
        {
            lock (_values) _values.Add(value);
        }

        public double[] Sorted()
        {
            lock (_values) return [.. _values.Order()];
        }
    }

    /// <summary>
    /// Each operation reports its share of the output written: one report per strip, row of tiles or band (in any order
    /// across threads), ending at 1; cost-distance reports the search (scaled to 95 %) and then 1 once written.
    /// </summary>
    [Fact]
    public void Operations_ReportProgressPerUnitOfOutputUpToOne()
    {
        var dir = TestFiles.TempDir();
        var layer = Path.Combine(dir, "c.tif");
        GeoTiff.Write(layer, Layer(1, 0), TiffCompression.None);
        var tiled = new Reports();
        ScoreOperation.Run([new(layer, 1)], null, Path.Combine(dir, "s1.tif"), progress: tiled);
        Assert.Equal([1 / 3.0, 2 / 3.0, 1], tiled.Sorted(), new Tolerance());   // 3 × 3 tiles of 256², reported per row of tiles
        var strips = new Reports();
        GeoTiff.Write(layer, Layer(1, 0), TiffCompression.Lzw); // LZW: read through GDAL, so the strip path
        ScoreOperation.Run([new(layer, 1)], null, Path.Combine(dir, "s2.tif"), rowsPerStrip: 100, progress: strips);
        Assert.Equal(Enumerable.Range(1, 6).Select(k => k / 6.0), strips.Sorted(), new Tolerance()); // 530 rows in strips of 100
        var f = new Raster<byte>(s_grid);
        f.Cells[1234] = 1;
        GeoTiff.Write(Path.Combine(dir, "f.tif"), f, compression: TiffCompression.None);
        var bands = new Reports();
        DistanceOperation.Run(Path.Combine(dir, "f.tif"), Path.Combine(dir, "d.tif"), progress: bands);
        Assert.Equal([1 / 3.0, 2 / 3.0, 1], bands.Sorted(), new Tolerance()); // bands of 256 rows
        var cost = new Reports();
        CostDistanceOperation.Run(layer, [s_grid.CellCenter(5, 5)], Path.Combine(dir, "a.tif"), progress: cost);
        Assert.Equal([0.95, 1], cost.Sorted(), new Tolerance());
    }

    private sealed class Tolerance : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;

        public int GetHashCode(double obj) => 0;
    }
}
