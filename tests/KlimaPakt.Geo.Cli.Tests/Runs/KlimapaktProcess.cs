using System.Diagnostics;
using System.Text;
using KlimaPakt.Geo.TestSupport;

namespace KlimaPakt.Geo.Cli.Tests.Runs;

/// <summary>A `klimapakt` process with its output collected as it comes.</summary>
internal sealed class KlimapaktProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    public Process Process { get; }

    public KlimapaktProcess(string connectionString, string results, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestDatabase.RepositoryRoot };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "klimapakt.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["KLIMAPAKT_DB"] = connectionString;
        start.Environment["KLIMAPAKT_RESULTS_DIR"] = results;
        start.Environment["KLIMAPAKT_RUNS__WORKERPOLLMILLISECONDS"] = "200";
        Process = new Process { StartInfo = start };
        Process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        Process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task<int> ExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await Process.WaitForExitAsync(timeout.Token);
        Process.WaitForExit(); // drains the redirected output
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
