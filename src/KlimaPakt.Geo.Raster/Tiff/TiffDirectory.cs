using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Raster.Gdal;
using Microsoft.Win32.SafeHandles;

namespace KlimaPakt.Geo.Raster.Tiff;

/// <summary>
/// The first image file directory (IFD) of a little-endian TIFF or BigTIFF, read without GDAL: size, sample type, tile
/// or strip layout, compression and the GeoTIFF tags. Loading <c>libgdal.so.32</c> and its ~110 libraries costs
/// 45–80 ms per process here, more than a <c>raster</c> command's kernel on a 4096² grid; for the files GDAL and this
/// project write in the common case (one band, EPSG-coded CRS, pixel-is-area, north-up), this reader answers instead.
/// <see cref="TryRead"/> returns null for anything else, and the caller goes to GDAL as before: it never guesses.
/// </summary>
internal sealed class TiffDirectory
{
    private const ushort TagImageWidth = 256, TagImageLength = 257, TagBitsPerSample = 258, TagCompression = 259,
        TagStripOffsets = 273, TagSamplesPerPixel = 277, TagRowsPerStrip = 278, TagStripByteCounts = 279,
        TagPlanarConfiguration = 284, TagPredictor = 317, TagTileWidth = 322, TagTileLength = 323, TagTileOffsets = 324,
        TagTileByteCounts = 325, TagSampleFormat = 339, TagModelPixelScale = 33550, TagModelTiepoint = 33922,
        TagModelTransformation = 34264, TagGeoKeyDirectory = 34735, TagGdalNoData = 42113;

    /// <summary>TIFF compression codes this project reads and writes without GDAL.</summary>
    public const int CompressionNone = 1, CompressionAdobeDeflate = 8, CompressionDeflate = 32946, CompressionZstd = 50000;

    private TiffDirectory() { }

    public int Width { get; private init; }
    public int Height { get; private init; }
    public int BitsPerSample { get; private init; }

    /// <summary>1 unsigned integer, 2 signed integer, 3 IEEE float.</summary>
    public int SampleFormat { get; private init; }
    public int SamplesPerPixel { get; private init; }
    public int Compression { get; private init; }
    public int Predictor { get; private init; }

    /// <summary>Tile width, or 0 for a striped file.</summary>
    public int TileWidth { get; private init; }

    /// <summary>Tile height, or the rows per strip of a striped file.</summary>
    public int TileHeight { get; private init; }

    /// <summary>File offsets of the tiles (or strips), row by row of tiles.</summary>
    public long[] Offsets { get; private init; } = [];

    /// <summary>Byte counts of the tiles (or strips).</summary>
    public long[] ByteCounts { get; private init; } = [];

    /// <summary>The file's grid, band count, type and NoData, or null when its georeferencing is not of the simple kind
    /// (then GDAL describes it).</summary>
    public RasterInfo? Info { get; private init; }

    public bool IsTiled => TileWidth > 0;

    /// <summary>Bytes per cell of the one band.</summary>
    public int BytesPerCell => BitsPerSample / 8;

    /// <summary>
    /// The kind of each EPSG code read from or written to a GeoTIFF in this process (true = projected): a writer given a
    /// grid with only an EPSG code learns from here which GeoKey carries it, without asking PROJ.
    /// </summary>
    internal static readonly ConcurrentDictionary<int, bool> CrsIsProjected = new();

    /// <summary>Reads the first IFD; null when the file is missing, not a little-endian TIFF, or anything unusual.</summary>
    /// <param name="path">File path.</param>
    public static TiffDirectory? TryRead(string path)
    {
        // GDAL reads georeferencing and NoData from a .aux.xml beside the file before the file's own tags.
        if (!File.Exists(path) || File.Exists(path + ".aux.xml")) return null;
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return Parse(file, RandomAccess.GetLength(file));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static TiffDirectory? Parse(SafeFileHandle file, long length)
    {
        Span<byte> header = stackalloc byte[16];
        if (length < 16 || RandomAccess.Read(file, header, 0) < 16) return null;
        if (header[0] != 'I' || header[1] != 'I') return null; // big-endian: GDAL
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        bool big;
        long ifd;
        if (version == 42)
        {
            big = false;
            ifd = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        }
        else if (version == 43 && BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) == 8)
        {
            big = true;
            ifd = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        }
        else return null;
        if (ifd < 8 || ifd >= length) return null;

        int countSize = big ? 8 : 2, entrySize = big ? 20 : 12;
        var countBytes = new byte[countSize];
        if (RandomAccess.Read(file, countBytes, ifd) < countSize) return null;
        long entries = big ? (long)BinaryPrimitives.ReadUInt64LittleEndian(countBytes) : BinaryPrimitives.ReadUInt16LittleEndian(countBytes);
        if (entries is <= 0 or > 4096) return null;
        var table = new byte[entries * entrySize];
        if (RandomAccess.Read(file, table, ifd + countSize) < table.Length) return null;

        var tags = new Dictionary<ushort, byte[]>();
        var types = new Dictionary<ushort, ushort>();
        for (int e = 0; e < entries; e++)
        {
            var entry = table.AsSpan(e * entrySize, entrySize);
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(entry);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]);
            long count = big ? (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
            int size = TypeSize(type);
            if (size == 0 || count < 0 || count > (1 << 26)) continue; // unknown type: a tag we do not need
            long bytes = count * size;
            var value = new byte[bytes];
            var inline = entry[(big ? 12 : 8)..];
            if (bytes <= inline.Length) inline[..(int)bytes].CopyTo(value);
            else
            {
                long at = big ? (long)BinaryPrimitives.ReadUInt64LittleEndian(inline) : BinaryPrimitives.ReadUInt32LittleEndian(inline);
                if (at < 0 || at + bytes > length || RandomAccess.Read(file, value, at) < bytes) return null;
            }
            tags[tag] = value;
            types[tag] = type;
        }

        long[]? Integers(ushort tag) => tags.TryGetValue(tag, out var v) ? ToIntegers(v, types[tag]) : null;
        long One(ushort tag, long absent) => Integers(tag) is [var first, ..] ? first : absent;

        long width = One(TagImageWidth, 0), height = One(TagImageLength, 0);
        if (width is <= 0 or > int.MaxValue || height is <= 0 or > int.MaxValue) return null;
        int samples = (int)One(TagSamplesPerPixel, 1);
        if (Integers(TagBitsPerSample) is not { } bits || bits.Any(b => b != bits[0])) return null;
        int planar = (int)One(TagPlanarConfiguration, 1);
        if (samples != 1 && planar != 1) return null;

        long tileWidth = One(TagTileWidth, 0), tileHeight = One(TagTileLength, 0);
        long[]? offsets, counts;
        if (tileWidth > 0)
        {
            if (tileHeight <= 0 || tileWidth > 1 << 16 || tileHeight > 1 << 16) return null;
            offsets = Integers(TagTileOffsets);
            counts = Integers(TagTileByteCounts);
        }
        else
        {
            tileHeight = Math.Min(One(TagRowsPerStrip, height), height);
            if (tileHeight <= 0) return null;
            offsets = Integers(TagStripOffsets);
            counts = Integers(TagStripByteCounts);
        }
        long across = tileWidth > 0 ? (width + tileWidth - 1) / tileWidth : 1, down = (height + tileHeight - 1) / tileHeight;
        if (offsets is null || counts is null || offsets.Length != across * down || counts.Length != offsets.Length) return null;

        int bitsPerSample = (int)bits[0], sampleFormat = (int)One(TagSampleFormat, 1);
        var info = Georeference((int)width, (int)height, samples, bitsPerSample, sampleFormat, tags, types);
        return new TiffDirectory
        {
            Width = (int)width,
            Height = (int)height,
            BitsPerSample = bitsPerSample,
            SampleFormat = sampleFormat,
            SamplesPerPixel = samples,
            Compression = (int)One(TagCompression, CompressionNone),
            Predictor = (int)One(TagPredictor, 1),
            TileWidth = (int)tileWidth,
            TileHeight = (int)tileHeight,
            Offsets = offsets,
            ByteCounts = counts,
            Info = info,
        };
    }

    /// <summary>GDAL's name of the band type, or null for a type this reader leaves to GDAL.</summary>
    private static string? DataTypeName(int bits, int format) => (bits, format) switch
    {
        (8, 1) => "Byte",
        (16, 1) => "UInt16",
        (16, 2) => "Int16",
        (32, 1) => "UInt32",
        (32, 2) => "Int32",
        (32, 3) => "Float32",
        (64, 3) => "Float64",
        _ => null,
    };

    /// <summary>
    /// The grid as GDAL would report it, for the simple case only: one band; ModelPixelScale + ModelTiepoint (no
    /// ModelTransformation), north-up; pixel-is-area; no CRS, or an EPSG-coded projected or geographic CRS in metres or
    /// degrees and nothing else among the GeoKeys (citations aside). Any other key could change the CRS GDAL builds, so
    /// the file then goes to GDAL.
    /// </summary>
    private static RasterInfo? Georeference(int width, int height, int samples, int bits, int format,
        Dictionary<ushort, byte[]> tags, Dictionary<ushort, ushort> types)
    {
        if (samples != 1 || DataTypeName(bits, format) is not string typeName) return null;
        if (tags.ContainsKey(TagModelTransformation)) return null;
        if (!tags.TryGetValue(TagModelPixelScale, out var s) || types[TagModelPixelScale] != 12 || s.Length < 16) return null;
        if (!tags.TryGetValue(TagModelTiepoint, out var t) || types[TagModelTiepoint] != 12 || t.Length != 48) return null;
        double sx = BitConverter.ToDouble(s, 0), sy = BitConverter.ToDouble(s, 8);
        double i = BitConverter.ToDouble(t, 0), j = BitConverter.ToDouble(t, 8), x = BitConverter.ToDouble(t, 24), y = BitConverter.ToDouble(t, 32);
        if (!(sx > 0) || !(sy > 0) || !double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(i) || !double.IsFinite(j)) return null;

        int srid = 0;
        bool projected = false;
        if (tags.TryGetValue(TagGeoKeyDirectory, out var k))
        {
            if (types[TagGeoKeyDirectory] != 3 || k.Length < 8) return null;
            var keys = new ushort[k.Length / 2];
            for (int n = 0; n < keys.Length; n++) keys[n] = BinaryPrimitives.ReadUInt16LittleEndian(k.AsSpan(n * 2));
            if (keys[0] != 1 || keys.Length < 4 + 4 * keys[3]) return null;
            int model = 0, raster = 1, projectedCode = 0, geographicCode = 0;
            for (int n = 0; n < keys[3]; n++)
            {
                ushort id = keys[4 + 4 * n], location = keys[5 + 4 * n], value = keys[7 + 4 * n];
                if (id is 1026 or 2049 or 3073) continue; // GTCitation, GeogCitation, PCSCitation: text only
                if (location != 0) return null; // a value in the double or ASCII parameters: a custom definition
                switch (id)
                {
                    case 1024: model = value; break;
                    case 1025: raster = value; break;
                    case 3072: projectedCode = value; break;
                    case 2048: geographicCode = value; break;
                    case 3076 when value == 9001: break; // ProjLinearUnits: metre
                    case 2054 when value == 9102: break; // GeogAngularUnits: degree
                    default: return null;
                }
            }
            // Pixel-is-point would shift the origin by half a cell in GDAL; user-defined (32767) codes need GDAL.
            if (raster != 1) return null;
            if (model == 1 && projectedCode is > 0 and < 32767) (srid, projected) = (projectedCode, true);
            else if (model == 2 && projectedCode == 0 && geographicCode is > 0 and < 32767) srid = geographicCode;
            else return null;
        }

        double? noData = null;
        if (tags.TryGetValue(TagGdalNoData, out var nd))
        {
            if (ParseNoData(Encoding.ASCII.GetString(nd).TrimEnd('\0')) is not double parsed) return null;
            noData = parsed;
        }
        var grid = new GridSpec(srid, x - i * sx, y + j * sy, sx, sy, width, height);
        if (srid > 0) CrsIsProjected.TryAdd(srid, projected);
        return new RasterInfo(grid, 1, typeName, noData);
    }

    /// <summary>GDAL_NODATA's text as GDAL reads it ("nan", "inf", "-9999", "-3.4028234663852886e+38"); null if odd.</summary>
    internal static double? ParseNoData(string text)
    {
        var s = text.Trim();
        if (s.Equals("nan", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        if (s.Equals("inf", StringComparison.OrdinalIgnoreCase) || s.Equals("+inf", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        if (s.Equals("-inf", StringComparison.OrdinalIgnoreCase)) return double.NegativeInfinity;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
    }

    private static int TypeSize(ushort type) => type switch
    {
        1 or 2 or 6 or 7 => 1, // BYTE, ASCII, SBYTE, UNDEFINED
        3 or 8 => 2, // SHORT, SSHORT
        4 or 9 or 11 or 13 => 4, // LONG, SLONG, FLOAT, IFD
        5 or 10 or 12 or 16 or 17 or 18 => 8, // RATIONAL, SRATIONAL, DOUBLE, LONG8, SLONG8, IFD8
        _ => 0,
    };

    private static long[]? ToIntegers(byte[] v, ushort type) => type switch
    {
        1 => v.Select(b => (long)b).ToArray(),
        3 => Enumerable.Range(0, v.Length / 2).Select(n => (long)BinaryPrimitives.ReadUInt16LittleEndian(v.AsSpan(n * 2))).ToArray(),
        4 => Enumerable.Range(0, v.Length / 4).Select(n => (long)BinaryPrimitives.ReadUInt32LittleEndian(v.AsSpan(n * 4))).ToArray(),
        16 => Enumerable.Range(0, v.Length / 8).Select(n => (long)BinaryPrimitives.ReadUInt64LittleEndian(v.AsSpan(n * 8))).ToArray(),
        _ => null,
    };
}
