using System.Text.Json;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Raster.Tests.Gdal;

public class GeoTiffTests
{
    private static Raster<float> Sample(int w, int h, int seed)
    {
        var grid = new GridSpec(2169, 40000, 140000, 10, 10, w, h);
        var r = new Raster<float>(grid);
        var rng = new Random(seed);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = rng.NextDouble() < 0.05 ? float.NaN : (float)rng.NextDouble() * 100;
        return r;
    }

    /// <summary>Every codec the CLI offers, as <c>--compress</c> spells it, with the name gdalinfo reports for it.</summary>
    public static TheoryData<string, string?> Codecs => new()
    {
        { "none", null },
        { "zstd", "ZSTD" },
        { "zstd:9+p3", "ZSTD" },
        { "deflate", "DEFLATE" },
        { "deflate:1+p2", "DEFLATE" },
        { "deflate:9+p3", "DEFLATE" },
        { "lzw", "LZW" },
        { "lzw+p2", "LZW" },
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Write_Float32_GdalinfoSeesGeoreferencingCrsNoDataTilesAndCompression(string codec, string? gdalName)
    {
        Assert.True(TiffCompression.TryParse(codec, out var compression));
        var dir = TestFiles.TempDir();
        var path = Path.Combine(dir, "f.tif");
        var r = Sample(300, 260, 1);
        GeoTiff.Write(path, r, compression);

        using var json = JsonDocument.Parse(TestFiles.Tool("gdalinfo", "-json", path));
        var root = json.RootElement;
        Assert.Equal([300, 260], root.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([40000.0, 10.0, 0.0, 140000.0, 0.0, -10.0], root.GetProperty("geoTransform").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Contains("ID[\"EPSG\",2169]", root.GetProperty("coordinateSystem").GetProperty("wkt").GetString());
        var band = root.GetProperty("bands")[0];
        Assert.Equal("Float32", band.GetProperty("type").GetString());
        Assert.Equal(-9999.0, band.GetProperty("noDataValue").GetDouble());
        Assert.Equal([256, 256], band.GetProperty("block").EnumerateArray().Select(e => e.GetInt32()));
        var structure = root.GetProperty("metadata").GetProperty("IMAGE_STRUCTURE");
        if (gdalName is not null) Assert.Equal(gdalName, structure.GetProperty("COMPRESSION").GetString());
        else Assert.False(structure.TryGetProperty("COMPRESSION", out _));
        if (compression.Predictor > 1) Assert.Equal(compression.Predictor.ToString(), structure.GetProperty("PREDICTOR").GetString());

        var back = GeoTiff.ReadBand(path);
        Assert.Equal(r.Grid with { CrsWkt = back.Grid.CrsWkt }, back.Grid);
        Assert.Equal(2169, back.Grid.Srid);
        Assert.Equal(r.Cells, back.Cells); // NaN → −9999 on write, −9999 → NaN on read: bit-identical round trip
    }

    /// <summary>
    /// The independent check of the compressed tiles: GDAL's own gdal_translate decodes the file to an uncompressed
    /// one and dumps the raw float32 cells (ENVI), compared bit for bit with what was written (−9999 for NaN). A raster
    /// of 3 × 2 tiles with ragged edges, written both whole (GeoTiff.Write, tiles on all cores) and strip by strip.
    /// </summary>
    [Theory]
    [MemberData(nameof(Codecs))]
    public void Write_EveryCodec_GdalTranslateDecodesTheSameCells(string codec, string? gdalName)
    {
        _ = gdalName;
        Assert.True(TiffCompression.TryParse(codec, out var compression));
        var dir = TestFiles.TempDir();
        var r = Sample(700, 300, 5);
        var whole = Path.Combine(dir, "whole.tif");
        GeoTiff.Write(whole, r, compression);
        var strips = Path.Combine(dir, "strips.tif");
        using (var w = GeoTiffWriter.CreateFloat32(strips, r.Grid, compression))
        {
            w.WriteStrip(0, 256, r.Rows(0, 256));
            w.WriteStrip(256, 44, r.Rows(256, 44));
        }
        var expected = r.Cells.Select(v => float.IsNaN(v) ? -9999f : v).ToArray();
        foreach (var path in new[] { whole, strips })
        {
            var raw = Path.Combine(dir, Path.GetFileNameWithoutExtension(path) + ".raw");
            TestFiles.Tool("gdal_translate", "-q", "-of", "ENVI", path, raw);
            var decoded = new float[expected.Length];
            File.ReadAllBytes(raw).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(decoded.AsSpan()));
            Assert.Equal(expected, decoded);
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Write_ByteEveryCodec_RoundTripsThroughOurReaderAndGdal(string codec, string? gdalName)
    {
        _ = gdalName;
        Assert.True(TiffCompression.TryParse(codec, out var compression));
        var dir = TestFiles.TempDir();
        var grid = new GridSpec(2169, 50000, 100000, 5, 5, 513, 270);
        var r = new Raster<byte>(grid);
        var rng = new Random(11);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = (byte)(rng.Next(4) == 0 ? 255 : i / 97 % 9);
        var path = Path.Combine(dir, "b.tif");
        GeoTiff.Write(path, r, noData: 255, compression: compression);
        Assert.Equal(r.Cells, GeoTiff.ReadByteBand(path).Cells);
        var raw = Path.Combine(dir, "b.raw");
        TestFiles.Tool("gdal_translate", "-q", "-of", "ENVI", path, raw);
        Assert.Equal(r.Cells, File.ReadAllBytes(raw));
    }

    /// <summary>
    /// The default codec's promise: at most 1.5× the size of DEFLATE level 6 (as GDAL writes it with gdal_translate) on
    /// the two kinds of output the raster core writes — a noisy smooth score field and a distance field — and readable
    /// by gdalinfo and gdal_translate.
    /// </summary>
    [Fact]
    public void Write_Default_AtMostOneAndAHalfTimesDeflate6AndOpensInGdal()
    {
        var dir = TestFiles.TempDir();
        const int n = 1024;
        var grid = new GridSpec(2169, 40000, 140000, 10, 10, n, n);
        var score = new Raster<float>(grid);
        var distance = new Raster<float>(grid);
        var rng = new Random(3);
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
            {
                score[col, row] = (float)(0.5 + 0.3 * Math.Sin(col / 60.0) * Math.Cos(row / 45.0) + 0.05 * rng.NextDouble());
                // distance to a lattice of points 100 cells apart, in metres: smooth, with the sqrt's float noise
                double dx = (col % 100) - 50, dy = (row % 100) - 50;
                distance[col, row] = (float)(10 * Math.Sqrt(dx * dx + dy * dy));
            }
        foreach (var (name, raster) in new[] { ("score", score), ("distance", distance) })
        {
            var ours = Path.Combine(dir, name + ".tif");
            GeoTiff.Write(ours, raster);
            var uncompressed = Path.Combine(dir, name + "-none.tif");
            GeoTiff.Write(uncompressed, raster, TiffCompression.None);
            var deflate6 = Path.Combine(dir, name + "-deflate6.tif");
            TestFiles.Tool("gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "ZLEVEL=6", uncompressed, deflate6);
            double ratio = (double)new FileInfo(ours).Length / new FileInfo(deflate6).Length;
            Assert.True(ratio <= 1.5, $"{name}: default output is {ratio:F2}x DEFLATE 6");
            Assert.Contains("COMPRESSION=ZSTD", TestFiles.Tool("gdalinfo", ours));
            var copy = Path.Combine(dir, name + "-copy.tif");
            TestFiles.Tool("gdal_translate", "-q", ours, copy);
            Assert.Equal(raster.Cells, GeoTiff.ReadBand(copy).Cells);
        }
    }

    [Theory]
    [InlineData("zstd", TiffCodec.Zstd, 1, 0)]
    [InlineData("ZSTD:3", TiffCodec.Zstd, 3, 0)]
    [InlineData("deflate", TiffCodec.Deflate, 6, 0)]
    [InlineData("deflate:1+p3", TiffCodec.Deflate, 1, 3)]
    [InlineData("lzw+p2", TiffCodec.Lzw, 0, 2)]
    [InlineData("none", TiffCodec.None, 0, 0)]
    public void TryParse_CliForms_GiveCodecLevelAndPredictor(string text, TiffCodec codec, int level, int predictor)
    {
        Assert.True(TiffCompression.TryParse(text, out var c));
        Assert.Equal((codec, level, predictor), (c.Codec, c.EffectiveLevel, c.Predictor));
        Assert.True(TiffCompression.TryParse(c.ToString(), out var again));
        Assert.Equal(c with { Level = c.EffectiveLevel }, again with { Level = again.EffectiveLevel });
    }

    [Theory]
    [InlineData("")]
    [InlineData("gzip")]
    [InlineData("deflate:0")]
    [InlineData("deflate:13")]
    [InlineData("zstd:23")]
    [InlineData("lzw:3")]
    [InlineData("none+p2")]
    [InlineData("zstd+p4")]
    public void TryParse_Invalid_ReturnsFalse(string text) => Assert.False(TiffCompression.TryParse(text, out _));

    [Fact]
    public void Write_Byte_RoundTripsWithNoData()
    {
        var dir = TestFiles.TempDir();
        var path = Path.Combine(dir, "b.tif");
        var grid = new GridSpec(2169, 50000, 100000, 5, 5, 513, 17);
        var r = new Raster<byte>(grid);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = (byte)(i % 7 == 0 ? 255 : i % 9);
        GeoTiff.Write(path, r, noData: 255);
        var info = GeoTiff.ReadInfo(path);
        Assert.Equal("Byte", info.DataType);
        Assert.Equal(255.0, info.NoData);
        Assert.True(info.Grid.IsAlignedWith(grid));
        Assert.Equal(r.Cells, GeoTiff.ReadByteBand(path).Cells);
    }

    [Fact]
    public void ReadBand_CompressedAndUncompressed_GiveSameCells()
    {
        var dir = TestFiles.TempDir();
        var r = Sample(257, 511, 3);
        GeoTiff.Write(Path.Combine(dir, "d.tif"), r, TiffCompression.Deflate);
        GeoTiff.Write(Path.Combine(dir, "z.tif"), r);
        GeoTiff.Write(Path.Combine(dir, "n.tif"), r, TiffCompression.None);
        Assert.Equal(GeoTiff.ReadBand(Path.Combine(dir, "d.tif")).Cells, GeoTiff.ReadBand(Path.Combine(dir, "n.tif")).Cells);
        Assert.Equal(GeoTiff.ReadBand(Path.Combine(dir, "z.tif")).Cells, GeoTiff.ReadBand(Path.Combine(dir, "n.tif")).Cells);
    }

    [Fact]
    public void ForEachStrip_DirectAndGdalPaths_DeliverEveryRowOnce()
    {
        var dir = TestFiles.TempDir();
        var grid = new GridSpec(2169, 0, 1000, 1, 1, 300, 600);
        var r = new Raster<byte>(grid);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = (byte)(i * 31 % 251);
        foreach (var c in new[] { TiffCompression.None, TiffCompression.Deflate, TiffCompression.Zstd })
        {
            var path = Path.Combine(dir, $"s{c}.tif");
            GeoTiff.Write(path, r, compression: c);
            var seen = new byte[r.Cells.Length];
            var timesSeen = new int[600];
            using (var reader = GeoTiffReader.Open(path))
                reader.ForEachStrip((row, n, cells) =>
                {
                    // Uncompressed tiles arrive on several threads, in any order: each strip writes only its own rows.
                    cells.CopyTo(seen.AsSpan(row * 300));
                    for (int i = row; i < row + n; i++) Interlocked.Increment(ref timesSeen[i]);
                });
            Assert.All(timesSeen, t => Assert.Equal(1, t));
            Assert.Equal(r.Cells, seen);
        }
    }

    [Fact]
    public void ReadInfo_MissingFile_ThrowsRasterFileExceptionNamingThePath()
    {
        var e = Assert.Throws<RasterFileException>(() => GeoTiff.ReadInfo("/nonexistent/x.tif"));
        Assert.Equal("/nonexistent/x.tif", e.Path);
        Assert.Contains("/nonexistent/x.tif", e.Message);
    }

    [Fact]
    public void ReadInfo_NotARaster_ThrowsRasterFileException()
    {
        var path = Path.Combine(TestFiles.TempDir(), "not.tif");
        File.WriteAllText(path, "this is not a GeoTIFF");
        var e = Assert.Throws<RasterFileException>(() => GeoTiff.ReadInfo(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ReadInfo_Wgs84Elevation_ReportsGridTypeAndNoData()
    {
        var info = GeoTiff.ReadInfo(TestFiles.RepoData("lu/raster/lu_elevation_30arcsec.tif"));
        Assert.Equal(4326, info.Grid.Srid);
        Assert.Equal(95, info.Grid.Width);
        Assert.Equal(90, info.Grid.Height);
        Assert.Equal("Int16", info.DataType);
        Assert.Equal(-32768.0, info.NoData);
    }

    [Theory]
    [InlineData(Resampling.Nearest, "near", 1000)]
    [InlineData(Resampling.Bilinear, "bilinear", 1000)]
    public void ReadOnto_Wgs84ElevationOntoLuref_EqualsGdalwarp(Resampling resampling, string gdalName, double cellMeters)
    {
        var src = TestFiles.RepoData("lu/raster/lu_elevation_30arcsec.tif");
        var grid = GridSpec.Covering(2169, 48000, 57000, 107000, 139000, cellMeters);
        var ours = GeoTiff.ReadOnto(src, grid, resampling);

        var refPath = Path.Combine(TestFiles.TempDir(), "ref.tif");
        TestFiles.Tool("gdalwarp", "-q", "-t_srs", "EPSG:2169", "-te", "48000", "57000", "107000", "139000", "-ts", grid.Width.ToString(),
            grid.Height.ToString(), "-r", gdalName, "-ot", "Float32", "-dstnodata", "-9999", src, refPath);
        var expected = GeoTiff.ReadBand(refPath);
        Assert.True(expected.Grid.IsAlignedWith(grid));
        int valid = 0;
        for (int i = 0; i < ours.Cells.Length; i++)
        {
            float e = expected.Cells[i], a = ours.Cells[i];
            if (float.IsNaN(e)) { Assert.True(float.IsNaN(a), $"cell {i}: expected NoData, got {a}"); continue; }
            valid++;
            Assert.True(Math.Abs(e - a) <= 1e-3, $"cell {i}: gdalwarp {e}, ours {a}");
        }
        Assert.InRange(valid * cellMeters * cellMeters / 1e6, 1500, 3000); // Luxembourg is ~2 586 km²
        Assert.InRange(ours.Cells.Where(float.IsFinite).Max(), 400f, 560f);
    }

    /// <summary>
    /// 2950 × 4100 cells are three strips, resampled on all cores by one warped dataset per worker: the cells equal one
    /// reader's, strip after strip, to the bit (gdalwarp itself differs from both by its approximate transformer's
    /// chunking, up to 0.12 m here, so it is not the reference at this size).
    /// </summary>
    [Fact]
    public void ReadOnto_ManyStripsOnAllCores_EqualsOneSequentialReader()
    {
        var src = TestFiles.RepoData("lu/raster/lu_elevation_30arcsec.tif");
        var grid = GridSpec.Covering(2169, 48000, 57000, 107000, 139000, 20);
        var strips = RowStrips.Of(grid.Height, RowStrips.RowsFor(grid.Width)).ToList();
        Assert.True(strips.Count >= 3);
        var ours = GeoTiff.ReadOnto(src, grid, Resampling.Bilinear);
        var expected = new float[grid.CellCount];
        using (var reader = GeoTiffReader.OpenOnto(src, grid, Resampling.Bilinear))
            foreach (var (row, n) in strips) reader.ReadRows(row, n, expected.AsSpan((int)((long)row * grid.Width), n * grid.Width));
        int finite = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(ours.Cells[i]), $"cell {i}: one reader {expected[i]}, ours {ours.Cells[i]}");
            if (float.IsFinite(expected[i])) finite++;
        }
        Assert.InRange(finite * 400.0 / 1e6, 1500, 3000); // Luxembourg is ~2 586 km²
    }

    /// <summary>
    /// Reading only the cells of two boxes (one straddling a block edge, one in a corner): inside them the cells equal
    /// the whole grid's read to the bit, outside them every cell is NaN.
    /// </summary>
    [Fact]
    public void ReadOnto_WithinBoxes_EqualsTheWholeReadInsideAndIsNaNOutside()
    {
        var src = TestFiles.RepoData("lu/raster/lu_elevation_30arcsec.tif");
        var grid = GridSpec.Covering(2169, 48000, 57000, 107000, 139000, 20);
        var whole = GeoTiff.ReadOnto(src, grid, Resampling.Bilinear);
        (double, double, double, double)[] boxes = [(60_000, 80_000, 75_000, 110_000), (95_000, 57_000, 107_000, 64_000)];
        var part = GeoTiff.ReadOnto(src, grid, Resampling.Bilinear, boxes);
        int inside = 0, outside = 0;
        for (int r = 0; r < grid.Height; r++)
            for (int c = 0; c < grid.Width; c++)
            {
                var (x, y) = grid.CellCenter(c, r);
                bool inBox = boxes.Any(b => x > b.Item1 && x < b.Item3 && y > b.Item2 && y < b.Item4);
                int i = (int)grid.IndexOf(c, r);
                if (inBox) { inside++; Assert.True(whole.Cells[i].Equals(part.Cells[i]), $"cell {i}: whole {whole.Cells[i]}, part {part.Cells[i]}"); }
                else if (!IsNextToABox(x, y)) { outside++; Assert.True(float.IsNaN(part.Cells[i]), $"cell {i} outside the boxes: {part.Cells[i]}"); }
            }
        Assert.True(inside > 1_000_000 && outside > 5_000_000, $"{inside} inside, {outside} outside");

        // Cells within one cell of a box edge may be read or not (the window is the cells the box touches).
        bool IsNextToABox(double x, double y) => boxes.Any(b => x > b.Item1 - 20 && x < b.Item3 + 20 && y > b.Item2 - 20 && y < b.Item4 + 20);
    }
}
