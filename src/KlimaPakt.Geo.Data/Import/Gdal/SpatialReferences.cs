using System.Globalization;
using System.Runtime.InteropServices;

namespace KlimaPakt.Geo.Data.Import.Gdal;

/// <summary>Identifies a CRS definition (WKT, ESRI .prj, PROJ string) to an EPSG code with GDAL's OSR.</summary>
public static class SpatialReferences
{
    /// <summary>The EPSG code of <paramref name="definition"/>, or null when OSR finds no confident match.</summary>
    public static int? IdentifyEpsg(string definition)
    {
        OgrNative.EnsureRegistered();
        var srs = OgrNative.OSRNewSpatialReference(null);
        try
        {
            if (OgrNative.OSRSetFromUserInput(srs, definition.Trim()) != 0) return null;
            if (EpsgOf(srs) is { } direct) return direct;
            if (OgrNative.OSRAutoIdentifyEPSG(srs) == 0 && EpsgOf(srs) is { } identified) return identified;
            // ESRI .prj files rarely carry authority codes: ask OSR for equivalent EPSG definitions (≥ 90 % confidence).
            var matches = OgrNative.OSRFindMatches(srs, IntPtr.Zero, out var count, out var confidences);
            try
            {
                for (var i = 0; i < count; i++)
                {
                    if (Marshal.ReadInt32(confidences, i * sizeof(int)) < 90) continue;
                    if (EpsgOf(Marshal.ReadIntPtr(matches, i * IntPtr.Size)) is { } matched) return matched;
                }
                return null;
            }
            finally
            {
                if (matches != IntPtr.Zero) OgrNative.OSRFreeSRSArray(matches);
                if (confidences != IntPtr.Zero) OgrNative.VSIFree(confidences);
            }
        }
        finally
        {
            OgrNative.OSRDestroySpatialReference(srs);
        }
    }

    private static int? EpsgOf(IntPtr srs) =>
        OgrNative.Text(OgrNative.OSRGetAuthorityName(srs, IntPtr.Zero)) == "EPSG"
        && int.TryParse(OgrNative.Text(OgrNative.OSRGetAuthorityCode(srs, IntPtr.Zero)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
            ? code : null;
}
