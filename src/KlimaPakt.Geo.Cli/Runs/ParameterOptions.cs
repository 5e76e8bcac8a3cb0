using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml;
using KlimaPakt.Geo.Data.Analyses;

namespace KlimaPakt.Geo.Cli.Runs;

/// <summary>
/// The options of `klimapakt run KIND`, generated from the analysis's parameters record: one option per property of a
/// simple type (number, whole number, flag, text, enum), named after it in kebab case (CellSizeMeters →
/// --cell-size-meters), its help from the property's XML doc and its default from the record. Lists and nested
/// records (rules, criteria, power curves) come from a --params file.
/// </summary>
internal sealed class ParameterOptions
{
    private readonly List<(Option Option, string JsonName, Type Type)> _options = [];

    public ParameterOptions(AnalysisDescription description)
    {
        // A record may inherit properties (geothermal's from the G.POT parameters): their docs are under the base type.
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var type = description.ParametersType; type is not null && type != typeof(object); type = type.BaseType)
            foreach (var (name, summary) in XmlDocs.Summaries(type)) docs.TryAdd(name, summary);
        var defaults = description.Defaults;
        foreach (var property in description.ParametersType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null) continue;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (!(type == typeof(double) || type == typeof(int) || type == typeof(bool) || type == typeof(string) || type.IsEnum)) continue;
            var jsonName = defaults.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => string.Equals(n, property.Name, StringComparison.OrdinalIgnoreCase))
                ?? char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var help = docs.GetValueOrDefault(property.Name, property.Name);
            if (defaults.TryGetProperty(jsonName, out var value) && value.ValueKind is not System.Text.Json.JsonValueKind.Null)
                help += $" [default: {(value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : value.GetRawText())}]";
            if (type.IsEnum) help += $" ({string.Join(" | ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))})";
            Option option = type == typeof(double) ? new Option<double?>("--" + Kebab(property.Name)) { Description = help }
                : type == typeof(int) ? new Option<int?>("--" + Kebab(property.Name)) { Description = help }
                : type == typeof(bool) ? new Option<bool?>("--" + Kebab(property.Name)) { Description = help, Arity = ArgumentArity.ZeroOrOne }
                : new Option<string?>("--" + Kebab(property.Name)) { Description = help };
            _options.Add((option, jsonName, type));
        }
    }

    public IEnumerable<Option> Options => _options.Select(o => o.Option);

    /// <summary>Sets every option given on the command line into <paramref name="parameters"/> (a --params file's values are overridden).</summary>
    public void Apply(ParseResult result, JsonObject parameters)
    {
        foreach (var (option, name, type) in _options)
        {
            JsonNode? node = option switch
            {
                Option<double?> d => result.GetValue(d) is { } v ? JsonValue.Create(v) : null,
                Option<int?> i => result.GetValue(i) is { } v ? JsonValue.Create(v) : null,
                // A flag given without a value means true.
                Option<bool?> b => result.GetResult(b) is { } r ? JsonValue.Create(r.Tokens.Count == 0 || result.GetValue(b) == true) : null,
                Option<string?> s => result.GetValue(s) is { } v ? JsonValue.Create(type.IsEnum ? v.ToLowerInvariant() : v) : null,
                _ => null,
            };
            if (node is not null) parameters[name] = node;
        }
    }

    /// <summary>CellSizeMeters → cell-size-meters.</summary>
    internal static string Kebab(string name) => string.Concat(name.Select((c, i) =>
        (i > 0 && ((char.IsUpper(c) && !char.IsUpper(name[i - 1])) || (char.IsDigit(c) && !char.IsDigit(name[i - 1]))) ? "-" : "") + char.ToLowerInvariant(c)));

    /// <summary>The XML doc summaries of a type's properties, from the documentation file beside its assembly.</summary>
    private static class XmlDocs
    {
        public static Dictionary<string, string> Summaries(Type type)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var path = Path.ChangeExtension(type.Assembly.Location, ".xml");
            if (!File.Exists(path)) return result;
            var prefix = $"P:{type.FullName}.";
            using var reader = XmlReader.Create(path, new XmlReaderSettings { IgnoreWhitespace = true, DtdProcessing = DtdProcessing.Prohibit });
            while (reader.ReadToFollowing("member"))
            {
                var name = reader.GetAttribute("name");
                if (name is null || !name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                using var member = reader.ReadSubtree();
                if (!member.ReadToFollowing("summary")) continue;
                var text = string.Join(' ', member.ReadInnerXml().Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                result[name[prefix.Length..]] = Plain(text);
            }
            return result;
        }

        // <see cref="T:X.Y"/> → Y, <c>x</c> → x, entities decoded.
        private static string Plain(string xml)
        {
            var text = System.Text.RegularExpressions.Regex.Replace(xml, "<see cref=\"[A-Z]:(?:[\\w.]+\\.)?(\\w+)\"\\s*/>", "$1");
            text = System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", "");
            return System.Net.WebUtility.HtmlDecode(text).Trim().ToString(CultureInfo.InvariantCulture);
        }
    }
}
