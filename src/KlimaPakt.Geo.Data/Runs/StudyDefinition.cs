using System.Text.Json;
using System.Text.Json.Serialization;
using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// A study file (<c>klimapakt batch STUDY.json</c>, the body of <c>POST /batches</c>): its runs are every analysis ×
/// every target (each commune, each group) × every variant of that analysis.
/// </summary>
/// <param name="Name">The study's name (with its content, what makes a second submission a resume).</param>
/// <param name="Region">Region code of every run.</param>
/// <param name="Communes">Communes run one by one, by code or name (accents, case and punctuation ignored).</param>
/// <param name="Groups">Groups run as one run over their members each, as <c>kind/code</c>: <c>space/nordstad</c>, <c>district/diekirch</c>, <c>canton/Capellen</c>.</param>
/// <param name="Analyses">The analyses and their variants.</param>
public sealed record StudyDefinition(string? Name, string? Region, IReadOnlyList<string>? Communes, IReadOnlyList<string>? Groups,
    IReadOnlyList<StudyAnalysis>? Analyses)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 32,
    };

    /// <summary>Reads a study from JSON; <paramref name="source"/> (the file name) starts every error message.</summary>
    /// <exception cref="GeoInputException">Not JSON, not an object, or a property no study has.</exception>
    public static StudyDefinition Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<StudyDefinition>(json, Options) ?? throw new GeoInputException($"{source}: a study is a JSON object.");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the .NET type of an unknown property; the user needs the property and where it is.
            const string Shape = "name, region, communes, groups, analyses: kind, parameters, variants: name, parameters";
            var path = (e.Path ?? "$").TrimStart('$', '.');
            var message = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"'{path}' is not a property of a study ({Shape})"
                : e.Message.Contains("could not be converted", StringComparison.Ordinal)
                    ? $"{(path.Length == 0 ? "the study" : $"'{path}'")} has the wrong type: names, region and targets are text, communes and groups lists of text, analyses and variants lists of objects, parameters objects ({Shape})"
                    : e.Message;
            throw new GeoInputException($"{source}: not a study ({message}).", inner: e);
        }
    }

    /// <summary>Reads a study from a JSON element (the API's body).</summary>
    public static StudyDefinition Parse(JsonElement json, string source) => Parse(JsonSerializer.SerializeToUtf8Bytes(json), source);
}

/// <summary>One analysis of a study.</summary>
/// <param name="Kind">Analysis kind (<c>ev</c>, <c>wind</c>, …).</param>
/// <param name="Parameters">Parameters every variant shares (omitted ones take their defaults).</param>
/// <param name="Variants">Variants, each adding or overriding parameters; none: one run per target with <paramref name="Parameters"/>.</param>
public sealed record StudyAnalysis(string? Kind, JsonElement? Parameters, IReadOnlyList<StudyVariant>? Variants);

/// <summary>A parameter variant of a study's analysis, e.g. <c>{"name": "buffer-600", "parameters": {"settlementBufferMeters": 600}}</c>.</summary>
/// <param name="Name">Name, unique within its analysis.</param>
/// <param name="Parameters">Parameters over the analysis's shared ones (top-level names replace them).</param>
public sealed record StudyVariant(string? Name, JsonElement? Parameters);

/// <summary>One run of a study, resolved: what it runs over and with what.</summary>
/// <param name="Key"><c>kind:target:variant</c>, unique in the study.</param>
/// <param name="Kind">Analysis kind.</param>
/// <param name="Target">A commune code, or a group as <c>kind/code</c>.</param>
/// <param name="Variant">Variant name (<c>default</c> when the analysis has none).</param>
/// <param name="Communes">Commune codes the run covers.</param>
/// <param name="Parameters">The run's normalised parameters (defaults included), as stored with the run.</param>
public sealed record StudyItem(string Key, string Kind, string Target, string Variant, IReadOnlyList<string> Communes, JsonElement Parameters);
