namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>
/// The feature cells of a grid as, per column, the ascending list of rows that hold a feature (compressed sparse
/// columns). Built strip by strip in row order, it lets <see cref="RasterKernels.EuclideanDistanceRows"/> produce the
/// exact distance transform for any band of rows without a grid-sized intermediate: 4 bytes per feature cell instead
/// of 4 bytes per cell (features are typically a few percent of the grid).
/// </summary>
public sealed class FeatureColumns
{
    private int[] _cells = new int[1024];
    private int[] _cellRows = new int[1024];
    private long _count;
    private int _nextRow;
    private int[]? _start;
    private int[]? _rows;

    /// <summary>Starts an empty set for a grid of the given size.</summary>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    public FeatureColumns(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        Width = width;
        Height = height;
    }

    /// <summary>Columns of the grid.</summary>
    public int Width { get; }

    /// <summary>Rows of the grid.</summary>
    public int Height { get; }

    /// <summary>Number of feature cells added.</summary>
    public long Count => _count;

    internal int[] Start => _start ?? throw new InvalidOperationException("Call Complete() after the last strip.");

    internal int[] Rows => _rows ?? throw new InvalidOperationException("Call Complete() after the last strip.");

    /// <summary>Adds the next strip of rows (strips must come in row order, without gaps); non-zero cells are features.</summary>
    /// <param name="firstRow">First row of the strip.</param>
    /// <param name="rowCount">Rows in the strip.</param>
    /// <param name="cells">rowCount × Width cells.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AddRows(int firstRow, int rowCount, ReadOnlySpan<byte> cells)
    {
        if (_start is not null) throw new InvalidOperationException("Already completed.");
        if (firstRow != _nextRow) throw new ArgumentException($"Strips must come in order: expected row {_nextRow}, got {firstRow}.");
        if (cells.Length < (long)rowCount * Width) throw new ArgumentException("Too few cells for the rows.", nameof(cells));
        for (int r = 0; r < rowCount; r++)
        {
            var row = cells.Slice(r * Width, Width);
            int at = 0;
            while (true)
            {
                // IndexOfAnyExcept is vectorised: runs of background (~98 % of cells) are skipped 32–64 bytes at a time.
                int i = row[at..].IndexOfAnyExcept((byte)0);
                if (i < 0) break;
                at += i;
                if (_count == _cells.Length)
                {
                    Array.Resize(ref _cells, _cells.Length * 2);
                    Array.Resize(ref _cellRows, _cellRows.Length * 2);
                }
                _cells[_count] = at;
                _cellRows[_count] = firstRow + r;
                _count++;
                if (++at >= Width) break;
            }
        }
        _nextRow = firstRow + rowCount;
    }

    /// <summary>Finishes the set (a counting sort by column); rows within a column stay ascending.</summary>
    public FeatureColumns Complete()
    {
        if (_start is not null) return this;
        if (_nextRow != Height) throw new InvalidOperationException($"Rows {_nextRow}..{Height - 1} were never added.");
        var start = new int[Width + 1];
        for (long i = 0; i < _count; i++) start[_cells[i] + 1]++;
        for (int c = 0; c < Width; c++) start[c + 1] += start[c];
        var rows = new int[_count];
        var fill = start.AsSpan(0, Width).ToArray();
        for (long i = 0; i < _count; i++) rows[fill[_cells[i]]++] = _cellRows[i];
        _start = start;
        _rows = rows;
        _cells = [];
        _cellRows = [];
        return this;
    }
}
