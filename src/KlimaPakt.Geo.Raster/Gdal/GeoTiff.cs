using System.Globalization;
using System.Runtime.InteropServices;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// Whole-raster GeoTIFF reading and writing (through Debian's GDAL 3.6, <c>libgdal.so.32</c>). For rasters too large
/// for memory use <see cref="GeoTiffReader"/> and <see cref="GeoTiffWriter"/> strip by strip.
/// </summary>
public static class GeoTiff
{
    /// <summary>Grid, band count, type and NoData of a raster file.</summary>
    /// <param name="path">File path.</param>
    /// <exception cref="RasterFileException">Missing, corrupt or not a raster.</exception>
    public static RasterInfo ReadInfo(string path)
    {
        using var r = GeoTiffReader.Open(path);
        return r.Info;
    }

    /// <summary>Reads one band as float32 on its own grid, NoData → NaN.</summary>
    /// <param name="path">File path.</param>
    /// <param name="band">1-based band number.</param>
    public static Raster<float> ReadBand(string path, int band = 1)
    {
        using var r = GeoTiffReader.Open(path);
        var raster = new Raster<float>(r.Grid, zeroed: false);
        ReadAll(r.Grid, (row, n) => r.ReadRows(row, n, raster.Rows(row, n), band));
        return raster;
    }

    /// <summary>Reads one band as bytes (masks, feature rasters).</summary>
    /// <param name="path">File path.</param>
    /// <param name="band">1-based band number.</param>
    public static Raster<byte> ReadByteBand(string path, int band = 1)
    {
        using var r = GeoTiffReader.Open(path);
        var raster = new Raster<byte>(r.Grid, zeroed: false);
        ReadAll(r.Grid, (row, n) => r.ReadRows(row, n, raster.Rows(row, n), band));
        return raster;
    }

    /// <summary>
    /// Reads a raster of any CRS and resolution ONTO <paramref name="grid"/> (GDAL's warper; nearest or bilinear).
    /// Cells outside the source or NoData in it are NaN.
    /// </summary>
    /// <param name="path">File path.</param>
    /// <param name="grid">Target grid (must have a CRS).</param>
    /// <param name="resampling">Resampling method.</param>
    public static Raster<float> ReadOnto(string path, GridSpec grid, Resampling resampling)
    {
        using var r = GeoTiffReader.OpenOnto(path, grid, resampling);
        var raster = new Raster<float>(grid, zeroed: false);
        ReadAll(grid, (row, n) => r.ReadRows(row, n, raster.Rows(row, n)));
        return raster;
    }

    /// <summary>Writes a float32 GeoTIFF (tiled 256×256, NaN → NoData −9999, DEFLATE unless told otherwise).</summary>
    /// <param name="path">Output path (overwritten).</param>
    /// <param name="raster">Cells and grid.</param>
    /// <param name="compression">Compression.</param>
    public static void Write(string path, Raster<float> raster, TiffCompression compression = TiffCompression.Deflate)
    {
        ArgumentNullException.ThrowIfNull(raster);
        using var w = GeoTiffWriter.CreateFloat32(path, raster.Grid, compression);
        ReadAll(raster.Grid, (row, n) => w.WriteRows(row, n, raster.Rows(row, n)));
    }

    /// <summary>Writes a byte GeoTIFF (tiled 256×256, DEFLATE unless told otherwise).</summary>
    /// <param name="path">Output path (overwritten).</param>
    /// <param name="raster">Cells and grid.</param>
    /// <param name="noData">NoData value to declare, or null.</param>
    /// <param name="compression">Compression.</param>
    public static void Write(string path, Raster<byte> raster, byte? noData = null, TiffCompression compression = TiffCompression.Deflate)
    {
        ArgumentNullException.ThrowIfNull(raster);
        using var w = GeoTiffWriter.CreateByte(path, raster.Grid, compression, noData);
        ReadAll(raster.Grid, (row, n) => w.WriteRows(row, n, raster.Rows(row, n)));
    }

    /// <summary>The WKT of an EPSG code (via GDAL/PROJ), or null when unknown.</summary>
    /// <param name="epsg">EPSG code.</param>
    public static string? WktOfEpsg(int epsg)
    {
        EnsureInitialized();
        nint srs = OSRNewSpatialReference(null);
        try
        {
            if (OSRImportFromEPSG(srs, epsg) != 0) return null;
            unsafe
            {
                nint wkt = 0;
                if (OSRExportToWkt(srs, &wkt) != 0) return null;
                string? s = Marshal.PtrToStringUTF8(wkt);
                VSIFree(wkt);
                return s;
            }
        }
        finally
        {
            OSRDestroySpatialReference(srs);
        }
    }

    /// <summary>The EPSG code a WKT identifies (0 when none).</summary>
    /// <param name="wkt">CRS as WKT.</param>
    public static int EpsgOf(string wkt)
    {
        EnsureInitialized();
        nint srs = OSRNewSpatialReference(wkt);
        if (srs == 0) return 0;
        try
        {
            string? name = Marshal.PtrToStringUTF8(OSRGetAuthorityName(srs, 0));
            if (name != "EPSG")
            {
                OSRAutoIdentifyEPSG(srs);
                name = Marshal.PtrToStringUTF8(OSRGetAuthorityName(srs, 0));
            }
            string? code = Marshal.PtrToStringUTF8(OSRGetAuthorityCode(srs, 0));
            return name == "EPSG" && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out int epsg) ? epsg : 0;
        }
        finally
        {
            OSRDestroySpatialReference(srs);
        }
    }

    /// <summary>The grid's CRS as WKT: its own WKT, else that of its EPSG code, else null.</summary>
    internal static string? CrsWktOf(GridSpec grid) => grid.CrsWkt ?? (grid.Srid > 0 ? WktOfEpsg(grid.Srid) : null);

    private static void ReadAll(GridSpec grid, Action<int, int> strip)
    {
        foreach (var (row, n) in RowStrips.Of(grid.Height, RowStrips.RowsFor(grid.Width))) strip(row, n);
    }
}
