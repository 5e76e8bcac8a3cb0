using System.Diagnostics;

namespace KlimaPakt.Geo.Raster.Tests;

/// <summary>Temporary folders, the repository's data folder, and GDAL's command-line tools for cross-checks.</summary>
internal static class TestFiles
{
    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "kp-raster-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>The repository's data/ folder (found by walking up to KlimaPakt.Geo.sln).</summary>
    public static string RepoData(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KlimaPakt.Geo.sln")))
                return Path.Combine(dir.FullName, "data", relative);
        throw new InvalidOperationException("Repository root (KlimaPakt.Geo.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Runs a GDAL command-line tool (Debian package gdal-bin, a runtime dependency of the project). A missing tool
    /// fails the test with the install hint instead of skipping it.
    /// </summary>
    public static string Tool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is missing: apt-get install gdal-bin ({e.Message})");
        }
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {stderr}");
        return stdout;
    }
}
