namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// GDAL's block cache (process-wide) lowered for the length of one operation that reads and writes in whole strips,
/// where cached blocks only add resident memory: freed blocks stay in the C heap, so a full cache raises the process's
/// peak for good. An explicit <c>GDAL_CACHEMAX</c> in the environment is left as it is.
/// </summary>
internal sealed class GdalBlockCache : IDisposable
{
    private readonly long _previous = -1;

    private GdalBlockCache(long bytes)
    {
        GdalNative.EnsureInitialized();
        if (Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is not null) return;
        _previous = GdalNative.GDALGetCacheMax64();
        if (bytes < _previous) GdalNative.GDALSetCacheMax64(bytes); // flushes blocks beyond the new size
        else _previous = -1;
    }

    /// <summary>Caps the block cache at <paramref name="bytes"/> until disposed (never raises it).</summary>
    /// <param name="bytes">Cache size in bytes.</param>
    public static GdalBlockCache Limit(long bytes) => new(bytes);

    /// <summary>Restores the previous cache size.</summary>
    public void Dispose()
    {
        if (_previous >= 0) GdalNative.GDALSetCacheMax64(_previous);
    }
}
