namespace KlimaPakt.Geo.Raster;

/// <summary>
/// A north-up raster grid: CRS, upper-left origin, positive cell sizes (rows go down) and dimensions.
/// Cells are addressed as (column, row) with row 0 at the top; a cell's linear index is
/// <c>row * Width + column</c> as a 64-bit integer so grids of 10⁹ cells index safely.
/// </summary>
/// <param name="Srid">EPSG code of the CRS, or 0 when unknown.</param>
/// <param name="OriginX">X of the upper-left corner of the upper-left cell, in CRS units.</param>
/// <param name="OriginY">Y of the upper-left corner of the upper-left cell, in CRS units.</param>
/// <param name="CellSizeX">Cell width in CRS units (positive).</param>
/// <param name="CellSizeY">Cell height in CRS units (positive; rows go down, so y decreases with the row).</param>
/// <param name="Width">Number of columns.</param>
/// <param name="Height">Number of rows.</param>
/// <param name="CrsWkt">Optional WKT of the CRS, used when <paramref name="Srid"/> is 0 or to keep the file's exact definition.</param>
public sealed record GridSpec(
    int Srid,
    double OriginX,
    double OriginY,
    double CellSizeX,
    double CellSizeY,
    int Width,
    int Height,
    string? CrsWkt = null)
{
    /// <summary>Number of cells (Width × Height) as a 64-bit count.</summary>
    public long CellCount => (long)Width * Height;

    /// <summary>Smallest x of the grid's extent (left edge).</summary>
    public double MinX => OriginX;

    /// <summary>Largest y of the grid's extent (top edge).</summary>
    public double MaxY => OriginY;

    /// <summary>Largest x of the grid's extent (right edge).</summary>
    public double MaxX => OriginX + Width * CellSizeX;

    /// <summary>Smallest y of the grid's extent (bottom edge).</summary>
    public double MinY => OriginY - Height * CellSizeY;

    /// <summary>Area of one cell in squared CRS units (m² for projected metric CRSs such as EPSG:2169).</summary>
    public double CellAreaSquareUnits => CellSizeX * CellSizeY;

    /// <summary>The GDAL geotransform (originX, cellSizeX, 0, originY, 0, −cellSizeY).</summary>
    public double[] GeoTransform => [OriginX, CellSizeX, 0.0, OriginY, 0.0, -CellSizeY];

    /// <summary>Linear 64-bit index of the cell at (column, row).</summary>
    /// <param name="column">Column, 0 at the left.</param>
    /// <param name="row">Row, 0 at the top.</param>
    public long IndexOf(int column, int row) => (long)row * Width + column;

    /// <summary>Map x of the centre of the cells in <paramref name="column"/>.</summary>
    /// <param name="column">Column (may be fractional or outside the grid).</param>
    public double CellCenterX(double column) => OriginX + (column + 0.5) * CellSizeX;

    /// <summary>Map y of the centre of the cells in <paramref name="row"/>.</summary>
    /// <param name="row">Row (may be fractional or outside the grid).</param>
    public double CellCenterY(double row) => OriginY - (row + 0.5) * CellSizeY;

    /// <summary>Map coordinates of the centre of cell (column, row).</summary>
    /// <param name="column">Column index.</param>
    /// <param name="row">Row index.</param>
    public (double X, double Y) CellCenter(int column, int row) => (CellCenterX(column), CellCenterY(row));

    /// <summary>
    /// The cell that contains map point (x, y), without range checks (the result may lie outside the grid).
    /// Points exactly on a cell edge belong to the cell to their right / below, as in GDAL.
    /// </summary>
    /// <param name="x">Map x.</param>
    /// <param name="y">Map y.</param>
    public (long Column, long Row) CellOf(double x, double y) =>
        ((long)Math.Floor((x - OriginX) / CellSizeX), (long)Math.Floor((OriginY - y) / CellSizeY));

    /// <summary>True when (column, row) lies inside the grid.</summary>
    /// <param name="column">Column index.</param>
    /// <param name="row">Row index.</param>
    public bool Contains(long column, long row) => column >= 0 && row >= 0 && column < Width && row < Height;

    /// <summary>True when both grids have the same CRS code, origin, cell size and dimensions (within 1e-9 of a cell).</summary>
    /// <param name="other">Grid to compare with.</param>
    public bool IsAlignedWith(GridSpec other)
    {
        double tol = 1e-9 * Math.Max(CellSizeX, CellSizeY);
        return Srid == other.Srid && Width == other.Width && Height == other.Height
            && Math.Abs(OriginX - other.OriginX) <= tol && Math.Abs(OriginY - other.OriginY) <= tol
            && Math.Abs(CellSizeX - other.CellSizeX) <= tol && Math.Abs(CellSizeY - other.CellSizeY) <= tol;
    }

    /// <summary>
    /// The sub-grid of rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>):
    /// same columns, origin moved down. Used to process a grid in strips.
    /// </summary>
    /// <param name="firstRow">First row of the strip.</param>
    /// <param name="rowCount">Number of rows in the strip.</param>
    public GridSpec Strip(int firstRow, int rowCount)
    {
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Height)
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"Strip {firstRow}+{rowCount} outside 0..{Height}.");
        return this with { OriginY = OriginY - firstRow * CellSizeY, Height = rowCount };
    }

    /// <summary>
    /// A grid of square cells of <paramref name="cellSize"/> covering the bounds, with its origin snapped outwards to
    /// multiples of the cell size so that grids built for overlapping regions share cell edges.
    /// </summary>
    /// <param name="srid">EPSG code of the bounds' CRS.</param>
    /// <param name="minX">Smallest x to cover.</param>
    /// <param name="minY">Smallest y to cover.</param>
    /// <param name="maxX">Largest x to cover.</param>
    /// <param name="maxY">Largest y to cover.</param>
    /// <param name="cellSize">Cell size in CRS units (metres for EPSG:2169).</param>
    public static GridSpec Covering(int srid, double minX, double minY, double maxX, double maxY, double cellSize)
    {
        if (!(cellSize > 0)) throw new ArgumentOutOfRangeException(nameof(cellSize), "Cell size must be positive.");
        if (!(maxX >= minX && maxY >= minY)) throw new ArgumentException("Bounds are empty or inverted.");
        double x0 = Math.Floor(minX / cellSize) * cellSize;
        double y1 = Math.Ceiling(maxY / cellSize) * cellSize;
        double x1 = Math.Ceiling(maxX / cellSize) * cellSize;
        double y0 = Math.Floor(minY / cellSize) * cellSize;
        long w = Math.Max(1L, (long)Math.Round((x1 - x0) / cellSize));
        long h = Math.Max(1L, (long)Math.Round((y1 - y0) / cellSize));
        if (w > int.MaxValue || h > int.MaxValue) throw new ArgumentException("Grid too large for the bounds and cell size.");
        return new GridSpec(srid, x0, y1, cellSize, cellSize, (int)w, (int)h);
    }
}
