using System.Globalization;
using System.Runtime.InteropServices;
using KlimaPakt.Geo.Raster.Kernels;
using KlimaPakt.Geo.Raster.Tiff;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// Reads rows of a raster file (any format GDAL reads), either on its own grid or resampled onto another
/// <see cref="GridSpec"/>. One instance is not thread-safe: open one reader per thread to read in parallel.
/// A GeoTIFF of the common kind is described without GDAL (<see cref="TiffDirectory"/>), and GDAL is loaded and the
/// file opened through it only when rows are read some other way than <see cref="DirectTiles"/>.
/// </summary>
public sealed unsafe class GeoTiffReader : IDisposable
{
    private nint _dataset; // opened on first use when the file was described without GDAL
    private bool _disposed;
    private readonly TiffDirectory? _directory; // the file's directory when it was described without GDAL
    private DirectTiles? _direct; // rows of a file DirectTiles reads, of the type last asked for
    private int _directType;
    private Array? _tile;
    private nint _source; // the source dataset behind a warped VRT, closed after it

    private GeoTiffReader(string path, nint dataset, nint source, RasterInfo info, TiffDirectory? directory = null)
    {
        Path = path;
        _directory = directory;
        _dataset = dataset;
        _source = source;
        Info = info;
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>The GDAL dataset, opened now if the file was described without GDAL.</summary>
    private nint Dataset
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _dataset != 0 ? _dataset : _dataset = OpenDataset(Path);
        }
    }

    /// <summary>Grid, band count, type and NoData of what this reader delivers (the target grid for a warped reader).</summary>
    public RasterInfo Info { get; }

    /// <summary>The grid this reader delivers rows of.</summary>
    public GridSpec Grid => Info.Grid;

    /// <summary>Opens a raster file on its own grid.</summary>
    /// <param name="path">File path.</param>
    /// <exception cref="RasterFileException">Missing, unreadable or not a raster.</exception>
    public static GeoTiffReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (TiffDirectory.TryRead(path) is { Info: { } described } directory) return new GeoTiffReader(path, 0, 0, described, directory);
        nint ds = OpenDataset(path);
        try
        {
            return new GeoTiffReader(path, ds, 0, Describe(path, ds));
        }
        catch
        {
            GDALClose(ds);
            throw;
        }
    }

    /// <summary>
    /// Opens a raster file already described (its grid read, e.g. by <see cref="GeoTiff.ReadInfo"/>) for reading rows,
    /// typically one more reader per worker thread. It does not ask GDAL for the file's CRS again: that builds it from
    /// the GeoTIFF keys through PROJ, and PROJ opens its EPSG database once per thread (~30–90 ms measured here per
    /// worker on a 1-cell raster, more than the rest of the command).
    /// </summary>
    /// <param name="path">File path.</param>
    /// <param name="grid">The file's grid as described before.</param>
    /// <exception cref="RasterFileException">Missing, unreadable, or no longer of that size.</exception>
    internal static GeoTiffReader OpenDescribed(string path, GridSpec grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (TiffDirectory.TryRead(path) is { Info: { } described } directory && described.Grid.Width == grid.Width && described.Grid.Height == grid.Height)
            return new GeoTiffReader(path, 0, 0, described with { Grid = grid }, directory);
        nint ds = OpenDataset(path);
        try
        {
            return new GeoTiffReader(path, ds, 0, Describe(path, ds, grid));
        }
        catch
        {
            GDALClose(ds);
            throw;
        }
    }

    /// <summary>
    /// Opens a raster file resampled onto <paramref name="target"/> (reprojected when the CRSs differ) through GDAL's
    /// warper as a virtual dataset: rows are computed as they are read, so memory stays bounded by the strip. Cells
    /// outside the source, or NoData in it, read as NaN.
    /// </summary>
    /// <param name="path">File path.</param>
    /// <param name="target">Grid to deliver.</param>
    /// <param name="resampling">Nearest or bilinear.</param>
    /// <exception cref="RasterFileException">Missing, unreadable, not a raster, or not reprojectable.</exception>
    public static GeoTiffReader OpenOnto(string path, GridSpec target, Resampling resampling)
    {
        ArgumentNullException.ThrowIfNull(target);
        nint src = OpenDataset(path);
        try
        {
            string targetCrs = GeoTiff.CrsWktOf(target)
                ?? throw new RasterFileException(path, "the target grid has no CRS (Srid 0 and no WKT)");
            var inv = CultureInfo.InvariantCulture;
            var args = new List<string>
            {
                "-of", "VRT", "-t_srs", targetCrs,
                "-te", target.MinX.ToString("R", inv), target.MinY.ToString("R", inv), target.MaxX.ToString("R", inv), target.MaxY.ToString("R", inv),
                "-ts", target.Width.ToString(inv), target.Height.ToString(inv),
                "-r", resampling == Resampling.Bilinear ? "bilinear" : "near",
                "-ot", "Float32", "-dstnodata", "nan",
            };
            nint* argv = StringList(args);
            nint options = GDALWarpAppOptionsNew(argv, 0);
            FreeStringList(argv);
            if (options == 0) throw new RasterFileException(path, "invalid warp options: " + LastError());
            int usageError = 0;
            nint vrt;
            try
            {
                CPLErrorReset();
                vrt = GDALWarp("", 0, 1, &src, options, &usageError);
            }
            finally
            {
                GDALWarpAppOptionsFree(options);
            }
            if (vrt == 0) throw new RasterFileException(path, "cannot resample onto the target grid: " + LastError());
            Describe(path, src); // the source must be north-up and georeferenced like any other input (throws otherwise)
            var info = new RasterInfo(target, 1, "Float32", double.NaN);
            return new GeoTiffReader(path, vrt, src, info);
        }
        catch
        {
            GDALClose(src);
            throw;
        }
    }

    /// <summary>
    /// Reads rows [<paramref name="firstRow"/>, +<paramref name="rowCount"/>) of a band as float32, NoData → NaN.
    /// </summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Rows to read.</param>
    /// <param name="dst">Output, at least rowCount × Width cells.</param>
    /// <param name="band">1-based band number.</param>
    public void ReadRows(int firstRow, int rowCount, Span<float> dst, int band = 1)
    {
        Read(firstRow, rowCount, dst, GDT_Float32, band);
        if (Info.NoData is double nd && !double.IsNaN(nd))
        {
            float f = (float)nd;
            // A NoData that float32 cannot hold (e.g. a Float64 file's) never matches a converted cell; skip the pass.
            if (f == nd) RasterKernels.NoDataToNaN(dst[..(rowCount * Grid.Width)], f, allCores: false);
        }
    }

    /// <summary>
    /// Reads the window of rows [<paramref name="firstRow"/>, +<paramref name="rowCount"/>) and columns
    /// [<paramref name="firstColumn"/>, +<paramref name="columnCount"/>) of a band as float32, NoData → NaN, into rows
    /// <paramref name="dstStride"/> cells apart (a window of a larger grid, in place).
    /// </summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Rows to read.</param>
    /// <param name="firstColumn">First column.</param>
    /// <param name="columnCount">Columns to read.</param>
    /// <param name="dst">Output: cell (r, c) of the window goes to dst[r × dstStride + c].</param>
    /// <param name="dstStride">Cells from one output row to the next (≥ columnCount).</param>
    /// <param name="band">1-based band number.</param>
    public void ReadWindow(int firstRow, int rowCount, int firstColumn, int columnCount, Span<float> dst, int dstStride, int band = 1)
    {
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Grid.Height || firstColumn < 0 || columnCount < 0 || firstColumn + columnCount > Grid.Width)
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"Window {firstColumn}+{columnCount} × {firstRow}+{rowCount} outside {Grid.Width} × {Grid.Height}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(dstStride, columnCount);
        if (rowCount == 0 || columnCount == 0) return;
        if ((long)dst.Length < (long)(rowCount - 1) * dstStride + columnCount) throw new ArgumentException("Buffer too small for the window.", nameof(dst));
        if (band < 1 || band > Info.BandCount) throw new ArgumentOutOfRangeException(nameof(band));
        nint b = GDALGetRasterBand(Dataset, band);
        CPLErrorReset();
        fixed (float* p = dst)
        {
            if (GDALRasterIO(b, GF_Read, firstColumn, firstRow, columnCount, rowCount, p, columnCount, rowCount, GDT_Float32, sizeof(float), checked(dstStride * sizeof(float))) != 0)
                throw new RasterFileException(Path, $"cannot read rows {firstRow}..{firstRow + rowCount - 1}, columns {firstColumn}..{firstColumn + columnCount - 1}: {LastError()}");
        }
        if (Info.NoData is double nd && !double.IsNaN(nd) && (float)nd == nd)
            for (int r = 0; r < rowCount; r++)
                RasterKernels.NoDataToNaN(dst.Slice(r * dstStride, columnCount), (float)nd, allCores: false);
    }

    /// <summary>Reads rows of a band as bytes (GDAL converts other types, clamping to 0..255); NoData is not changed.</summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Rows to read.</param>
    /// <param name="dst">Output, at least rowCount × Width cells.</param>
    /// <param name="band">1-based band number.</param>
    public void ReadRows(int firstRow, int rowCount, Span<byte> dst, int band = 1) => Read(firstRow, rowCount, dst, GDT_Byte, band);

    /// <summary>Reads rows of a band as 32-bit integers (zone ids, classes); NoData is not changed.</summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Rows to read.</param>
    /// <param name="dst">Output, at least rowCount × Width cells.</param>
    /// <param name="band">1-based band number.</param>
    public void ReadRows(int firstRow, int rowCount, Span<int> dst, int band = 1) => Read(firstRow, rowCount, dst, GDT_Int32, band);

    /// <summary>
    /// Streams band 1 as bytes in strips of whole tile rows, one strip buffer per thread, so memory stays at a few strips
    /// whatever the raster size. Tiled files that <see cref="DirectTiles"/> reads (uncompressed, ZSTD, DEFLATE) are read on all cores: <paramref name="strip"/> may then be
    /// called concurrently and in any order. Other files go through GDAL on this reader's dataset, in row order.
    /// </summary>
    /// <param name="strip">Called once per strip with (first row, row count, cells).</param>
    public void ForEachStrip(GeoTiff.StripAction<byte> strip)
    {
        ArgumentNullException.ThrowIfNull(strip);
        var grid = Grid;
        var tiles = Tiles(GDT_Byte);
        if (tiles is null)
        {
            int rows = RowStrips.DefaultRows;
            var buf = GC.AllocateUninitializedArray<byte>(checked(rows * grid.Width));
            foreach (var (row, n) in RowStrips.Of(grid.Height, rows))
            {
                ReadRows(row, n, buf);
                strip(row, n, buf.AsSpan(0, n * grid.Width));
            }
            return;
        }
        int th = tiles.TileHeight;
        int next = -1;
        RasterKernels.ParallelRange(Environment.ProcessorCount, tiles.TilesDown > 1, _ =>
        {
            var buf = GC.AllocateUninitializedArray<byte>(checked(th * grid.Width));
            var tile = GC.AllocateUninitializedArray<byte>(tiles.TileCells);
            int ty;
            while ((ty = Interlocked.Increment(ref next)) < tiles.TilesDown)
            {
                int row = ty * th, n = Math.Min(th, grid.Height - row);
                tiles.ReadRows(row, n, buf, tile);
                strip(row, n, buf.AsSpan(0, n * grid.Width));
            }
        });
    }

    private void Read<T>(int firstRow, int rowCount, Span<T> dst, int type, int band) where T : unmanaged
    {
        int w = Grid.Width;
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Grid.Height)
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"Rows {firstRow}+{rowCount} outside 0..{Grid.Height}.");
        if ((long)dst.Length < (long)rowCount * w) throw new ArgumentException("Buffer too small for the rows.", nameof(dst));
        if (band < 1 || band > Info.BandCount) throw new ArgumentOutOfRangeException(nameof(band));
        if (rowCount == 0) return;
        if (Tiles(type) is { } direct)
        {
            if (_tile is not T[] tile) _tile = tile = GC.AllocateUninitializedArray<T>(direct.TileCells);
            direct.ReadRows(firstRow, rowCount, dst, tile);
            return;
        }
        nint b = GDALGetRasterBand(Dataset, band);
        CPLErrorReset();
        fixed (T* p = dst)
        {
            if (GDALRasterIO(b, GF_Read, 0, firstRow, w, rowCount, p, w, rowCount, type, 0, 0) != 0)
                throw new RasterFileException(Path, $"cannot read rows {firstRow}..{firstRow + rowCount - 1}: {LastError()}");
        }
    }

    /// <summary>
    /// The tiles of a file described without GDAL when <see cref="DirectTiles"/> reads them as <paramref name="type"/>
    /// (the file's own type), owned by this reader; else null, and GDAL reads (and converts) the rows.
    /// </summary>
    internal DirectTiles? Tiles(int type)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_directory is null) return null;
        if (_directType != type)
        {
            _direct?.Dispose();
            _direct = DirectTiles.TryOpen(Path, _directory, type);
            _directType = type;
        }
        return _direct;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _disposed = true;
        _direct?.Dispose();
        _direct = null;
        if (_dataset != 0) { GDALClose(_dataset); _dataset = 0; }
        if (_source != 0) { GDALClose(_source); _source = 0; }
    }

    internal static nint OpenDataset(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        EnsureInitialized();
        if (!File.Exists(path)) throw new RasterFileException(path, "file not found");
        CPLErrorReset();
        nint ds = GDALOpen(path, GA_ReadOnly);
        if (ds == 0) throw new RasterFileException(path, "not a readable raster: " + LastError());
        if (GDALGetRasterCount(ds) < 1)
        {
            GDALClose(ds);
            throw new RasterFileException(path, "the file has no raster band");
        }
        return ds;
    }

    internal static RasterInfo Describe(string path, nint ds, GridSpec? known = null)
    {
        double* gt = stackalloc double[6];
        if (GDALGetGeoTransform(ds, gt) != 0) throw new RasterFileException(path, "the raster has no georeferencing (geotransform)");
        if (gt[2] != 0 || gt[4] != 0 || gt[5] >= 0)
            throw new RasterFileException(path, "only north-up rasters are supported (rotated or south-up geotransform)");
        GridSpec grid;
        if (known is not null)
        {
            if (known.Width != GDALGetRasterXSize(ds) || known.Height != GDALGetRasterYSize(ds))
                throw new RasterFileException(path, "the raster changed size while it was being read");
            grid = known;
        }
        else
        {
            string? wkt = Marshal.PtrToStringUTF8(GDALGetProjectionRef(ds));
            if (string.IsNullOrWhiteSpace(wkt)) wkt = null;
            int srid = wkt is null ? 0 : CoordinateSystems.EpsgOf(wkt) ?? 0;
            grid = new GridSpec(srid, gt[0], gt[3], gt[1], -gt[5], GDALGetRasterXSize(ds), GDALGetRasterYSize(ds), wkt);
        }
        nint band = GDALGetRasterBand(ds, 1);
        int type = GDALGetRasterDataType(band);
        string typeName = Marshal.PtrToStringUTF8(GDALGetDataTypeName(type)) ?? type.ToString(CultureInfo.InvariantCulture);
        int ok = 0;
        double nd = GDALGetRasterNoDataValue(band, &ok);
        return new RasterInfo(grid, GDALGetRasterCount(ds), typeName, ok != 0 ? nd : null);
    }
}
