using System.Globalization;
using System.Runtime.InteropServices;
using KlimaPakt.Geo.Raster.Kernels;
using KlimaPakt.Geo.Raster.Tiff;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>Copies one row segment into a tile, converting on the way (NaN → NoData) or not.</summary>
internal delegate void CellCopy<T>(ReadOnlySpan<T> src, Span<T> dst);

/// <summary>
/// Writes a single-band float32 or byte GeoTIFF row strip by row strip: tiled 256×256, compressed as told (ZSTD level 1 by default),
/// georeferencing and CRS of the grid, NoData set (−9999 for float). Uncompressed, ZSTD and DEFLATE files of a CRS with
/// an EPSG code are written without GDAL (<see cref="TiffTileWriter"/>: the same libzstd and libdeflate, tiles compressed
/// by the threads that write them); LZW, predictors and CRSs without a code go through GDAL's GTiff driver.
/// <see cref="WriteRows(int, int, ReadOnlySpan{float}, bool)"/> is not thread-safe (callers serialise it);
/// <see cref="WriteStrip"/> and whole tiles may come from every core at once.
/// </summary>
public sealed unsafe class GeoTiffWriter : IDisposable
{
    private nint _dataset;
    private readonly TiffTileWriter? _tiles;
    private readonly Dictionary<int, Band> _bands = [];
    private readonly HashSet<int> _bandsWritten = [];
    private readonly bool _isFloat;
    private float[] _scratch = [];

    private GeoTiffWriter(string path, GridSpec grid, nint dataset, TiffTileWriter? tiles, bool isFloat, double? noData)
    {
        Path = path;
        Grid = grid;
        _dataset = dataset;
        _tiles = tiles;
        _isFloat = isFloat;
        NoData = noData;
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>The grid of the file.</summary>
    public GridSpec Grid { get; }

    /// <summary>The NoData value written into the file (NaN cells of a float raster are written as this).</summary>
    public double? NoData { get; }

    /// <summary>Creates a float32 GeoTIFF (NoData −9999 unless given otherwise).</summary>
    /// <param name="path">Output path (overwritten).</param>
    /// <param name="grid">Grid of the file.</param>
    /// <param name="compression">Codec, level and predictor (default: ZSTD level 1).</param>
    /// <param name="noData">NoData value written for NaN cells.</param>
    public static GeoTiffWriter CreateFloat32(string path, GridSpec grid, TiffCompression compression = default,
        float noData = RasterKernels.FileNoData) =>
        Create(path, grid, GDT_Float32, compression, noData);

    /// <summary>Creates a byte GeoTIFF (masks, classes, back-link directions).</summary>
    /// <param name="path">Output path (overwritten).</param>
    /// <param name="grid">Grid of the file.</param>
    /// <param name="compression">Codec, level and predictor (default: ZSTD level 1).</param>
    /// <param name="noData">NoData value to declare, or null for none.</param>
    public static GeoTiffWriter CreateByte(string path, GridSpec grid, TiffCompression compression = default,
        byte? noData = null) =>
        Create(path, grid, GDT_Byte, compression, noData);

    private static GeoTiffWriter Create(string path, GridSpec grid, int type, TiffCompression compression, double? noData)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(grid);
        if (TiffTileWriter.TryCreate(path, grid, type == GDT_Float32, compression, noData) is { } tiles)
            return new GeoTiffWriter(path, grid, 0, tiles, type == GDT_Float32, noData);
        EnsureInitialized();
        var options = new List<string> { "TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "BIGTIFF=IF_SAFER" };
        options.AddRange(compression.CreationOptions(type == GDT_Float32));
        nint driver = GDALGetDriverByName("GTiff");
        nint* list = StringList(options);
        CPLErrorReset();
        nint ds = GDALCreate(driver, path, grid.Width, grid.Height, 1, type, list);
        FreeStringList(list);
        if (ds == 0) throw new RasterFileException(path, "cannot create GeoTIFF: " + LastError());
        try
        {
            double[] gt = grid.GeoTransform;
            fixed (double* pgt = gt)
                if (GDALSetGeoTransform(ds, pgt) != 0) throw new RasterFileException(path, "cannot set geotransform: " + LastError());
            if (GeoTiff.CrsWktOf(grid) is string wkt && GDALSetProjection(ds, wkt) != 0)
                throw new RasterFileException(path, "cannot set CRS: " + LastError());
            if (noData is double nd && GDALSetRasterNoDataValue(GDALGetRasterBand(ds, 1), nd) != 0)
                throw new RasterFileException(path, "cannot set NoData: " + LastError());
        }
        catch
        {
            GDALClose(ds);
            throw;
        }
        return new GeoTiffWriter(path, grid, ds, null, type == GDT_Float32, noData);
    }

    /// <summary>
    /// Writes float rows starting at <paramref name="firstRow"/>. NaN cells become the file's NoData unless
    /// <paramref name="alreadyNoData"/> says the caller already wrote the NoData value (saves a pass).
    /// </summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Rows to write.</param>
    /// <param name="cells">rowCount × Width cells.</param>
    /// <param name="alreadyNoData">True when the cells hold the file's NoData value instead of NaN.</param>
    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<float> cells, bool alreadyNoData = false)
    {
        if (!_isFloat) throw new InvalidOperationException($"{Path} is a byte raster.");
        int n = checked(rowCount * Grid.Width);
        if (cells.Length < n) throw new ArgumentException("Too few cells for the rows.", nameof(cells));
        cells = cells[..n];
        bool convert = !alreadyNoData && NoData is not null;
        if (_tiles is not null)
        {
            // NaN → NoData on the way into the band: no strip-sized copy first.
            AssembleRows(firstRow, rowCount, cells, convert ? NaNToFileNoData : PlainCopy, FloatPadding);
            return;
        }
        if (convert)
        {
            if (_scratch.Length < n) _scratch = GC.AllocateUninitializedArray<float>(n);
            NaNToFileNoData(cells, _scratch);
            cells = _scratch.AsSpan(0, n);
        }
        fixed (float* p = cells) Write(firstRow, rowCount, p, GDT_Float32);
    }

    /// <summary>What edge tiles are padded with, and what NaN becomes: the file's NoData (NaN when it has none).</summary>
    private float FloatPadding => (float)(NoData ?? float.NaN);

    private byte BytePadding => (byte)(NoData ?? 0);

    private void NaNToFileNoData(ReadOnlySpan<float> src, Span<float> dst) => RasterKernels.NaNToNoData(src, dst, FloatPadding, allCores: false);

    private static void PlainCopy<T>(ReadOnlySpan<T> src, Span<T> dst) => src.CopyTo(dst);

    /// <summary>Writes byte rows starting at <paramref name="firstRow"/>.</summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Rows to write.</param>
    /// <param name="cells">rowCount × Width cells.</param>
    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> cells)
    {
        if (_isFloat) throw new InvalidOperationException($"{Path} is a float raster.");
        if (cells.Length < checked(rowCount * Grid.Width)) throw new ArgumentException("Too few cells for the rows.", nameof(cells));
        if (_tiles is not null) AssembleRows(firstRow, rowCount, cells[..(rowCount * Grid.Width)], PlainCopy, BytePadding);
        else fixed (byte* p = cells) Write(firstRow, rowCount, p, GDT_Byte);
    }

    /// <summary>
    /// Writes a strip of whole tile rows (<paramref name="firstRow"/> a multiple of 256; <paramref name="rowCount"/> 256
    /// or up to the last row) tile by tile straight to the file, converting NaN to the NoData value on the way — the
    /// fastest write path: no block cache, no extra strip-sized copy. Thread-safe against other WriteStrip calls on this
    /// writer (tiles are assembled outside the lock).
    /// </summary>
    /// <param name="firstRow">First row (multiple of 256).</param>
    /// <param name="rowCount">Rows (256, or fewer for the last strip).</param>
    /// <param name="cells">rowCount × Width cells, NaN for NoData.</param>
    /// <param name="tile">Optional 256×256 scratch tile (per calling thread), to avoid an allocation per call.</param>
    public void WriteStrip(int firstRow, int rowCount, ReadOnlySpan<float> cells, float[]? tile = null)
    {
        if (!_isFloat) throw new InvalidOperationException($"{Path} is a byte raster.");
        if (firstRow % TileSize != 0 || (rowCount != TileSize && firstRow + rowCount != Grid.Height))
            throw new ArgumentException($"Strips must be whole tile rows of {TileSize}.", nameof(rowCount));
        if (cells.Length < (long)rowCount * Grid.Width) throw new ArgumentException("Too few cells for the rows.", nameof(cells));
        tile ??= new float[TileSize * TileSize];
        int across = (Grid.Width + TileSize - 1) / TileSize;
        for (int tx = 0; tx < across; tx++) WriteTileOf(tx, firstRow / TileSize, cells, rowCount, tile, NaNToFileNoData, FloatPadding);
    }

    /// <summary>
    /// Cuts tile (<paramref name="tileX"/>, <paramref name="tileY"/>) out of the rows of its row of tiles, through
    /// <paramref name="copy"/>, pads it past the raster's edges and writes it: the one place a tile is assembled.
    /// </summary>
    /// <param name="tileX">Tile column.</param>
    /// <param name="tileY">Tile row.</param>
    /// <param name="rows">The row of tiles' rows (from row tileY × 256), raster width apart.</param>
    /// <param name="rowCount">Rows there (256, fewer for the last row of tiles).</param>
    /// <param name="tile">256×256 scratch (per calling thread).</param>
    /// <param name="copy">Row segment copy (NaN → NoData for float cells that hold NaN).</param>
    /// <param name="padding">Cells past the edges.</param>
    internal void WriteTileOf<T>(int tileX, int tileY, ReadOnlySpan<T> rows, int rowCount, Span<T> tile, CellCopy<T> copy, T padding)
        where T : unmanaged
    {
        int c0 = tileX * TileSize, cw = Math.Min(TileSize, Grid.Width - c0);
        if (cw < TileSize || rowCount < TileSize) tile.Fill(padding);
        for (int r = 0; r < rowCount; r++) copy(rows.Slice(r * Grid.Width + c0, cw), tile.Slice(r * TileSize, cw));
        WriteTile<T>(tileX, tileY, tile);
    }

    /// <summary>
    /// Writes one whole 256×256 tile (padding included) straight to the file, bypassing GDAL's block cache. Float cells
    /// must already hold the file's NoData value. Thread-safe: without GDAL the tile is compressed on the calling
    /// thread; through GDAL (whose dataset is used by one thread at a time) the call is serialised.
    /// </summary>
    internal void WriteTile<T>(int tileX, int tileY, ReadOnlySpan<T> cells) where T : unmanaged
    {
        if (cells.Length < TileSize * TileSize) throw new ArgumentException("A tile needs 256x256 cells.", nameof(cells));
        if (_tiles is not null)
        {
            _tiles.WriteTile(tileX, tileY, MemoryMarshal.AsBytes(cells[..(TileSize * TileSize)]));
            return;
        }
        lock (this)
        {
            ObjectDisposedException.ThrowIf(_dataset == 0, this);
            CPLErrorReset();
            fixed (T* p = cells)
                if (GDALWriteBlock(GDALGetRasterBand(_dataset, 1), tileX, tileY, p) != 0)
                    throw new RasterFileException(Path, string.Create(CultureInfo.InvariantCulture, $"cannot write tile ({tileX}, {tileY}): {LastError()}"));
        }
    }

    /// <summary>A band of 256 rows being assembled from rows written without GDAL.</summary>
    private sealed class Band(Array cells)
    {
        public Array Cells { get; } = cells;
        public bool[] Written { get; } = new bool[TileSize];
        public int Rows { get; set; }
    }

    /// <summary>
    /// Without GDAL, rows are gathered into bands of 256 rows; each band, once all its rows are in, is cut into tiles,
    /// which are compressed and written on all cores.
    /// </summary>
    private void AssembleRows<T>(int firstRow, int rowCount, ReadOnlySpan<T> cells, CellCopy<T> copy, T padding) where T : unmanaged
    {
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Grid.Height)
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"Rows {firstRow}+{rowCount} outside 0..{Grid.Height}.");
        int w = Grid.Width;
        for (int r = 0; r < rowCount;)
        {
            int row = firstRow + r, ty = row / TileSize, bandRows = Math.Min(TileSize, Grid.Height - ty * TileSize);
            int n = Math.Min(rowCount - r, ty * TileSize + bandRows - row);
            Band? full = null;
            lock (_bands)
            {
                if (_bandsWritten.Contains(ty))
                    throw new InvalidOperationException($"{Path}: rows {row}..{row + n - 1} were already written.");
                if (!_bands.TryGetValue(ty, out var band))
                {
                    var fresh = GC.AllocateUninitializedArray<T>(checked(TileSize * w));
                    fresh.AsSpan().Fill(padding);
                    _bands[ty] = band = new Band(fresh);
                }
                copy(cells.Slice(r * w, n * w), ((T[])band.Cells).AsSpan((row - ty * TileSize) * w, n * w));
                for (int i = row - ty * TileSize; i < row - ty * TileSize + n; i++)
                    if (!band.Written[i]) { band.Written[i] = true; band.Rows++; }
                if (band.Rows == bandRows)
                {
                    _bands.Remove(ty);
                    _bandsWritten.Add(ty);
                    full = band;
                }
            }
            if (full is not null) WriteBand(ty, (T[])full.Cells, bandRows, padding);
            r += n;
        }
    }

    /// <summary>Writes an assembled band's tiles on all cores (its cells are already converted).</summary>
    private void WriteBand<T>(int tileY, T[] band, int bandRows, T padding) where T : unmanaged
    {
        int across = (Grid.Width + TileSize - 1) / TileSize;
        RasterKernels.ParallelRange(across, across > 1, () => GC.AllocateUninitializedArray<T>(TileSize * TileSize),
            (tx, tile) => WriteTileOf(tx, tileY, band, bandRows, tile, PlainCopy, padding));
    }

    /// <summary>Tile width and height of written files.</summary>
    internal const int TileSize = 256;

    private void Write(int firstRow, int rowCount, void* p, int type)
    {
        ObjectDisposedException.ThrowIf(_dataset == 0, this);
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Grid.Height)
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"Rows {firstRow}+{rowCount} outside 0..{Grid.Height}.");
        if (rowCount == 0) return;
        CPLErrorReset();
        if (GDALRasterIO(GDALGetRasterBand(_dataset, 1), GF_Write, 0, firstRow, Grid.Width, rowCount, p, Grid.Width, rowCount, type, 0, 0) != 0)
            throw new RasterFileException(Path, string.Create(CultureInfo.InvariantCulture, $"cannot write rows {firstRow}..{firstRow + rowCount - 1}: {LastError()}"));
    }

    /// <summary>Flushes and closes the file. Errors while flushing (disk full) surface here.</summary>
    public void Dispose()
    {
        if (_tiles is not null)
        {
            // Bands some rows of which were never written: the rest is NoData, as GDAL leaves it.
            foreach (var (ty, band) in _bands.OrderBy(b => b.Key).ToList())
            {
                int bandRows = Math.Min(TileSize, Grid.Height - ty * TileSize);
                if (_isFloat) WriteBand(ty, (float[])band.Cells, bandRows, FloatPadding);
                else WriteBand(ty, (byte[])band.Cells, bandRows, BytePadding);
            }
            _bands.Clear();
            _tiles.Dispose();
            return;
        }
        if (_dataset == 0) return;
        CPLErrorReset();
        GDALFlushCache(_dataset);
        bool failed = CPLGetLastErrorType() >= CE_Failure;
        GDALClose(_dataset);
        _dataset = 0;
        if (failed || CPLGetLastErrorType() >= CE_Failure) throw new RasterFileException(Path, "cannot flush: " + LastError());
    }
}
