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

    [Theory]
    [InlineData(TiffCompression.Deflate)]
    [InlineData(TiffCompression.None)]
    public void Write_Float32_GdalinfoSeesGeoreferencingCrsNoDataTilesAndCompression(TiffCompression compression)
    {
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
        if (compression == TiffCompression.Deflate) Assert.Equal("DEFLATE", structure.GetProperty("COMPRESSION").GetString());
        else Assert.False(structure.TryGetProperty("COMPRESSION", out _));

        var back = GeoTiff.ReadBand(path);
        Assert.Equal(r.Grid with { CrsWkt = back.Grid.CrsWkt }, back.Grid);
        Assert.Equal(2169, back.Grid.Srid);
        Assert.Equal(r.Cells, back.Cells); // NaN → −9999 on write, −9999 → NaN on read: bit-identical round trip
    }

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
        GeoTiff.Write(Path.Combine(dir, "n.tif"), r, TiffCompression.None);
        Assert.Equal(GeoTiff.ReadBand(Path.Combine(dir, "d.tif")).Cells, GeoTiff.ReadBand(Path.Combine(dir, "n.tif")).Cells);
    }

    [Fact]
    public void ForEachStrip_DirectAndGdalPaths_DeliverEveryRowOnce()
    {
        var dir = TestFiles.TempDir();
        var grid = new GridSpec(2169, 0, 1000, 1, 1, 300, 600);
        var r = new Raster<byte>(grid);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = (byte)(i * 31 % 251);
        foreach (var c in new[] { TiffCompression.None, TiffCompression.Deflate })
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
    [InlineData(Resampling.Nearest, "near")]
    [InlineData(Resampling.Bilinear, "bilinear")]
    public void ReadOnto_Wgs84ElevationOnto1kmLuref_EqualsGdalwarp(Resampling resampling, string gdalName)
    {
        var src = TestFiles.RepoData("lu/raster/lu_elevation_30arcsec.tif");
        var grid = GridSpec.Covering(2169, 48000, 57000, 107000, 139000, 1000);
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
        Assert.InRange(valid, 1500, 3000); // Luxembourg is ~2 586 km²
        Assert.InRange(ours.Cells.Where(float.IsFinite).Max(), 400f, 560f);
    }
}
