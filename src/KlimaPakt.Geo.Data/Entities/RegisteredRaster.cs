using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Data.Entities;

/// <summary>A GeoTIFF known to the service: where it is, what it holds and whether it changed.</summary>
public sealed class RegisteredRaster
{
    /// <summary>Surrogate key.</summary>
    public int Id { get; set; }

    /// <summary>Region it was registered for (coverage checked), or null.</summary>
    public int? RegionId { get; set; }

    /// <summary>Unique name, e.g. <c>lu_elevation</c>.</summary>
    public required string Name { get; set; }

    /// <summary>Path of the file.</summary>
    public required string Path { get; set; }

    /// <summary>SHA-256 of the file's bytes, hex: the input hash analysis runs record.</summary>
    public required string ContentSha256 { get; set; }

    /// <summary>EPSG code of the raster's CRS (0 when it has none that maps to EPSG).</summary>
    public int Srid { get; set; }

    /// <summary>Columns.</summary>
    public int Width { get; set; }

    /// <summary>Rows.</summary>
    public int Height { get; set; }

    /// <summary>Number of bands.</summary>
    public int BandCount { get; set; }

    /// <summary>GDAL data type of band 1 (Float32, Int16, …).</summary>
    public required string DataType { get; set; }

    /// <summary>Upper-left corner X in CRS units.</summary>
    public double OriginX { get; set; }

    /// <summary>Upper-left corner Y in CRS units.</summary>
    public double OriginY { get; set; }

    /// <summary>Cell width in CRS units.</summary>
    public double CellSizeX { get; set; }

    /// <summary>Cell height in CRS units (positive).</summary>
    public double CellSizeY { get; set; }

    /// <summary>NoData value of band 1, when the file declares one.</summary>
    public double? NoData { get; set; }

    /// <summary>Share of the region's area the raster covers (0–1), when registered for a region.</summary>
    public double? RegionCoverage { get; set; }

    /// <summary>Footprint in WGS 84 (EPSG:4326).</summary>
    public Polygon? Footprint { get; set; }

    /// <summary>When the raster was (re-)registered.</summary>
    public DateTimeOffset RegisteredAt { get; set; }
}
