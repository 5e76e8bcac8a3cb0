using System.Text.Json;
using System.Text.RegularExpressions;
using KlimaPakt.Geo.Core;
using KlimaPakt.Geo.Core.Errors;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace KlimaPakt.Geo.Data.Import.Readers;

/// <summary>
/// GeoJSON (a FeatureCollection or a single Feature) through NetTopologySuite.IO.GeoJSON4STJ. RFC 7946 files are
/// CRS84; a legacy <c>crs</c> member naming an EPSG code is honoured, and coordinates outside lon/lat range
/// without one are refused (a projected file that lost its CRS).
/// </summary>
public sealed partial class GeoJsonFeatureSource : IFeatureSource
{
    private readonly List<FeatureRecord> _features;

    /// <summary>Parses the file; throws <see cref="GeoInputException"/> naming the file and the position for malformed JSON.</summary>
    public GeoJsonFeatureSource(string path, int? sridOverride = null)
    {
        Path = path;
        var bytes = FileChecks.ReadNonEmpty(path);
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(new GeometryFactory(new PrecisionModel(), Srid), false, "id"));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new GeoInputException($"{path}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}); the file may be truncated.", inner: e);
        }

        using (document)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            Srid = sridOverride ?? CrsMember(root) ?? Core.Srid.Wgs84;
            try
            {
                _features = type switch
                {
                    "FeatureCollection" => [.. (root.Deserialize<FeatureCollection>(options) ?? []).Zip(FeatureIds(root)).Select((f, i) => ToRecord(f.First, f.Second, i))],
                    "Feature" => [ToRecord(root.Deserialize<IFeature>(options)!, IdOf(root), 0)],
                    _ => throw new GeoInputException($"{path}: not a GeoJSON FeatureCollection or Feature (type is '{type ?? "missing"}')."),
                };
            }
            catch (JsonException e)
            {
                throw new GeoInputException($"{path}: invalid GeoJSON: {e.Message}", inner: e);
            }
        }

        if (Srid == Core.Srid.Wgs84 && sridOverride is null)
        {
            var outside = _features.Where(f => f.Geometry is { IsEmpty: false } g && !WithinLonLat(g.EnvelopeInternal)).Take(5).ToList();
            if (outside.Count > 0)
                throw new GeoInputException(
                    $"{path}: coordinates are not longitude/latitude but the file declares no CRS; pass the EPSG code of the file (--srid).",
                    [.. outside.Select(f => $"feature {f.Fid}: {f.Geometry!.EnvelopeInternal}")]);
        }
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public int Srid { get; }

    /// <inheritdoc />
    public IEnumerable<FeatureRecord> Read() => _features;

    // The reader keeps a feature's "id" member out of its attributes: read it from the document, feature by feature.
    private static IEnumerable<string?> FeatureIds(JsonElement root) =>
        root.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array
            ? features.EnumerateArray().Select(IdOf)
            : [];

    private static string? IdOf(JsonElement feature) =>
        feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("id", out var id) ? FeatureRecord.AsText(id) : null;

    private FeatureRecord ToRecord(IFeature feature, string? id, int index)
    {
        var attributes = FeatureRecord.AttributesOf(feature.Attributes);
        var fid = id ?? attributes.GetValueOrDefault("osm_id") ?? (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var geometry = feature.Geometry;
        if (geometry is not null) geometry.SRID = Srid;
        return new FeatureRecord(fid, geometry, attributes);
    }

    private static bool WithinLonLat(Envelope e) => e.MinX >= -180.0001 && e.MaxX <= 180.0001 && e.MinY >= -90.0001 && e.MaxY <= 90.0001;

    private int? CrsMember(JsonElement root)
    {
        if (!root.TryGetProperty("crs", out var crs) || crs.ValueKind != JsonValueKind.Object) return null;
        var name = crs.TryGetProperty("properties", out var p) && p.TryGetProperty("name", out var n) ? n.GetString() : null;
        if (name is null) return null;
        if (name.Contains("CRS84", StringComparison.OrdinalIgnoreCase)) return Core.Srid.Wgs84;
        var m = EpsgCode().Match(name);
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new GeoInputException($"{Path}: the crs member '{name}' names no EPSG code.");
    }

    [GeneratedRegex(@"EPSG:+(?:[\d.]*:)?(\d+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex EpsgCode();
}
