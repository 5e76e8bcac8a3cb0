using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Data.Entities;

/// <summary>A named set of communes sharing one metric working CRS (e.g. <c>lu</c>, EPSG:2169).</summary>
public sealed class Region
{
    /// <summary>Surrogate key.</summary>
    public int Id { get; set; }

    /// <summary>Short code used in URLs and on the command line, e.g. <c>lu</c>.</summary>
    public required string Code { get; set; }

    /// <summary>Display name.</summary>
    public required string Name { get; set; }

    /// <summary>EPSG code of the region's metric working CRS; every geometry of the region is stored in it.</summary>
    public int Srid { get; set; }

    /// <summary>When the region was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The region's communes.</summary>
    public List<Commune> Communes { get; set; } = [];
}

/// <summary>A commune (municipality, Gemeinde) of a region, in the region's CRS.</summary>
public sealed class Commune
{
    /// <summary>Surrogate key.</summary>
    public int Id { get; set; }

    /// <summary>Owning region.</summary>
    public int RegionId { get; set; }

    /// <summary>Official code (LAU2 for Luxembourg, BFS number for Liechtenstein).</summary>
    public required string Code { get; set; }

    /// <summary>Official name.</summary>
    public required string Name { get; set; }

    /// <summary>Canton (or Wahlkreis, district) the commune belongs to, when known.</summary>
    public string? Canton { get; set; }

    /// <summary>Boundary in the region's CRS.</summary>
    public required MultiPolygon Geom { get; set; }

    /// <summary>Import that brought the boundary in.</summary>
    public int? SourceId { get; set; }

    /// <summary>Population figures by year.</summary>
    public List<CommunePopulation> Populations { get; set; } = [];
}

/// <summary>The resident population of a commune on 1 January of a year.</summary>
public sealed class CommunePopulation
{
    /// <summary>The commune.</summary>
    public int CommuneId { get; set; }

    /// <summary>Reference year (population on 1 January).</summary>
    public int Year { get; set; }

    /// <summary>Number of residents.</summary>
    public int Population { get; set; }

    /// <summary>Import that brought the figure in.</summary>
    public int? SourceId { get; set; }
}

/// <summary>
/// One imported file: re-importing the same (region, layer, source name) replaces its rows instead of adding to them.
/// </summary>
public sealed class ImportSource
{
    /// <summary>Surrogate key; every imported row carries it.</summary>
    public int Id { get; set; }

    /// <summary>Region the rows were imported into (null for region-less rasters).</summary>
    public int? RegionId { get; set; }

    /// <summary>Target: a layer name, <c>communes</c>, <c>population</c>, <c>osm</c> or <c>raster</c>.</summary>
    public required string Target { get; set; }

    /// <summary>File name of the source (no folder), the key of re-imports.</summary>
    public required string SourceName { get; set; }

    /// <summary>Full path as given at import.</summary>
    public required string Path { get; set; }

    /// <summary>SHA-256 of the file's bytes, hex.</summary>
    public required string ContentSha256 { get; set; }

    /// <summary>EPSG code the file's geometries were read in.</summary>
    public int? SourceSrid { get; set; }

    /// <summary>Features or rows read from the file.</summary>
    public int FeaturesRead { get; set; }

    /// <summary>Features or rows written.</summary>
    public int FeaturesWritten { get; set; }

    /// <summary>Features whose invalid geometry was repaired with ST_MakeValid.</summary>
    public int FeaturesRepaired { get; set; }

    /// <summary>When the import committed.</summary>
    public DateTimeOffset ImportedAt { get; set; }

    /// <summary>Licence of the data, e.g. <c>ODbL 1.0</c>, <c>CC0</c>, when declared at import.</summary>
    public string? Licence { get; set; }

    /// <summary>Attribution the licence asks for wherever the data are shown, e.g. <c>© OpenStreetMap contributors</c>.</summary>
    public string? Attribution { get; set; }

    /// <summary>
    /// Reference date of the data (not of the import) as an ISO 8601 date or prefix (<c>2022-02</c>, <c>2016</c>); for a
    /// range, its end. Overlapping road sources prefer the later one. Null when unknown.
    /// </summary>
    public string? DataDate { get; set; }

    /// <summary>What part of the region the data cover, in words (e.g. <c>Luxembourg City and its first ring only</c>).</summary>
    public string? Coverage { get; set; }
}
