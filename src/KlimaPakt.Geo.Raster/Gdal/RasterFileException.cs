namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>A raster file could not be opened, read or written (missing, corrupt, not a raster, or a GDAL error).</summary>
public sealed class RasterFileException : Exception
{
    /// <summary>Creates the exception; the message names the file.</summary>
    /// <param name="path">The file concerned.</param>
    /// <param name="detail">What went wrong.</param>
    /// <param name="inner">Underlying exception, if any.</param>
    public RasterFileException(string path, string detail, Exception? inner = null)
        : base($"{path}: {detail}", inner)
    {
        Path = path;
    }

    /// <summary>The file concerned.</summary>
    public string Path { get; }
}
