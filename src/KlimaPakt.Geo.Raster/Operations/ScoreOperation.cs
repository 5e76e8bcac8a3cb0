using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Operations;

/// <summary>One criterion of a file-based weighted overlay.</summary>
/// <param name="Path">Float raster file (any GDAL type; read as float32, NoData → NaN).</param>
/// <param name="Weight">Weight of the layer.</param>
public sealed record WeightedLayer(string Path, float Weight);

/// <summary>What a file-based run did.</summary>
/// <param name="Grid">Grid of the output.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record RasterOperationResult(GridSpec Grid, double Seconds);

/// <summary>
/// Weighted overlay from GeoTIFF to GeoTIFF, strip by strip: memory stays at a few strips per core whatever the raster
/// size (a 20 000 × 20 000 grid runs in well under 2 GiB). Each core reads, scores and hands over whole strips with its
/// own GDAL handles (GDAL datasets are not thread-safe); writes are serialised.
/// </summary>
public static class ScoreOperation
{
    /// <summary>
    /// <c>out = Σ wᵢ · layerᵢ</c>; NoData (−9999) where the mask is non-zero or any layer is NoData. All inputs must share
    /// one grid.
    /// </summary>
    /// <param name="layers">Layers and weights.</param>
    /// <param name="maskPath">Optional constraint mask (non-zero = excluded).</param>
    /// <param name="outPath">Output float32 GeoTIFF.</param>
    /// <param name="compression">Output compression.</param>
    /// <param name="rowsPerStrip">Rows per strip (0: about 16 MiB per float strip, a multiple of the 256-row tile height).</param>
    /// <param name="progress">Optional share of the output written so far (0..1), reported per strip or row of tiles.</param>
    /// <exception cref="RasterFileException">An input is missing, unreadable or not on the first layer's grid, or the output is one of the inputs.</exception>
    public static RasterOperationResult Run(IReadOnlyList<WeightedLayer> layers, string? maskPath, string outPath,
        TiffCompression compression = default, int rowsPerStrip = 0, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("At least one layer is required.", nameof(layers));
        OutputPaths.RefuseInputs([outPath], maskPath is null ? layers.Select(l => l.Path) : layers.Select(l => l.Path).Append(maskPath));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Each input is opened (and its directory read) once, for its grid and for the tile path.
        var readers = new List<GeoTiffReader>();
        GridSpec grid;
        try
        {
            foreach (var path in maskPath is null ? layers.Select(l => l.Path) : layers.Select(l => l.Path).Append(maskPath))
                readers.Add(GeoTiffReader.Open(path));
            grid = readers[0].Grid;
            foreach (var r in readers.Skip(1)) CheckAligned(r, grid);
            if (TryRunByTiles(layers, readers, maskPath is not null, outPath, grid, compression, progress))
                return new RasterOperationResult(grid, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }

        int rows = rowsPerStrip > 0 ? rowsPerStrip : RowStrips.RowsFor(grid.Width);
        var strips = RowStrips.Of(grid.Height, rows).ToArray();
        float[] weights = layers.Select(l => l.Weight).ToArray();
        int workers = Math.Max(1, Math.Min(Environment.ProcessorCount, strips.Length));
        int next = -1, done = 0;
        var gate = new object();
        using var writer = GeoTiffWriter.CreateFloat32(outPath, grid, compression);
        Exception? failure = null;
        var threads = new Thread[workers];
        for (int t = 0; t < workers; t++)
        {
            threads[t] = new Thread(() =>
            {
                try
                {
                    Work();
                }
                catch (Exception e)
                {
                    lock (gate) failure ??= e;
                }
            });
            threads[t].Start();
        }
        foreach (var th in threads) th.Join();
        if (failure is not null)
        {
            if (failure is RasterFileException) throw failure;
            throw new RasterFileException(outPath, failure.Message, failure);
        }
        return new RasterOperationResult(grid, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);

        void Work()
        {
            // Every input was described and checked against the grid above: no CRS look-up per worker thread.
            var readers = layers.Select(l => GeoTiffReader.OpenDescribed(l.Path, grid)).ToArray();
            var mask = maskPath is null ? null : GeoTiffReader.OpenDescribed(maskPath, grid);
            try
            {
                int cells = rows * grid.Width;
                var bufs = readers.Select(_ => GC.AllocateUninitializedArray<float>(cells)).ToArray();
                var mem = bufs.Select(b => (ReadOnlyMemory<float>)b).ToArray();
                var maskBuf = mask is null ? [] : GC.AllocateUninitializedArray<byte>(cells);
                var outBuf = GC.AllocateUninitializedArray<float>(cells);
                int s;
                while ((s = Interlocked.Increment(ref next)) < strips.Length)
                {
                    lock (gate) if (failure is not null) return;
                    var (row, n) = strips[s];
                    int len = n * grid.Width;
                    for (int j = 0; j < readers.Length; j++) readers[j].ReadRows(row, n, bufs[j]);
                    mask?.ReadRows(row, n, maskBuf);
                    for (int j = 0; j < mem.Length; j++) mem[j] = bufs[j].AsMemory(0, len);
                    RasterKernels.WeightedOverlay(mem, weights, mask is null ? [] : maskBuf.AsSpan(0, len), outBuf.AsSpan(0, len),
                        RasterKernels.FileNoData, allCores: false);
                    lock (writer) writer.WriteRows(row, n, outBuf, alreadyNoData: true);
                    progress?.Report((double)Interlocked.Increment(ref done) / strips.Length);
                }
            }
            finally
            {
                foreach (var r in readers) r.Dispose();
                mask?.Dispose();
            }
        }
    }

    /// <summary>
    /// Tile path for 256×256-tiled inputs, uncompressed, ZSTD or DEFLATE (see <see cref="DirectTiles"/>): each core reads the same tile of
    /// every input into L2-sized buffers (7 × 256 KiB), scores it in tile layout and writes the output tile as is, so
    /// there is no row/tile reshuffling and no block cache. Returns false (nothing written) when an input does not qualify.
    /// </summary>
    private static bool TryRunByTiles(IReadOnlyList<WeightedLayer> layers, List<GeoTiffReader> readers, bool hasMask,
        string outPath, GridSpec grid, TiffCompression compression, IProgress<double>? progress)
    {
        const int T = GeoTiffWriter.TileSize;
        var opened = new List<DirectTiles>();
        for (int j = 0; j < readers.Count; j++)
        {
            bool isMask = hasMask && j == readers.Count - 1;
            var d = readers[j].Tiles(isMask ? GdalNative.GDT_Byte : GdalNative.GDT_Float32);
            if (d is null || d.TileWidth != T || d.TileHeight != T) return false;
            opened.Add(d);
        }
        DirectTiles? mask = hasMask ? opened[^1] : null;
        var inputs = opened.Take(layers.Count).ToArray();
        float[] weights = layers.Select(l => l.Weight).ToArray();
        int across = inputs[0].TilesAcross, down = inputs[0].TilesDown;
        long tiles = (long)across * down;
        long next = -1, done = 0;
        using var writer = GeoTiffWriter.CreateFloat32(outPath, grid, compression);
        RasterKernels.ParallelRange(Environment.ProcessorCount, Environment.ProcessorCount > 1, _ =>
        {
            var bufs = inputs.Select(_ => GC.AllocateUninitializedArray<float>(T * T)).ToArray();
            var mem = bufs.Select(b => (ReadOnlyMemory<float>)b).ToArray();
            var maskBuf = mask is null ? [] : GC.AllocateUninitializedArray<byte>(T * T);
            var outBuf = GC.AllocateUninitializedArray<float>(T * T);
            long t;
            while ((t = Interlocked.Increment(ref next)) < tiles)
            {
                int tx = (int)(t % across), ty = (int)(t / across);
                for (int j = 0; j < inputs.Length; j++)
                {
                    inputs[j].Read<float>(tx, ty, bufs[j]);
                    if (inputs[j].NoData is double nd && !double.IsNaN(nd) && (float)nd == nd)
                        RasterKernels.NoDataToNaN(bufs[j], (float)nd, allCores: false);
                }
                mask?.Read<byte>(tx, ty, maskBuf);
                RasterKernels.WeightedOverlay(mem, weights, maskBuf, outBuf, RasterKernels.FileNoData, allCores: false);
                writer.WriteTile<float>(tx, ty, outBuf);
                long written = Interlocked.Increment(ref done);
                if (written % across == 0 || written == tiles) progress?.Report((double)written / tiles);
            }
        });
        return true;
    }

    private static void CheckAligned(GeoTiffReader reader, GridSpec grid)
    {
        var g = reader.Grid;
        if (!g.IsAlignedWith(grid))
            throw new RasterFileException(reader.Path,
                $"grid {g.Width}x{g.Height} at ({g.OriginX}, {g.OriginY}) cell {g.CellSizeX}x{g.CellSizeY} EPSG:{g.Srid} differs from the first input's " +
                $"{grid.Width}x{grid.Height} at ({grid.OriginX}, {grid.OriginY}) cell {grid.CellSizeX}x{grid.CellSizeY} EPSG:{grid.Srid}");
    }
}
