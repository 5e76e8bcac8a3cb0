using System.Runtime.InteropServices;

namespace KlimaPakt.Geo.Data.Import.Gdal;

/// <summary>
/// The few entry points of Debian's GDAL 3.6 (libgdal.so.32) that vector import needs: the OSM driver and OSR's
/// CRS identification. Strings GDAL returns are owned by GDAL and are copied, never freed, here.
/// </summary>
internal static partial class OgrNative
{
    private const string Lib = "libgdal.so.32";
    public const uint OfVector = 0x04;
    public const uint OfVerboseError = 0x40;
    public const int WkbNdr = 1;
    private static readonly Lazy<bool> Registered = new(() => { GDALAllRegister(); return true; });

    /// <summary>Registers GDAL's drivers once per process.</summary>
    public static void EnsureRegistered() => _ = Registered.Value;

    [LibraryImport(Lib)] private static partial void GDALAllRegister();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALOpenEx(string path, uint flags, IntPtr allowedDrivers, IntPtr openOptions, IntPtr siblingFiles);
    [LibraryImport(Lib)] public static partial void GDALClose(IntPtr dataset);
    [LibraryImport(Lib)] public static partial void GDALDatasetResetReading(IntPtr dataset);
    [LibraryImport(Lib)] public static partial IntPtr GDALDatasetGetNextFeature(IntPtr dataset, out IntPtr layer, out double progress, IntPtr progressFunc, IntPtr progressData);
    [LibraryImport(Lib)] public static partial IntPtr OGR_L_GetName(IntPtr layer);
    [LibraryImport(Lib)] public static partial int OGR_F_GetFieldCount(IntPtr feature);
    [LibraryImport(Lib)] public static partial IntPtr OGR_F_GetFieldDefnRef(IntPtr feature, int index);
    [LibraryImport(Lib)] public static partial IntPtr OGR_Fld_GetNameRef(IntPtr fieldDefn);
    [LibraryImport(Lib)] public static partial int OGR_F_IsFieldSetAndNotNull(IntPtr feature, int index);
    [LibraryImport(Lib)] public static partial IntPtr OGR_F_GetFieldAsString(IntPtr feature, int index);
    [LibraryImport(Lib)] public static partial IntPtr OGR_F_GetGeometryRef(IntPtr feature);
    [LibraryImport(Lib)] public static partial int OGR_G_WkbSize(IntPtr geometry);
    [LibraryImport(Lib)] public static unsafe partial int OGR_G_ExportToIsoWkb(IntPtr geometry, int byteOrder, byte* buffer);
    [LibraryImport(Lib)] public static partial void OGR_F_Destroy(IntPtr feature);
    [LibraryImport(Lib)] public static partial IntPtr CPLGetLastErrorMsg();
    [LibraryImport(Lib)] public static partial void CPLErrorReset();
    [LibraryImport(Lib)] public static partial int CPLGetLastErrorType();
    [LibraryImport(Lib)] public static partial void CPLPushErrorHandler(IntPtr handler);
    [LibraryImport(Lib)] public static partial void CPLPopErrorHandler();

    /// <summary>CPLErr value of a failure.</summary>
    public const int CeFailure = 3;

    /// <summary>GDAL's own quiet handler: errors are kept for CPLGetLastErrorMsg instead of printed to stderr.</summary>
    public static IntPtr QuietErrorHandler { get; } = NativeLibrary.GetExport(NativeLibrary.Load(Lib), "CPLQuietErrorHandler");
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OSRNewSpatialReference(string? wkt);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int OSRSetFromUserInput(IntPtr srs, string definition);
    [LibraryImport(Lib)] public static partial int OSRAutoIdentifyEPSG(IntPtr srs);
    [LibraryImport(Lib)] public static partial IntPtr OSRGetAuthorityCode(IntPtr srs, IntPtr targetKey);
    [LibraryImport(Lib)] public static partial IntPtr OSRGetAuthorityName(IntPtr srs, IntPtr targetKey);
    [LibraryImport(Lib)] public static partial IntPtr OSRFindMatches(IntPtr srs, IntPtr options, out int count, out IntPtr confidences);
    [LibraryImport(Lib)] public static partial void OSRFreeSRSArray(IntPtr array);
    [LibraryImport(Lib)] public static partial void VSIFree(IntPtr pointer);
    [LibraryImport(Lib)] public static partial void OSRDestroySpatialReference(IntPtr srs);

    /// <summary>Copies a GDAL-owned UTF-8 string.</summary>
    public static string? Text(IntPtr pointer) => pointer == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(pointer);

    /// <summary>GDAL's last error message, or a fallback.</summary>
    public static string LastError(string fallback) => Text(CPLGetLastErrorMsg()) is { Length: > 0 } m ? m : fallback;
}
