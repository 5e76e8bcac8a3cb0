using System.Globalization;
using KlimaPakt.Geo.Raster.Kernels;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// Writes a single-band float32 or byte GeoTIFF row strip by row strip: tiled 256×256, compressed as told (ZSTD level 1 by default),
/// georeferencing and CRS of the grid, NoData set (−9999 for float). Not thread-safe; callers serialise writes.
/// </summary>
public sealed unsafe class GeoTiffWriter : IDisposable
{
    private nint _dataset;
    private readonly bool _isFloat;
    private float[] _scratch = [];

    private GeoTiffWriter(string path, GridSpec grid, nint dataset, bool isFloat, double? noData)
    {
        Path = path;
        Grid = grid;
        _dataset = dataset;
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
        return new GeoTiffWriter(path, grid, ds, type == GDT_Float32, noData);
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
        if (!alreadyNoData && NoData is double nd)
        {
            if (_scratch.Length < n) _scratch = GC.AllocateUninitializedArray<float>(n);
            RasterKernels.NaNToNoData(cells, _scratch, (float)nd, allCores: false);
            cells = _scratch.AsSpan(0, n);
        }
        fixed (float* p = cells) Write(firstRow, rowCount, p, GDT_Float32);
    }

    /// <summary>Writes byte rows starting at <paramref name="firstRow"/>.</summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Rows to write.</param>
    /// <param name="cells">rowCount × Width cells.</param>
    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> cells)
    {
        if (_isFloat) throw new InvalidOperationException($"{Path} is a float raster.");
        if (cells.Length < checked(rowCount * Grid.Width)) throw new ArgumentException("Too few cells for the rows.", nameof(cells));
        fixed (byte* p = cells) Write(firstRow, rowCount, p, GDT_Byte);
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
        float nd = (float)(NoData ?? float.NaN);
        int across = (Grid.Width + TileSize - 1) / TileSize;
        for (int tx = 0; tx < across; tx++)
        {
            int c0 = tx * TileSize, cw = Math.Min(TileSize, Grid.Width - c0);
            if (cw < TileSize || rowCount < TileSize) tile.AsSpan().Fill(nd);
            for (int r = 0; r < rowCount; r++)
                RasterKernels.NaNToNoData(cells.Slice(r * Grid.Width + c0, cw), tile.AsSpan(r * TileSize, cw), nd, allCores: false);
            lock (this) WriteTile<float>(tx, firstRow / TileSize, tile);
        }
    }

    /// <summary>
    /// Writes one whole 256×256 tile (padding included) straight to the file with GDALWriteBlock, bypassing the block
    /// cache. Float cells must already hold the file's NoData value.
    /// </summary>
    internal void WriteTile<T>(int tileX, int tileY, ReadOnlySpan<T> cells) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_dataset == 0, this);
        if (cells.Length < TileSize * TileSize) throw new ArgumentException("A tile needs 256x256 cells.", nameof(cells));
        CPLErrorReset();
        fixed (T* p = cells)
            if (GDALWriteBlock(GDALGetRasterBand(_dataset, 1), tileX, tileY, p) != 0)
                throw new RasterFileException(Path, string.Create(CultureInfo.InvariantCulture, $"cannot write tile ({tileX}, {tileY}): {LastError()}"));
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
        if (_dataset == 0) return;
        CPLErrorReset();
        GDALFlushCache(_dataset);
        bool failed = CPLGetLastErrorType() >= CE_Failure;
        GDALClose(_dataset);
        _dataset = 0;
        if (failed || CPLGetLastErrorType() >= CE_Failure) throw new RasterFileException(Path, "cannot flush: " + LastError());
    }
}
