using System.Globalization;
using System.Runtime.InteropServices;
using static KlimaPakt.Geo.Raster.Gdal.GdalNative;

namespace KlimaPakt.Geo.Raster.Gdal;

/// <summary>
/// Whole-raster GeoTIFF reading and writing: tiled GeoTIFFs of the common kind without GDAL (see
/// <see cref="DirectTiles"/> and <see cref="GeoTiffWriter"/>), everything else through Debian's GDAL 3.6
/// (<c>libgdal.so.32</c>). For rasters too large for memory use <see cref="GeoTiffReader"/> and
/// <see cref="GeoTiffWriter"/> strip by strip.
/// </summary>
public static class GeoTiff
{
    /// <summary>Receives one strip of rows.</summary>
    /// <typeparam name="T">Cell type.</typeparam>
    /// <param name="firstRow">First row of the strip.</param>
    /// <param name="rowCount">Rows in the strip.</param>
    /// <param name="cells">rowCount × Width cells (valid only during the call).</param>
    public delegate void StripAction<T>(int firstRow, int rowCount, ReadOnlySpan<T> cells);

    /// <summary>Grid, band count, type and NoData of a raster file.</summary>
    /// <param name="path">File path.</param>
    /// <exception cref="RasterFileException">Missing, corrupt or not a raster.</exception>
    public static RasterInfo ReadInfo(string path)
    {
        using var r = GeoTiffReader.Open(path);
        return r.Info;
    }

    /// <summary>Reads one band as float32 on its own grid, NoData → NaN.</summary>
    /// <param name="path">File path.</param>
    /// <param name="band">1-based band number.</param>
    public static Raster<float> ReadBand(string path, int band = 1)
    {
        using var r = GeoTiffReader.Open(path);
        var raster = new Raster<float>(r.Grid, zeroed: false);
        if (band == 1 && TryReadTiles(r, GDT_Float32, raster))
        {
            if (r.Info.NoData is double nd && !double.IsNaN(nd) && (float)nd == nd) Kernels.RasterKernels.NoDataToNaN(raster.Cells, (float)nd);
            return raster;
        }
        ReadAll(r.Grid, (row, n) => r.ReadRows(row, n, raster.Rows(row, n), band));
        return raster;
    }

    /// <summary>Reads one band as bytes (masks, feature rasters).</summary>
    /// <param name="path">File path.</param>
    /// <param name="band">1-based band number.</param>
    public static Raster<byte> ReadByteBand(string path, int band = 1)
    {
        using var r = GeoTiffReader.Open(path);
        var raster = new Raster<byte>(r.Grid, zeroed: false);
        if (band == 1 && TryReadTiles(r, GDT_Byte, raster)) return raster;
        ReadAll(r.Grid, (row, n) => r.ReadRows(row, n, raster.Rows(row, n), band));
        return raster;
    }

    /// <summary>
    /// Reads a raster of any CRS and resolution ONTO <paramref name="grid"/> (GDAL's warper; nearest or bilinear).
    /// Cells outside the source or NoData in it are NaN; with <paramref name="within"/>, so are cells outside every one
    /// of its boxes (in the grid's CRS), and only the windows that hold the boxes are resampled.
    /// </summary>
    /// <param name="path">File path.</param>
    /// <param name="grid">Target grid (must have a CRS).</param>
    /// <param name="resampling">Resampling method.</param>
    /// <param name="within">Boxes (min x, min y, max x, max y) of the cells needed, or null for every cell.</param>
    public static Raster<float> ReadOnto(string path, GridSpec grid, Resampling resampling,
        IReadOnlyList<(double MinX, double MinY, double MaxX, double MaxY)>? within = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        // Resampling (GDAL's warp kernel, one thread per dataset) costs ~100 ns a cell: windows are resampled on all
        // cores, each worker through its own warped dataset (a GDAL dataset is used by one thread at a time). The warped
        // dataset resamples whole blocks of its own, whatever window is asked for, so a cell's value is the same however
        // the grid is split into windows, and a block no window touches is never resampled.
        var windows = within is null
            ? RowStrips.Of(grid.Height, RowStrips.RowsFor(grid.Width)).Select(s => (s.FirstRow, s.RowCount, Column: 0, Columns: grid.Width)).ToArray()
            : WindowsOf(grid, within);
        var raster = new Raster<float>(grid, zeroed: false);
        if (within is not null) Kernels.RasterKernels.ParallelRange(grid.Height, grid.CellCount > 1 << 20, r => raster.Rows(r, 1).Fill(float.NaN));
        int next = -1;
        try
        {
            Parallel.For(0, Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, windows.Length)), _ =>
            {
                using var r = GeoTiffReader.OpenOnto(path, grid, resampling);
                for (int i; (i = Interlocked.Increment(ref next)) < windows.Length;)
                {
                    var (row, n, column, columns) = windows[i];
                    r.ReadWindow(row, n, column, columns, raster.Cells.AsSpan((int)grid.IndexOf(column, row)), grid.Width);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<RasterFileException>().FirstOrDefault() is { } first)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
        return raster;
    }

    /// <summary>Per band of 128 rows (the warped dataset's block height), the rows and columns that the boxes touch.</summary>
    private static (int FirstRow, int RowCount, int Column, int Columns)[] WindowsOf(GridSpec grid,
        IReadOnlyList<(double MinX, double MinY, double MaxX, double MaxY)> boxes)
    {
        const int BandRows = 128;
        var cells = boxes.Select(b => (
            C0: (int)Math.Clamp(Math.Floor((b.MinX - grid.OriginX) / grid.CellSizeX), 0, grid.Width),
            C1: (int)Math.Clamp(Math.Ceiling((b.MaxX - grid.OriginX) / grid.CellSizeX), 0, grid.Width),
            R0: (int)Math.Clamp(Math.Floor((grid.OriginY - b.MaxY) / grid.CellSizeY), 0, grid.Height),
            R1: (int)Math.Clamp(Math.Ceiling((grid.OriginY - b.MinY) / grid.CellSizeY), 0, grid.Height))).ToList();
        var windows = new List<(int, int, int, int)>();
        for (int row = 0; row < grid.Height; row += BandRows)
        {
            int end = Math.Min(row + BandRows, grid.Height), c0 = int.MaxValue, c1 = int.MinValue, r0 = end, r1 = row;
            foreach (var b in cells)
                if (b.R0 < end && b.R1 > row && b.C1 > b.C0)
                {
                    c0 = Math.Min(c0, b.C0);
                    c1 = Math.Max(c1, b.C1);
                    r0 = Math.Min(r0, Math.Max(row, b.R0));
                    r1 = Math.Max(r1, Math.Min(end, b.R1));
                }
            if (c1 > c0 && r1 > r0) windows.Add((r0, r1 - r0, c0, c1 - c0));
        }
        return [.. windows];
    }

    /// <summary>Writes a float32 GeoTIFF (tiled 256×256, NaN → NoData −9999, ZSTD level 1 unless told otherwise).</summary>
    /// <param name="path">Output path (overwritten).</param>
    /// <param name="raster">Cells and grid.</param>
    /// <param name="compression">Compression.</param>
    public static void Write(string path, Raster<float> raster, TiffCompression compression = default)
    {
        ArgumentNullException.ThrowIfNull(raster);
        using var w = GeoTiffWriter.CreateFloat32(path, raster.Grid, compression);
        float nd = (float)w.NoData!.Value;
        WriteTiles(w, raster, (ReadOnlySpan<float> src, Span<float> dst) => Kernels.RasterKernels.NaNToNoData(src, dst, nd, allCores: false), nd);
    }

    /// <summary>Writes a byte GeoTIFF (tiled 256×256, ZSTD level 1 unless told otherwise).</summary>
    /// <param name="path">Output path (overwritten).</param>
    /// <param name="raster">Cells and grid.</param>
    /// <param name="noData">NoData value to declare, or null.</param>
    /// <param name="compression">Compression.</param>
    public static void Write(string path, Raster<byte> raster, byte? noData = null, TiffCompression compression = default)
    {
        ArgumentNullException.ThrowIfNull(raster);
        using var w = GeoTiffWriter.CreateByte(path, raster.Grid, compression, noData);
        WriteTiles(w, raster, (ReadOnlySpan<byte> src, Span<byte> dst) => src.CopyTo(dst), noData ?? 0);
    }

    /// <summary>The grid's CRS as WKT: its own WKT, else that of its EPSG code, else null.</summary>
    internal static string? CrsWktOf(GridSpec grid) => grid.CrsWkt ?? (grid.Srid > 0 ? CoordinateSystems.WktOfEpsg(grid.Srid) : null);

    /// <summary>
    /// Whole-raster read through <see cref="DirectTiles"/> when the file qualifies: tiles are read on all cores and
    /// copied row by row into place. Returns false (nothing read) otherwise.
    /// </summary>
    private static bool TryReadTiles<T>(GeoTiffReader reader, int gdalType, Raster<T> raster) where T : unmanaged
    {
        if (reader.Tiles(gdalType) is not { } tiles) return false;
        var grid = raster.Grid;
        int tw = tiles.TileWidth, th = tiles.TileHeight;
        long count = (long)tiles.TilesAcross * tiles.TilesDown;
        long next = -1;
        Kernels.RasterKernels.ParallelRange(Environment.ProcessorCount, count > 4, _ =>
        {
            var buf = GC.AllocateUninitializedArray<T>(tiles.TileCells);
            long t;
            while ((t = Interlocked.Increment(ref next)) < count)
            {
                int tx = (int)(t % tiles.TilesAcross), ty = (int)(t / tiles.TilesAcross);
                tiles.Read<T>(tx, ty, buf);
                int c0 = tx * tw, r0 = ty * th;
                int cw = Math.Min(tw, grid.Width - c0), rh = Math.Min(th, grid.Height - r0);
                for (int r = 0; r < rh; r++)
                    buf.AsSpan(r * tw, cw).CopyTo(raster.Cells.AsSpan(checked((int)((long)(r0 + r) * grid.Width + c0)), cw));
            }
        });
        return true;
    }

    /// <summary>
    /// Whole-raster write as 256×256 tiles straight to the file (no block cache): tiles are assembled on all cores,
    /// converted by <paramref name="copy"/> (NaN → NoData) and written one at a time. Edge tiles are padded with
    /// <paramref name="padding"/>.
    /// </summary>
    private static void WriteTiles<T>(GeoTiffWriter writer, Raster<T> raster, CellCopy<T> copy, T padding) where T : unmanaged
    {
        const int S = GeoTiffWriter.TileSize;
        var grid = raster.Grid;
        int across = (grid.Width + S - 1) / S, down = (grid.Height + S - 1) / S;
        long count = (long)across * down;
        long next = -1;
        Kernels.RasterKernels.ParallelRange(Environment.ProcessorCount, count > 4, _ =>
        {
            var buf = GC.AllocateUninitializedArray<T>(S * S);
            long t;
            while ((t = Interlocked.Increment(ref next)) < count)
            {
                int tx = (int)(t % across), ty = (int)(t / across), rh = Math.Min(S, grid.Height - ty * S);
                writer.WriteTileOf(tx, ty, raster.Cells.AsSpan(checked((int)((long)ty * S * grid.Width)), rh * grid.Width), rh, buf, copy, padding);
            }
        });
    }

    private static void ReadAll(GridSpec grid, Action<int, int> strip)
    {
        foreach (var (row, n) in RowStrips.Of(grid.Height, RowStrips.RowsFor(grid.Width))) strip(row, n);
    }
}
