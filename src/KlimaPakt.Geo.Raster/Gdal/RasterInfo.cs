namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>What a raster file holds.</summary>
/// <param name="Grid">Its grid (CRS, origin, cell size, dimensions).</param>
/// <param name="BandCount">Number of bands.</param>
/// <param name="DataType">GDAL data type name of band 1 (Byte, Int16, Float32, …).</param>
/// <param name="NoData">NoData value of band 1, or null when none is set.</param>
public sealed record RasterInfo(GridSpec Grid, int BandCount, string DataType, double? NoData);

/// <summary>How a raster is resampled onto another grid.</summary>
public enum Resampling
{
    /// <summary>Nearest neighbour (class rasters, masks).</summary>
    Nearest = 0,

    /// <summary>Bilinear (continuous fields such as wind speed or elevation).</summary>
    Bilinear = 1,
}

/// <summary>Compression of written GeoTIFFs.</summary>
public enum TiffCompression
{
    /// <summary>DEFLATE (zlib), compressed on all cores. Smaller files, slower writes.</summary>
    Deflate = 0,

    /// <summary>Uncompressed: the fastest write, what gdal_calc.py and the numpy peers write by default.</summary>
    None = 1,
}
