using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using KlimaPakt.Geo.Data.Tiles;

namespace KlimaPakt.Geo.Data.Reports;

/// <summary>
/// Writes a <see cref="Report"/> as one HTML page. The maps are drawn by MapLibre with <c>report.js</c> from the
/// page's configuration: served, the page loads MapLibre and the tiles from the service; written to a file, both are
/// embedded (MapLibre and the scripts from the service's wwwroot, the tiles as base64), so it opens offline.
/// </summary>
public static class ReportHtml
{
    /// <summary>Width and height of a report map in CSS pixels (report.css), and its padding.</summary>
    public const int MapWidth = 720, MapHeight = 460, MapPadding = 24;

    /// <summary>
    /// The tile zoom a report map shows its box at: the largest whole zoom at which MapLibre's 512 px tiles fit the box
    /// in the map (so fitting the box never goes below it), within the layer's zooms.
    /// </summary>
    public static int EmbeddedZoom(double[] bbox, int minZoom, int maxZoom)
    {
        static double MercatorY(double lat)
        {
            var rad = Math.Clamp(lat, -85.0511, 85.0511) * Math.PI / 180;
            return (1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2;
        }
        var lonSpan = Math.Max(bbox[2] - bbox[0], 1e-6) / 360;
        var latSpan = Math.Max(MercatorY(bbox[1]) - MercatorY(bbox[3]), 1e-6);
        var z = Math.Min(Math.Log2((MapWidth - 2.0 * MapPadding) / 512 / lonSpan), Math.Log2((MapHeight - 2.0 * MapPadding) / 512 / latSpan));
        return Math.Clamp((int)Math.Floor(z), minZoom, Math.Min(maxZoom, 16));
    }

    /// <summary>The page; <paramref name="embedded"/> (tiles per section kind, by <c>z/x/y</c>) makes it self-contained.</summary>
    public static string Render(Report report, IReadOnlyDictionary<string, Dictionary<string, string>>? embedded)
    {
        var c = CultureInfo.InvariantCulture;
        static string H(string? s) => WebUtility.HtmlEncode(s ?? "");
        string N(double v, int decimals) => v.ToString("N" + decimals.ToString(c), c);
        var what = report.Unit switch { "commune" => "Commune", "canton" => "Canton", "district" => "District", _ => "Cooperation space" };
        var sb = new StringBuilder();
        sb.Append(c, $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>{H(report.Name)} — KlimaPakt.Geo report</title>

            """);
        if (embedded is null)
            sb.Append("<link rel=\"stylesheet\" href=\"/lib/maplibre-gl/maplibre-gl.css\">\n<link rel=\"stylesheet\" href=\"/report.css\">\n");
        else
            sb.Append("<style>\n").Append(Resource("maplibre-gl.css")).Append('\n').Append(Resource("report.css")).Append("\n</style>\n");
        sb.Append("</head>\n<body>\n<div id=\"errors\" role=\"alert\" hidden></div>\n");
        sb.Append(c, $"<header>\n<h1>{H(report.Name)}</h1>\n<p class=\"subject\">{what} <b>{H(report.Code)}</b>, region {H(report.Region)}");
        if (report.Unit != "commune") sb.Append(c, $"; {report.Communes.Count} communes: {H(string.Join(", ", report.Communes))}");
        sb.Append("</p>\n<table class=\"overview\">\n");
        sb.Append(c, $"<tr><th>Residents</th><td class=\"value\">{(report.Population is { } p ? N(p, 0) : "–")}</td><td class=\"method\">latest STATEC population{(report.Unit == "commune" ? "" : ", summed over the members")}</td></tr>\n");
        sb.Append(c, $"<tr><th>Area</th><td class=\"value\">{N(report.AreaKm2, 2)} km²</td><td class=\"method\">in the region's metric CRS</td></tr>\n");
        if (report.GroupSource is { Length: > 0 } source) sb.Append(c, $"<tr><th>Members</th><td colspan=\"2\" class=\"method\">{H(source)}</td></tr>\n");
        sb.Append("</table>\n");
        sb.Append(c, $"<p class=\"note\">Made {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC by KlimaPakt.Geo from the latest published run of each analysis in the region. ");
        sb.Append(report.Sections.Count == 0 ? "No analysis has a published run in this region yet.</p>\n" : $"Analyses: {H(string.Join(", ", report.Sections.Select(s => s.Title)))}.</p>\n");
        sb.Append("</header>\n");

        var maps = new List<object>();
        foreach (var s in report.Sections)
        {
            sb.Append(c, $"<section class=\"analysis\" data-kind=\"{H(s.Kind)}\">\n<h2>{H(s.Title)}</h2>\n");
            sb.Append(c, $"<p class=\"note\">Run <code>{s.RunId}</code>, published {(s.PublishedAt is { } at ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", c) + " UTC" : "–")}; ");
            sb.Append(s.RunCommunes is null ? "over the whole region.</p>\n" : $"over communes {H(string.Join(", ", s.RunCommunes))}.</p>\n");
            if (s.Map is { } m)
            {
                sb.Append(c, $"<h3>Map: {H(m.Title)}</h3>\n<div class=\"map\" id=\"map-{H(s.Kind)}\" data-layer=\"{H(m.Layer)}\"></div>\n");
                sb.Append(c, $"<p class=\"note\">{H(m.Style.Legend)}</p>\n<ul class=\"legend\">");
                foreach (var k in m.Style.Classes) sb.Append(c, $"<li><span class=\"swatch\" style=\"background:{H(k.Colour)}\"></span>{H(k.Label)}</li>");
                if (m.Style.Classes.Count == 0) sb.Append(c, $"<li><span class=\"swatch\" style=\"background:{H(m.Style.Colour)}\"></span>{H(m.Title)}</li>");
                sb.Append("</ul>\n");
                var zoom = embedded is null ? (Min: m.MinZoom, Max: m.MaxZoom) : (Min: EmbeddedZoom(report.Bbox, m.MinZoom, m.MaxZoom), Max: Math.Min(EmbeddedZoom(report.Bbox, m.MinZoom, m.MaxZoom) + 1, m.MaxZoom));
                maps.Add(new
                {
                    kind = s.Kind,
                    title = s.Title,
                    attribution = s.Attribution,
                    map = new
                    {
                        layer = m.Layer,
                        geometry = m.Geometry,
                        style = m.Style,
                        minzoom = zoom.Min,
                        maxzoom = zoom.Max,
                        tiles = embedded is null
                            ? $"/tiles/{LayerRegistry.CommunesLayer},{m.Layer}/{{z}}/{{x}}/{{y}}.pbf?run={s.RunId}"
                            : $"embedded://{s.Kind}/{{z}}/{{x}}/{{y}}",
                    },
                });
            }
            sb.Append("<h3>Figures</h3>\n");
            if (s.Figures.Count == 0)
                sb.Append("<p class=\"note\">This run did not cover ").Append(report.Unit == "commune" ? "this commune" : "any member of this group").Append(".</p>\n");
            else
            {
                sb.Append("<table class=\"figures\">\n<tr><th>Figure</th><th>Value</th><th>How</th></tr>\n");
                foreach (var f in s.Figures)
                    sb.Append(c, $"<tr data-metric=\"{H(f.Metric)}\"><td>{H(f.Label)}</td><td class=\"value\">{N(f.Value, f.Decimals)}{(f.Unit is null ? "" : f.Unit == "%" ? " %" : " " + H(f.Unit))}</td><td class=\"method\">{H(f.Method)}</td></tr>\n");
                sb.Append("</table>\n");
            }
            sb.Append(c, $"<h3>Method</h3>\n<p>{H(s.Method)}</p>\n");
            sb.Append("<h3>Caveats</h3>\n");
            if (s.Caveats.Count == 0) sb.Append("<p class=\"note\">The run labelled nothing as modelled, assumed or a proxy.</p>\n");
            else sb.Append("<ul class=\"caveats\">").AppendJoin("", s.Caveats.Select(x => $"<li>{H(x)}</li>")).Append("</ul>\n");
            sb.Append("<h3>Data sources</h3>\n<ul class=\"sources\">").AppendJoin("", s.Sources.Select(x => $"<li>{H(x)}</li>")).Append("</ul>\n");
            sb.Append(c, $"<p class=\"note\">{H(s.Attribution)}</p>\n");
            sb.Append(c, $"<h3>Parameters</h3>\n<pre>{H(s.Parameters)}</pre>\n</section>\n");
        }

        var config = new
        {
            bbox = report.Bbox,
            communes = report.Communes,
            communesLayer = LayerRegistry.CommunesLayer,
            sections = maps,
            embedded,
        };
        // The default encoder escapes <, > and &: the JSON cannot close the script element.
        sb.Append("<script type=\"application/json\" id=\"report-config\">").Append(JsonSerializer.Serialize(config, ConfigJson)).Append("</script>\n");
        if (embedded is null)
            sb.Append("<script src=\"/lib/maplibre-gl/maplibre-gl.js\"></script>\n<script src=\"/layer-style.js\"></script>\n<script src=\"/report.js\"></script>\n");
        else
            foreach (var script in new[] { "maplibre-gl.js", "layer-style.js", "report.js" })
                sb.Append("<script>\n").Append(Resource(script).Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)).Append("\n</script>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static readonly JsonSerializerOptions ConfigJson = new(JsonSerializerDefaults.Web);

    private static string Resource(string name)
    {
        using var stream = typeof(ReportHtml).Assembly.GetManifestResourceStream("report/" + name)
            ?? throw new InvalidOperationException($"Embedded resource report/{name} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
