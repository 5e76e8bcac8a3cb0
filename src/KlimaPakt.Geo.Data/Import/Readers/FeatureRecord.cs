using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Data.Import.Readers;

/// <summary>One feature read from a file: its id in the file, its geometry (in the file's CRS) and its attributes as text.</summary>
/// <param name="Fid">Feature id in the source (GeoJSON id, OSM id, row number).</param>
/// <param name="Geometry">Geometry, or null when the feature has none.</param>
/// <param name="Attributes">Attributes as invariant-culture strings; null values are left out.</param>
public sealed record FeatureRecord(string Fid, Geometry? Geometry, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>First non-empty attribute among <paramref name="names"/> (case-insensitive).</summary>
    public string? First(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (Attributes.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v)) return v;
            foreach (var (key, value) in Attributes)
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(value)) return value;
        }
        return null;
    }

    /// <summary>Converts an NTS attribute table to text attributes (JSON values keep their JSON text).</summary>
    public static Dictionary<string, string> AttributesOf(IAttributesTable? table)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (table is null) return result;
        foreach (var name in table.GetNames())
        {
            var text = AsText(table[name]);
            if (text is not null) result[name] = text;
        }
        return result;
    }

    /// <summary>Invariant text of an attribute value, or null for null/undefined.</summary>
    public static string? AsText(object? value) => value switch
    {
        null => null,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>A file of features in one CRS.</summary>
public interface IFeatureSource
{
    /// <summary>The file read.</summary>
    string Path { get; }

    /// <summary>EPSG code of the file's coordinates.</summary>
    int Srid { get; }

    /// <summary>The features, in file order.</summary>
    IEnumerable<FeatureRecord> Read();
}
