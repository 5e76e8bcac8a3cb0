using System.Text.Json;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Raster.Tests.Gdal;

/// <summary>
/// GeoTIFFs of the common kind are described, read and written without GDAL (TiffDirectory, DirectTiles,
/// TiffTileWriter). The independent expectation is GDAL itself: files GDAL's gdal_translate writes, in every layout
/// and codec, must give the cells and the grid gdalinfo reports; files written here must decode in gdal_translate to
/// the cells written. Layouts the managed reader leaves to GDAL (strips, LZW, predictors, pixel-is-point) are included:
/// they must give the same answer through GDAL.
/// </summary>
public class GeoTiffWithoutGdalTests
{
    private static Raster<float> Sample(GridSpec grid, int seed)
    {
        var r = new Raster<float>(grid);
        var rng = new Random(seed);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = rng.NextDouble() < 0.05 ? float.NaN : (float)(rng.NextDouble() * 100 - 20);
        return r;
    }

    /// <summary>gdal_translate creation options, from tiles this project reads itself to layouts it leaves to GDAL.</summary>
    public static TheoryData<string> Layouts => new()
    {
        "TILED=YES",
        "TILED=YES COMPRESS=ZSTD ZSTD_LEVEL=9",
        "TILED=YES COMPRESS=DEFLATE ZLEVEL=1",
        "TILED=YES BLOCKXSIZE=512 BLOCKYSIZE=128 COMPRESS=ZSTD",
        "TILED=YES BIGTIFF=YES COMPRESS=DEFLATE",
        "TILED=YES COMPRESS=LZW PREDICTOR=3",
        "TILED=YES COMPRESS=DEFLATE PREDICTOR=2",
        "COMPRESS=NONE",
        "COMPRESS=ZSTD BLOCKYSIZE=7",
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ReadBand_FilesGdalWrites_GiveTheCellsAndTheGridGdalinfoReports(string options)
    {
        var dir = TestFiles.TempDir();
        var r = Sample(new GridSpec(2169, 40000.5, 140000.25, 10, 12.5, 700, 300), 1);
        // The reference is written through GDAL (LZW is never written without it), then rewritten by gdal_translate.
        var source = Path.Combine(dir, "source.tif");
        GeoTiff.Write(source, r, TiffCompression.Lzw);
        var path = Path.Combine(dir, "gdal.tif");
        var args = new List<string> { "-q" };
        foreach (var o in options.Split(' ')) args.AddRange(["-co", o]);
        TestFiles.Tool("gdal_translate", [.. args, source, path]);

        using var json = JsonDocument.Parse(TestFiles.Tool("gdalinfo", "-json", path));
        var root = json.RootElement;
        var gt = root.GetProperty("geoTransform").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var info = GeoTiff.ReadInfo(path);
        Assert.Equal((700, 300), (info.Grid.Width, info.Grid.Height));
        Assert.Equal([gt[0], gt[1], gt[3], -gt[5]], [info.Grid.OriginX, info.Grid.CellSizeX, info.Grid.OriginY, info.Grid.CellSizeY]);
        Assert.Contains($"ID[\"EPSG\",{info.Grid.Srid}]", root.GetProperty("coordinateSystem").GetProperty("wkt").GetString());
        Assert.Equal(2169, info.Grid.Srid);
        var band = root.GetProperty("bands")[0];
        Assert.Equal(band.GetProperty("type").GetString(), info.DataType);
        Assert.Equal(band.GetProperty("noDataValue").GetDouble(), info.NoData);
        Assert.Equal(r.Cells, GeoTiff.ReadBand(path).Cells);
        // Row by row too (strips of 100 rows that straddle tiles), as the score's strip path reads.
        using var reader = GeoTiffReader.Open(path);
        var rows = new float[r.Cells.Length];
        for (int row = 0; row < 300; row += 100) reader.ReadRows(row, 100, rows.AsSpan(row * 700, 100 * 700));
        Assert.Equal(r.Cells, rows);
    }

    [Fact]
    public void ReadInfo_PixelIsPoint_GivesGdalsHalfCellShift()
    {
        var dir = TestFiles.TempDir();
        var source = Path.Combine(dir, "area.tif");
        GeoTiff.Write(source, Sample(new GridSpec(2169, 1000, 2000, 10, 10, 40, 30), 2), TiffCompression.None);
        var point = Path.Combine(dir, "point.tif");
        TestFiles.Tool("gdal_translate", "-q", "-mo", "AREA_OR_POINT=Point", "-co", "TILED=YES", source, point);
        using var json = JsonDocument.Parse(TestFiles.Tool("gdalinfo", "-json", point));
        var gt = json.RootElement.GetProperty("geoTransform").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var grid = GeoTiff.ReadInfo(point).Grid;
        Assert.Equal((gt[0], gt[3]), (grid.OriginX, grid.OriginY));
    }

    [Theory]
    [InlineData(4326)]   // geographic: GeographicTypeGeoKey
    [InlineData(2056)]   // projected (Switzerland, Liechtenstein's analyses): ProjectedCSTypeGeoKey
    public void Write_GridWithOnlyAnEpsgCode_GdalinfoSeesThatCrs(int epsg)
    {
        var dir = TestFiles.TempDir();
        var path = Path.Combine(dir, "c.tif");
        var grid = epsg == 4326 ? new GridSpec(4326, 5.7, 50.2, 0.001, 0.001, 300, 260) : new GridSpec(2056, 2750000, 1250000, 10, 10, 300, 260);
        var r = Sample(grid, 3);
        GeoTiff.Write(path, r);
        using var json = JsonDocument.Parse(TestFiles.Tool("gdalinfo", "-json", path));
        Assert.Contains($"ID[\"EPSG\",{epsg}]", json.RootElement.GetProperty("coordinateSystem").GetProperty("wkt").GetString());
        Assert.Equal(epsg, GeoTiff.ReadInfo(path).Grid.Srid);
        Assert.Equal(r.Cells, GeoTiff.ReadBand(path).Cells);
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("none")]
    [InlineData("deflate:3")]
    [InlineData("lzw")]
    public void WriteRows_StripsInAnyOrder_GdalDecodesTheCellsWritten(string codec)
    {
        Assert.True(TiffCompression.TryParse(codec, out var compression));
        var dir = TestFiles.TempDir();
        var r = Sample(new GridSpec(2169, 40000, 140000, 10, 10, 600, 700), 4);
        var path = Path.Combine(dir, "rows.tif");
        using (var w = GeoTiffWriter.CreateFloat32(path, r.Grid, compression))
        {
            // Strips of 90 rows that straddle the 256-row tile bands, in a scrambled order, the last one short.
            var starts = Enumerable.Range(0, 8).Select(k => k * 90).OrderBy(k => (k * 37) % 11).ToArray();
            foreach (int row in starts) w.WriteRows(row, Math.Min(90, 700 - row), r.Rows(row, Math.Min(90, 700 - row)));
        }
        var raw = Path.Combine(dir, "rows.raw");
        TestFiles.Tool("gdal_translate", "-q", "-of", "ENVI", path, raw);
        var decoded = new float[r.Cells.Length];
        File.ReadAllBytes(raw).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(decoded.AsSpan()));
        Assert.Equal(r.Cells.Select(v => float.IsNaN(v) ? -9999f : v), decoded);
    }

    [Fact]
    public void WriteRows_SomeRowsNeverWritten_AreNoDataInGdal()
    {
        var dir = TestFiles.TempDir();
        var r = Sample(new GridSpec(2169, 40000, 140000, 10, 10, 300, 300), 5);
        var path = Path.Combine(dir, "partial.tif");
        using (var w = GeoTiffWriter.CreateFloat32(path, r.Grid))
            w.WriteRows(0, 200, r.Rows(0, 200));
        // Decoded by GDAL, not by this project's reader.
        var raw = Path.Combine(dir, "partial.raw");
        TestFiles.Tool("gdal_translate", "-q", "-of", "ENVI", path, raw);
        var decoded = new float[r.Cells.Length];
        File.ReadAllBytes(raw).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(decoded.AsSpan()));
        Assert.Equal(r.Cells.AsSpan(0, 200 * 300).ToArray().Select(v => float.IsNaN(v) ? -9999f : v), decoded.AsSpan(0, 200 * 300).ToArray());
        Assert.All(decoded.AsSpan(200 * 300).ToArray(), v => Assert.Equal(-9999f, v));
        Assert.All(GeoTiff.ReadBand(path).Cells.AsSpan(200 * 300).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("none")]
    public void ReadBand_TruncatedFile_ThrowsNamingTheFile(string codec)
    {
        Assert.True(TiffCompression.TryParse(codec, out var compression));
        var dir = TestFiles.TempDir();
        var path = Path.Combine(dir, "cut.tif");
        GeoTiff.Write(path, Sample(new GridSpec(2169, 40000, 140000, 10, 10, 600, 600), 6), compression);
        using (var f = File.Open(path, FileMode.Open)) f.SetLength(f.Length / 2);
        var e = Assert.Throws<RasterFileException>(() => GeoTiff.ReadBand(path));
        Assert.Contains("cut.tif", e.Message);
    }
}
