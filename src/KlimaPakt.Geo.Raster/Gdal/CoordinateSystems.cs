using System.Globalization;
using System.Runtime.InteropServices;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>CRS look-ups through GDAL's OSR (and PROJ's EPSG database): EPSG code ↔ WKT.</summary>
public static partial class CoordinateSystems
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
        ArgumentNullException.ThrowIfNull(definition);
        if (RootEpsgOfWkt(definition) is { } root) return root;
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

    /// <summary>
    /// The root EPSG authority of a WKT read from its text: a WKT1 <c>AUTHORITY["EPSG","2169"]</c> or WKT2
    /// <c>ID["EPSG",2169]</c> closing the outermost node (what GDAL writes for a CRS with a code) is the same code OSR's
    /// root authority gives, without PROJ parsing the WKT (~20 ms on first use, on every raster opened by a command).
    /// Null when the text does not end that way; then OSR decides.
    /// </summary>
    internal static int? RootEpsgOfWkt(string wkt)
    {
        var m = RootAuthority().Match(wkt);
        return m.Success && int.TryParse(m.Groups["code"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int code) && code > 0
            ? code : null;
    }

    // The authority node, then exactly one "]" (the root's) before the end: a nested node's authority would be
    // followed by two or more.
    [System.Text.RegularExpressions.GeneratedRegex("""^\s*[A-Z_]+\[.*(?:AUTHORITY\["EPSG",\s*"(?<code>\d+)"\]|ID\["EPSG",\s*(?<code>\d+)\])\]\s*$""",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex RootAuthority();

    private static int? AuthorityEpsg(nint srs) =>
        Marshal.PtrToStringUTF8(OSRGetAuthorityName(srs, 0)) == "EPSG"
        && int.TryParse(Marshal.PtrToStringUTF8(OSRGetAuthorityCode(srs, 0)), NumberStyles.Integer, CultureInfo.InvariantCulture, out int code)
            ? code : null;
}
