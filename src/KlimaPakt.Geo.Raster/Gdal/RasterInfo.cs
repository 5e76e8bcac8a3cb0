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

/// <summary>Codec of written GeoTIFFs.</summary>
public enum TiffCodec
{
    /// <summary>
    /// Zstandard (TIFF compression 50000), the default: on the peers' 4096² float rasters it writes faster than no
    /// compression at all (less to write) and within 1.0–1.4× the size of DEFLATE level 6 (benchmarks/results/
    /// 2026-12-02-codecs.md). Read by GDAL ≥ 2.3 built with libzstd (every GDAL 3.x package, QGIS 3.x on all platforms).
    /// </summary>
    Zstd = 0,

    /// <summary>DEFLATE (zlib, Adobe Deflate): the most widely readable codec, 2–3× slower to write than ZSTD level 1.</summary>
    Deflate = 1,

    /// <summary>LZW: readable by anything that reads TIFF; larger and slower than both others on float rasters.</summary>
    Lzw = 2,

    /// <summary>Uncompressed: what gdal_calc.py and the numpy peers write by default.</summary>
    None = 3,
}

/// <summary>
/// Compression of written GeoTIFFs: a codec, its level and the TIFF predictor. <c>default</c> is the measured default
/// (ZSTD level 1, no predictor). Uncompressed, ZSTD and DEFLATE without a predictor are written without GDAL, each tile
/// compressed by the thread that computed it (so on all cores, overlapping with the other threads' kernels); LZW and the
/// predictors go through GDAL's GTiff driver, which compresses in its own pool of one thread per core.
/// </summary>
/// <param name="Codec">The codec.</param>
/// <param name="Level">Codec level (DEFLATE 1–12, ZSTD 1–22), or 0 for the codec's default here (DEFLATE 6, ZSTD 1;
/// LZW has none).</param>
/// <param name="Predictor">TIFF predictor: 1 or 0 none, 2 horizontal differencing, 3 floating point (float rasters
/// only; byte rasters written with 3 fall back to 2). On the peers' rasters 2 and 3 shrink smooth fields by 15–40 % and
/// grow the distance raster, at 10–50 % more time: off by default.</param>
public readonly record struct TiffCompression(TiffCodec Codec, int Level = 0, int Predictor = 0)
{
    /// <summary>Uncompressed.</summary>
    public static TiffCompression None => new(TiffCodec.None);

    /// <summary>DEFLATE at level 6 (GDAL's default).</summary>
    public static TiffCompression Deflate => new(TiffCodec.Deflate);

    /// <summary>ZSTD at level 1 (the default).</summary>
    public static TiffCompression Zstd => new(TiffCodec.Zstd);

    /// <summary>LZW.</summary>
    public static TiffCompression Lzw => new(TiffCodec.Lzw);

    /// <summary>The level actually used: <see cref="Level"/>, or the codec's default when 0.</summary>
    public int EffectiveLevel => Level > 0 ? Level : Codec switch
    {
        TiffCodec.Deflate => 6,
        TiffCodec.Zstd => 1,
        _ => 0,
    };

    /// <summary>
    /// Parses the CLI's form <c>none | deflate[:LEVEL] | zstd[:LEVEL] | lzw</c>, each optionally followed by
    /// <c>+p2</c> or <c>+p3</c> for a predictor (e.g. <c>deflate:9+p3</c>). Returns false for anything else.
    /// </summary>
    /// <param name="text">The text to parse (case-insensitive).</param>
    /// <param name="compression">The compression parsed.</param>
    public static bool TryParse(string? text, out TiffCompression compression)
    {
        compression = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().ToLowerInvariant();
        int predictor = 0;
        int plus = s.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            predictor = s[(plus + 1)..] switch { "p2" => 2, "p3" => 3, _ => -1 };
            if (predictor < 0) return false;
            s = s[..plus];
        }
        int level = 0;
        int colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(s.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out level))
                return false;
            s = s[..colon];
        }
        TiffCodec codec;
        switch (s)
        {
            case "zstd" when colon < 0 || level is >= 1 and <= 22: codec = TiffCodec.Zstd; break;
            case "deflate" when colon < 0 || level is >= 1 and <= 12: codec = TiffCodec.Deflate; break;
            case "lzw" when colon < 0: codec = TiffCodec.Lzw; break;
            case "none" when colon < 0 && predictor == 0: codec = TiffCodec.None; break;
            default: return false;
        }
        compression = new TiffCompression(codec, level, predictor);
        return true;
    }

    /// <summary>GDAL GTiff creation options for this compression (none for uncompressed).</summary>
    /// <param name="isFloat">Whether the raster is float (predictor 3 applies to floats only).</param>
    internal IEnumerable<string> CreationOptions(bool isFloat)
    {
        if (Codec == TiffCodec.None) yield break;
        string level = EffectiveLevel.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (Codec)
        {
            case TiffCodec.Zstd:
                yield return "COMPRESS=ZSTD";
                yield return "ZSTD_LEVEL=" + level;
                break;
            case TiffCodec.Deflate:
                yield return "COMPRESS=DEFLATE";
                yield return "ZLEVEL=" + level;
                break;
            default:
                yield return "COMPRESS=LZW";
                break;
        }
        if (Predictor is 2 or 3) yield return Predictor == 3 && isFloat ? "PREDICTOR=3" : "PREDICTOR=2";
        // GDAL's GTiff driver then compresses each finished tile in its own pool of one thread per core while the
        // writing thread returns at once to assemble the next tile: compression overlaps with the kernels' next strips.
        yield return "NUM_THREADS=ALL_CPUS";
    }

    /// <summary>The CLI form of this compression (<c>zstd:1</c>, <c>deflate:6+p3</c>, <c>none</c>).</summary>
    public override string ToString()
    {
        string name = Codec.ToString().ToLowerInvariant();
        string level = Codec is TiffCodec.Zstd or TiffCodec.Deflate ? ":" + EffectiveLevel.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        string predictor = Predictor is 2 or 3 ? "+p" + Predictor.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        return name + level + predictor;
    }
}
