using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>Parses a run's JSON parameters into its typed record: unknown names are errors, defaults fill the rest.</summary>
public static class RunParameters
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The parameters in full (defaults included), validated.</summary>
    public static JsonDocument Normalise<T>(JsonElement? parameters, Func<T, T> validate) where T : new()
    {
        T value;
        try
        {
            value = parameters is { ValueKind: JsonValueKind.Object } p ? p.Deserialize<T>(Options) ?? new T()
                : parameters is null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } ? new T()
                : throw new GeoInputException("Parameters must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new GeoInputException($"Invalid parameters: {e.Message}");
        }
        return JsonSerializer.SerializeToDocument(validate(value), Options);
    }
}
