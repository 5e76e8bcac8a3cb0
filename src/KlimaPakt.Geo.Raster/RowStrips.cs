namespace KlimaPakt.Geo.Raster;

/// <summary>
/// Splits a grid's rows into strips so that rasters of 10⁸–10⁹ cells are processed in bounded memory:
/// only a strip of every input and output is resident at a time.
/// </summary>
public static class RowStrips
{
    /// <summary>
    /// Default strip height. 256 rows match the 256×256 tiles the project writes and the peer inputs use, so a strip
    /// reads whole tiles and GDAL's block cache never has to keep half-used tiles around between strips.
    /// </summary>
    public const int DefaultRows = 256;

    /// <summary>The strips (first row, row count) of a grid of <paramref name="height"/> rows.</summary>
    /// <param name="height">Rows in the grid.</param>
    /// <param name="rowsPerStrip">Rows per strip (the last strip may be shorter).</param>
    public static IEnumerable<(int FirstRow, int RowCount)> Of(int height, int rowsPerStrip = DefaultRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerStrip);
        for (int r = 0; r < height; r += rowsPerStrip)
            yield return (r, Math.Min(rowsPerStrip, height - r));
    }

    /// <summary>
    /// Rows per strip so one strip of one float32 band stays near <paramref name="targetBytes"/>, rounded to a
    /// multiple of 256 rows (tile height) when the grid is narrow enough, and at least 1.
    /// </summary>
    /// <param name="width">Columns in the grid.</param>
    /// <param name="targetBytes">Target bytes for one float32 strip.</param>
    public static int RowsFor(int width, long targetBytes = 16L << 20)
    {
        long rows = Math.Max(1, targetBytes / (4L * Math.Max(1, width)));
        return rows >= DefaultRows ? (int)Math.Min(int.MaxValue, rows / DefaultRows * DefaultRows) : (int)rows;
    }
}
