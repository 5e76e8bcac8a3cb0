using System.Runtime.InteropServices;
using KlimaPakt.Geo.Cli.Raster;

// `klimapakt raster …` runs here, compiled ahead of time; any other command is the managed CLI's, which this process
// becomes (execv: same process, arguments, streams, environment and exit code).
if (args is ["raster", ..])
    return await RasterCommands.RunAsync(args);

string managed = Path.Combine(AppContext.BaseDirectory, ManagedCli.FileName);
if (!File.Exists(managed))
{
    Console.Error.WriteLine($"error: '{args.FirstOrDefault()}' is a command of the managed CLI, which should be at {managed}; publish the CLI with scripts/publish-cli.sh");
    return 1;
}
int errno = ManagedCli.Exec(managed, args);
Console.Error.WriteLine($"error: could not start {managed} (errno {errno})");
return 1;

/// <summary>The managed CLI that every command but `raster` is handed to.</summary>
internal static partial class ManagedCli
{
    /// <summary>Its file name beside this executable (scripts/publish-cli.sh links it there).</summary>
    public const string FileName = "klimapakt-dotnet";

    /// <summary>Replaces this process by <paramref name="path"/> with <paramref name="args"/>; returns errno only if that failed.</summary>
    public static unsafe int Exec(string path, string[] args)
    {
        var argv = new nint[args.Length + 2];
        argv[0] = Marshal.StringToCoTaskMemUTF8(path);
        for (int i = 0; i < args.Length; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
        Console.Out.Flush();
        Console.Error.Flush();
        fixed (nint* p = argv) execv(argv[0], p);
        return Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int execv(nint path, nint* argv);
}
