using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Cli.Tests.Raster;

/// <summary>
/// `klimapakt` as scripts/publish-cli.sh installs it: the ahead-of-time compiled front door (KlimaPakt.Geo.Cli.Native),
/// published here once, with this build's managed CLI linked beside it as klimapakt-dotnet.
/// </summary>
public sealed class NativeFrontDoor
{
    public NativeFrontDoor()
    {
        var dir = Directory.CreateTempSubdirectory("kp-native-cli").FullName;
        var publish = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestSupport.TestDatabase.RepositoryRoot,
        };
        foreach (var a in (string[])["publish", "src/KlimaPakt.Geo.Cli.Native", "-c", "Release", "-r", "linux-x64", "-nologo", "-o", Path.Combine(dir, "publish")])
            publish.ArgumentList.Add(a);
        // The test host's MSBuild settings belong to its own build, not to this one.
        foreach (var key in publish.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            publish.Environment.Remove(key);
        using var process = System.Diagnostics.Process.Start(publish)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish of the native front door failed:\n{stdout.Result}{stderr.Result}");
        Bin = Path.Combine(dir, "bin");
        Directory.CreateDirectory(Bin);
        File.Copy(Path.Combine(dir, "publish", "klimapakt-native"), Executable);
        File.CreateSymbolicLink(Path.Combine(Bin, "klimapakt-dotnet"), Path.Combine(AppContext.BaseDirectory, "klimapakt"));
    }

    public string Bin { get; }

    public string Executable => Path.Combine(Bin, "klimapakt");
}

/// <summary>The native front door gives what the managed CLI gives: the same cells, errors and exit codes.</summary>
public sealed class NativeFrontDoorTests(NativeFrontDoor native) : IClassFixture<NativeFrontDoor>
{
    // Several 256-cell tiles in each direction, so the tile-parallel paths run; NoData scattered through the layers.
    private static readonly GridSpec Grid = new(2169, 40000, 140000, 10, 10, 700, 530);

    private (int ExitCode, string Output) Native(params string[] args) => CliProcess.Run(native.Executable, args);

    private static string Write(string dir, string name, int seed, Func<Random, float> cell, TiffCompression? compression = null)
    {
        var r = new Raster<float>(Grid);
        var rng = new Random(seed);
        for (int i = 0; i < r.Cells.Length; i++) r.Cells[i] = cell(rng);
        var path = Path.Combine(dir, name);
        GeoTiff.Write(path, r, compression ?? TiffCompression.None);
        return path;
    }

    public static TheoryData<string, string?> Commands => new()
    {
        { "score", null },
        { "score", "none" },
        { "score", "deflate" },
        { "score-lzw-input", "lzw+p2" },
        { "distance", null },
        { "cost", null },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Raster_SameCellsExitCodeAndCodecAsTheManagedCli(string command, string? compress)
    {
        var dir = Directory.CreateTempSubdirectory("kp-native-raster").FullName;
        string Out(string who) => Path.Combine(dir, who + ".tif");
        string[] args = command switch
        {
            "score" =>
            [
                "raster", "score",
                "--layer", Write(dir, "a.tif", 1, r => r.NextDouble() < 0.03 ? float.NaN : (float)r.NextDouble()) + ":0.7",
                "--layer", Write(dir, "b.tif", 2, r => 100 * (float)r.NextDouble()) + ":0.3",
                "--mask", Write(dir, "m.tif", 3, r => r.NextDouble() < 0.1 ? 1 : 0),
            ],
            // LZW with a predictor: read through GDAL, whose calls the ahead-of-time build marshals at compile time.
            "score-lzw-input" => ["raster", "score", "--layer", Write(dir, "a.tif", 4, r => (float)r.NextDouble(), new TiffCompression(TiffCodec.Lzw, Predictor: 3)) + ":2"],
            "distance" => ["raster", "distance", "--features", Write(dir, "f.tif", 5, r => r.NextDouble() < 0.001 ? 1 : 0)],
            "cost" =>
            [
                "raster", "cost", "--cost", Write(dir, "c.tif", 6, r => r.NextDouble() < 0.02 ? float.NaN : 1 + 99 * (float)r.NextDouble()),
                "--from", "40105,139895", "--from", "45005,137005",
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        if (compress is not null) args = [.. args, "--compress", compress];

        var (managedCode, managedText) = CliProcess.Managed([.. args, "--out", Out("managed")]);
        var (nativeCode, nativeText) = Native([.. args, "--out", Out("native")]);

        Assert.True(managedCode == 0, managedText);
        Assert.True(nativeCode == 0, nativeText);
        var expected = GeoTiff.ReadBand(Out("managed"));
        var actual = GeoTiff.ReadBand(Out("native"));
        Assert.Equal(expected.Grid, actual.Grid);
        Assert.Equal(expected.Cells, actual.Cells);
        Assert.Contains(expected.Cells, float.IsFinite);
        Assert.Equal(Codec(Out("managed")), Codec(Out("native")));
    }

    private static string? Codec(string path)
    {
        var (code, info) = CliProcess.Run("gdalinfo", [path]);
        Assert.Equal(0, code);
        return info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("COMPRESSION=", StringComparison.Ordinal));
    }

    [Fact]
    public void Raster_BadInput_SameMessageAndExitCodeAsTheManagedCli()
    {
        var dir = Directory.CreateTempSubdirectory("kp-native-raster").FullName;
        var missing = Path.Combine(dir, "missing.tif");
        var corrupt = Path.Combine(dir, "corrupt.tif");
        File.WriteAllBytes(corrupt, [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x07]);
        string[][] cases =
        [
            ["raster", "score", "--layer", missing + ":1", "--out", Path.Combine(dir, "o.tif")],
            ["raster", "distance", "--features", corrupt, "--out", Path.Combine(dir, "o.tif")],
            ["raster", "score", "--layer", "a.tif", "--out", Path.Combine(dir, "o.tif")],
            ["raster", "cost", "--cost", corrupt, "--from", "1,2", "--out", Path.Combine(dir, "o.tif"), "--compress", "gzip"],
        ];
        foreach (var args in cases)
        {
            var (managedCode, managedText) = CliProcess.Managed(args);
            var (nativeCode, nativeText) = Native(args);
            Assert.NotEqual(0, managedCode);
            Assert.Equal(managedCode, nativeCode);
            Assert.Equal(managedText, nativeText);
        }
    }

    [Fact]
    public void OtherCommands_HandedToTheManagedCliWithArgumentsEnvironmentAndExitCode()
    {
        // --version is the managed CLI's (the informational version of its assembly).
        var (vCode, vText) = Native("--version");
        Assert.Equal(0, vCode);
        Assert.Equal(CliProcess.Managed("--version").Output, vText);

        // The environment goes along: `db url` prints the KLIMAPAKT_DB this process was given.
        var (urlCode, urlText) = Native("db", "url");
        Assert.Equal(0, urlCode);
        Assert.Contains("Port=1;", urlText);

        // A command that needs the (unreachable) database: exit code 3, as the managed CLI gives it.
        var (runsCode, _) = Native("runs");
        Assert.Equal(3, CliProcess.Managed("runs").ExitCode);
        Assert.Equal(3, runsCode);

        // An unknown command: System.CommandLine's parse error from the managed CLI, same text and exit code.
        var unknown = CliProcess.Managed("no-such-command");
        Assert.Equal(unknown, Native("no-such-command"));
        Assert.NotEqual(0, unknown.ExitCode);
    }

    [Fact]
    public void OtherCommands_WithoutTheManagedCliBeside_ErrorNamingWhereItShouldBe()
    {
        var dir = Directory.CreateTempSubdirectory("kp-native-alone").FullName;
        var alone = Path.Combine(dir, "klimapakt");
        File.Copy(native.Executable, alone); // File.Copy keeps the mode (executable) on Unix
        var (code, text) = CliProcess.Run(alone, ["runs"]);
        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(dir, "klimapakt-dotnet"), text);
        Assert.Contains("scripts/publish-cli.sh", text);
    }
}
