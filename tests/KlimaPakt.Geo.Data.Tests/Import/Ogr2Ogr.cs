using System.Diagnostics;

namespace KlimaPakt.Geo.Data.Tests.Import;

/// <summary>GDAL's ogr2ogr (Debian gdal-bin) as an independent producer of test files.</summary>
internal static class Ogr2Ogr
{
    /// <summary>Converts <paramref name="source"/> into an ESRI Shapefile in <paramref name="targetSrs"/>; fails the test when ogr2ogr fails.</summary>
    public static string Shapefile(string output, string targetSrs, string source)
    {
        using var process = Process.Start(new ProcessStartInfo("ogr2ogr", ["-f", "ESRI Shapefile", "-t_srs", targetSrs, output, source]) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "ogr2ogr (Debian gdal-bin) failed: " + error);
        return output;
    }
}
