using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// Fast path for the common case of an UNCOMPRESSED, tiled, little-endian single-band GeoTIFF (what gen_inputs.py,
/// gdal_calc.py and our own "--compress none" write): GDAL tells us where each tile lies in the file, and tiles are then
/// read with positional reads straight into the caller's tile buffer. This skips GDAL's block cache, which would copy
/// every tile twice and malloc/free a fresh 256 KiB block per tile (mmap + 64 page faults + munmap each time above
/// glibc's mmap threshold) — that, not the arithmetic, dominated a strip-based overlay. Any other file (compressed,
/// striped, big-endian, sparse) returns null and the caller uses <see cref="GeoTiffReader"/>.
/// </summary>
internal sealed unsafe class DirectTiles : IDisposable
{
    private readonly long[] _offsets;
    private readonly SafeFileHandle _file;

    private DirectTiles(string path, int tileWidth, int tileHeight, int across, int down, int bytesPerCell, long[] offsets, double? noData)
    {
        Path = path;
        TileWidth = tileWidth;
        TileHeight = tileHeight;
        TilesAcross = across;
        TilesDown = down;
        BytesPerCell = bytesPerCell;
        NoData = noData;
        _offsets = offsets;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.RandomAccess);
    }

    public string Path { get; }
    public int TileWidth { get; }
    public int TileHeight { get; }
    public int TilesAcross { get; }
    public int TilesDown { get; }
    public int BytesPerCell { get; }
    public double? NoData { get; }
    public int TileCells => TileWidth * TileHeight;

    /// <summary>Opens the fast path if the file qualifies and its type is <paramref name="gdalType"/>; else null.</summary>
    public static DirectTiles? TryOpen(string path, int gdalType)
    {
        nint ds = GeoTiffReader.OpenDataset(path);
        try
        {
            if (Marshal.PtrToStringUTF8(GDALGetDriverShortName(GDALGetDatasetDriver(ds))) != "GTiff") return null;
            if (GDALGetRasterCount(ds) != 1) return null;
            if (Marshal.PtrToStringUTF8(GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE")) is string c && c != "NONE") return null;
            nint band = GDALGetRasterBand(ds, 1);
            int type = GDALGetRasterDataType(band);
            if (type != gdalType) return null;
            int bytes = type == GDT_Float32 ? 4 : type == GDT_Byte ? 1 : 0;
            if (bytes == 0) return null;
            int bx, by;
            GDALGetBlockSize(band, &bx, &by);
            int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
            // Strips (block width = raster width) would work too, but tiles are what we write and what the peers use.
            if (bx == w && w > 256) return null;
            Span<byte> header = stackalloc byte[2];
            using (var f = File.OpenHandle(path)) RandomAccess.Read(f, header, 0);
            if (header[0] != (byte)'I' || header[1] != (byte)'I') return null; // big-endian would need byte swaps
            int across = (w + bx - 1) / bx, down = (h + by - 1) / by;
            var offsets = new long[(long)across * down];
            long tileBytes = (long)bx * by * bytes;
            for (int ty = 0; ty < down; ty++)
                for (int tx = 0; tx < across; tx++)
                {
                    var off = Marshal.PtrToStringUTF8(GDALGetMetadataItem(band, $"BLOCK_OFFSET_{tx}_{ty}", "TIFF"));
                    var size = Marshal.PtrToStringUTF8(GDALGetMetadataItem(band, $"BLOCK_SIZE_{tx}_{ty}", "TIFF"));
                    if (!long.TryParse(off, NumberStyles.Integer, CultureInfo.InvariantCulture, out long o) || o <= 0) return null;
                    if (!long.TryParse(size, NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) || s != tileBytes) return null;
                    offsets[(long)ty * across + tx] = o;
                }
            int ok = 0;
            double nd = GDALGetRasterNoDataValue(band, &ok);
            return new DirectTiles(path, bx, by, across, down, bytes, offsets, ok != 0 ? nd : null);
        }
        finally
        {
            GDALClose(ds);
        }
    }

    /// <summary>Reads tile (tx, ty) — full tile size, padding included — into <paramref name="dst"/>.</summary>
    public void Read<T>(int tx, int ty, Span<T> dst) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(dst[..TileCells]);
        long offset = _offsets[(long)ty * TilesAcross + tx];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(_file, bytes[read..], offset + read);
            if (n <= 0) throw new RasterFileException(Path, $"file ends inside tile ({tx}, {ty})");
            read += n;
        }
    }

    public void Dispose() => _file.Dispose();
}
