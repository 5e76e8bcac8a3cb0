using System.Runtime.InteropServices;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>A feature of a vector file as GDAL/OGR gives it.</summary>
/// <param name="Layer">The driver's layer name (for OSM: points, lines, multilinestrings, multipolygons, other_relations).</param>
/// <param name="Fields">Set, non-null fields as text.</param>
/// <param name="IsoWkb">Geometry as ISO WKB (little-endian), or null.</param>
public sealed record VectorFeature(string Layer, IReadOnlyDictionary<string, string> Fields, byte[]? IsoWkb);

/// <summary>
/// Reads a vector file with any GDAL/OGR driver (the project uses the OSM driver), features in the driver's
/// recommended interleaved order. Eager and on the calling thread, because GDAL's error state is per thread.
/// </summary>
public static class VectorFile
{
    /// <summary>Every feature of the file.</summary>
    /// <exception cref="InvalidDataException">The file cannot be opened, or GDAL reported a failure while reading (a truncated or corrupt file); the message names the file.</exception>
    public static unsafe List<VectorFeature> ReadAll(string path)
    {
        EnsureInitialized();
        CPLErrorReset();
        nint ds = GDALOpenEx(path, GDAL_OF_VECTOR, 0, 0, 0);
        if (ds == 0) throw new InvalidDataException($"{path}: GDAL could not open it as a vector file ({LastError()}).");
        var features = new List<VectorFeature>();
        try
        {
            while (true)
            {
                nint feature = GDALDatasetGetNextFeature(ds, out nint layer, out _, 0, 0);
                if (feature == 0) break;
                try
                {
                    var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                    int count = OGR_F_GetFieldCount(feature);
                    for (int i = 0; i < count; i++)
                    {
                        if (OGR_F_IsFieldSetAndNotNull(feature, i) == 0) continue;
                        fields[Marshal.PtrToStringUTF8(OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(feature, i)))!] =
                            Marshal.PtrToStringUTF8(OGR_F_GetFieldAsString(feature, i)) ?? "";
                    }
                    byte[]? wkb = null;
                    nint geometry = OGR_F_GetGeometryRef(feature);
                    if (geometry != 0)
                    {
                        wkb = new byte[OGR_G_WkbSize(geometry)];
                        int error;
                        fixed (byte* p = wkb) error = OGR_G_ExportToIsoWkb(geometry, WkbNdr, p);
                        // OGRERR_NONE = 0; a geometry GDAL cannot export is reported as missing, not as garbage bytes.
                        if (error != 0) wkb = null;
                    }
                    features.Add(new VectorFeature(Marshal.PtrToStringUTF8(OGR_L_GetName(layer)) ?? "", fields, wkb));
                }
                finally
                {
                    OGR_F_Destroy(feature);
                }
            }
            if (CPLGetLastErrorType() >= 3)
                throw new InvalidDataException($"{path}: the file is truncated or corrupt ({LastError()}).");
            return features;
        }
        finally
        {
            GDALClose(ds);
        }
    }
}
