using KlimaPakt.Geo.Data.Runs;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>Cancels a run synchronously when it reaches a stage (Progress&lt;T&gt; would post asynchronously, too late).</summary>
internal sealed class CancelOnStage(RunService runs, Guid runId, string stage) : IProgress<RunProgress>
{
    public void Report(RunProgress value)
    {
        if (value.Stage == stage) runs.CancelAsync(runId).GetAwaiter().GetResult();
    }
}
