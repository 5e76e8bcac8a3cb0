using System.Collections;
using KlimaPakt.Geo.Data.Analyses;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// What a run's computation returns: rows per result table, per-commune figures, GeoTIFFs and the result hash. The
/// <see cref="RunService"/> writes the GeoTIFFs to the results folder and publishes everything in one transaction.
/// </summary>
/// <param name="ResultSha256">Hash of the results in canonical form: equal inputs and parameters give equal hashes.</param>
public sealed class RunOutput(string ResultSha256)
{
    private readonly List<(ResultTable Table, IEnumerable Rows)> _rows = [];
    private readonly List<Func<IEnumerable<(int CommuneId, string Metric, double Value)>>> _figures = [];
    private readonly List<(string Name, Action<string> Write)> _rasters = [];

    /// <summary>SHA-256 (lower-case hex) of a result's canonical text, e.g. <see cref="Canonical"/> values joined.</summary>
    public static string HashOf(string canonical) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));

    /// <summary>A number in a result hash's canonical text: rounded to 1e-6, round-trip invariant formatting.</summary>
    public static string Canonical(double value) => Math.Round(value, 6).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The result hash.</summary>
    public string ResultSha256 { get; } = ResultSha256;

    internal IReadOnlyList<(ResultTable Table, IEnumerable Rows)> TableRows => _rows;

    internal IReadOnlyList<(string Name, Action<string> Write)> Rasters => _rasters;

    internal IEnumerable<(int CommuneId, string Metric, double Value)> FigureValues => _figures.SelectMany(f => f());

    /// <summary>Rows of <paramref name="table"/>.</summary>
    public RunOutput Rows<TRow>(ResultTable<TRow> table, IEnumerable<TRow> rows)
    {
        _rows.Add((table, rows));
        return this;
    }

    /// <summary>Per-commune figures of <paramref name="rows"/>.</summary>
    public RunOutput Figures<TRow>(CommuneFigureSet<TRow> figures, IEnumerable<TRow> rows)
    {
        _figures.Add(() => rows.SelectMany(r => figures.Values(r).Select(v => (figures.CommuneId(r), v.Metric, v.Value))));
        return this;
    }

    /// <summary>A GeoTIFF <paramref name="name"/> (e.g. <c>score</c>) that <paramref name="write"/> writes to the path it is given.</summary>
    public RunOutput Raster(string name, Action<string> write)
    {
        _rasters.Add((name, write));
        return this;
    }
}
