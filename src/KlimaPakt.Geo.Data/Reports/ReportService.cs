using System.Text.Json;
using System.Text.RegularExpressions;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Tiles;
using Npgsql;

namespace KlimaPakt.Geo.Data.Reports;

/// <summary>A figure in a report: label, value and unit as the analysis describes it.</summary>
/// <param name="Metric">Metric name with its unit.</param>
/// <param name="Label">Human label.</param>
/// <param name="Value">Value (for a group: summed, or the ratio recomputed from the sums).</param>
/// <param name="Unit">Unit, null for counts.</param>
/// <param name="Decimals">Decimals shown.</param>
/// <param name="Method">How the value was obtained: the commune's stored figure, a sum over members or a recomputed ratio.</param>
public sealed record ReportFigure(string Metric, string Label, double Value, string? Unit, int Decimals, string Method);

/// <summary>The map of a report section: a result layer of the run, drawn from the service's tiles over the subject's communes.</summary>
/// <param name="Layer">Result layer shown.</param>
/// <param name="Title">Its title.</param>
/// <param name="Geometry">polygon, line or point.</param>
/// <param name="MinZoom">Lowest zoom the composite tile (communes + layer) is served at.</param>
/// <param name="MaxZoom">Highest zoom it is served at.</param>
/// <param name="Style">The layer's served style (classes of the run, legend with units).</param>
public sealed record ReportMap(string Layer, string Title, string Geometry, int MinZoom, int MaxZoom, ServedStyle Style);

/// <summary>One analysis in a report: its latest published run in the region and what it says about the subject.</summary>
/// <param name="Kind">Analysis kind.</param>
/// <param name="Title">Analysis title.</param>
/// <param name="Method">What the analysis computes (its summary) and what its layers show.</param>
/// <param name="RunId">The run.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="Parameters">Its stored (normalised) parameters, indented JSON.</param>
/// <param name="RunCommunes">Commune codes the run covered; null for the whole region.</param>
/// <param name="Figures">The subject's figures from this run (empty when the run did not cover it).</param>
/// <param name="Sources">What the run's inputs rest on, one line per input (from its log).</param>
/// <param name="Caveats">What the run labelled as modelled, assumed or a proxy (from its log).</param>
/// <param name="Attribution">Attribution of the results.</param>
/// <param name="Map">The map, null when the analysis has no area layer.</param>
public sealed record ReportSection(string Kind, string Title, string Method, Guid RunId, DateTimeOffset? PublishedAt, string Parameters,
    IReadOnlyList<string>? RunCommunes, IReadOnlyList<ReportFigure> Figures, IReadOnlyList<string> Sources, IReadOnlyList<string> Caveats,
    string Attribution, ReportMap? Map);

/// <summary>A report on one commune or one group of communes.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Unit"><c>commune</c>, <c>canton</c>, <c>district</c> or <c>space</c>.</param>
/// <param name="Code">Code of the commune or group.</param>
/// <param name="Name">Name.</param>
/// <param name="Communes">Member commune codes (the commune itself for a commune).</param>
/// <param name="GroupSource">For a group: where its member list comes from.</param>
/// <param name="Population">Residents (latest year; summed for a group).</param>
/// <param name="AreaKm2">Area in km².</param>
/// <param name="Bbox">Bounding box in CRS84: minLon, minLat, maxLon, maxLat.</param>
/// <param name="Sections">One per analysis kind with a published run in the region.</param>
/// <param name="GeneratedAt">When the report was made.</param>
public sealed record Report(string Region, string Unit, string Code, string Name, IReadOnlyList<string> Communes, string? GroupSource,
    double? Population, double AreaKm2, double[] Bbox, IReadOnlyList<ReportSection> Sections, DateTimeOffset GeneratedAt);

/// <summary>The files a report was written to.</summary>
/// <param name="Html">The self-contained HTML page.</param>
/// <param name="Pdf">The PDF printed from it by headless Chromium, when asked for.</param>
/// <param name="Tiles">Vector tiles embedded in the page.</param>
public sealed record ReportFiles(string Html, string? Pdf, int Tiles);

/// <summary>
/// Reports per commune and per group of communes: for each analysis with a published run in the region, a map of its
/// main result layer drawn from the service's own vector tiles, the figures with their units, the method, the data
/// sources, the run id and parameters, and the caveats the run labelled. Served as HTML by the API (tiles loaded
/// from the service) and written by the CLI as one self-contained file (tiles embedded), optionally printed to PDF.
/// </summary>
public sealed partial class ReportService(NpgsqlDataSource dataSource, CommuneFigures communes, GroupFigures groups, LayerRegistry layers,
    LayerStyles styles, TileService tiles)
{
    /// <summary>A commune's report; <paramref name="region"/> may be null when the code is unique across regions.</summary>
    /// <exception cref="NotFoundException">No such commune.</exception>
    /// <exception cref="GeoInputException">The code exists in several regions and none was named.</exception>
    public async Task<Report> CommuneAsync(string? region, string code, CancellationToken ct)
    {
        region ??= await RegionOfCommuneAsync(code, ct);
        var commune = await communes.GetAsync(region, code, ct);
        var figures = commune.Metrics.GroupBy(m => m.Kind).ToDictionary(g => g.Key,
            g => (IReadOnlyList<ReportFigure>)[.. g.Select(m => new ReportFigure(m.Metric, m.Label, m.Value, m.Unit, m.Decimals, "the commune's figure"))]);
        var sections = await SectionsAsync(region, figures, ct);
        return new Report(region, "commune", commune.Code, commune.Name, [commune.Code], null, commune.Population, commune.AreaKm2, commune.Bbox,
            sections, DateTimeOffset.UtcNow);
    }

    /// <summary>A group's report (canton, district or cooperation space).</summary>
    /// <exception cref="NotFoundException">No such region or group.</exception>
    public async Task<Report> GroupAsync(string region, string kind, string code, CancellationToken ct)
    {
        var group = await groups.GetAsync(region, kind, code, ct);
        var figures = group.Figures.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => (IReadOnlyList<ReportFigure>)[.. g.Select(f =>
        {
            var description = AnalysisServices.FindFigure(f.Metric)?.Figure;
            var method = f.Aggregation == "sum" ? $"sum over {f.Communes} communes"
                : $"{description?.Scale:0.##} × Σ {description?.Numerator} / Σ {description?.Denominator} over {f.Communes} communes";
            return new ReportFigure(f.Metric, f.Label, f.Value, f.Unit, f.Decimals, method);
        })]);
        double[] bbox;
        await using (var command = dataSource.CreateCommand("""
            SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
            FROM (SELECT ST_Transform(ST_SetSRID(ST_Extent(c.geom)::geometry, r.srid), 4326)::box2d AS b
                  FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = $1 AND c.code = ANY($2) GROUP BY r.srid) x
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = region });
            command.Parameters.Add(new NpgsqlParameter { Value = group.Group.Communes.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            bbox = [.. Enumerable.Range(0, 4).Select(i => Math.Round(reader.GetDouble(i), 6))];
        }
        var sections = await SectionsAsync(region, figures, ct);
        return new Report(region, group.Group.Kind, group.Group.Code, group.Group.Name, group.Group.Communes, group.Group.Source,
            group.Population, group.AreaKm2, bbox, sections, DateTimeOffset.UtcNow);
    }

    /// <summary>The page as the service serves it: MapLibre and the tiles come from the service.</summary>
    public static string ServedHtml(Report report) => ReportHtml.Render(report, null);

    /// <summary>
    /// Writes the report into <paramref name="folder"/> as one self-contained HTML file (MapLibre, its style and the
    /// vector tiles of each map embedded), and prints it to PDF with headless Chromium when <paramref name="pdf"/>.
    /// </summary>
    /// <exception cref="GeoInputException">A PDF was asked for and no Chromium was found, or it failed.</exception>
    public async Task<ReportFiles> WriteAsync(Report report, string folder, bool pdf, CancellationToken ct)
    {
        var chromium = pdf ? FindChromium() ?? throw new GeoInputException(
            "--pdf needs a headless Chromium: install Debian's chromium, or set CHROMIUM to its path.") : null;
        Directory.CreateDirectory(folder);
        var embedded = new Dictionary<string, Dictionary<string, string>>();
        foreach (var section in report.Sections.Where(s => s.Map is not null))
            embedded[section.Kind] = await EmbeddedTilesAsync(report, section, ct);
        var name = $"report_{report.Region}_{(report.Unit == "commune" ? "" : report.Unit + "_")}{Safe(report.Code)}";
        var html = Path.GetFullPath(Path.Combine(folder, name + ".html"));
        await File.WriteAllTextAsync(html, ReportHtml.Render(report, embedded), ct);
        string? pdfPath = null;
        if (chromium is not null)
        {
            pdfPath = Path.ChangeExtension(html, ".pdf");
            await PrintAsync(chromium, html, pdfPath, ct);
        }
        return new ReportFiles(html, pdfPath, embedded.Values.Sum(t => t.Count));
    }

    /// <summary>Chromium's path: <c>CHROMIUM</c>, else <c>/usr/bin/chromium</c> or <c>chromium-browser</c>; null when none.</summary>
    public static string? FindChromium() =>
        new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>
    /// Prints the page with headless Chromium once its maps have drawn: <c>--print-to-pdf</c> alone prints before
    /// MapLibre's workers have parsed the tiles (blank maps), so the page is opened over the DevTools protocol, printed
    /// when <c>window.klimapaktReport.ready</c> (<c>Page.printToPDF</c>, what <c>--print-to-pdf</c> calls).
    /// </summary>
    private static async Task PrintAsync(string chromium, string html, string pdf, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await using var browser = await HeadlessChromium.StartAsync(chromium, timeout.Token);
            var bytes = await browser.PrintWhenAsync(new Uri(html).AbsoluteUri, "window.klimapaktReport && (window.klimapaktReport.ready === true || window.klimapaktReport.errors.length > 0)",
                "window.klimapaktReport ? window.klimapaktReport.errors.join('; ') : 'report.js did not run'", timeout.Token);
            await File.WriteAllBytesAsync(pdf, bytes, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new GeoInputException($"Chromium did not print {html} within 2 minutes.");
        }
    }

    /// <summary>The section of each kind's latest published run in the region, with the subject's figures from it.</summary>
    private async Task<IReadOnlyList<ReportSection>> SectionsAsync(string region, IReadOnlyDictionary<string, IReadOnlyList<ReportFigure>> figures,
        CancellationToken ct)
    {
        var sections = new List<ReportSection>();
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT ON (a.kind) a.kind, a.id, a.published_at, a.parameters::text, a.commune_codes, a.log
            FROM analysis_runs a JOIN regions r ON r.id = a.region_id
            WHERE a.status = 'Published' AND r.code = $1
            ORDER BY a.kind, a.published_at DESC NULLS LAST
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = region });
        var runs = new List<(string Kind, Guid Id, DateTimeOffset? At, string Parameters, string[]? Communes, string[] Log)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                runs.Add((reader.GetString(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5)));
        foreach (var run in runs)
        {
            if (AnalysisServices.Find(run.Kind) is not { } analysis) continue;
            var sources = run.Log.Where(l => l.StartsWith(Runs.RunService.InputLogPrefix, StringComparison.Ordinal))
                .Select(l => l[Runs.RunService.InputLogPrefix.Length..]).ToList();
            var caveats = run.Log.Where(l => !l.StartsWith(Runs.RunService.InputLogPrefix, StringComparison.Ordinal) && CaveatWords().IsMatch(l)).ToList();
            ReportMap? map = null;
            if (MainLayers.Area(analysis) is { } main && layers.TryGet(main.Name, out var layer))
            {
                var communesLayer = layers.Get(LayerRegistry.CommunesLayer);
                map = new ReportMap(layer.Name, layer.Title, layer.Geometry.ToString().ToLowerInvariant(), Math.Max(layer.MinZoom, communesLayer.MinZoom),
                    Math.Min(layer.MaxZoom, communesLayer.MaxZoom), await styles.StyleAsync(layer, ct));
            }
            var method = analysis.Summary + " " + string.Join(" ", analysis.Layers.Select(l => $"{l.Title}: {l.Description}."));
            var parameters = JsonSerializer.Serialize(JsonDocument.Parse(run.Parameters).RootElement, Indented);
            sections.Add(new ReportSection(run.Kind, analysis.Title, method, run.Id, run.At, parameters, run.Communes,
                figures.GetValueOrDefault(run.Kind) ?? [], sources, caveats, analysis.Attribution, map));
        }
        return sections;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The words by which a run's log labels what is not measured data.</summary>
    [GeneratedRegex(@"\b(modelled|modeled|assumed|assumption|proxy)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CaveatWords();

    /// <summary>
    /// The tiles the self-contained page draws a section's map from: the composite communes + result layer of the run
    /// at the zoom the page's 720 × 460 px map fits the subject to and the next one, over its box with a margin.
    /// </summary>
    private async Task<Dictionary<string, string>> EmbeddedTilesAsync(Report report, ReportSection section, CancellationToken ct)
    {
        var map = section.Map!;
        var zoom = ReportHtml.EmbeddedZoom(report.Bbox, map.MinZoom, map.MaxZoom);
        var result = new Dictionary<string, string>();
        var (w, s, e, n) = (report.Bbox[0], report.Bbox[1], report.Bbox[2], report.Bbox[3]);
        var (dx, dy) = ((e - w) * 0.6 + 0.01, (n - s) * 0.6 + 0.01);
        foreach (var z in new[] { zoom, Math.Min(zoom + 1, map.MaxZoom) }.Distinct())
        {
            var (x0, y0) = TileOf(w - dx, n + dy, z);
            var (x1, y1) = TileOf(e + dx, s - dy, z);
            for (var x = x0; x <= x1; x++)
                for (var y = y0; y <= y1; y++)
                {
                    var tile = await tiles.RenderAsync([LayerRegistry.CommunesLayer, map.Layer], z, x, y, section.RunId, ct);
                    if (!tile.IsEmpty) result[$"{z}/{x}/{y}"] = Convert.ToBase64String(tile.Data);
                }
        }
        return result;
    }

    /// <summary>The XYZ tile holding a CRS84 point at zoom <paramref name="z"/>.</summary>
    public static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        lat = Math.Clamp(lat, -85.0511, 85.0511);
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var rad = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
        return (Math.Clamp(x, 0, n - 1), Math.Clamp(y, 0, n - 1));
    }

    private async Task<string> RegionOfCommuneAsync(string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT r.code FROM communes c JOIN regions r ON r.id = c.region_id WHERE c.code = $1 ORDER BY r.code");
        command.Parameters.Add(new NpgsqlParameter { Value = code });
        var regions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) regions.Add(reader.GetString(0));
        return regions switch
        {
            [] => throw new NotFoundException($"No region has a commune with code '{code}'."),
            [var one] => one,
            _ => throw new GeoInputException($"Commune code '{code}' exists in regions {string.Join(", ", regions)}: name the region."),
        };
    }

    private static string Safe(string code) => string.Concat(code.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
