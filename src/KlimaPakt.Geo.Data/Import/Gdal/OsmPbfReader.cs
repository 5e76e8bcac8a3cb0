using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Import.Readers;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Data.Import.Gdal;

/// <summary>An OSM feature as GDAL's OSM driver assembles it: the driver's layer (points, lines, multilinestrings,
/// multipolygons, other_relations) and the feature with all its tags.</summary>
/// <param name="DriverLayer">GDAL OSM driver layer name.</param>
/// <param name="Feature">Feature with tags as attributes (the driver's columns and its <c>other_tags</c> unpacked).</param>
public sealed record OsmFeature(string DriverLayer, FeatureRecord Feature);

/// <summary>
/// Reads OSM PBF/XML through GDAL's OSM driver (libgdal.so.32). Chosen over OsmSharp because the driver builds
/// valid multipolygons from relations and ways (the hard part of OSM import), its counts are the ones users
/// compare against (<c>ogrinfo</c>), it is maintained with GDAL in Debian, and OsmSharp is served only as a 2019
/// pre-release here. Features come in interleaved order, as the driver recommends.
/// </summary>
public static class OsmPbfReader
{
    /// <summary>
    /// Reads every feature of the file (geometries in EPSG:4326). Eager and on the calling thread, because GDAL's
    /// error state and handler stack are per thread.
    /// </summary>
    public static List<OsmFeature> Read(string path)
    {
        FileChecks.RequireNonEmpty(path);
        OgrNative.EnsureRegistered();
        // Errors go to CPLGetLastErrorMsg (and into our exception), not to the console.
        OgrNative.CPLPushErrorHandler(OgrNative.QuietErrorHandler);
        try
        {
            return [.. ReadDataset(path)];
        }
        finally
        {
            OgrNative.CPLPopErrorHandler();
        }
    }

    private static IEnumerable<OsmFeature> ReadDataset(string path)
    {
        OgrNative.CPLErrorReset();
        var dataset = OgrNative.GDALOpenEx(path, OgrNative.OfVector, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        if (dataset == IntPtr.Zero)
            throw new GeoInputException($"{path}: not a readable OSM file ({OgrNative.LastError("GDAL could not open it")}).");
        var wkbReader = new WKBReader();
        var count = 0;
        try
        {
            while (true)
            {
                var feature = OgrNative.GDALDatasetGetNextFeature(dataset, out var layer, out _, IntPtr.Zero, IntPtr.Zero);
                if (feature == IntPtr.Zero) break;
                OsmFeature record;
                try { record = Convert(feature, layer, wkbReader, path); }
                finally { OgrNative.OGR_F_Destroy(feature); }
                count++;
                yield return record;
            }
            var error = OgrNative.Text(OgrNative.CPLGetLastErrorMsg());
            if (OgrNative.CPLGetLastErrorType() >= OgrNative.CeFailure)
                throw new GeoInputException($"{path}: the OSM file is truncated or corrupt ({error}); nothing was imported.");
            if (count == 0)
                throw new GeoInputException($"{path}: no OSM features could be read{(string.IsNullOrEmpty(error) ? "" : $" ({error})")}; the file may be empty or truncated.");
        }
        finally
        {
            OgrNative.GDALClose(dataset);
        }
    }

    private static unsafe OsmFeature Convert(IntPtr feature, IntPtr layer, WKBReader wkbReader, string path)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = OgrNative.OGR_F_GetFieldCount(feature);
        for (var i = 0; i < fields; i++)
        {
            if (OgrNative.OGR_F_IsFieldSetAndNotNull(feature, i) == 0) continue;
            var name = OgrNative.Text(OgrNative.OGR_Fld_GetNameRef(OgrNative.OGR_F_GetFieldDefnRef(feature, i)))!;
            var value = OgrNative.Text(OgrNative.OGR_F_GetFieldAsString(feature, i)) ?? "";
            if (name == "other_tags") foreach (var (k, v) in ParseHstore(value)) attributes.TryAdd(k, v);
            else attributes[name] = value;
        }

        NetTopologySuite.Geometries.Geometry? geometry = null;
        var g = OgrNative.OGR_F_GetGeometryRef(feature);
        if (g != IntPtr.Zero)
        {
            var size = OgrNative.OGR_G_WkbSize(g);
            var buffer = new byte[size];
            fixed (byte* p = buffer) OgrNative.OGR_G_ExportToIsoWkb(g, OgrNative.WkbNdr, p);
            try { geometry = wkbReader.Read(buffer); geometry.SRID = Core.Srid.Wgs84; }
            catch (ParseException e) { throw new GeoInputException($"{path}: unreadable geometry of OSM feature {attributes.GetValueOrDefault("osm_id")}: {e.Message}"); }
        }

        var fid = attributes.TryGetValue("osm_way_id", out var way) ? $"way/{way}"
            : attributes.TryGetValue("osm_id", out var id) ? (OgrNative.Text(OgrNative.OGR_L_GetName(layer)) switch
            {
                "points" => "node/", "lines" => "way/", _ => "relation/",
            }) + id
            : "?";
        return new OsmFeature(OgrNative.Text(OgrNative.OGR_L_GetName(layer)) ?? "", new FeatureRecord(fid, geometry, attributes));
    }

    /// <summary>Parses GDAL's <c>other_tags</c> hstore text: <c>"k"=&gt;"v","k2"=&gt;"v2"</c> with backslash escapes.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ParseHstore(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var key = Quoted(text, ref i);
            if (key is null) yield break;
            while (i < text.Length && text[i] != '"') i++; // skip =>
            var value = Quoted(text, ref i);
            if (value is null) yield break;
            yield return new(key, value);
            while (i < text.Length && text[i] != '"') i++; // skip ,
        }
    }

    private static string? Quoted(string text, ref int i)
    {
        while (i < text.Length && text[i] != '"') i++;
        if (i >= text.Length) return null;
        i++;
        var sb = new StringBuilder();
        while (i < text.Length && text[i] != '"')
        {
            if (text[i] == '\\' && i + 1 < text.Length) i++;
            sb.Append(text[i++]);
        }
        i++;
        return sb.ToString();
    }
}
