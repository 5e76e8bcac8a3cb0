using System.CommandLine;
using KlimaPakt.Geo.Data.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Runs;

/// <summary>
/// `klimapakt worker`: executes queued runs from the shared database until stopped — the same loop as the API's
/// background worker, so a second machine adds capacity with nothing but the database's connection string.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var maxRuns = new Option<int?>("--max-runs") { Description = "Stop after this many runs" };
        var exitWhenIdle = new Option<bool>("--exit-when-idle") { Description = "Stop when the queue is found empty (batch use)" };
        var command = new Command("worker", "Execute queued runs (POST /runs) from the database until stopped (Ctrl-C).") { maxRuns, exitWhenIdle };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var worker = s.GetRequiredService<RunQueueWorker>();
            AnsiConsole.MarkupLineInterpolated($"worker {s.GetRequiredService<RunService>().WorkerLockId} waiting for queued runs");
            var executed = await worker.RunAsync(ct, p.GetValue(maxRuns), p.GetValue(exitWhenIdle));
            AnsiConsole.MarkupLineInterpolated($"worker stopped after {executed} run(s)");
        }, ct, configure: services => services.AddLogging(l => l.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Information))));
        return command;
    }
}
