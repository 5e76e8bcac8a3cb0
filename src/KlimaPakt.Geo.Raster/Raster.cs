namespace KlimaPakt.Geo.Raster;

/// <summary>
/// An in-memory single-band raster: a <see cref="GridSpec"/> and its cells in row-major order.
/// Float rasters use NaN for NoData inside the process; the file's NoData value only appears at the I/O edge.
/// </summary>
/// <typeparam name="T">Cell type (float for continuous bands, byte for masks, int for labels/zones).</typeparam>
public sealed class Raster<T> where T : unmanaged
{
    /// <summary>Wraps existing cells (no copy). The array must hold exactly <see cref="GridSpec.CellCount"/> cells.</summary>
    /// <param name="grid">Grid of the cells.</param>
    /// <param name="cells">Row-major cells.</param>
    public Raster(GridSpec grid, T[] cells)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.LongLength != grid.CellCount)
            throw new ArgumentException($"Expected {grid.CellCount} cells for a {grid.Width}x{grid.Height} grid, got {cells.LongLength}.", nameof(cells));
        Grid = grid;
        Cells = cells;
    }

    /// <summary>Allocates a raster; the cells are not zeroed unless <paramref name="zeroed"/> is true (uninitialised grids are
    /// huge-page backed on Linux, see LargeArrays).</summary>
    /// <param name="grid">Grid of the raster.</param>
    /// <param name="zeroed">Zero the cells (costs a pass over memory; skip it when every cell is written anyway).</param>
    public Raster(GridSpec grid, bool zeroed = true)
        : this(grid, zeroed ? new T[grid.CellCount] : LargeArrays.Allocate<T>(grid.CellCount))
    {
    }

    /// <summary>The grid of this raster.</summary>
    public GridSpec Grid { get; }

    /// <summary>Row-major cells, <c>row * Width + column</c>.</summary>
    public T[] Cells { get; }

    /// <summary>The cells of one row.</summary>
    /// <param name="row">Row index, 0 at the top.</param>
    public Span<T> Row(int row) => Cells.AsSpan().Slice(checked((int)((long)row * Grid.Width)), Grid.Width);

    /// <summary>The cells of rows [<paramref name="firstRow"/>, <paramref name="firstRow"/>+<paramref name="rowCount"/>).</summary>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Number of rows.</param>
    public Span<T> Rows(int firstRow, int rowCount) =>
        Cells.AsSpan().Slice(checked((int)((long)firstRow * Grid.Width)), checked(rowCount * Grid.Width));

    /// <summary>Cell at (column, row).</summary>
    /// <param name="column">Column index.</param>
    /// <param name="row">Row index.</param>
    public ref T this[int column, int row] => ref Cells[Grid.IndexOf(column, row)];
}
