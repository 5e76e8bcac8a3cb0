using System.Diagnostics;

namespace KlimaPakt.Geo.TestSupport;

/// <summary>
/// A PostgreSQL cluster of its own for tests that stop and start the database (the shared test server is never
/// stopped): initdb in a temporary folder, started and stopped with pg_ctl on its own port, removed on dispose.
/// Made as <c>scripts/postgis.sh</c> makes the project's cluster (same binaries, trust auth, UTF-8, GDAL drivers on).
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    private PrivateCluster(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    /// <summary>The cluster's folder (data/ and server.log inside).</summary>
    public string Directory { get; }

    /// <summary>Its port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string to the server (no database).</summary>
    public string Server => $"Host=127.0.0.1;Port={Port};Username=postgres";

    /// <summary>Creates and starts a cluster on <paramref name="port"/>.</summary>
    public static async Task<PrivateCluster> CreateAsync(int port = 55499)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"klimapakt-pg-{port}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new PrivateCluster(directory, port);
        if (Environment.UserName == "root")
        {
            // initdb refuses root: the cluster belongs to 'postgres', whose path to it must be traversable.
            await RunAsync("chown", "postgres:postgres", directory);
            for (var d = Path.GetDirectoryName(directory); d is not null and not "/"; d = Path.GetDirectoryName(d))
                await RunAsync("chmod", "o+x", d);
        }
        await AsOwnerAsync(Path.Combine(PgBin, "initdb"), "-D", cluster.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await File.AppendAllTextAsync(Path.Combine(cluster.Data, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{directory}'
            max_connections = 100
            fsync = off
            postgis.gdal_enabled_drivers = 'ENABLE_ALL'

            """);
        await cluster.StartAsync();
        return cluster;
    }

    private string Data => Path.Combine(Directory, "data");

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public Task StartAsync() => AsOwnerAsync(Path.Combine(PgBin, "pg_ctl"), "-D", Data, "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "60", "start");

    /// <summary>Stops the server at once: every client is disconnected (pg_ctl stop -m fast).</summary>
    public Task StopAsync() => AsOwnerAsync(Path.Combine(PgBin, "pg_ctl"), "-D", Data, "-w", "-t", "60", "stop", "-m", "fast");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try { await AsOwnerAsync(Path.Combine(PgBin, "pg_ctl"), "-D", Data, "-w", "-t", "60", "stop", "-m", "immediate"); }
        catch (InvalidOperationException) { } // already stopped
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static Task AsOwnerAsync(string program, params string[] args) =>
        Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
    }
}
