using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using KlimaPakt.Geo.Data.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Api.Tests.Features.Reports;

/// <summary>
/// The commune and group reports over the fixture's real runs (EV and geothermal over Luxembourg; wind and corridors
/// over Liechtenstein): the served page against the commune API and the runs, its tile URLs answered by the service,
/// the self-contained file and its PDF from headless Chromium.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class ReportsApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    [GeneratedRegex("<script type=\"application/json\" id=\"report-config\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex Config();

    [Fact]
    public async Task CommuneReport_EschSurAlzette_SectionsFiguresSourcesCaveatsAndTiles()
    {
        await fixture.RunAnalysesAsync();
        using var response = await _client.GetAsync("/reports/communes/0204");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Esch-sur-Alzette</h1>", html, StringComparison.Ordinal);

        // One section per kind with a published run in Luxembourg (wind and corridors ran in Liechtenstein only).
        var kinds = Regex.Matches(html, "<section class=\"analysis\" data-kind=\"([a-z]+)\"").Select(m => m.Groups[1].Value).ToList();
        var published = await fixture.ScalarAsync<string>(
            "SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM analysis_runs WHERE status = 'Published' AND region_id = (SELECT id FROM regions WHERE code = 'lu')");
        Assert.Equal(published.Split(','), kinds);
        Assert.Contains("ev", kinds);
        Assert.Contains("geothermal", kinds);

        // Every figure of the commune panel, with its unit, and each run id.
        var commune = await _client.GetFromJsonAsync<JsonElement>("/regions/lu/communes/0204");
        foreach (var m in commune.GetProperty("metrics").EnumerateArray())
        {
            var value = m.GetProperty("value").GetDouble().ToString("N" + m.GetProperty("decimals").GetInt32(), System.Globalization.CultureInfo.InvariantCulture);
            var unit = m.GetProperty("unit").GetString() is { } u ? (u == "%" ? " %" : " " + u) : "";
            Assert.Contains($"<tr data-metric=\"{m.GetProperty("metric").GetString()}\"><td>{WebUtility.HtmlEncode(m.GetProperty("label").GetString())}</td><td class=\"value\">{value}{WebUtility.HtmlEncode(unit)}</td>",
                html, StringComparison.Ordinal);
            Assert.Contains(m.GetProperty("runId").GetString()!, html, StringComparison.Ordinal);
        }
        // The sources the run logged, and its caveats (the geothermal ground is assumed in the bundle).
        Assert.Contains("buildings: ", html, StringComparison.Ordinal);
        Assert.Matches("<ul class=\"caveats\"><li>ground: assumed", html);
        Assert.Contains("&quot;cellSizeMeters&quot;: 100", html, StringComparison.Ordinal);

        // Each map's tiles come from the service, for the run shown, and have the commune and the result layer.
        var config = JsonDocument.Parse(Config().Match(html).Groups[1].Value).RootElement;
        Assert.Equal(JsonValueKind.Null, config.GetProperty("embedded").ValueKind);
        var bbox = config.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        foreach (var section in config.GetProperty("sections").EnumerateArray())
        {
            var map = section.GetProperty("map");
            var z = ReportHtml.EmbeddedZoom(bbox, map.GetProperty("minzoom").GetInt32(), map.GetProperty("maxzoom").GetInt32());
            var (x, y) = ReportService.TileOf((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, z);
            var url = map.GetProperty("tiles").GetString()!.Replace("{z}", $"{z}").Replace("{x}", $"{x}").Replace("{y}", $"{y}");
            Assert.StartsWith("/tiles/communes,", url, StringComparison.Ordinal);
            using var tile = await _client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
            var layers = MvtInspector.Layers(await tile.Content.ReadAsByteArrayAsync()).Select(l => l.Name).ToList();
            Assert.Contains("communes", layers);
        }
    }

    [Fact]
    public async Task GroupReport_Nordstad_FiguresAreTheGroupsWithTheirMethod()
    {
        await fixture.RunAnalysesAsync();
        var html = await _client.GetStringAsync("/reports/groups/space/nordstad?region=lu");
        var group = await _client.GetFromJsonAsync<JsonElement>("/regions/lu/groups/space/nordstad");
        Assert.Contains("5 communes: ", html, StringComparison.Ordinal);
        foreach (var f in group.GetProperty("figures").EnumerateArray())
        {
            var value = f.GetProperty("value").GetDouble().ToString("N" + f.GetProperty("decimals").GetInt32(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"<tr data-metric=\"{f.GetProperty("metric").GetString()}\"><td>{WebUtility.HtmlEncode(f.GetProperty("label").GetString())}</td><td class=\"value\">{value}", html, StringComparison.Ordinal);
        }
        Assert.Contains(WebUtility.HtmlEncode("100 × Σ ev_covered_population / Σ population over 5 communes"), html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/reports/communes/9999", HttpStatusCode.NotFound)]
    [InlineData("/reports/communes/0204?region=atlantis", HttpStatusCode.NotFound)]
    [InlineData("/reports/groups/space/nordstad", HttpStatusCode.BadRequest)]
    [InlineData("/reports/groups/space/atlantis?region=lu", HttpStatusCode.NotFound)]
    public async Task BadInput_ProblemJson(string url, HttpStatusCode expected)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ReportFile_SelfContained_WithEmbeddedTiles_AndPdfFromChromium()
    {
        await fixture.RunAnalysesAsync();
        var reports = fixture.Factory.Services.GetRequiredService<ReportService>();
        var report = await reports.CommuneAsync(null, "0204", default);
        var folder = Directory.CreateTempSubdirectory("klimapakt-report-test-");
        try
        {
            var chromium = ReportService.FindChromium();
            var files = await reports.WriteAsync(report, folder.FullName, pdf: chromium is not null, default);
            var html = await File.ReadAllTextAsync(files.Html);
            // Nothing loaded from elsewhere: no script or stylesheet URL, the tiles in the page.
            Assert.DoesNotMatch("<script src=|<link rel=\"stylesheet\"", html);
            Assert.Contains("maplibregl.addProtocol('embedded'", html, StringComparison.Ordinal);
            Assert.True(files.Tiles > 0);
            var config = JsonDocument.Parse(Config().Match(html).Groups[1].Value).RootElement;
            foreach (var section in config.GetProperty("sections").EnumerateArray())
                Assert.NotEmpty(config.GetProperty("embedded").GetProperty(section.GetProperty("kind").GetString()!).EnumerateObject());
            if (chromium is null) return; // the browser test covers rendering where Chromium is installed
            var pdf = await File.ReadAllBytesAsync(files.Pdf!);
            Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);
            // Each map printed as an image of the map's size.
            Assert.Equal(report.Sections.Count(s => s.Map is not null),
                Regex.Count(System.Text.Encoding.Latin1.GetString(pdf), $"/Subtype /Image\\s*/Width {ReportHtml.MapWidth}\\s*/Height {ReportHtml.MapHeight}"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
