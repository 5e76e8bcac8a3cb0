using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Raster.Operations;

/// <summary>Exact Euclidean distance (map units, between cell centres) from a feature GeoTIFF to a float32 GeoTIFF.</summary>
public static class DistanceOperation
{
    /// <summary>
    /// Distance to the nearest non-zero cell of <paramref name="featuresPath"/>; NoData everywhere when there is none.
    /// Streams: the features are read strip by strip (on all cores) into a per-column list of feature rows, then every core produces
    /// 256-row bands of the transform and writes them as tiles — memory is the feature list plus a band per core, never
    /// a grid-sized array.
    /// </summary>
    /// <param name="featuresPath">Feature raster (non-zero = feature; read as bytes).</param>
    /// <param name="outPath">Output float32 GeoTIFF on the same grid.</param>
    /// <param name="compression">Output compression.</param>
    /// <param name="progress">Optional share of the output written so far (0..1), reported per band of 256 rows.</param>
    public static RasterOperationResult Run(string featuresPath, string outPath, TiffCompression compression = default,
        IProgress<double>? progress = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        GridSpec grid;
        FeatureColumns features;
        using (var reader = GeoTiffReader.Open(featuresPath))
        {
            grid = reader.Grid;
            features = new FeatureColumns(grid.Width, grid.Height);
            reader.ForEachStrip(features.AddRows);
        }
        features.Complete();
        using var writer = GeoTiffWriter.CreateFloat32(outPath, grid, compression);
        var strips = RowStrips.Of(grid.Height, GeoTiffWriter.TileSize).ToArray();
        int next = -1, done = 0;
        RasterKernels.ParallelRange(Environment.ProcessorCount, strips.Length > 1, _ =>
        {
            var band = GC.AllocateUninitializedArray<float>(GeoTiffWriter.TileSize * grid.Width);
            var tile = new float[GeoTiffWriter.TileSize * GeoTiffWriter.TileSize];
            int s;
            while ((s = Interlocked.Increment(ref next)) < strips.Length)
            {
                var (row, n) = strips[s];
                RasterKernels.EuclideanDistanceRows(features, row, n, grid.CellSizeX, grid.CellSizeY, band);
                writer.WriteStrip(row, n, band, tile);
                progress?.Report((double)Interlocked.Increment(ref done) / strips.Length);
            }
        });
        return new RasterOperationResult(grid, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
