using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Data.Import.Readers;

/// <summary>The checks every importer makes before parsing: the file exists and is not empty.</summary>
public static class FileChecks
{
    /// <summary>Throws a <see cref="GeoInputException"/> naming the file when it is missing or empty.</summary>
    public static void RequireNonEmpty(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new GeoInputException($"{path}: file not found.");
        if (info.Length == 0) throw new GeoInputException($"{path}: the file is empty.");
    }

    /// <summary>Reads a file that must exist and be non-empty.</summary>
    public static byte[] ReadNonEmpty(string path)
    {
        RequireNonEmpty(path);
        return File.ReadAllBytes(path);
    }
}
