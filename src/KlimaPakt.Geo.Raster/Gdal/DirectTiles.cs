using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using KlimaPakt.Geo.Raster.Tiff;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// Fast path for the common case of a tiled or striped, little-endian single-band GeoTIFF, uncompressed or compressed
/// with ZSTD or DEFLATE without a predictor (what gen_inputs.py, gdal_calc.py, GDAL by default and this project write;
/// a strip is read as a tile as wide as the raster, the last one shorter): the file's directory is read
/// without GDAL (<see cref="TiffDirectory"/>) and tiles are read with positional reads, decoded straight into the
/// caller's tile buffer. This skips GDAL's block cache, which would copy every tile twice and malloc/free a fresh
/// 256 KiB block per tile (mmap + 64 page faults + munmap each time above glibc's mmap threshold) — that, not the
/// arithmetic, dominated a strip-based overlay — and it skips loading GDAL at all. Any other file (big-endian, sparse,
/// LZW, a predictor, unusual georeferencing, strips of more than 16 MiB) returns null and the caller uses
/// <see cref="GeoTiffReader"/>.
/// Thread-safe: tiles may be read from every core at once.
/// </summary>
internal sealed class DirectTiles : IDisposable
{
    private readonly TiffDirectory _dir;
    private readonly TileCodec? _codec;
    private readonly SafeFileHandle _file;

    [ThreadStatic] private static byte[]? t_compressed;

    private DirectTiles(string path, TiffDirectory dir, TileCodec? codec)
    {
        Path = path;
        _dir = dir;
        _codec = codec;
        TileWidth = dir.IsTiled ? dir.TileWidth : dir.Width;
        TilesAcross = (dir.Width + TileWidth - 1) / TileWidth;
        TilesDown = (dir.Height + dir.TileHeight - 1) / dir.TileHeight;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.RandomAccess);
    }

    public string Path { get; }
    /// <summary>Tile width, or the raster's width for strips.</summary>
    public int TileWidth { get; }
    public int TileHeight => _dir.TileHeight;
    public int TilesAcross { get; }
    public int TilesDown { get; }
    public int BytesPerCell => _dir.BytesPerCell;
    public double? NoData => _dir.Info!.NoData;
    public int TileCells => TileWidth * TileHeight;

    /// <summary>Opens the fast path if the file qualifies and its type is <paramref name="gdalType"/>; else null.</summary>
    public static DirectTiles? TryOpen(string path, int gdalType) =>
        TiffDirectory.TryRead(path) is { } dir ? TryOpen(path, dir, gdalType) : null;

    /// <summary>The same, from the file's directory already read (no second read of it).</summary>
    public static DirectTiles? TryOpen(string path, TiffDirectory dir, int gdalType)
    {
        if (dir.Info is not { } info || dir.Predictor != 1) return null;
        if (!dir.IsTiled && (long)dir.Width * dir.TileHeight * dir.BytesPerCell > 16 << 20) return null;
        if (info.DataType != (gdalType == GdalNative.GDT_Float32 ? "Float32" : gdalType == GdalNative.GDT_Byte ? "Byte" : null)) return null;
        if (!TileCodec.CanRead(dir.Compression)) return null;
        var tiles = new DirectTiles(path, dir, TileCodec.ForReading(dir.Compression));
        for (int i = 0; i < dir.Offsets.Length; i++)
        {
            // A missing (sparse) tile reads as NoData in GDAL: left to GDAL.
            bool usable = dir.Offsets[i] > 0 && dir.ByteCounts[i] > 0
                && (dir.Compression != TiffDirectory.CompressionNone || dir.ByteCounts[i] == tiles.StoredBytes(i));
            if (!usable)
            {
                tiles.Dispose();
                return null;
            }
        }
        return tiles;
    }

    /// <summary>Bytes tile <paramref name="index"/> decodes to: a whole tile, or a strip's rows (the last one shorter).</summary>
    private long StoredBytes(long index) =>
        (long)TileWidth * (_dir.IsTiled ? TileHeight : Math.Min(TileHeight, _dir.Height - (int)index * TileHeight)) * BytesPerCell;

    /// <summary>
    /// Reads tile (tx, ty) — full tile size, padding included — into <paramref name="dst"/>; of the last strip of a
    /// striped file only its rows are read (the rest of <paramref name="dst"/> is left as it was).
    /// </summary>
    public void Read<T>(int tx, int ty, Span<T> dst) where T : unmanaged
    {
        long index = (long)ty * TilesAcross + tx;
        var bytes = MemoryMarshal.AsBytes(dst[..TileCells])[..(int)StoredBytes(index)];
        long offset = _dir.Offsets[index];
        if (_codec is null)
        {
            ReadExactly(bytes, offset, tx, ty);
            return;
        }
        int count = checked((int)_dir.ByteCounts[index]);
        var buffer = t_compressed is { } b && b.Length >= count ? b : t_compressed = GC.AllocateUninitializedArray<byte>(Math.Max(count, 1 << 18));
        ReadExactly(buffer.AsSpan(0, count), offset, tx, ty);
        try
        {
            _codec.Decompress(buffer.AsSpan(0, count), bytes);
        }
        catch (InvalidDataException e)
        {
            throw new RasterFileException(Path, string.Create(CultureInfo.InvariantCulture, $"tile ({tx}, {ty}) cannot be decoded: {e.Message}"), e);
        }
    }

    /// <summary>
    /// Reads rows [<paramref name="firstRow"/>, +<paramref name="rowCount"/>) into <paramref name="dst"/> (rowCount ×
    /// raster width cells), tile by tile through <paramref name="tile"/> (at least <see cref="TileCells"/> cells).
    /// </summary>
    public void ReadRows<T>(int firstRow, int rowCount, Span<T> dst, T[] tile) where T : unmanaged
    {
        int w = _dir.Width, tw = TileWidth, th = TileHeight, end = firstRow + rowCount;
        for (int ty = firstRow / th; ty < TilesDown && ty * th < end; ty++)
        {
            int r0 = Math.Max(firstRow, ty * th), r1 = Math.Min(end, Math.Min((ty + 1) * th, _dir.Height));
            for (int tx = 0; tx < TilesAcross; tx++)
            {
                Read<T>(tx, ty, tile);
                int c0 = tx * tw, cw = Math.Min(tw, w - c0);
                for (int r = r0; r < r1; r++)
                    tile.AsSpan((r - ty * th) * tw, cw).CopyTo(dst.Slice(checked((r - firstRow) * w + c0), cw));
            }
        }
    }

    private void ReadExactly(Span<byte> bytes, long offset, int tx, int ty)
    {
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(_file, bytes[read..], offset + read);
            if (n <= 0) throw new RasterFileException(Path, string.Create(CultureInfo.InvariantCulture, $"file ends inside tile ({tx}, {ty})"));
            read += n;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _codec?.Dispose();
    }
}
