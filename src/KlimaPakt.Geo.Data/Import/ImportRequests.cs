namespace KlimaPakt.Geo.Data.Import;

/// <summary>What to do with invalid geometries.</summary>
public enum InvalidGeometryPolicy
{
    /// <summary>Repair with ST_MakeValid and report the feature ids (default).</summary>
    Repair,

    /// <summary>Refuse the whole file, listing the invalid features.</summary>
    Reject,
}

/// <summary>
/// Where a file's data come from, stored with its import (<c>import_sources</c>) so that every figure made from it can
/// say what it rests on. All optional; a re-import of the same file replaces the fields it declares and keeps the others.
/// </summary>
/// <param name="Licence">Licence, e.g. <c>ODbL 1.0</c>.</param>
/// <param name="Attribution">Attribution to show with the data, e.g. <c>© OpenStreetMap contributors</c>.</param>
/// <param name="DataDate">Reference date of the data as ISO 8601 (<c>2022-02</c>, <c>2016</c>); for a range, its end.</param>
/// <param name="Coverage">What part of the region the data cover, in words.</param>
public sealed record Provenance(string? Licence = null, string? Attribution = null, string? DataDate = null, string? Coverage = null);

/// <summary>How a layer import treats rows of other sources of the same layer and region.</summary>
public enum LayerMerge
{
    /// <summary>Rows are added beside those of other sources (default).</summary>
    Add,

    /// <summary>
    /// Lines only: where this file and another source of the layer map the same line, the source with the later
    /// <see cref="Provenance.DataDate"/> keeps it and the older loses that part (see
    /// <see cref="ImportService.DuplicateBufferMeters"/>); classes that only the older source has are always kept whole.
    /// </summary>
    PreferNewer,
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
/// <param name="Where">Only features whose attributes have these values (e.g. <c>type = building</c>); the others are
/// counted in the report.</param>
/// <param name="Merge">How rows of other sources of the layer are treated.</param>
/// <param name="Provenance">Licence, attribution, date and coverage of the file.</param>
public sealed record LayerImportRequest(string Region, string Layer, string Path, int? Srid = null, string? Table = null,
    string? ClassField = null, InvalidGeometryPolicy Invalid = InvalidGeometryPolicy.Repair,
    IReadOnlyDictionary<string, string>? Where = null, LayerMerge Merge = LayerMerge.Add, Provenance? Provenance = null);

/// <summary>
/// Import airports and airfields into <c>land_cover</c> as class <c>aerodrome</c> (tag <c>aeroway=aerodrome</c>): a
/// runway centreline becomes its runway strip, a point a disc, a polygon stays as it is; a point inside a runway strip
/// of the same file (the airport's reference point) is left out, the strip standing for it.
/// </summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">GeoJSON, GeoPackage or Shapefile of runway lines, airport points or aerodrome areas.</param>
/// <param name="RunwayStripHalfWidthMeters">Half-width of the strip around a runway centreline: 140 m, the ICAO Annex 14
/// (§3.4, 8th ed. 2018) strip of an instrument runway of code number 3 or 4.</param>
/// <param name="RunwayStripEndMeters">How far the strip runs beyond each runway end: 60 m (ICAO Annex 14 §3.4).</param>
/// <param name="AirfieldRadiusMeters">Radius of the disc that stands for an airfield given as a point: 300 m, about a
/// small grass strip of 600 m and its surroundings (an assumption: the point gives no runway).</param>
/// <param name="Provenance">Licence, attribution, date and coverage of the file.</param>
public sealed record AerodromeImportRequest(string Region, string Path, double RunwayStripHalfWidthMeters = 140, double RunwayStripEndMeters = 60,
    double AirfieldRadiusMeters = 300, Provenance? Provenance = null);

/// <summary>Import a census population grid (e.g. Eurostat GEOSTAT 1 km) into <c>population_cells</c>.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">GeoJSON, GeoPackage or Shapefile of grid cells.</param>
/// <param name="PopulationField">Attribute with the residents of the year imported (GEOSTAT: <c>T2021</c>).</param>
/// <param name="Year">Reference year of <paramref name="PopulationField"/>.</param>
/// <param name="ClassField">Attribute stored as the class (GEOSTAT's country flag <c>CNTR_ID</c>).</param>
/// <param name="Provenance">Licence, attribution, date and coverage of the file.</param>
public sealed record PopulationGridImportRequest(string Region, string Path, string PopulationField = "T2021", int Year = 2021,
    string? ClassField = "CNTR_ID", Provenance? Provenance = null);

/// <summary>
/// Classify a registered four-band multispectral raster (blue, green, red, NIR: Sentinel-2 B02, B03, B04, B08) into
/// <c>land_cover</c> (<see cref="Core.LandCover.SpectralLandCoverClassifier"/>), one polygon per patch of a class.
/// </summary>
/// <param name="Region">Region code.</param>
/// <param name="Raster">Registered raster name (or a GeoTIFF path).</param>
/// <param name="Thresholds">Classification thresholds; Sentinel-2 L2A defaults when null.</param>
/// <param name="SourceName">Source name of the rows; <c>sentinel2-ndvi-30arcsec</c>-style (from the cell size) when null.</param>
/// <param name="Provenance">Licence, attribution, date and coverage of the image.</param>
public sealed record LandCoverRasterRequest(string Region, string Raster, Core.LandCover.SpectralThresholds? Thresholds = null,
    string? SourceName = null, Provenance? Provenance = null);

/// <summary>Import commune boundaries (replacing the region's communes, matched by code).</summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">File to read.</param>
/// <param name="CodeField">Attribute holding the official code.</param>
/// <param name="NameField">Attribute holding the name.</param>
/// <param name="CantonField">Attribute holding the canton, if any.</param>
/// <param name="Srid">EPSG code of the file when it declares none.</param>
/// <param name="Table">GeoPackage feature table.</param>
/// <param name="Provenance">Licence, attribution, date and coverage of the file.</param>
public sealed record CommuneImportRequest(string Region, string Path, string CodeField = "LAU2", string NameField = "COMMUNE",
    string? CantonField = "CANTON", int? Srid = null, string? Table = null, Provenance? Provenance = null);

/// <summary>Import an OSM extract (PBF or XML) into every typed layer, and optionally the communes.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">OSM file.</param>
/// <param name="CommuneAdminLevel">admin_level of communes (8 for Gemeinden); null to leave communes alone.</param>
/// <param name="CantonAdminLevel">admin_level whose names become the communes' cantons (6 for Wahlkreise), or null.</param>
/// <param name="CommuneCodeTags">Tags tried in order for the commune code (falls back to the OSM id).</param>
/// <param name="Provenance">Licence, attribution, date and coverage of the extract.</param>
public sealed record OsmImportRequest(string Region, string Path, int? CommuneAdminLevel = 8, int? CantonAdminLevel = 6,
    IReadOnlyList<string>? CommuneCodeTags = null, Provenance? Provenance = null);

/// <summary>Import a STATEC (LUSTAT SDMX CSV) population table, joined to the region's communes.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Path">CSV file.</param>
/// <param name="MergersPath">CSV of commune mergers and renames (<c>from_name,to_name</c>), if any.</param>
/// <param name="Year">Only this year; null for every year in the file.</param>
/// <param name="Provenance">Licence, attribution, date and coverage of the table.</param>
public sealed record PopulationImportRequest(string Region, string Path, string? MergersPath = null, int? Year = null, Provenance? Provenance = null);

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
