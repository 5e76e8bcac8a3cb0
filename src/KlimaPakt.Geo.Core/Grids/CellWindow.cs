namespace KlimaPakt.Geo.Core.Grids;

/// <summary>A rectangle of a grid's cells: columns [Column, Column + Width), rows [Row, Row + Height).</summary>
/// <param name="Column">First column.</param>
/// <param name="Row">First row.</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public readonly record struct CellWindow(int Column, int Row, int Width, int Height)
{
    /// <summary>Every cell of a grid of <paramref name="width"/> × <paramref name="height"/>.</summary>
    /// <param name="width">Grid columns.</param>
    /// <param name="height">Grid rows.</param>
    public static CellWindow Whole(int width, int height) => new(0, 0, width, height);

    /// <summary>Cells in the window.</summary>
    public long CellCount => (long)Width * Height;

    /// <summary>Whether the window holds no cell.</summary>
    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>One past the last column.</summary>
    public int EndColumn => Column + Width;

    /// <summary>One past the last row.</summary>
    public int EndRow => Row + Height;

    /// <summary>
    /// The window grown by <paramref name="columns"/> and <paramref name="rows"/> cells on each side, clipped to a grid
    /// of <paramref name="gridWidth"/> × <paramref name="gridHeight"/>.
    /// </summary>
    /// <param name="columns">Columns added left and right.</param>
    /// <param name="rows">Rows added above and below.</param>
    /// <param name="gridWidth">Grid columns.</param>
    /// <param name="gridHeight">Grid rows.</param>
    public CellWindow Grow(long columns, long rows, int gridWidth, int gridHeight)
    {
        long c0 = Math.Max(0, Column - columns), r0 = Math.Max(0, Row - rows);
        long c1 = Math.Min(gridWidth, EndColumn + columns), r1 = Math.Min(gridHeight, EndRow + rows);
        return new((int)c0, (int)r0, (int)(c1 - c0), (int)(r1 - r0));
    }

    /// <summary>
    /// The smallest window holding every non-zero cell of a row-major grid of <paramref name="width"/> columns, or null
    /// when every cell is zero (one vectorised scan per row, from both ends).
    /// </summary>
    /// <param name="cells">Row-major cells.</param>
    /// <param name="width">Grid columns.</param>
    /// <param name="height">Grid rows.</param>
    public static CellWindow? OfNonZero(ReadOnlySpan<byte> cells, int width, int height)
    {
        int c0 = int.MaxValue, c1 = -1, r0 = -1, r1 = -1;
        for (int r = 0; r < height; r++)
        {
            var row = cells.Slice(r * width, width);
            int first = row.IndexOfAnyExcept((byte)0);
            if (first < 0) continue;
            if (r0 < 0) r0 = r;
            r1 = r;
            c0 = Math.Min(c0, first);
            c1 = Math.Max(c1, row.LastIndexOfAnyExcept((byte)0));
        }
        return r0 < 0 ? null : new CellWindow(c0, r0, c1 - c0 + 1, r1 - r0 + 1);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over the window's rows in bands, on all cores when the window is large: each call
    /// gets a band [first, end) of grid rows. With <paramref name="alignRows"/> &gt; 1 band edges fall on multiples of it
    /// (so bands that accumulate into coarse blocks of that many rows never share a block).
    /// </summary>
    /// <param name="body">Work on rows [first, end).</param>
    /// <param name="alignRows">Band edges are multiples of this many grid rows.</param>
    public void ForEachRowBand(Action<int, int> body, int alignRows = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (IsEmpty) return;
        int cores = Environment.ProcessorCount;
        // Bands of ~1 M cells: enough work per band to amortise the scheduling, enough bands to balance two to many cores.
        long rowsPerBand = Math.Max(1, (1L << 20) / Math.Max(1, Width));
        rowsPerBand = (rowsPerBand + alignRows - 1) / alignRows * alignRows;
        if (cores == 1 || CellCount < 1L << 21) { body(Row, EndRow); return; }
        int first = Row / alignRows * alignRows;
        int bands = (int)((EndRow - first + rowsPerBand - 1) / rowsPerBand);
        int row0 = Row, row1 = EndRow;
        Parallel.For(0, bands, b =>
        {
            long lo = Math.Max(row0, first + b * rowsPerBand), hi = Math.Min(row1, first + (b + 1) * rowsPerBand);
            if (lo < hi) body((int)lo, (int)hi);
        });
    }
}
