using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CsCheck;
using KlimaPakt.Geo.TestSupport;

namespace KlimaPakt.Geo.Api.Tests.Features.BadInput;

/// <summary>
/// A property over every endpoint, probed as an attacker would: generated tile coordinates, layer lists, run ids,
/// bbox/limit/offset/filters (SQL metacharacters, unicode, control characters, huge and non-finite numbers), run
/// requests of wrong types and ranges, malformed and deeply nested JSON, corrupt and truncated upload files. The
/// property: never a 5xx, never a stack trace, SQL error, server path or connection string in a body, every write
/// refused, and the database's rows unchanged afterwards.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputGeneratorTests(ApiFixture fixture)
{
    /// <summary>One generated request.</summary>
    public sealed record Probe(string Method, string Url, string? Body = null, string? ContentType = null, byte[]? Upload = null, string? UploadName = null,
        string Key = "")
    {
        public bool IsWrite => Method != "GET";

        public override string ToString() => $"{Method} {(Url.Length > 300 ? Url[..300] + "…" : Url)} key={Key} body={(Body is null ? "" : Body.Length > 300 ? Body[..300] + "…" : Body)} upload={UploadName}";
    }

    private static readonly string[] Hostile =
    [
        "", " ", "'", "\"", "' OR '1'='1", "'; DROP TABLE communes; --", "1; SELECT pg_sleep(10)", "$1", "%", "_", "\\", "\\x00", "%00", "%27",
        "../../../../etc/passwd", "/etc/shadow", "..%2f..%2fetc", "null", "undefined", "true", "[]", "{}", "NaN", "Infinity", "-Infinity", "1e309",
        "-1e309", "-1", "0", "-0", "2147483648", "9223372036854775808", "99999999999999999999999999", "0x10", "1.5", "1,5", "１２", "ü", "Ærø", "日本語",
        "\u202e", "🌍", "\uFEFF", "\u0001", "a\u0000b", "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}", "%s%s%s%n", "communes,communes",
        ",", ",,", "communes,", "COMMUNES", "communes;", "communes\n", new string('a', 3000), new string('9', 400), string.Concat(Enumerable.Repeat("ü", 1000)),
    ];

    private static readonly string[] Layers = ["communes", "buildings", "roads", "ev_chargers", "ev_coverage", "wind_potential", "wind_turbines", ApiFixture.ZonesLayer];

    // A text a client could send: hostile, random printable or unicode, or a plausible name.
    private static readonly Gen<string> Text = Gen.Frequency(
        (5, Gen.OneOf(Hostile)),
        (2, Gen.String[0, 40]),
        (1, Gen.Char[(char)1, (char)0xD7FF].Array[0, 20].Select(a => new string(a))),
        (2, Gen.OneOf(Layers)));

    private static readonly Gen<string> Number = Gen.Frequency(
        (3, Gen.OneOf(Hostile)),
        (2, Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (2, Gen.Int[-5, 40].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Double.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));

    private static string E(string s) => Uri.EscapeDataString(s);

    // A path segment: as E, without NUL — the test host's client refuses %00 in a path before any request is made
    // (Kestrel answers it with 400; RunsApiTests checks NUL in query text, which reaches the service).
    private static string P(string s) => Uri.EscapeDataString(s.Replace("\0", "", StringComparison.Ordinal).Replace("%00", "", StringComparison.Ordinal));

    private static Gen<Probe> Tiles =>
        from layers in Gen.Frequency((3, Text), (1, Gen.OneOf(Layers).Array[1, 4].Select(a => string.Join(',', a))))
        from z in Number
        from x in Number
        from y in Number
        from suffix in Gen.OneOf("", ".mvt", ".pbf", ".json", ".png", "%2500")
        from tileJson in Gen.Bool
        select tileJson ? new Probe("GET", $"/tiles/{P(layers)}{suffix}") : new Probe("GET", $"/tiles/{P(layers)}/{P(z)}/{P(x)}/{P(y)}{suffix}");

    private static Gen<Probe> Features =>
        from collection in Text
        from bbox in Gen.Frequency((2, Text), (2, Number.Array[0, 6].Select(a => string.Join(',', a))))
        from limit in Number
        from offset in Number
        from filter in Gen.OneOf("region", "commune", "run", "class", "name", "score", "operator", "f", "datetime", "bbox-crs", Hostile[5])
        from value in Text
        from one in Gen.Bool
        from fid in Number
        select one
            ? new Probe("GET", $"/collections/{P(collection)}/items/{P(fid)}")
            : new Probe("GET", $"/collections/{P(collection)}/items?bbox={E(bbox)}&limit={E(limit)}&offset={E(offset)}&{E(filter)}={E(value)}");

    private static Gen<Probe> Reads =>
        from which in Gen.Int[0, 6]
        from a in Text
        from b in Text
        from n in Number
        select which switch
        {
            0 => new Probe("GET", $"/runs/{P(a)}"),
            1 => new Probe("GET", $"/runs?kind={E(a)}&limit={E(n)}"),
            2 => new Probe("GET", $"/regions/{P(a)}/communes"),
            3 => new Probe("GET", $"/regions/lu/communes/{P(a)}"),
            4 => new Probe("GET", $"/communes?q={E(a)}&region={E(b)}"),
            5 => new Probe("GET", $"/collections/{P(a)}"),
            _ => new Probe("GET", $"/runs/{Guid.NewGuid()}?run={E(b)}"),
        };

    // A JSON value of the wrong type or range for whatever it is given as.
    private static readonly Gen<string> BadJsonValue = Gen.OneOf(
        Gen.OneOf("null", "true", "[]", "{}", "\"\"", "-1", "0", "1e308", "-1e308", "1e-320", "1e309", "\"1e309\"", "[null]", "[[null]]", "\"\\u0000\"",
            "\"' OR 1=1 --\"", "99999999999999999999999", "[1,2,3]", "{\"a\":{\"b\":{}}}", "\"日本\"", "NaN", "Infinity", "01", ".5", "\"\\ud800\""),
        Text.Select(t => System.Text.Json.JsonSerializer.Serialize(t)),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0"),
        Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly string[] ParameterNames =
        ["cellSizeMeters", "radiusMeters", "newSites", "outputCellSizeMeters", "preset", "rules", "criteria", "powerCurve", "forcedInclusions", "windRaster",
         "hubHeightMeters", "bevFleet", "networkDistance", "heightLaw", "x", "__proto__", "constructor"];

    // A run request with at least one bad field (so it is always refused): kind, region, communes or a parameter.
    private static Gen<Probe> RunPosts =>
        from bad in Gen.Int[0, 5]
        from kind in Gen.OneOf("ev", "wind")
        from name in Gen.OneOf(ParameterNames)
        from value in BadJsonValue
        from text in Text
        from depth in Gen.Int[33, 3000]
        from key in Gen.Frequency((6, Gen.Const("consultant")), (1, Gen.Const("")), (1, Gen.Const("viewer")), (1, Gen.Const("bogus")))
        select new Probe("POST", "/runs", bad switch
        {
            0 => $$"""{"kind": {{value}}, "region": "lu"}""",
            1 => $$"""{"kind": "{{kind}}", "region": {{System.Text.Json.JsonSerializer.Serialize("x" + text)}}}""",
            2 => $$"""{"kind": "{{kind}}", "region": "lu", "communes": [{{System.Text.Json.JsonSerializer.Serialize("x" + text)}}]}""",
            3 => $$$"""{"kind": "{{{kind}}}", "region": "lu", "parameters": {"{{{name}}}": {{{value}}}, "cellSizeMeters": -{{{depth}}}}}""",
            4 => $$"""{"kind": "{{kind}}", "region": "lu", "parameters": """ + new string('[', depth) + new string(']', depth) + "}",
            _ => text.Length % 3 == 0 ? "{\"kind\": \"ev\", \"region\": \"lu\"" : text.Length % 3 == 1 ? text : "{\"kind\": \"ev\", \"region\": \"lu\", \"parameters\": " + value,
        }, "application/json", Key: key);

    private static readonly byte[] GeoJsonStart = Encoding.UTF8.GetBytes("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[6.1,49.6],[6.2,49.6],""");

    // Corrupt or truncated files of each format an import reads; always broken, so always refused.
    private static Gen<Probe> Imports =>
        from layer in Gen.Frequency((4, Gen.OneOf("railways", "roads", "buildings")), (1, Text))
        from kind in Gen.Int[0, 6]
        from garbage in Gen.Byte.Array[0, 512]
        from cut in Gen.Int[1, 60]
        from key in Gen.Frequency((6, Gen.Const("admin")), (1, Gen.Const("consultant")), (1, Gen.Const("")))
        let bytes = kind switch
        {
            0 => GeoJsonStart.AsSpan(0, Math.Min(GeoJsonStart.Length, cut * 2)).ToArray(),                       // truncated GeoJSON
            1 => [.. Encoding.ASCII.GetBytes("SQLite format 3\0"), .. garbage],                                    // a GeoPackage header, then garbage
            2 => [0x00, 0x00, 0x27, 0x0A, .. garbage],                                                            // a shapefile's magic, then garbage
            3 => [0x49, 0x49, 0x2A, 0x00, .. garbage],                                                            // a TIFF header, then garbage
            4 => [0x00, 0x00, 0x00, 0x0D, .. Encoding.ASCII.GetBytes("OSMHeader"), .. garbage],                   // a PBF blob header, then garbage
            5 => Encoding.UTF8.GetBytes("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}}]}""" + "\0"),
            _ => garbage,
        }
        let name = kind switch { 1 => "x.gpkg", 2 => "x.shp", 3 => "x.tif", 4 => "x.osm.pbf", _ => "x.geojson" }
        select new Probe("POST", $"/regions/lu/layers/{P(layer)}/imports", Upload: bytes, UploadName: name, Key: key);

    private static Gen<Probe> Deletes =>
        from id in Gen.Frequency((2, Text), (1, Gen.Const(Guid.NewGuid().ToString())))
        from key in Gen.OneOf("consultant", "", "viewer", "other")
        select new Probe("DELETE", $"/runs/{P(id)}", Key: key);

    private static readonly Gen<Probe> AnyProbe = Gen.Frequency((5, Tiles), (5, Features), (3, Reads), (5, RunPosts), (2, Imports), (1, Deletes));

    // What a body must never show: .NET stack frames, PostgreSQL's error text, connection strings, server paths.
    private static readonly string[] Leaks =
    [
        "   at ", "Exception:", "Npgsql", "SqlState", "syntax error at", "ERROR:  ", "Username=", "Host=127", "Password=", "Database=",
        "klimapakt-import-", TestDatabase.RepositoryRoot, TestDatabase.ResultsDirectory, "/usr/lib/",
    ];

    private const string CountsSql = """
        SELECT (SELECT count(*) FROM analysis_runs) || ',' || (SELECT count(*) FROM api_keys) || ',' || (SELECT count(*) FROM import_sources)
            || ',' || (SELECT count(*) FROM railways) || ',' || (SELECT count(*) FROM roads) || ',' || (SELECT count(*) FROM buildings)
            || ',' || (SELECT count(*) FROM communes) || ',' || (SELECT count(*) FROM rasters)
        """;

    [Fact]
    public async Task EveryEndpoint_1200HostileRequests_No5xxNoLeakNothingWritten()
    {
        await fixture.RunAnalysesAsync(); // result layers with rows, so that generated filters reach real queries
        var before = await fixture.ScalarAsync<string>(CountsSql);
        var clients = new Dictionary<string, HttpClient>
        {
            [""] = fixture.Client(),
            ["consultant"] = fixture.Client(fixture.ConsultantKey),
            ["other"] = fixture.Client(fixture.OtherConsultantKey),
            ["viewer"] = fixture.Client(fixture.ViewerKey),
            ["admin"] = fixture.Client(fixture.AdminKey),
            ["bogus"] = fixture.Client("kp_deadbeef_not-a-real-key-at-all-but-long-enough-to-look-right"),
        };
        var statuses = new ConcurrentDictionary<int, int>();
        var count = 0;
        await Check.SampleAsync(AnyProbe, async probe =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url);
            if (probe.Body is not null) request.Content = new StringContent(probe.Body, Encoding.UTF8, probe.ContentType ?? "application/json");
            if (probe.Upload is not null)
                request.Content = new MultipartFormDataContent { { new ByteArrayContent(probe.Upload), "file", probe.UploadName! } };
            using var response = await clients[probe.Key].SendAsync(request);
            Interlocked.Increment(ref count);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var media = response.Content.Headers.ContentType?.MediaType ?? "";
            var body = media.Contains("json", StringComparison.Ordinal) || media.StartsWith("text", StringComparison.Ordinal)
                ? await response.Content.ReadAsStringAsync() : "";
            if (status >= 500) throw new InvalidOperationException($"{status} for {probe}: {body}");
            if (probe.IsWrite && status < 400) throw new InvalidOperationException($"a bad write was accepted ({status}): {probe}");
            if (status >= 400 && media != "application/problem+json") throw new InvalidOperationException($"{status} without problem+json ({media}) for {probe}");
            foreach (var leak in Leaks)
                if (body.Contains(leak, StringComparison.Ordinal)) throw new InvalidOperationException($"'{leak}' in the answer to {probe}: {body[..Math.Min(body.Length, 500)]}");
        }, iter: 1200, threads: 4, seed: Environment.GetEnvironmentVariable("KLIMAPAKT_BADINPUT_SEED"));

        Assert.Equal(1200, count);
        // Refused writes changed nothing: the same rows as before, table by table.
        Assert.Equal(before, await fixture.ScalarAsync<string>(CountsSql));
        // The generator reached the services, not only the router: answers of several kinds came back.
        Assert.True(statuses.Keys.Count(s => s is >= 400 and < 500) >= 4, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.Contains(statuses.Keys, s => s is 200 or 204);
        foreach (var client in clients.Values) client.Dispose();
    }
}
