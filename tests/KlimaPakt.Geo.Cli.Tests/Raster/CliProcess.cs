using System.Diagnostics;

namespace KlimaPakt.Geo.Cli.Tests.Raster;

/// <summary>Runs `klimapakt` (or a peer tool) as a consultant does: a separate process, no database within reach.</summary>
internal static class CliProcess
{
    // An unreachable database: the raster commands must never try it (the other commands fail with exit code 3).
    public const string NoDatabase = "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=1";

    /// <summary>The managed CLI of this build.</summary>
    public static (int ExitCode, string Output) Managed(params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "klimapakt.dll"), .. args]);

    /// <summary>Runs <paramref name="tool"/>; the output is stdout followed by stderr.</summary>
    public static (int ExitCode, string Output) Run(string tool, IEnumerable<string> args)
    {
        var (code, stdout, stderr) = RunSeparately(tool, args);
        return (code, stdout + stderr);
    }

    /// <summary>Runs <paramref name="tool"/> and keeps its two streams apart.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunSeparately(string tool, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["KLIMAPAKT_DB"] = NoDatabase;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
