using System.Diagnostics;
using KlimaPakt.Geo.TestSupport;

namespace KlimaPakt.Geo.Cli.Tests;

public sealed class CliDatabaseFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;

    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync("klimapakt_test_cli", loadBundle: true);

    public async Task DisposeAsync() => await Db.DisposeAsync();
}

/// <summary>The `klimapakt` executable as a consultant runs it: exit codes, error lines naming the file, progress and results.</summary>
public sealed class CliTests(CliDatabaseFixture fixture) : IClassFixture<CliDatabaseFixture>
{
    private static async Task<(int ExitCode, string Output)> KlimapaktAsync(string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestDatabase.RepositoryRoot };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "klimapakt.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["KLIMAPAKT_DB"] = connectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task ImportLayer_EmptyFile_ExitCode2AndTheFileNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"klimapakt-empty-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(path, "");
        try
        {
            var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "import", "layer", "--region", "lu", "--layer", "places", path);
            Assert.Equal(2, code);
            Assert.Contains("error:", output);
            Assert.Contains(Path.GetFileName(path), output);
            Assert.Contains("empty", output);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Indicators_ByCanton_CsvFileWithOneRowPerCanton()
    {
        var path = Path.Combine(Path.GetTempPath(), $"klimapakt-indicators-{Guid.NewGuid():N}.csv");
        try
        {
            var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "indicators", "--region", "lu", "--by", "canton", "--out", path);
            Assert.True(code == 0, output);
            var lines = await File.ReadAllLinesAsync(path);
            Assert.Equal(13, lines.Length); // the header and the 12 cantons
            var header = lines[0].Split(',');
            Assert.Equal(["unit", "code", "name", "communes", "population", "area_km2"], header[..6]);
            // The cantons' residents sum to the country's (STATEC, 1 January 2023: 660,809); canton names hold no comma.
            Assert.Equal(660_809, lines[1..].Sum(l => double.Parse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(100, lines[1..].Sum(l => int.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task IndicatorsAndGroups_BadInput_ExitCode2NamingIt()
    {
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "indicators", "--region", "lu", "--by", "parish");
        Assert.Equal(2, code);
        Assert.Contains("parish", output);
        var path = Path.Combine(Path.GetTempPath(), $"klimapakt-groups-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "kind,code,name,commune,source\nspace,x,X,Atlantis,test\n");
        try
        {
            (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "import", "groups", "--region", "lu", path);
            Assert.Equal(2, code);
            Assert.Contains(Path.GetFileName(path), output);
            Assert.Contains("'Atlantis'", output);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Export_QueuedOrUnknownRun_ExitCode2()
    {
        var runs = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<KlimaPakt.Geo.Data.Runs.RunService>(fixture.Db.Services);
        var queued = await runs.CreateAsync(new("ev", "lu", ["0204"], System.Text.Json.JsonDocument.Parse("{}").RootElement));
        var folder = Path.Combine(Path.GetTempPath(), $"klimapakt-export-{Guid.NewGuid():N}");
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "export", queued.Id.ToString(), "--out", folder);
        await fixture.Db.ScalarAsync<long>($"WITH d AS (DELETE FROM analysis_runs WHERE id = '{queued.Id}' RETURNING 1) SELECT count(*) FROM d");
        Assert.Equal(2, code);
        Assert.Contains("not published", output);
        (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "export", Guid.NewGuid().ToString(), "--out", folder);
        Assert.Equal(2, code);
        Assert.Contains("Unknown run", output);
    }

    [Fact]
    public async Task ReportAndCompare_PublishedEvRun_FilesAndSummary_BadInputExitCode2()
    {
        var runs = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<KlimaPakt.Geo.Data.Runs.RunService>(fixture.Db.Services);
        var run = await runs.CreateAsync(new("ev", "lu", ["0204", "0205"], System.Text.Json.JsonDocument.Parse("{}").RootElement));
        run = await runs.ExecuteAsync(run.Id);
        Assert.Equal(KlimaPakt.Geo.Data.Entities.RunStatus.Published, run.Status);
        var folder = Path.Combine(Path.GetTempPath(), $"klimapakt-report-{Guid.NewGuid():N}");
        try
        {
            var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "report", "--commune", "0204", "--out", folder);
            Assert.True(code == 0, output);
            var html = await File.ReadAllTextAsync(Path.Combine(folder, "report_lu_0204.html"));
            Assert.Contains("<h1>Esch-sur-Alzette</h1>", html, StringComparison.Ordinal);
            Assert.Contains(run.Id.ToString(), html, StringComparison.Ordinal);
            Assert.Contains("data-metric=\"ev_covered_pct\"", html, StringComparison.Ordinal);

            // A run compared with itself: the summary says nothing changes; the difference layer has no feature.
            var geojson = Path.Combine(folder, "difference.geojson");
            (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "compare", run.Id.ToString(), run.Id.ToString(), "--out",
                Path.Combine(folder, "diff.csv"), "--difference", geojson);
            Assert.True(code == 0, output);
            Assert.Contains("nothing changes", output, StringComparison.Ordinal);
            Assert.Contains("0.00 km² gained, 0.00 km² lost", output, StringComparison.Ordinal);
            using var layer = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(geojson));
            Assert.Equal(0, layer.RootElement.GetProperty("features").GetArrayLength());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        foreach (var args in new[]
        {
            new[] { "report", "--commune", "9999", "--out", folder },
            ["report", "--commune", "0204", "--group", "space/nordstad", "--out", folder],
            ["report", "--group", "space/nordstad", "--out", folder],
            ["report", "--group", "space/atlantis", "--region", "lu", "--out", folder],
        })
        {
            var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: {output}");
            Assert.Contains("error:", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunEv_NegativeRadius_ExitCode2AndNoRunCreated()
    {
        var before = await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "run", "ev", "--region", "lu", "--radius-meters", "-5");
        Assert.Equal(2, code);
        Assert.Contains("RadiusMeters must be > 0", output);
        Assert.Equal(before, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Fact]
    public async Task GeothermalBorehole_Json_ReferenceValuesAndEachInputsSource()
    {
        // λ 2, T0 10 °C, a 150 m borehole: Q scales with L, so 910.209 W × 1.5 = 1365.31 W; E = 11.9601 MWh/yr.
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "geothermal", "borehole", "--x", "1", "--y", "2", "--conductivity", "2",
            "--ground-temperature", "10", "--length", "150", "--json");
        Assert.Equal(0, code);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(1365.31, root.GetProperty("powerWatts").GetDouble(), 2);
        Assert.Equal(11.9601, root.GetProperty("energyMwhPerYear").GetDouble(), 4);
        foreach (var key in new[] { "boreholeResistance", "gFunction", "restricted", "inputs" }) Assert.True(root.TryGetProperty(key, out _), key);
        Assert.Equal("given", root.GetProperty("inputs").GetProperty("length").GetProperty("source").GetString());
        Assert.Equal("default", root.GetProperty("inputs").GetProperty("seasonDays").GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("--conductivity", "0", "Ground conductivity")]
    [InlineData("--fluid-temperature-min", "11", "Minimum fluid temperature")]
    [InlineData("--season-days", "366", "Heating season")]
    public async Task GeothermalBorehole_BadParameter_ExitCode2WithTheProblem(string option, string value, string expected)
    {
        List<string> args = ["geothermal", "borehole", "--x", "1", "--y", "2", "--ground-temperature", "10", option, value];
        if (option != "--conductivity") args.AddRange(["--conductivity", "2"]);
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, [.. args]);
        Assert.Equal(2, code);
        Assert.Contains(expected, output);
    }

    [Fact]
    public async Task GeothermalBorehole_PointOutsideTheRegion_ExitCode2()
    {
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "geothermal", "borehole", "--region", "lu", "--x", "0", "--y", "0");
        Assert.Equal(2, code);
        Assert.Contains("outside every commune of region 'lu'", output);
    }

    [Fact]
    public async Task RunEv_OneCommune_PublishedWithStageTimingsAndListed()
    {
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "run", "ev", "--region", "lu", "--commune", "0204", "--new-sites", "1");
        Assert.True(code == 0, output);
        Assert.Contains("published", output);
        Assert.Contains("compute", output);
        var (listCode, list) = await KlimapaktAsync(fixture.Db.ConnectionString, "runs", "--kind", "ev");
        Assert.Equal(0, listCode);
        Assert.Contains("Published", list);
    }

    [Fact]
    public async Task RunHelp_OptionsGeneratedFromTheParametersRecord_WithXmlDocsAndDefaults()
    {
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "run", "wind", "--help");
        Assert.Equal(0, code);
        // WindParameters.CellSizeMeters: its XML summary and its default (10) from the record.
        Assert.Matches(@"--cell-size-meters\b.*Cell size of the analysis grid, in metres\. \[default: 10\]", output);
        Assert.Matches(@"--height-law\b.*\(power \| log\)", output);
        Assert.Matches(@"--modelled-speed-per-100-meters-elevation\b", output);
        (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "run", "ev", "--help");
        Assert.Matches(@"--radius-meters\b.*\[default: 500\]", output);
    }

    [Fact]
    public async Task RunCorridors_GeneratedOptionsAndBadTrame_HelpListsThemAndExitCode2()
    {
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "run", "corridors", "--help");
        Assert.Equal(0, code);
        Assert.Matches(@"--trame\b.*green, blue, black or all\. \[default: all\]", output);
        Assert.Matches(@"--cell-size-meters\b.*\[default: 25\]", output);
        Assert.Matches(@"--species\b", output);
        Assert.Matches(@"--min-patch-area-hectares\b", output);
        var before = await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "run", "corridors", "--region", "lu", "--trame", "purple");
        Assert.Equal(2, code);
        Assert.Contains("Trame must be green, blue, black or all (got 'purple')", output);
        Assert.Equal(before, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Fact]
    public async Task RunEv_GeneratedOptions_StoredInTheRunsParameters()
    {
        var (code, output) = await KlimapaktAsync(fixture.Db.ConnectionString, "run", "ev", "--region", "lu", "--commune", "0204", "--new-sites", "2",
            "--cell-size-meters", "200", "--network-distance");
        Assert.True(code == 0, output);
        var parameters = await fixture.Db.ScalarAsync<string>("SELECT parameters::text FROM analysis_runs WHERE kind = 'ev' ORDER BY created_at DESC LIMIT 1");
        using var json = System.Text.Json.JsonDocument.Parse(parameters);
        Assert.Equal(200, json.RootElement.GetProperty("cellSizeMeters").GetDouble());
        Assert.Equal(2, json.RootElement.GetProperty("newSites").GetInt32());
        Assert.True(json.RootElement.GetProperty("networkDistance").GetBoolean());
        Assert.Equal(500, json.RootElement.GetProperty("radiusMeters").GetDouble()); // the record's default, stored in full
    }

    [Fact]
    public async Task AnyCommand_DatabaseUnreachable_ExitCode3WithTheFix()
    {
        var (code, output) = await KlimapaktAsync("Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=3", "db", "migrate");
        Assert.Equal(3, code);
        Assert.Contains("scripts/postgis.sh up", output);
    }
}
