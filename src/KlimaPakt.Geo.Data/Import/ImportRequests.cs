namespace KlimaPakt.Geo.Data.Import;

/// <summary>What to do with invalid geometries.</summary>
public enum InvalidGeometryPolicy
{
    /// <summary>Repair with ST_MakeValid and report the feature ids (default).</summary>
    Repair,

    /// <summary>Refuse the whole file, listing the invalid features.</summary>
    Reject,
}

/// <summary>Create or update a region.</summary>
/// <param name="Code">Short code, e.g. <c>lu</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Srid">EPSG code of its metric working CRS.</param>
public sealed record RegionRequest(string Code, string Name, int Srid);

/// <summary>Import a GeoJSON, GeoPackage or Shapefile into a typed layer of a region.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Layer">Layer name (see <see cref="Core.Layers.InputLayer.All"/>).</param>
/// <param name="Path">File to read.</param>
/// <param name="Srid">EPSG code of the file when it declares none (or to override it).</param>
/// <param name="Table">GeoPackage feature table when the file has several.</param>
/// <param name="ClassField">Attribute holding the class; defaults to the layer's usual ones.</param>
/// <param name="Invalid">Invalid-geometry policy.</param>
public sealed record LayerImportRequest(string Region, string Layer, string Path, int? Srid = null, string? Table = null,
    string? ClassField = null, InvalidGeometryPolicy Invalid = InvalidGeometryPolicy.Repair);

/// <summary>Import commune boundaries (replacing the region's communes, matched by code).</summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">File to read.</param>
/// <param name="CodeField">Attribute holding the official code.</param>
/// <param name="NameField">Attribute holding the name.</param>
/// <param name="CantonField">Attribute holding the canton, if any.</param>
/// <param name="Srid">EPSG code of the file when it declares none.</param>
/// <param name="Table">GeoPackage feature table.</param>
public sealed record CommuneImportRequest(string Region, string Path, string CodeField = "LAU2", string NameField = "COMMUNE",
    string? CantonField = "CANTON", int? Srid = null, string? Table = null);

/// <summary>Import an OSM extract (PBF or XML) into every typed layer, and optionally the communes.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">OSM file.</param>
/// <param name="CommuneAdminLevel">admin_level of communes (8 for Gemeinden); null to leave communes alone.</param>
/// <param name="CantonAdminLevel">admin_level whose names become the communes' cantons (6 for Wahlkreise), or null.</param>
/// <param name="CommuneCodeTags">Tags tried in order for the commune code (falls back to the OSM id).</param>
public sealed record OsmImportRequest(string Region, string Path, int? CommuneAdminLevel = 8, int? CantonAdminLevel = 6,
    IReadOnlyList<string>? CommuneCodeTags = null);

/// <summary>Import a STATEC (LUSTAT SDMX CSV) population table, joined to the region's communes.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">CSV file.</param>
/// <param name="MergersPath">CSV of commune mergers and renames (<c>from_name,to_name</c>), if any.</param>
/// <param name="Year">Only this year; null for every year in the file.</param>
public sealed record PopulationImportRequest(string Region, string Path, string? MergersPath = null, int? Year = null);

/// <summary>Register a GeoTIFF (optionally for a region, whose coverage is then checked).</summary>
/// <param name="Path">GeoTIFF file.</param>
/// <param name="Name">Unique name; defaults to the file name without extension.</param>
/// <param name="Region">Region code, or null for a region-less raster.</param>
/// <param name="MinRegionCoverage">Smallest share (0–1) of the region's area the raster must cover.</param>
public sealed record RasterRegistrationRequest(string Path, string? Name = null, string? Region = null, double MinRegionCoverage = 0.99);

/// <summary>What an import did.</summary>
/// <param name="Path">File read.</param>
/// <param name="Target">Layer, <c>communes</c>, <c>population</c>, <c>osm</c> or <c>raster</c>.</param>
/// <param name="FeaturesRead">Features or rows read.</param>
/// <param name="WrittenByTarget">Rows written per table.</param>
/// <param name="Repaired">Features whose geometry was repaired: <c>id: reason</c>.</param>
/// <param name="Skipped">Features or rows left out, with why.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record ImportReport(string Path, string Target, int FeaturesRead, IReadOnlyDictionary<string, int> WrittenByTarget,
    IReadOnlyList<string> Repaired, IReadOnlyList<string> Skipped, TimeSpan Elapsed)
{
    /// <summary>Rows written in all tables.</summary>
    public int FeaturesWritten => WrittenByTarget.Values.Sum();
}
