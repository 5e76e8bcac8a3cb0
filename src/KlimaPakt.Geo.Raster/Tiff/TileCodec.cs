using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace KlimaPakt.Geo.Raster.Tiff;

/// <summary>
/// Tile compression without GDAL: ZSTD through <c>libzstd.so.1</c> and DEFLATE (zlib streams, TIFF "Adobe Deflate")
/// through <c>libdeflate.so.0</c> — the libraries Debian's libtiff, and so GDAL, compresses tiles with, at the same
/// levels, so the tiles are those GDAL would write. One compressor or decompressor state per thread in use, pooled.
/// </summary>
internal sealed unsafe partial class TileCodec : IDisposable
{
    private const string Zstd = "libzstd.so.1", Deflate = "libdeflate.so.0";
    private static readonly Lazy<bool> s_zstd = new(() => NativeLibrary.TryLoad(Zstd, out _));
    private static readonly Lazy<bool> s_deflate = new(() => NativeLibrary.TryLoad(Deflate, out _));

    private readonly ConcurrentBag<nint> _states = [];
    private readonly bool _zstd, _writing;
    private readonly int _level;

    private TileCodec(bool zstd, bool writing, int level)
    {
        _zstd = zstd;
        _writing = writing;
        _level = level;
    }

    /// <summary>The TIFF compression code written.</summary>
    public int Compression => _zstd ? TiffDirectory.CompressionZstd : TiffDirectory.CompressionAdobeDeflate;

    /// <summary>Whether tiles of this TIFF compression code can be decoded here (none needs no codec).</summary>
    /// <param name="compression">TIFF compression code.</param>
    public static bool CanRead(int compression) => compression switch
    {
        TiffDirectory.CompressionNone => true,
        TiffDirectory.CompressionZstd => s_zstd.Value,
        TiffDirectory.CompressionAdobeDeflate or TiffDirectory.CompressionDeflate => s_deflate.Value,
        _ => false,
    };

    /// <summary>A compressor, or null when the library cannot be loaded.</summary>
    /// <param name="zstd">ZSTD (else DEFLATE).</param>
    /// <param name="level">Codec level.</param>
    public static TileCodec? ForWriting(bool zstd, int level) =>
        (zstd ? s_zstd.Value : s_deflate.Value) ? new TileCodec(zstd, writing: true, level) : null;

    /// <summary>A decompressor for a TIFF compression code (ZSTD or DEFLATE), or null.</summary>
    /// <param name="compression">TIFF compression code.</param>
    public static TileCodec? ForReading(int compression) =>
        compression != TiffDirectory.CompressionNone && CanRead(compression)
            ? new TileCodec(compression == TiffDirectory.CompressionZstd, writing: false, 0) : null;

    /// <summary>Compresses <paramref name="src"/> into <paramref name="dst"/> (grown when too small); returns its length.</summary>
    public int Compress(ReadOnlySpan<byte> src, ref byte[] dst)
    {
        nint state = Take();
        try
        {
            fixed (byte* s = src)
            {
                nuint bound = _zstd ? ZSTD_compressBound((nuint)src.Length) : libdeflate_zlib_compress_bound(state, (nuint)src.Length);
                if ((ulong)dst.Length < bound) dst = GC.AllocateUninitializedArray<byte>((int)bound);
                fixed (byte* d = dst)
                {
                    nuint n = _zstd
                        ? ZSTD_compressCCtx(state, d, (nuint)dst.Length, s, (nuint)src.Length, _level)
                        : libdeflate_zlib_compress(state, s, (nuint)src.Length, d, (nuint)dst.Length);
                    if (_zstd ? ZSTD_isError(n) != 0 : n == 0)
                        throw new InvalidOperationException("compression failed: " + (_zstd ? Marshal.PtrToStringUTF8(ZSTD_getErrorName(n)) : "libdeflate"));
                    return (int)n;
                }
            }
        }
        finally
        {
            _states.Add(state);
        }
    }

    /// <summary>Decompresses one tile; it must fill <paramref name="dst"/> exactly.</summary>
    /// <exception cref="InvalidDataException">Corrupt or short data.</exception>
    public void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        nint state = Take();
        try
        {
            fixed (byte* s = src)
            fixed (byte* d = dst)
            {
                if (_zstd)
                {
                    nuint n = ZSTD_decompressDCtx(state, d, (nuint)dst.Length, s, (nuint)src.Length);
                    if (ZSTD_isError(n) != 0) throw new InvalidDataException("ZSTD: " + Marshal.PtrToStringUTF8(ZSTD_getErrorName(n)));
                    if (n != (nuint)dst.Length) throw new InvalidDataException($"ZSTD: tile decodes to {n} bytes, not {dst.Length}");
                }
                else
                {
                    nuint n;
                    int result = libdeflate_zlib_decompress(state, s, (nuint)src.Length, d, (nuint)dst.Length, &n);
                    if (result != 0) throw new InvalidDataException($"DEFLATE: corrupt tile (libdeflate result {result})");
                    if (n != (nuint)dst.Length) throw new InvalidDataException($"DEFLATE: tile decodes to {n} bytes, not {dst.Length}");
                }
            }
        }
        finally
        {
            _states.Add(state);
        }
    }

    private nint Take()
    {
        if (_states.TryTake(out nint state)) return state;
        state = (_zstd, _writing) switch
        {
            (true, true) => ZSTD_createCCtx(),
            (true, false) => ZSTD_createDCtx(),
            (false, true) => libdeflate_alloc_compressor(_level),
            _ => libdeflate_alloc_decompressor(),
        };
        return state != 0 ? state : throw new InvalidOperationException("cannot allocate a codec state (out of memory)");
    }

    public void Dispose()
    {
        while (_states.TryTake(out nint state))
        {
            switch (_zstd, _writing)
            {
                case (true, true): ZSTD_freeCCtx(state); break;
                case (true, false): ZSTD_freeDCtx(state); break;
                case (false, true): libdeflate_free_compressor(state); break;
                default: libdeflate_free_decompressor(state); break;
            }
        }
    }

    [LibraryImport(Zstd)] private static partial nuint ZSTD_compressBound(nuint srcSize);
    [LibraryImport(Zstd)] private static partial nint ZSTD_createCCtx();
    [LibraryImport(Zstd)] private static partial nuint ZSTD_freeCCtx(nint cctx);
    [LibraryImport(Zstd)] private static partial nuint ZSTD_compressCCtx(nint cctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int level);
    [LibraryImport(Zstd)] private static partial nint ZSTD_createDCtx();
    [LibraryImport(Zstd)] private static partial nuint ZSTD_freeDCtx(nint dctx);
    [LibraryImport(Zstd)] private static partial nuint ZSTD_decompressDCtx(nint dctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);
    [LibraryImport(Zstd)] private static partial uint ZSTD_isError(nuint code);
    [LibraryImport(Zstd)] private static partial nint ZSTD_getErrorName(nuint code);

    [LibraryImport(Deflate)] private static partial nint libdeflate_alloc_compressor(int level);
    [LibraryImport(Deflate)] private static partial void libdeflate_free_compressor(nint compressor);
    [LibraryImport(Deflate)] private static partial nuint libdeflate_zlib_compress(nint compressor, byte* src, nuint srcSize, byte* dst, nuint dstCapacity);
    [LibraryImport(Deflate)] private static partial nuint libdeflate_zlib_compress_bound(nint compressor, nuint srcSize);
    [LibraryImport(Deflate)] private static partial nint libdeflate_alloc_decompressor();
    [LibraryImport(Deflate)] private static partial void libdeflate_free_decompressor(nint decompressor);
    [LibraryImport(Deflate)] private static partial int libdeflate_zlib_decompress(nint decompressor, byte* src, nuint srcSize, byte* dst, nuint dstCapacity, nuint* actualSize);
}
