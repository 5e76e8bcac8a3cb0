using System.Security.Cryptography;
using System.Text.Json;

namespace KlimaPakt.Geo.Api.Features.Ogc;

/// <summary>A link of an OGC API document.</summary>
public sealed record Link(string Href, string Rel, string Type, string? Title = null);

/// <summary>
/// Writes GeoJSON whose Feature objects PostGIS already serialised (see FeatureQueries): the collection wrapper,
/// OGC's numberReturned, timeStamp and links are added here, the features copied as raw JSON.
/// </summary>
internal static class GeoJson
{
    public const string MediaType = "application/geo+json";

    public static IResult FeatureCollection(IReadOnlyList<string> features, IReadOnlyList<Link> links) =>
        new BytesResult(Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var feature in features) w.WriteRawValue(feature, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteNumber("numberReturned", features.Count);
            w.WriteString("timeStamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            WriteLinks(w, links);
            w.WriteEndObject();
        }), MediaType);

    public static IResult Feature(string feature, IReadOnlyList<Link> links)
    {
        // Splice the links into the feature object PostGIS wrote.
        using var doc = JsonDocument.Parse(feature);
        return new BytesResult(Write(w =>
        {
            w.WriteStartObject();
            foreach (var property in doc.RootElement.EnumerateObject()) property.WriteTo(w);
            WriteLinks(w, links);
            w.WriteEndObject();
        }), MediaType);
    }

    public static void WriteLinks(Utf8JsonWriter w, IReadOnlyList<Link> links)
    {
        w.WriteStartArray("links");
        foreach (var link in links)
        {
            w.WriteStartObject();
            w.WriteString("href", link.Href);
            w.WriteString("rel", link.Rel);
            w.WriteString("type", link.Type);
            if (link.Title is not null) w.WriteString("title", link.Title);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        return buffer.ToArray();
    }
}

/// <summary>A body with a strong ETag (hash of the bytes) that answers 304 to a matching If-None-Match.</summary>
internal sealed class BytesResult(byte[] body, string contentType) : IResult
{
    public static string ETagOf(ReadOnlySpan<byte> body) => "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"";

    public Task ExecuteAsync(HttpContext context)
    {
        var etag = ETagOf(body);
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == "*" || v.Split(',').Any(t => t.Trim() == etag))))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }
}
