using System.Runtime.InteropServices;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// The only place that sees GDAL: P/Invoke declarations for Debian's GDAL 3.6 C API (<c>libgdal.so.32</c>, package
/// <c>libgdal32</c>), plus error and string-list plumbing. Everything else goes through <see cref="GeoTiff"/>,
/// <see cref="GeoTiffReader"/>, <see cref="GeoTiffWriter"/>, <see cref="VectorFile"/> and <see cref="CoordinateSystems"/>.
/// </summary>
internal static unsafe partial class GdalNative
{
    private const string Lib = "libgdal.so.32";

    public const int GA_ReadOnly = 0;
    public const int GF_Read = 0;
    public const int GF_Write = 1;
    public const int GDT_Byte = 1;
    public const int GDT_Int32 = 5;
    public const int GDT_Float32 = 6;

    private static readonly Lazy<bool> s_init = new(() =>
    {
        // Quiet handler: GDAL would otherwise print every error to stderr; we read CPLGetLastErrorMsg and throw instead.
        if (NativeLibrary.TryGetExport(NativeLibrary.Load(Lib), "CPLQuietErrorHandler", out nint quiet))
            CPLPushErrorHandler(quiet);
        // Bounded block cache: strips are read and written whole, so a large cache only adds resident memory
        // (GDAL's default is 5 % of RAM). Respect an explicit GDAL_CACHEMAX from the environment.
        if (Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is null) CPLSetConfigOption("GDAL_CACHEMAX", "256");
        GDALAllRegister();
        return true;
    });

    /// <summary>Registers the drivers once per process.</summary>
    public static void EnsureInitialized() => _ = s_init.Value;

    /// <summary>Last GDAL error message, or a placeholder.</summary>
    public static string LastError()
    {
        var msg = Marshal.PtrToStringUTF8(CPLGetLastErrorMsg());
        return string.IsNullOrWhiteSpace(msg) ? "GDAL reported no detail" : msg;
    }

    /// <summary>A NULL-terminated char** list of UTF-8 strings; free with <see cref="FreeStringList"/>.</summary>
    public static nint* StringList(IReadOnlyList<string> items)
    {
        var list = (nint*)NativeMemory.AllocZeroed((nuint)(items.Count + 1), (nuint)sizeof(nint));
        for (int i = 0; i < items.Count; i++) list[i] = Marshal.StringToCoTaskMemUTF8(items[i]);
        return list;
    }

    public static void FreeStringList(nint* list)
    {
        if (list == null) return;
        for (int i = 0; list[i] != 0; i++) Marshal.FreeCoTaskMem(list[i]);
        NativeMemory.Free(list);
    }

    [LibraryImport(Lib)] public static partial void GDALAllRegister();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint GDALOpen(string path, int access);
    [LibraryImport(Lib)] public static partial void GDALClose(nint ds);
    [LibraryImport(Lib)] public static partial int GDALGetRasterXSize(nint ds);
    [LibraryImport(Lib)] public static partial int GDALGetRasterYSize(nint ds);
    [LibraryImport(Lib)] public static partial int GDALGetRasterCount(nint ds);
    [LibraryImport(Lib)] public static partial int GDALGetGeoTransform(nint ds, double* transform);
    [LibraryImport(Lib)] public static partial nint GDALGetProjectionRef(nint ds);
    [LibraryImport(Lib)] public static partial nint GDALGetRasterBand(nint ds, int band);
    [LibraryImport(Lib)] public static partial int GDALGetRasterDataType(nint band);
    [LibraryImport(Lib)] public static partial nint GDALGetDataTypeName(int type);
    [LibraryImport(Lib)] public static partial double GDALGetRasterNoDataValue(nint band, int* success);
    [LibraryImport(Lib)] public static partial int GDALSetRasterNoDataValue(nint band, double value);
    [LibraryImport(Lib)]
    public static partial int GDALRasterIO(nint band, int rw, int xOff, int yOff, int xSize, int ySize,
        void* buffer, int bufXSize, int bufYSize, int bufType, int pixelSpace, int lineSpace);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint GDALGetDriverByName(string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GDALCreate(nint driver, string path, int xSize, int ySize, int bands, int type, nint* options);
    [LibraryImport(Lib)] public static partial int GDALSetGeoTransform(nint ds, double* transform);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int GDALSetProjection(nint ds, string wkt);
    // void in GDAL 3.6 (CPLErr only from 3.7): failures are read from CPLGetLastErrorType afterwards.
    [LibraryImport(Lib)] public static partial void GDALFlushCache(nint ds);
    [LibraryImport(Lib)] public static partial int CPLGetLastErrorType();
    public const int CE_Failure = 3;
    [LibraryImport(Lib)] public static partial void GDALGetBlockSize(nint band, int* xSize, int* ySize);
    [LibraryImport(Lib)] public static partial int GDALWriteBlock(nint band, int xBlock, int yBlock, void* data);
    [LibraryImport(Lib)] public static partial nint GDALGetDatasetDriver(nint ds);
    [LibraryImport(Lib)] public static partial nint GDALGetDriverShortName(nint driver);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint GDALGetMetadataItem(nint obj, string name, string? domain);
    [LibraryImport(Lib)] public static partial nint CPLGetLastErrorMsg();
    [LibraryImport(Lib)] public static partial void CPLErrorReset();
    [LibraryImport(Lib)] public static partial void CPLPushErrorHandler(nint handler);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void CPLSetConfigOption(string key, string? value);
    [LibraryImport(Lib)] public static partial long GDALGetCacheMax64();
    [LibraryImport(Lib)] public static partial void GDALSetCacheMax64(long bytes);
    [LibraryImport(Lib)] public static partial void VSIFree(nint p);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint OSRNewSpatialReference(string? wkt);
    [LibraryImport(Lib)] public static partial void OSRDestroySpatialReference(nint srs);
    [LibraryImport(Lib)] public static partial int OSRImportFromEPSG(nint srs, int code);
    [LibraryImport(Lib)] public static partial int OSRExportToWkt(nint srs, nint* wkt);
    [LibraryImport(Lib)] public static partial int OSRAutoIdentifyEPSG(nint srs);
    [LibraryImport(Lib)] public static partial nint OSRGetAuthorityCode(nint srs, nint targetKey);
    [LibraryImport(Lib)] public static partial nint OSRGetAuthorityName(nint srs, nint targetKey);

    [LibraryImport(Lib)] public static partial nint GDALWarpAppOptionsNew(nint* argv, nint binaryOptions);
    [LibraryImport(Lib)] public static partial void GDALWarpAppOptionsFree(nint options);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GDALWarp(string dest, nint dstDs, int srcCount, nint* srcDs, nint options, int* usageError);
}
