using System.Runtime.InteropServices;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>OGR (vector) and OSR identification entry points, used by <see cref="VectorFile"/> and <see cref="CoordinateSystems"/>.</summary>
internal static unsafe partial class GdalNative
{
    public const uint GDAL_OF_VECTOR = 0x04;
    public const int WkbNdr = 1;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GDALOpenEx(string path, uint flags, nint allowedDrivers, nint openOptions, nint siblingFiles);
    [LibraryImport(Lib)] public static partial nint GDALDatasetGetNextFeature(nint ds, out nint layer, out double progress, nint progressFunc, nint progressData);
    [LibraryImport(Lib)] public static partial nint OGR_L_GetName(nint layer);
    [LibraryImport(Lib)] public static partial int OGR_F_GetFieldCount(nint feature);
    [LibraryImport(Lib)] public static partial nint OGR_F_GetFieldDefnRef(nint feature, int index);
    [LibraryImport(Lib)] public static partial nint OGR_Fld_GetNameRef(nint fieldDefn);
    [LibraryImport(Lib)] public static partial int OGR_F_IsFieldSetAndNotNull(nint feature, int index);
    [LibraryImport(Lib)] public static partial nint OGR_F_GetFieldAsString(nint feature, int index);
    [LibraryImport(Lib)] public static partial nint OGR_F_GetGeometryRef(nint feature);
    [LibraryImport(Lib)] public static partial int OGR_G_WkbSize(nint geometry);
    [LibraryImport(Lib)] public static partial int OGR_G_ExportToIsoWkb(nint geometry, int byteOrder, byte* buffer);
    [LibraryImport(Lib)] public static partial void OGR_F_Destroy(nint feature);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int OSRSetFromUserInput(nint srs, string definition);
    [LibraryImport(Lib)] public static partial nint OSRFindMatches(nint srs, nint options, out int count, out nint confidences);
    [LibraryImport(Lib)] public static partial void OSRFreeSRSArray(nint array);
}
