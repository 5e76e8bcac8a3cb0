using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Cli.Tests.Raster;

/// <summary>`klimapakt raster …` as a consultant runs it: no database, the output codec chosen with --compress.</summary>
public sealed class RasterCommandsTests
{
    private static (int ExitCode, string Output) Klimapakt(params string[] args) => CliProcess.Managed(args);

    private static (int ExitCode, string Output) Tool(string tool, string[] args) => CliProcess.Run(tool, args);

    private static string Layer(string dir)
    {
        var grid = new GridSpec(2169, 40000, 140000, 10, 10, 300, 270);
        var r = new Raster<float>(grid);
        var rng = new Random(2);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = rng.NextDouble() < 0.03 ? float.NaN : (float)rng.NextDouble();
        var path = Path.Combine(dir, "a.tif");
        GeoTiff.Write(path, r, TiffCompression.None);
        return path;
    }

    [Theory]
    [InlineData(null, "ZSTD")]
    [InlineData("none", null)]
    [InlineData("zstd:5", "ZSTD")]
    [InlineData("deflate:3", "DEFLATE")]
    [InlineData("lzw+p2", "LZW")]
    public void Score_Compress_WritesThatCodecWithTheSameCellsAndNoDatabase(string? compress, string? gdalName)
    {
        var dir = Directory.CreateTempSubdirectory("kp-cli-raster").FullName;
        var input = Layer(dir);
        var output = Path.Combine(dir, "o.tif");
        string[] args = ["raster", "score", "--layer", input + ":1", "--out", output];
        var (code, text) = Klimapakt(compress is null ? args : [.. args, "--compress", compress]);
        Assert.True(code == 0, text);
        var (infoCode, info) = Tool("gdalinfo", [output]);
        Assert.Equal(0, infoCode);
        if (gdalName is null) Assert.DoesNotContain("COMPRESSION=", info);
        else Assert.Contains("COMPRESSION=" + gdalName, info);
        Assert.Equal(GeoTiff.ReadBand(input).Cells, GeoTiff.ReadBand(output).Cells);
    }

    [Fact]
    public void Score_UnknownCompress_ExitCode2NamingTheChoices()
    {
        var dir = Directory.CreateTempSubdirectory("kp-cli-raster").FullName;
        var (code, text) = Klimapakt("raster", "score", "--layer", Layer(dir) + ":1", "--out", Path.Combine(dir, "o.tif"), "--compress", "gzip");
        Assert.Equal(2, code);
        Assert.Contains("--compress must be none, zstd", text);
        Assert.Contains("'gzip'", text);
    }

    [Fact]
    public void Score_OutIsALayer_FileErrorNamingItAndTheLayerKept()
    {
        var dir = Directory.CreateTempSubdirectory("kp-cli-raster").FullName;
        var layer = Layer(dir);
        var before = File.ReadAllBytes(layer);
        var (code, text) = Klimapakt("raster", "score", "--layer", layer + ":1", "--out", layer);
        Assert.Equal(1, code);
        Assert.Contains(layer + ": is also an input", text);
        Assert.Equal(before, File.ReadAllBytes(layer));
    }

    [Fact]
    public void Cost_Threads_SameCellsAsSequentialAndNegativeIsAUsageError()
    {
        var dir = Directory.CreateTempSubdirectory("kp-cli-raster").FullName;
        var grid = new GridSpec(2169, 40000, 140000, 10, 10, 300, 270);
        var cost = new Raster<float>(grid);
        var rng = new Random(4);
        for (int i = 0; i < cost.Cells.Length; i++) cost.Cells[i] = rng.NextDouble() < 0.02 ? float.NaN : 1 + 99 * (float)rng.NextDouble();
        cost[10, 10] = 1;
        cost[250, 200] = 1;
        var input = Path.Combine(dir, "cost.tif");
        GeoTiff.Write(input, cost);
        string[] common = ["raster", "cost", "--cost", input, "--from", "40105,139895", "--from", "42505,137995"];
        var (c1, t1) = Klimapakt([.. common, "--out", Path.Combine(dir, "seq.tif")]);
        Assert.True(c1 == 0, t1);
        var (c2, t2) = Klimapakt([.. common, "--out", Path.Combine(dir, "par.tif"), "--threads", "2"]);
        Assert.True(c2 == 0, t2);
        Assert.Equal(GeoTiff.ReadBand(Path.Combine(dir, "seq.tif")).Cells, GeoTiff.ReadBand(Path.Combine(dir, "par.tif")).Cells);
        var (c3, t3) = Klimapakt([.. common, "--out", Path.Combine(dir, "x.tif"), "--threads", "-1"]);
        Assert.Equal(2, c3);
        Assert.Contains("--threads", t3);
    }
}
