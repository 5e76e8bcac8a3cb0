using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Cli.Tests.Raster;

/// <summary>`klimapakt raster current` on GeoTIFFs: a circuit with a hand-computed answer, and each bad input → exit 2.</summary>
public sealed class CircuitCommandsTests
{
    private static readonly GridSpec Grid = new(2169, 40000, 140000, 10, 10, 7, 4);

    private static (int ExitCode, string Output) Klimapakt(params string[] args) => CliProcess.Managed(args);

    private static string Write(string dir, string name, GridSpec grid, Func<int, int, float> value)
    {
        var r = new Raster<float>(grid);
        for (int y = 0; y < grid.Height; y++)
            for (int x = 0; x < grid.Width; x++) r[x, y] = value(x, y);
        var path = Path.Combine(dir, name);
        GeoTiff.Write(path, r, TiffCompression.None);
        return path;
    }

    /// <summary>Uniform 1 Ω cells, 1 A into every left-column cell, right column grounded (see the solver's tests).</summary>
    private static (string Dir, string R, string S, string G) Uniform()
    {
        var dir = Directory.CreateTempSubdirectory("kp-cli-circuit").FullName;
        return (dir, Write(dir, "r.tif", Grid, (_, _) => 1), Write(dir, "s.tif", Grid, (x, _) => x == 0 ? 1 : 0),
            Write(dir, "g.tif", Grid, (x, _) => x == Grid.Width - 1 ? 1 : 0));
    }

    [Fact]
    public void Current_UniformGridFourNeighbours_LinearVoltageAndOneAmpPerRow()
    {
        // 4 neighbours, 1 Ω links: each row is a chain of 6 links carrying 1 A, so V = 6 − x volts, and every node
        // (source and ground included) passes 1 A: ½(1 A in + 1 A out).
        var (dir, r, s, g) = Uniform();
        string cur = Path.Combine(dir, "i.tif"), volt = Path.Combine(dir, "v.tif");
        var (code, text) = Klimapakt("raster", "current", "--resistance", r, "--sources", s, "--grounds", g, "--out", cur,
            "--voltage-out", volt, "--four-neighbours");
        Assert.True(code == 0, text);
        Assert.Matches(@"current: 7x4 cells, 28 solved \(4 grounds\), \d+ iterations, residual [0-9.E+-]+, [0-9.]+ s", text);
        var v = GeoTiff.ReadBand(volt);
        var i = GeoTiff.ReadBand(cur);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 7; x++)
            {
                Assert.Equal(6 - x, v[x, y], 1e-5);
                Assert.Equal(1, i[x, y], 1e-5);
            }
    }

    [Fact]
    public void Current_Conductance_SameAsTheResistanceItInverts()
    {
        // Cells of 2 Ω given as 0.5 S: the same circuit, voltages twice those of 1 Ω cells (V = 2·(6 − x)).
        var (dir, _, s, g) = Uniform();
        var c = Write(dir, "c.tif", Grid, (_, _) => 0.5f);
        string volt = Path.Combine(dir, "v.tif");
        var (code, text) = Klimapakt("raster", "current", "--resistance", c, "--conductance", "--sources", s, "--grounds", g,
            "--out", Path.Combine(dir, "i.tif"), "--voltage-out", volt, "--four-neighbours");
        Assert.True(code == 0, text);
        Assert.Equal(12, GeoTiff.ReadBand(volt)[0, 2], 1e-5);
    }

    [Fact]
    public void Current_NoGround_Exit2()
    {
        var (dir, r, s, _) = Uniform();
        var none = Write(dir, "g0.tif", Grid, (_, _) => 0);
        var (code, text) = Klimapakt("raster", "current", "--resistance", r, "--sources", s, "--grounds", none, "--out", Path.Combine(dir, "i.tif"));
        Assert.Equal(2, code);
        Assert.Contains("no ground", text);
    }

    [Fact]
    public void Current_SourceAndGroundOnOneCell_Exit2NamingTheCell()
    {
        var (dir, r, s, _) = Uniform();
        var g = Write(dir, "g1.tif", Grid, (x, y) => x == 0 && y == 2 ? 1 : 0);
        var (code, text) = Klimapakt("raster", "current", "--resistance", r, "--sources", s, "--grounds", g, "--out", Path.Combine(dir, "i.tif"));
        Assert.Equal(2, code);
        Assert.Contains("column 0, row 2 is both a source (1 A) and a ground", text);
    }

    [Fact]
    public void Current_NegativeResistance_Exit2NamingTheFileAndCell()
    {
        var (dir, _, s, g) = Uniform();
        var r = Write(dir, "neg.tif", Grid, (x, y) => x == 3 && y == 1 ? -5 : 1);
        var (code, text) = Klimapakt("raster", "current", "--resistance", r, "--sources", s, "--grounds", g, "--out", Path.Combine(dir, "i.tif"));
        Assert.Equal(2, code);
        Assert.Contains("neg.tif: resistance -5 at column 3, row 1", text);
    }

    [Fact]
    public void Current_RastersOnDifferentGrids_Exit2NamingTheFile()
    {
        var (dir, r, s, _) = Uniform();
        var g = Write(dir, "shifted.tif", Grid with { OriginX = 40010 }, (x, _) => x == 6 ? 1 : 0);
        var (code, text) = Klimapakt("raster", "current", "--resistance", r, "--sources", s, "--grounds", g, "--out", Path.Combine(dir, "i.tif"));
        Assert.Equal(2, code);
        Assert.Contains("shifted.tif is not on the grid of", text);
    }

    [Fact]
    public void Current_IterationCapReached_Exit2WithTheResidual()
    {
        var dir = Directory.CreateTempSubdirectory("kp-cli-circuit").FullName;
        var grid = new GridSpec(2169, 40000, 140000, 10, 10, 90, 70);
        var rng = new Random(3);
        var cells = Enumerable.Range(0, 90 * 70).Select(_ => (float)(1 + 99 * rng.NextDouble())).ToArray();
        var r = Write(dir, "r.tif", grid, (x, y) => cells[y * 90 + x]);
        var s = Write(dir, "s.tif", grid, (x, y) => x == 10 && y == 10 ? 1 : 0);
        var g = Write(dir, "g.tif", grid, (x, y) => x == 80 && y == 60 ? 1 : 0);
        var (code, text) = Klimapakt("raster", "current", "--resistance", r, "--sources", s, "--grounds", g, "--out", Path.Combine(dir, "i.tif"),
            "--max-iterations", "1");
        Assert.Equal(2, code);
        Assert.Matches(@"no convergence within 1 iterations: relative residual [0-9.E+-]+ reached, tolerance 1E-08", text);
    }

    [Fact]
    public void Omniscape_UniformResistance_NormalisedOneAndTheThreeOutputs()
    {
        // On a uniform resistance the cumulative current IS the flow potential: normalised = 1 on every cell.
        var dir = Directory.CreateTempSubdirectory("kp-cli-omni").FullName;
        var grid = new GridSpec(2169, 40000, 140000, 10, 10, 25, 20);
        var r = Write(dir, "r.tif", grid, (_, _) => 3);
        var s = Write(dir, "s.tif", grid, (x, y) => (x * 7 + y * 3) % 5);
        string cum = Path.Combine(dir, "c.tif"), fp = Path.Combine(dir, "f.tif"), norm = Path.Combine(dir, "n.tif");
        var (code, text) = Klimapakt("raster", "omniscape", "--resistance", r, "--sources", s, "--radius-meters", "55",
            "--block-size", "3", "--out", cum, "--flow-potential-out", fp, "--normalised-out", norm);
        Assert.True(code == 0, text);
        Assert.Matches(@"omniscape: 25x20 cells, \d+ windows", text);
        var c = GeoTiff.ReadBand(cum).Cells;
        var f = GeoTiff.ReadBand(fp).Cells;
        var n = GeoTiff.ReadBand(norm).Cells;
        Assert.True(c.All(v => v > 0));
        for (int i = 0; i < c.Length; i++)
        {
            Assert.Equal(f[i], c[i], 1e-4 * f[i]);
            Assert.Equal(1, n[i], 1e-4);
        }
    }

    [Fact]
    public void Omniscape_EvenBlockSize_Exit2()
    {
        var (dir, r, s, _) = Uniform();
        var (code, text) = Klimapakt("raster", "omniscape", "--resistance", r, "--sources", s, "--radius-meters", "30",
            "--block-size", "4", "--out", Path.Combine(dir, "c.tif"));
        Assert.Equal(2, code);
        Assert.Contains("--block-size must be a positive odd number of cells, not 4", text);
    }
}
