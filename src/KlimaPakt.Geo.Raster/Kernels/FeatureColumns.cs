using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>
/// The feature cells of a grid as, per column, the ascending list of rows that hold a feature (compressed sparse
/// columns). Built strip by strip in row order, it lets <see cref="RasterKernels.EuclideanDistanceRows"/> produce the
/// exact distance transform for any band of rows without a grid-sized intermediate: 4 bytes per feature cell instead
/// of 4 bytes per cell (features are typically a few percent of the grid).
/// </summary>
/// <remarks>
/// While strips come in, only each feature's column is kept (in fixed-size chunks, so growing never copies) plus where
/// each row starts; <see cref="Complete"/> turns that into the per-column lists with one counting sort. Fresh memory is
/// what costs on the project's VMs (page faults, up to 3 s/GiB), so the set touches about 8 bytes per feature in all.
/// </remarks>
public sealed class FeatureColumns
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly List<int[]> _columnChunks = [];
    private readonly long[] _rowStart;
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
        _rowStart = new long[height + 1];
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
    public void AddRows(int firstRow, int rowCount, ReadOnlySpan<byte> cells)
    {
        if (_start is not null) throw new InvalidOperationException("Already completed.");
        if (firstRow != _nextRow) throw new ArgumentException($"Strips must come in order: expected row {_nextRow}, got {firstRow}.");
        if (rowCount < 0 || firstRow + rowCount > Height) throw new ArgumentOutOfRangeException(nameof(rowCount));
        if (cells.Length < (long)rowCount * Width) throw new ArgumentException("Too few cells for the rows.", nameof(cells));
        for (int r = 0; r < rowCount; r++)
        {
            AddRow(cells.Slice(r * Width, Width));
            _rowStart[firstRow + r + 1] = _count;
        }
        _nextRow = firstRow + rowCount;
    }

    /// <summary>
    /// Appends the columns of one row's non-zero cells. Background (~98 % of cells) is skipped 64 or 32 cells at a time:
    /// a compare gives one bit per cell and only the set bits are visited.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // ~30 calls per grid, long loops: skip tier 0 / OSR
    private unsafe void AddRow(ReadOnlySpan<byte> cells)
    {
        int w = cells.Length, c = 0;
        fixed (byte* p = cells)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; c <= w - 64; c += 64)
                    for (ulong bits = ~Vector512.Equals(Vector512.Load(p + c), Vector512<byte>.Zero).ExtractMostSignificantBits();
                         bits != 0; bits &= bits - 1)
                        Append(c + BitOperations.TrailingZeroCount(bits));
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; c <= w - 32; c += 32)
                    for (uint bits = ~Vector256.Equals(Vector256.Load(p + c), Vector256<byte>.Zero).ExtractMostSignificantBits();
                         bits != 0; bits &= bits - 1)
                        Append(c + BitOperations.TrailingZeroCount(bits));
            }
            for (; c < w; c++)
                if (p[c] != 0) Append(c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(int column)
    {
        int at = (int)(_count & (ChunkSize - 1));
        if (at == 0) _columnChunks.Add(GC.AllocateUninitializedArray<int>(ChunkSize));
        _columnChunks[^1][at] = column;
        _count++;
    }

    /// <summary>Finishes the set (a counting sort by column); rows within a column stay ascending.</summary>
    /// <exception cref="InvalidOperationException">Rows are missing, or more than 2³¹ − 1 feature cells.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per grid, long loops: skip tier 0 / OSR
    public FeatureColumns Complete()
    {
        if (_start is not null) return this;
        if (_nextRow != Height) throw new InvalidOperationException($"Rows {_nextRow}..{Height - 1} were never added.");
        if (_count > Array.MaxLength)
            throw new InvalidOperationException($"{_count} feature cells: more than a feature set holds ({Array.MaxLength}).");
        var start = new int[Width + 1];
        for (int k = 0; k < _columnChunks.Count; k++)
            foreach (int column in ChunkCells(k)) start[column + 1]++;
        for (int c = 0; c < Width; c++) start[c + 1] += start[c];
        var rows = GC.AllocateUninitializedArray<int>((int)_count);
        var fill = start.AsSpan(0, Width).ToArray();
        // Features were appended row by row: walk them in that order, so each column's rows come out ascending.
        int row = 0;
        long i = 0;
        for (int k = 0; k < _columnChunks.Count; k++)
            foreach (int column in ChunkCells(k))
            {
                while (_rowStart[row + 1] <= i) row++;
                rows[fill[column]++] = row;
                i++;
            }
        _start = start;
        _rows = rows;
        _columnChunks.Clear();
        return this;
    }

    private ReadOnlySpan<int> ChunkCells(int k) =>
        _columnChunks[k].AsSpan(0, (int)Math.Min(ChunkSize, _count - ((long)k << ChunkBits)));
}
