using System.Globalization;
using System.Runtime.InteropServices;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>CRS look-ups through GDAL's OSR (and PROJ's EPSG database): EPSG code ↔ WKT.</summary>
public static class CoordinateSystems
{
    /// <summary>The WKT of an EPSG code, or null when unknown.</summary>
    /// <param name="epsg">EPSG code.</param>
    public static unsafe string? WktOfEpsg(int epsg)
    {
        EnsureInitialized();
        nint srs = OSRNewSpatialReference(null);
        try
        {
            if (OSRImportFromEPSG(srs, epsg) != 0) return null;
            nint wkt = 0;
            if (OSRExportToWkt(srs, &wkt) != 0) return null;
            string? s = Marshal.PtrToStringUTF8(wkt);
            VSIFree(wkt);
            return s;
        }
        finally
        {
            OSRDestroySpatialReference(srs);
        }
    }

    /// <summary>
    /// The EPSG code a CRS definition (WKT, an ESRI <c>.prj</c>, a PROJ string) identifies, or null when OSR finds no
    /// confident match: the definition's own authority code, else OSR's identification, else an equivalent EPSG
    /// definition found with at least 90 % confidence (ESRI <c>.prj</c> files rarely carry codes).
    /// </summary>
    /// <param name="definition">CRS definition.</param>
    public static int? EpsgOf(string definition)
    {
        EnsureInitialized();
        nint srs = OSRNewSpatialReference(null);
        try
        {
            if (OSRSetFromUserInput(srs, definition.Trim()) != 0) return null;
            if (AuthorityEpsg(srs) is { } direct) return direct;
            if (OSRAutoIdentifyEPSG(srs) == 0 && AuthorityEpsg(srs) is { } identified) return identified;
            nint matches = OSRFindMatches(srs, 0, out int count, out nint confidences);
            try
            {
                for (int i = 0; i < count; i++)
                {
                    if (Marshal.ReadInt32(confidences, i * sizeof(int)) < 90) continue;
                    if (AuthorityEpsg(Marshal.ReadIntPtr(matches, i * IntPtr.Size)) is { } matched) return matched;
                }
                return null;
            }
            finally
            {
                if (matches != 0) OSRFreeSRSArray(matches);
                if (confidences != 0) VSIFree(confidences);
            }
        }
        finally
        {
            OSRDestroySpatialReference(srs);
        }
    }

    private static int? AuthorityEpsg(nint srs) =>
        Marshal.PtrToStringUTF8(OSRGetAuthorityName(srs, 0)) == "EPSG"
        && int.TryParse(Marshal.PtrToStringUTF8(OSRGetAuthorityCode(srs, 0)), NumberStyles.Integer, CultureInfo.InvariantCulture, out int code)
            ? code : null;
}
