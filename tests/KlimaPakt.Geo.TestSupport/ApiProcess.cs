using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KlimaPakt.Geo.TestSupport;

/// <summary>
/// The service as a real process (<c>dotnet KlimaPakt.Geo.Api.dll</c>, the build next to the tests' configuration) on a
/// free loopback port: for the tests that stop its database under it, or kill it.
/// </summary>
public sealed class ApiProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    private ApiProcess(Process process, Uri address)
    {
        Process = process;
        Address = address;
    }

    public Process Process { get; }

    public Uri Address { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts the service on <paramref name="connectionString"/> (on <paramref name="port"/>, else a free one) with extra settings.</summary>
    public static ApiProcess Start(string connectionString, int? port = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var project = Path.Combine(TestDatabase.RepositoryRoot, "src", "KlimaPakt.Geo.Api");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "KlimaPakt.Geo.Api.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is not built");
        port ??= FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--urls", address.ToString().TrimEnd('/'), "--contentRoot", project }) start.ArgumentList.Add(a);
        start.Environment["KLIMAPAKT_DB"] = connectionString;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Results__Directory"] = TestDatabase.ResultsDirectory;
        start.Environment["Runs__WorkerPollMilliseconds"] = "200";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = new Process { StartInfo = start };
        var api = new ApiProcess(process, address);
        process.OutputDataReceived += (_, e) => { lock (api._output) api._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (api._output) api._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    /// <summary>Waits until /health answers 200 (or fails with the process's output).</summary>
    public async Task WaitHealthyAsync(HttpClient client, int seconds = 180)
    {
        for (var i = 0; i < seconds * 5; i++)
        {
            if (Process.HasExited) throw new InvalidOperationException($"The service exited ({Process.ExitCode}):\n{Output}");
            try
            {
                using var response = await client.GetAsync(new Uri(Address, "/health"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { } // not listening yet
            await Task.Delay(200);
        }
        throw new TimeoutException($"The service did not become healthy:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown, no cleanup.</summary>
    public void Kill()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
