using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Data.Import.Readers;

/// <summary>An OSM feature as GDAL's OSM driver assembles it: the driver's layer (points, lines, multilinestrings,
/// multipolygons, other_relations) and the feature with all its tags.</summary>
/// <param name="DriverLayer">GDAL OSM driver layer name.</param>
/// <param name="Feature">Feature with tags as attributes (the driver's columns and its <c>other_tags</c> unpacked).</param>
public sealed record OsmFeature(string DriverLayer, FeatureRecord Feature);

/// <summary>
/// Reads OSM PBF/XML through GDAL's OSM driver (<see cref="VectorFile"/>). Chosen over OsmSharp because the driver
/// builds valid multipolygons from relations and ways (the hard part of OSM import), its counts are the ones users
/// compare against (<c>ogrinfo</c>), it is maintained with GDAL in Debian, and OsmSharp is served only as a 2019
/// pre-release here.
/// </summary>
public static class OsmPbfReader
{
    /// <summary>Reads every feature of the file (geometries in EPSG:4326).</summary>
    public static List<OsmFeature> Read(string path)
    {
        FileChecks.RequireNonEmpty(path);
        List<VectorFeature> features;
        try { features = VectorFile.ReadAll(path); }
        catch (InvalidDataException e) { throw new GeoInputException($"{e.Message} Nothing was imported.", inner: e); }
        if (features.Count == 0) throw new GeoInputException($"{path}: no OSM features could be read; the file may be empty or truncated.");
        var wkbReader = new WKBReader();
        return features.Select(f => Convert(f, wkbReader, path)).ToList();
    }

    private static OsmFeature Convert(VectorFeature feature, WKBReader wkbReader, string path)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in feature.Fields)
        {
            if (name == "other_tags") foreach (var (k, v) in ParseHstore(value)) attributes.TryAdd(k, v);
            else attributes[name] = value;
        }
        NetTopologySuite.Geometries.Geometry? geometry = null;
        if (feature.IsoWkb is { } wkb)
        {
            try { geometry = wkbReader.Read(wkb); geometry.SRID = Core.Srid.Wgs84; }
            catch (ParseException e) { throw new GeoInputException($"{path}: unreadable geometry of OSM feature {attributes.GetValueOrDefault("osm_id")}: {e.Message}"); }
        }
        var fid = attributes.TryGetValue("osm_way_id", out var way) ? $"way/{way}"
            : attributes.TryGetValue("osm_id", out var id) ? (feature.Layer switch { "points" => "node/", "lines" => "way/", _ => "relation/" }) + id
            : "?";
        return new OsmFeature(feature.Layer, new FeatureRecord(fid, geometry, attributes));
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
