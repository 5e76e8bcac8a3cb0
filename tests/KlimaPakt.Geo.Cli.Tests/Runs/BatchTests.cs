using System.Text.Json;
using System.Text.RegularExpressions;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Cli.Tests.Runs;

public sealed class BatchDatabaseFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;

    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync("klimapakt_test_batch", loadBundle: true);

    public async Task DisposeAsync() => await Db.DisposeAsync();
}

/// <summary>
/// `klimapakt batch STUDY.json` as real processes on Liechtenstein (quick at coarse cells): a study completes and
/// publishes each run once; killed mid-study (SIGKILL) and run again, it publishes each run exactly once; two batch
/// processes on one study never execute a run twice; bad study files exit with 2 and create nothing.
/// </summary>
public sealed partial class BatchTests(BatchDatabaseFixture fixture) : IClassFixture<BatchDatabaseFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("klimapakt-batch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    private KlimapaktProcess Batch(params string[] args) => new(fixture.Db.ConnectionString, Path.Combine(_folder, "results"), ["batch", .. args]);

    private Task<T> ScalarAsync<T>(string sql) => fixture.Db.ScalarAsync<T>(sql);

    private KlimapaktProcess Export(string study, string folder) =>
        new(fixture.Db.ConnectionString, Path.Combine(_folder, "results"), "export", study, "--out", folder);

    /// <summary>Study item → (run id, status, executions) of every run of the study named <paramref name="name"/>.</summary>
    private async Task<List<(string Item, Guid Run, string Status, int Executions)>> RunsOfAsync(string name)
    {
        await using var command = fixture.Db.DataSource.CreateCommand("""
            SELECT r.study_item, r.id, r.status, r.executions FROM analysis_runs r JOIN studies s ON s.id = r.study_id
            WHERE s.name = $1 ORDER BY r.created_at, r.id
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = name });
        var rows = new List<(string, Guid, string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3)));
        return rows;
    }

    [GeneratedRegex("Executing run ([0-9a-f-]{36}) here")]
    private static partial Regex Executing();

    private static List<Guid> ExecutedBy(KlimapaktProcess process) => [.. Executing().Matches(process.Output).Select(m => Guid.Parse(m.Groups[1].Value))];

    /// <summary>Wind over Liechtenstein's Oberland at 25 m, one variant per settlement buffer: about 2–3 s a run.</summary>
    private static string WindStudy(string name, params int[] buffers) => $$"""
        {"name": "{{name}}", "region": "li", "groups": ["canton/Wahlkreis Oberland"],
         "analyses": [{"kind": "wind", "parameters": {"cellSizeMeters": 25, "outputCellSizeMeters": 100, "preset": "luxembourg-legal-minimum"},
           "variants": [{{string.Join(", ", buffers.Select(b => $$$"""{"name": "settlements-{{{b}}}m", "parameters": {"rules": [{"layer": "settlements", "bufferMeters": {{{b}}}}]}}"""))}}]}]}
        """;

    [Fact]
    public async Task Batch_ThreeKindsTwoVariants_EachRunPublishedOnceAndTheVariantsApplied()
    {
        var path = Write("unterland.json", """
            {
              "name": "Unterland three kinds",
              "region": "li",
              "groups": ["canton/Wahlkreis Unterland"],
              "analyses": [
                {"kind": "ev", "variants": [{"name": "one-site", "parameters": {"newSites": 1}}, {"name": "three-sites", "parameters": {"newSites": 3}}]},
                {"kind": "wind", "parameters": {"cellSizeMeters": 50, "outputCellSizeMeters": 100, "preset": "luxembourg-legal-minimum"},
                 "variants": [{"name": "settlements-300m", "parameters": {"rules": [{"layer": "settlements", "bufferMeters": 300}]}},
                              {"name": "settlements-1000m", "parameters": {"rules": [{"layer": "settlements", "bufferMeters": 1000}]}}]},
                {"kind": "geothermal", "parameters": {"cellSizeMeters": 50},
                 "variants": [{"name": "lambda-1.5", "parameters": {"conductivityWattsPerMeterKelvin": 1.5}},
                              {"name": "lambda-3", "parameters": {"conductivityWattsPerMeterKelvin": 3.0}}]}
              ]
            }
            """);
        using (var batch = Batch(path, "--concurrency", "2"))
        {
            Assert.True(await batch.ExitAsync() == 0, batch.Output);
            Assert.Contains("all 6 runs published", batch.Output);
            Assert.Equal(6, ExecutedBy(batch).Distinct().Count());
        }
        var runs = await RunsOfAsync("Unterland three kinds");
        Assert.Equal(6, runs.Count);
        Assert.Equal(6, runs.Select(r => r.Item).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(("Published", 1), (r.Status, r.Executions)));
        const string group = "canton/Wahlkreis Unterland";
        Guid RunOf(string kind, string variant) => runs.Single(r => r.Item == $"{kind}:{group}:{variant}").Run;

        // Each variant ran with its own parameters, and its results say so: greedy siting adds as many sites as asked,
        // a wider settlement buffer can only shrink the eligible area, a more conductive ground yields more heat.
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM results.ev_sites WHERE run_id = '{RunOf("ev", "one-site")}'"));
        Assert.Equal(3L, await ScalarAsync<long>($"SELECT count(*) FROM results.ev_sites WHERE run_id = '{RunOf("ev", "three-sites")}'"));
        double Metric(Guid run, string metric) => ScalarAsync<double>($"SELECT sum(value) FROM results.commune_metrics WHERE run_id = '{run}' AND metric = '{metric}'").Result;
        var near = Metric(RunOf("wind", "settlements-300m"), "wind_eligible_km2");
        var far = Metric(RunOf("wind", "settlements-1000m"), "wind_eligible_km2");
        Assert.True(far < near && near > 0, $"eligible {near} km² at 300 m, {far} km² at 1000 m");
        Assert.True(Metric(RunOf("geothermal", "lambda-3"), "geothermal_supply_gwh") > Metric(RunOf("geothermal", "lambda-1.5"), "geothermal_supply_gwh"));
        // The group's run covers its five communes.
        Assert.Equal(5L, await ScalarAsync<long>($"SELECT count(*) FROM results.wind_communes WHERE run_id = '{RunOf("wind", "settlements-300m")}'"));

        // The estimated peak the batch checked, by hand: the communes' box at 50 m cells × wind's 64 bytes per cell.
        var expected = await ScalarAsync<long>("""
            SELECT (ceil((ST_XMax(e) - ST_XMin(e)) / 50) * ceil((ST_YMax(e) - ST_YMin(e)) / 50) * 64)::bigint
            FROM (SELECT ST_Extent(geom) AS e FROM communes WHERE canton = 'Wahlkreis Unterland') s
            """);
        Assert.Equal(expected, await ScalarAsync<long>($"SELECT estimated_peak_bytes FROM analysis_runs WHERE id = '{RunOf("wind", "settlements-300m")}'"));

        // The same file again: the same study, nothing redone.
        using (var again = Batch(path))
        {
            Assert.True(await again.ExitAsync() == 0, again.Output);
            Assert.Contains("resumed: 6 of 6 runs already published, 0 queued again", again.Output);
            Assert.Empty(ExecutedBy(again));
        }
        Assert.Equal(6, (await RunsOfAsync("Unterland three kinds")).Count);

        // The finished study handed over in one command: a folder per item with its run's export, study.csv the index.
        var studyId = await ScalarAsync<Guid>("SELECT id FROM studies WHERE name = 'Unterland three kinds'");
        var handOver = Path.Combine(_folder, "hand-over");
        using (var export = Export(studyId.ToString(), handOver))
            Assert.True(await export.ExitAsync() == 0, export.Output);
        var index = File.ReadAllLines(Path.Combine(handOver, "study.csv"));
        Assert.Equal("item,kind,target,variant,run_id,folder", index[0]);
        Assert.Equal(6, index.Length - 1);
        foreach (var (item, run, _, _) in runs)
        {
            var line = Assert.Single(index, l => l.Contains(run.ToString(), StringComparison.Ordinal));
            var folder = line[(line.LastIndexOf(',') + 1)..];
            Assert.StartsWith(item.Split(':')[0] + "_", folder, StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(Path.Combine(handOver, folder), "*.gpkg"));
            Assert.Single(Directory.GetFiles(Path.Combine(handOver, folder), "*.csv"));
        }
    }

    [Fact]
    public async Task Batch_KilledMidStudyThenRunAgain_EachRunPublishedExactlyOnce()
    {
        const string name = "Oberland killed";
        var path = Write("killed.json", WindStudy(name, 300, 500, 700, 1000));
        List<(string Item, Guid Run, string Status, int Executions)> before;
        using (var batch = Batch(path, "--concurrency", "1"))
        {
            // Kill it (SIGKILL: no cleanup) once one run is published and the next computes.
            await WaitForPublishedAndComputingAsync(name, batch);
            batch.Process.Kill(entireProcessTree: true);
            await batch.Process.WaitForExitAsync();
            before = await RunsOfAsync(name);
        }
        // Its database session ends when the kernel closes its socket; its worker lock goes with it.
        for (var i = 0; i < 100 && await ScalarAsync<long>(
            $"SELECT count(*) FROM pg_locks l JOIN analysis_runs r ON l.objid = r.worker_lock::oid JOIN studies s ON s.id = r.study_id WHERE s.name = '{name}' AND l.locktype = 'advisory' AND l.classid = {RunWorkerLease.LockClass}") > 0; i++)
            await Task.Delay(100);
        var published = before.Where(r => r.Status == "Published").ToList();
        var killed = Assert.Single(before, r => r.Status == "Running");
        Assert.InRange(published.Count, 1, 3);

        // An unfinished study is not exported: exit 2 naming the item, nothing written.
        var notFinished = Path.Combine(_folder, "not-finished");
        using (var export = Export((await ScalarAsync<Guid>($"SELECT id FROM studies WHERE name = '{name}'")).ToString(), notFinished))
        {
            Assert.True(await export.ExitAsync() == 2, export.Output);
            Assert.Contains("not published", export.Output);
            Assert.Contains(killed.Item, export.Output);
        }
        Assert.False(Directory.Exists(notFinished));

        using (var resume = Batch(path, "--concurrency", "1"))
        {
            Assert.True(await resume.ExitAsync() == 0, resume.Output);
            Assert.Contains($"resumed: {published.Count} of 4 runs already published", resume.Output);
            // Published runs are not executed again; the killed one is queued again as a new run.
            Assert.Empty(ExecutedBy(resume).Intersect(published.Select(p => p.Run)));
            Assert.DoesNotContain(killed.Run, ExecutedBy(resume));
        }
        var after = await RunsOfAsync(name);
        foreach (var item in after.Select(r => r.Item).Distinct())
            Assert.Single(after, r => r.Item == item && r.Status == "Published");
        Assert.Equal(4, after.Count(r => r.Status == "Published"));
        foreach (var p in published) Assert.Contains(after, r => r.Run == p.Run && r.Status == "Published" && r.Executions == 1);
        // The killed run was marked failed (interrupted), left nothing, and its item published through a second run.
        Assert.Equal("Failed", after.Single(r => r.Run == killed.Run).Status);
        Assert.Contains("interrupted", await ScalarAsync<string>($"SELECT error FROM analysis_runs WHERE id = '{killed.Run}'"));
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{killed.Run}'"));
        Assert.Equal(2, after.Count(r => r.Item == killed.Item));
        Assert.All(after, r => Assert.Equal(1, r.Executions));
    }

    /// <summary>Waits until the study has a published run and one computing (past its start and input loading).</summary>
    private async Task WaitForPublishedAndComputingAsync(string name, KlimapaktProcess batch)
    {
        for (var i = 0; ; i++)
        {
            var runs = await RunsOfAsync(name);
            if (runs.Any(r => r.Status == "Published") && await ScalarAsync<long>(
                $"SELECT count(*) FROM analysis_runs r JOIN studies s ON s.id = r.study_id WHERE s.name = '{name}' AND r.status = 'Running' AND r.stage NOT IN ('claimed', 'starting', 'load inputs')") > 0)
                return;
            Assert.False(batch.Process.HasExited, batch.Output);
            Assert.True(i < 1200, "the study never reached a published run and a computing one");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Batch_StoppedWithSigterm_Exit130TheRunBackInTheQueue_ResumeFinishes()
    {
        const string name = "Oberland stopped";
        var path = Write("stopped.json", WindStudy(name, 300, 500, 700, 1000));
        using (var batch = Batch(path, "--concurrency", "1"))
        {
            await WaitForPublishedAndComputingAsync(name, batch);
            // SIGTERM, as Ctrl-C's SIGINT: the process stops on its own.
            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", batch.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            Assert.Equal(130, await batch.ExitAsync());
            Assert.Contains("run the same file again to resume", batch.Output);
        }
        // Nothing failed: the run it was computing went back to the queue, published nothing, and waits for any worker.
        var stopped = await RunsOfAsync(name);
        Assert.Equal(4, stopped.Count);
        Assert.DoesNotContain(stopped, r => r.Status is "Running" or "Failed" or "Cancelled");
        var published = stopped.Count(r => r.Status == "Published");
        foreach (var queued in stopped.Where(r => r.Status == "Queued"))
            Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{queued.Run}'"));

        using (var resume = Batch(path, "--concurrency", "1"))
        {
            Assert.True(await resume.ExitAsync() == 0, resume.Output);
            Assert.Contains($"resumed: {published} of 4 runs already published, 0 queued again", resume.Output);
        }
        var after = await RunsOfAsync(name);
        Assert.Equal(stopped.Select(r => r.Run), after.Select(r => r.Run)); // the same four runs, none added
        Assert.All(after, r => Assert.Equal("Published", r.Status));
    }

    [Fact]
    public async Task TwoBatchProcesses_OneStudy_EveryRunExecutedOnceBetweenThem()
    {
        const string name = "Oberland shared";
        var path = Write("shared.json", WindStudy(name, 300, 400, 500, 600, 800, 1000));
        using var first = Batch(path, "--concurrency", "1");
        using var second = Batch(path, "--concurrency", "1");
        Assert.True(await first.ExitAsync() == 0, first.Output);
        Assert.True(await second.ExitAsync() == 0, second.Output);

        var runs = await RunsOfAsync(name);
        Assert.Equal(6, runs.Count); // one study (the second submission resumed the first's), six runs
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM studies WHERE name = '{name}'"));
        var mine = ExecutedBy(first);
        var theirs = ExecutedBy(second);
        // Between them, every run exactly once; each did some of the work.
        Assert.Empty(mine.Intersect(theirs));
        Assert.Equal(runs.Select(r => r.Run).Order(), mine.Concat(theirs).Order());
        Assert.NotEmpty(mine);
        Assert.NotEmpty(theirs);
        Assert.All(runs, r => Assert.Equal(("Published", 1), (r.Status, r.Executions)));
        Assert.Contains("all 6 runs published", first.Output);
        Assert.Contains("all 6 runs published", second.Output);
    }

    [Fact]
    public async Task BatchAndWorker_OneStudy_TheWorkerTakesQueuedStudyRuns()
    {
        const string name = "Oberland with a worker";
        var path = Write("worker.json", WindStudy(name, 300, 500, 700, 1000));
        using var batch = Batch(path, "--concurrency", "1");
        // The worker starts once the study's runs are queued, and leaves when the queue is empty.
        for (var i = 0; await ScalarAsync<long>($"SELECT count(*) FROM studies WHERE name = '{name}'") == 0; i++)
        {
            Assert.True(i < 600, batch.Output);
            await Task.Delay(50);
        }
        using var worker = new KlimapaktProcess(fixture.Db.ConnectionString, Path.Combine(_folder, "results"), "worker", "--exit-when-idle");
        Assert.True(await batch.ExitAsync() == 0, batch.Output);
        Assert.True(await worker.ExitAsync() == 0, worker.Output);
        var byWorker = WorkerExecuting().Matches(worker.Output).Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        var runs = await RunsOfAsync(name);
        Assert.Empty(ExecutedBy(batch).Intersect(byWorker));
        Assert.Equal(runs.Select(r => r.Run).Order(), ExecutedBy(batch).Concat(byWorker).Order());
        Assert.All(runs, r => Assert.Equal(("Published", 1), (r.Status, r.Executions)));
    }

    [GeneratedRegex("Executing run ([0-9a-f-]{36}) \\(worker")]
    private static partial Regex WorkerExecuting();

    public static TheoryData<string, string[], string[]> BadStudies => new()
    {
        { """{"name": "bad kind", "region": "li", "communes": ["Vaduz"], "analyses": [{"kind": "solar"}]}""", [], ["unknown analysis 'solar'"] },
        { """{"name": "bad commune", "region": "li", "communes": ["Vaduz", "Atlantis"], "analyses": [{"kind": "ev"}]}""", [], ["'Atlantis' is not a commune of region 'li'"] },
        { """{"name": "bad group", "region": "li", "groups": ["space/nordstad"], "analyses": [{"kind": "ev"}]}""", [], ["'space/nordstad' is not a group of region 'li'"] },
        {
            """{"name": "bad parameter", "region": "li", "communes": ["7001"], "analyses": [{"kind": "wind", "variants": [{"name": "far", "parameters": {"settlementBufferMetres": 600}}]}]}""",
            [], ["wind variant 'far'", "settlementBufferMetres"]
        },
        { """{"name": "bad value", "region": "li", "communes": ["7001"], "analyses": [{"kind": "ev", "parameters": {"radiusMeters": -5}}]}""", [], ["RadiusMeters must be > 0"] },
        { """{"name": "bad property", "region": "li", "communes": ["7001"], "analyses": [{"kind": "ev"}], "kinds": ["wind"]}""", [], ["'kinds' is not a property of a study"] },
        { """{"name": "bad region", "region": "xx", "communes": ["7001"], "analyses": [{"kind": "ev"}]}""", [], ["unknown region 'xx'"] },
        { """{"name": "no targets", "region": "li", "analyses": [{"kind": "ev"}]}""", [], ["at least one commune or group"] },
        { """{"name": "not json", """, [], ["not a study"] },
        // Wind at 10 m over Vaduz needs tens of megabytes at its peak: more than a 1 MB budget, refused before it starts.
        { """{"name": "over budget", "region": "li", "communes": ["Vaduz"], "analyses": [{"kind": "wind", "parameters": {"cellSizeMeters": 10}}]}""", ["--memory-budget-gb", "0.001"], ["more than the memory budget of 0.001 GB"] },
    };

    [Theory]
    [MemberData(nameof(BadStudies))]
    public async Task Batch_BadStudyFile_ExitCode2NamingTheProblemAndNothingCreated(string json, string[] options, string[] expected)
    {
        var runs = await ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var studies = await ScalarAsync<long>("SELECT count(*) FROM studies");
        var path = Write("bad-study.json", json);
        using var batch = Batch([path, .. options]);
        Assert.Equal(2, await batch.ExitAsync());
        Assert.Contains("bad-study.json", batch.Output);
        foreach (var e in expected) Assert.Contains(e, batch.Output);
        Assert.Equal(runs, await ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
        Assert.Equal(studies, await ScalarAsync<long>("SELECT count(*) FROM studies"));
    }

    [Fact]
    public async Task Execute_MemoryBudget_RunsOverlapOnlyAsFarAsTheirPeaksFit()
    {
        // In-process, through the same StudyService as the CLI: three runs of one estimated peak each, three slots.
        var studies = fixture.Db.Services.GetRequiredService<StudyService>();
        var submitted = await studies.SubmitAsync(StudyDefinition.Parse(System.Text.Encoding.UTF8.GetBytes(WindStudy("Oberland budget", 300, 500, 700)), "budget"), "budget");
        var peak = submitted.Study.Runs.Max(r => r.EstimatedPeakBytes!.Value);
        Assert.All(submitted.Study.Runs, r => Assert.Equal(peak, r.EstimatedPeakBytes));
        // 1.5 peaks of budget: never two at once although three slots are free.
        var final = await studies.ExecuteAsync(submitted.Study.Id, new StudyExecution(3, peak * 3 / 2));
        Assert.Equal(3, final.Count(Data.Entities.RunStatus.Published));
        Assert.Equal(1L, await MaxOverlapAsync("Oberland budget"));

        var wide = await studies.SubmitAsync(StudyDefinition.Parse(System.Text.Encoding.UTF8.GetBytes(WindStudy("Oberland wide budget", 300, 500, 700)), "budget"), "budget");
        final = await studies.ExecuteAsync(wide.Study.Id, new StudyExecution(2, peak * 3));
        Assert.Equal(3, final.Count(Data.Entities.RunStatus.Published));
        Assert.Equal(2L, await MaxOverlapAsync("Oberland wide budget")); // the slots, not the budget, bound it now
    }

    /// <summary>The most runs of the study that computed at one moment, from their recorded start and end times.</summary>
    private Task<long> MaxOverlapAsync(string name) => ScalarAsync<long>($"""
        SELECT max((SELECT count(*) FROM analysis_runs o JOIN studies so ON so.id = o.study_id
                    WHERE so.name = '{name}' AND o.started_at <= r.started_at AND o.finished_at > r.started_at))
        FROM analysis_runs r JOIN studies s ON s.id = r.study_id WHERE s.name = '{name}'
        """);
}
