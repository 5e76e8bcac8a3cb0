using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Raster.Gdal;
using Microsoft.Win32.SafeHandles;

namespace KlimaPakt.Geo.Raster.Tiff;

/// <summary>
/// Writes a tiled single-band GeoTIFF without GDAL: the header first, then each tile as it comes (compressed on the
/// calling thread, so callers on every core compress in parallel, and written with a positional write outside the
/// lock), and at <see cref="Dispose"/> the image file directory with the tile offsets, the georeferencing (pixel scale,
/// tie point, EPSG GeoKeys) and GDAL_NODATA. Classic TIFF, or BigTIFF when the uncompressed cells could pass 4 GB
/// (GDAL's BIGTIFF=IF_SAFER). <see cref="TryCreate"/> returns null for what it does not write — LZW, predictors, a CRS
/// without an EPSG code — and <see cref="GeoTiffWriter"/> then uses GDAL.
/// </summary>
internal sealed class TiffTileWriter : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly TileCodec? _codec;
    private readonly long[] _offsets, _counts;
    private readonly ushort[] _geoKeys;
    private readonly string? _noData;
    private readonly GridSpec _grid;
    private readonly int _bits, _sampleFormat, _across;
    private readonly bool _big;
    private readonly object _gate = new();
    private long _end;
    private bool _disposed;

    [ThreadStatic] private static byte[]? t_compressed;

    private TiffTileWriter(string path, SafeFileHandle file, GridSpec grid, int bits, int sampleFormat, TileCodec? codec,
        ushort[] geoKeys, double? noData)
    {
        Path = path;
        _file = file;
        _grid = grid;
        _bits = bits;
        _sampleFormat = sampleFormat;
        _codec = codec;
        _geoKeys = geoKeys;
        _noData = noData is double nd ? NoDataText(nd) : null;
        _across = (grid.Width + TileSize - 1) / TileSize;
        long tiles = (long)_across * ((grid.Height + TileSize - 1) / TileSize);
        _offsets = new long[tiles];
        _counts = new long[tiles];
        // GDAL's IF_SAFER: BigTIFF when the cells alone, uncompressed, come near 4 GB (compressed tiles can grow by
        // the codec's bound, well under the margin).
        _big = tiles * TileSize * TileSize * (bits / 8) > 4_000_000_000L;
        Span<byte> header = stackalloc byte[16];
        header.Clear();
        header[0] = header[1] = (byte)'I';
        if (_big)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 43);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 8);
            _end = 16;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 42);
            _end = 8;
        }
        RandomAccess.Write(_file, header[..(int)_end], 0);
    }

    /// <summary>Tile width and height.</summary>
    public const int TileSize = 256;

    public string Path { get; }

    /// <summary>
    /// Creates the file, or returns null (nothing created) when this writer does not handle the compression, the CRS or
    /// the codec library.
    /// </summary>
    /// <param name="path">Output path (overwritten).</param>
    /// <param name="grid">Grid of the file.</param>
    /// <param name="isFloat">Float32 cells, else bytes.</param>
    /// <param name="compression">Compression.</param>
    /// <param name="noData">NoData value to declare.</param>
    public static TiffTileWriter? TryCreate(string path, GridSpec grid, bool isFloat, TiffCompression compression, double? noData)
    {
        if (compression.Predictor > 1 || compression.Codec == TiffCodec.Lzw) return null;
        TileCodec? codec = null;
        if (compression.Codec != TiffCodec.None
            && (codec = TileCodec.ForWriting(compression.Codec == TiffCodec.Zstd, compression.EffectiveLevel)) is null) return null;
        if (GeoKeysOf(grid) is not { } keys)
        {
            codec?.Dispose();
            return null;
        }
        try
        {
            var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            return new TiffTileWriter(path, file, grid, isFloat ? 32 : 8, isFloat ? 3 : 1, codec, keys, noData);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            codec?.Dispose();
            throw new RasterFileException(path, "cannot create GeoTIFF: " + e.Message, e);
        }
    }

    /// <summary>
    /// Writes tile (<paramref name="tileX"/>, <paramref name="tileY"/>), 256×256 cells with padding, as raw little-endian
    /// bytes. Thread-safe: the tile is compressed on the calling thread and only the file range is reserved under the lock.
    /// </summary>
    public void WriteTile(int tileX, int tileY, ReadOnlySpan<byte> cells)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long index = (long)tileY * _across + tileX;
        if (tileX < 0 || tileX >= _across || index < 0 || index >= _offsets.Length)
            throw new ArgumentOutOfRangeException(nameof(tileX), $"Tile ({tileX}, {tileY}) outside the raster.");
        ReadOnlySpan<byte> data = cells;
        if (_codec is not null)
        {
            var buffer = t_compressed ??= [];
            int n = _codec.Compress(cells, ref buffer);
            t_compressed = buffer;
            data = buffer.AsSpan(0, n);
        }
        long at;
        lock (_gate)
        {
            at = _end;
            _end += data.Length;
            if (!_big && _end > uint.MaxValue - (1L << 24))
                throw new RasterFileException(Path, "the compressed tiles pass 4 GiB in a classic TIFF");
        }
        try
        {
            RandomAccess.Write(_file, data, at);
        }
        catch (IOException e)
        {
            throw new RasterFileException(Path, string.Create(CultureInfo.InvariantCulture, $"cannot write tile ({tileX}, {tileY}): {e.Message}"), e);
        }
        _offsets[index] = at;
        _counts[index] = data.Length;
    }

    /// <summary>Writes the image file directory and closes the file. Errors (disk full) surface here.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            WriteDirectory();
        }
        catch (IOException e)
        {
            throw new RasterFileException(Path, "cannot write the TIFF directory: " + e.Message, e);
        }
        finally
        {
            _file.Dispose();
            _codec?.Dispose();
        }
    }

    private void WriteDirectory()
    {
        var tags = new List<(ushort Tag, ushort Type, long Count, byte[] Value)>
        {
            Long(256, _grid.Width),
            Long(257, _grid.Height),
            Short(258, _bits),
            Short(259, _codec?.Compression ?? TiffDirectory.CompressionNone),
            Short(262, 1), // BlackIsZero
            Short(277, 1),
            Short(284, 1),
            Short(322, TileSize),
            Short(323, TileSize),
            Offsets(324, _offsets),
            Offsets(325, _counts),
            Short(339, _sampleFormat),
            Doubles(33550, _grid.CellSizeX, _grid.CellSizeY, 0),
            Doubles(33922, 0, 0, 0, _grid.OriginX, _grid.OriginY, 0),
        };
        if (_geoKeys.Length > 0)
        {
            var keys = new byte[_geoKeys.Length * 2];
            for (int i = 0; i < _geoKeys.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(keys.AsSpan(i * 2), _geoKeys[i]);
            tags.Add((34735, 3, _geoKeys.Length, keys));
        }
        if (_noData is not null)
        {
            var text = Encoding.ASCII.GetBytes(_noData + "\0");
            tags.Add((42113, 2, text.Length, text));
        }

        int countSize = _big ? 8 : 2, entrySize = _big ? 20 : 12, inline = _big ? 8 : 4, nextSize = _big ? 8 : 4;
        long ifd = (_end + 7) & ~7L;
        long tableBytes = countSize + (long)tags.Count * entrySize + nextSize;
        long extra = tags.Where(t => t.Value.Length > inline).Sum(t => (t.Value.Length + 7L) & ~7L);
        var dir = new byte[tableBytes + extra];
        var span = dir.AsSpan();
        if (_big) BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)tags.Count);
        else BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)tags.Count);
        long valueAt = tableBytes;
        for (int i = 0; i < tags.Count; i++)
        {
            var (tag, type, count, value) = tags[i];
            var e = span.Slice(countSize + i * entrySize, entrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(e, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(e[2..], type);
            if (_big) BinaryPrimitives.WriteUInt64LittleEndian(e[4..], (ulong)count);
            else BinaryPrimitives.WriteUInt32LittleEndian(e[4..], (uint)count);
            var field = e[(_big ? 12 : 8)..];
            if (value.Length <= inline) value.CopyTo(field);
            else
            {
                value.CopyTo(span[(int)valueAt..]);
                if (_big) BinaryPrimitives.WriteUInt64LittleEndian(field, (ulong)(ifd + valueAt));
                else BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)(ifd + valueAt));
                valueAt += (value.Length + 7L) & ~7L;
            }
        }
        if (!_big && ifd + dir.Length > uint.MaxValue) throw new IOException("the directory lies past 4 GiB in a classic TIFF");
        RandomAccess.Write(_file, dir, ifd);
        Span<byte> pointer = stackalloc byte[8];
        if (_big)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(pointer, (ulong)ifd);
            RandomAccess.Write(_file, pointer, 8);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(pointer, (uint)ifd);
            RandomAccess.Write(_file, pointer[..4], 4);
        }
    }

    private (ushort, ushort, long, byte[]) Offsets(ushort tag, long[] values)
    {
        int size = _big ? 8 : 4;
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
            if (_big) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), (ulong)values[i]);
            else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)values[i]);
        return (tag, (ushort)(_big ? 16 : 4), values.Length, bytes);
    }

    private static (ushort, ushort, long, byte[]) Short(ushort tag, int value)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value);
        return (tag, 3, 1, b);
    }

    private static (ushort, ushort, long, byte[]) Long(ushort tag, int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)value);
        return (tag, 4, 1, b);
    }

    private static (ushort, ushort, long, byte[]) Doubles(ushort tag, params double[] values)
    {
        var b = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(i * 8), values[i]);
        return (tag, 12, values.Length, b);
    }

    /// <summary>NoData as GDAL writes it into GDAL_NODATA.</summary>
    private static string NoDataText(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
        : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The GeoKey directory for the grid's CRS: none without a CRS; model type, pixel-is-area and the EPSG code of a
    /// projected or geographic CRS (what GDAL reads back as exactly that EPSG CRS); null when the CRS has no EPSG code
    /// of either kind (GDAL writes those).
    /// </summary>
    internal static ushort[]? GeoKeysOf(GridSpec grid)
    {
        bool projected;
        if (grid.CrsWkt is string wkt)
        {
            if (grid.Srid <= 0 || CoordinateSystems.RootEpsgOfWkt(wkt) != grid.Srid || KindOfWkt(wkt) is not bool kind) return null;
            projected = kind;
        }
        else if (grid.Srid == 0) return [];
        else if (TiffDirectory.CrsIsProjected.TryGetValue(grid.Srid, out bool known)) projected = known;
        else if (CoordinateSystems.WktOfEpsg(grid.Srid) is string epsgWkt && KindOfWkt(epsgWkt) is bool kind) projected = kind;
        else return null;
        if (grid.Srid >= 32767) return null;
        TiffDirectory.CrsIsProjected.TryAdd(grid.Srid, projected);
        return [1, 1, 0, 3, 1024, 0, 1, (ushort)(projected ? 1 : 2), 1025, 0, 1, 1, (ushort)(projected ? 3072 : 2048), 0, 1, (ushort)grid.Srid];
    }

    /// <summary>True for a projected CRS's WKT, false for a geographic one, null for anything else (compound, bound, …).</summary>
    private static bool? KindOfWkt(string wkt)
    {
        var s = wkt.AsSpan().TrimStart();
        if (s.StartsWith("PROJCS[") || s.StartsWith("PROJCRS[")) return true;
        if (s.StartsWith("GEOGCS[") || s.StartsWith("GEOGCRS[")) return false;
        return null;
    }
}
