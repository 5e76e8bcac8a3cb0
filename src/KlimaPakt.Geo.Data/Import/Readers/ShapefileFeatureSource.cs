using System.Globalization;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.IO.Esri;

namespace KlimaPakt.Geo.Data.Import.Readers;

/// <summary>
/// An Esri Shapefile through NetTopologySuite.IO.Esri.Shapefile. Its CRS comes from the <c>.prj</c> file
/// (identified to an EPSG code with GDAL's OSR); a shapefile without one needs an explicit EPSG code.
/// </summary>
public sealed class ShapefileFeatureSource : IFeatureSource
{
    /// <summary>Checks the file set and identifies the CRS.</summary>
    public ShapefileFeatureSource(string path, int? sridOverride = null)
    {
        FileChecks.RequireNonEmpty(path);
        Path = path;
        var dbf = System.IO.Path.ChangeExtension(path, ".dbf");
        if (!File.Exists(dbf)) throw new GeoInputException($"{path}: the attribute file {System.IO.Path.GetFileName(dbf)} is missing.");
        if (sridOverride is { } srid) { Srid = srid; return; }
        var prj = System.IO.Path.ChangeExtension(path, ".prj");
        if (!File.Exists(prj))
            throw new GeoInputException($"{path}: the shapefile has no .prj file, so its CRS is unknown; pass its EPSG code (--srid).");
        Srid = CoordinateSystems.EpsgOf(File.ReadAllText(prj))
            ?? throw new GeoInputException($"{prj}: the CRS could not be matched to an EPSG code; pass it explicitly (--srid).");
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public int Srid { get; }

    /// <inheritdoc />
    public IEnumerable<FeatureRecord> Read()
    {
        NetTopologySuite.Features.Feature[] features;
        try { features = Shapefile.ReadAllFeatures(Path); }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            throw new GeoInputException($"{Path}: not a readable shapefile ({e.Message}); it may be truncated.", inner: e);
        }
        for (var i = 0; i < features.Length; i++)
        {
            var geometry = features[i].Geometry;
            if (geometry is not null) geometry.SRID = Srid;
            yield return new FeatureRecord((i + 1).ToString(CultureInfo.InvariantCulture), geometry, FeatureRecord.AttributesOf(features[i].Attributes));
        }
    }
}
