using System.Text.Json;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>The queue in PostgreSQL as two "processes" (two service providers, two leases) on one database see it.</summary>
[Collection(PostGisCollection.Name)]
public sealed class RunQueueWorkerTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static async Task<AnalysisRun> WaitAsync(RunService runs, Guid id, Func<AnalysisRun, bool> until)
    {
        // Polled every 20 ms for up to 5 minutes: the runs below compute for about a second, and the tests must act
        // while they do.
        for (var i = 0; i < 15_000; i++)
        {
            var run = (await runs.GetAsync(id))!;
            if (until(run)) return run;
            await Task.Delay(20);
        }
        throw new TimeoutException($"run {id} is {(await runs.GetAsync(id))!.Status}");
    }

    private static bool Computing(AnalysisRun r) => r.Status == RunStatus.Running && r.Stage is not ("starting" or "claimed" or "load inputs");

    [Fact]
    public async Task WorkerStopped_MidRun_RunBackInTheQueue_AnotherWorkerPublishesIt()
    {
        await using var first = new ServiceCollection().AddGeoData(_db.ConnectionString, r => r.Directory = TestDatabase.ResultsDirectory).BuildServiceProvider();
        var runs = first.GetRequiredService<RunService>();
        var queued = await runs.CreateAsync(new RunRequest("wind", "li", null, Json("""{"cellSizeMeters": 10, "outputCellSizeMeters": 100}""")));
        using var worker = new RunQueueWorker(runs, first.GetRequiredService<RunOptions>(), NullLogger<RunQueueWorker>.Instance);
        using var stop = new CancellationTokenSource();
        var working = worker.RunAsync(stop.Token, maxRuns: 1);
        await WaitAsync(runs, queued.Id, Computing);
        await stop.CancelAsync();
        await working;

        var back = (await runs.GetAsync(queued.Id))!;
        Assert.Equal(RunStatus.Queued, back.Status);
        Assert.Null(back.WorkerLock);
        Assert.Equal(1, back.Executions);
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_potential WHERE run_id = '{queued.Id}'"));

        // A second process's worker takes it from the queue and publishes it.
        await using var second = new ServiceCollection().AddGeoData(_db.ConnectionString, r => r.Directory = TestDatabase.ResultsDirectory).BuildServiceProvider();
        var theirs = second.GetRequiredService<RunService>();
        using var other = new RunQueueWorker(theirs, second.GetRequiredService<RunOptions>(), NullLogger<RunQueueWorker>.Instance);
        Assert.Equal(1, await other.RunAsync(CancellationToken.None, maxRuns: 1));
        var published = (await theirs.GetAsync(queued.Id))!;
        Assert.Equal(RunStatus.Published, published.Status);
        Assert.Equal(2, published.Executions);
        Assert.Equal(theirs.WorkerLockId, published.WorkerLock);
    }

    [Fact]
    public async Task Cancel_RunExecutingInAnotherProcess_StopsItThere()
    {
        await using var other = new ServiceCollection().AddGeoData(_db.ConnectionString, r => r.Directory = TestDatabase.ResultsDirectory).BuildServiceProvider();
        var theirs = other.GetRequiredService<RunService>();
        var run = await theirs.CreateHeldAsync(new RunRequest("wind", "li", null, Json("""{"cellSizeMeters": 10, "outputCellSizeMeters": 100}""")));
        var executing = theirs.ExecuteAsync(run.Id);
        var mine = _db.Services.GetRequiredService<RunService>();
        await WaitAsync(mine, run.Id, Computing);
        Assert.True(await mine.CancelAsync(run.Id)); // this process does not execute it: it flags it
        var final = await executing;
        Assert.Equal(RunStatus.Cancelled, final.Status);
        foreach (var table in new[] { "wind_communes", "wind_potential", "wind_turbines", "commune_metrics" })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"));
    }
}
