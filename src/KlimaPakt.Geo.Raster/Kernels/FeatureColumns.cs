using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>
/// The feature cells of a grid as, per column, the ascending list of rows that hold a feature (compressed sparse
/// columns). Built strip by strip, it lets <see cref="RasterKernels.EuclideanDistanceRows"/> produce the exact distance
/// transform for any band of rows without a grid-sized intermediate: 4 bytes per feature cell instead of 4 bytes per
/// cell (features are typically a few percent of the grid).
/// </summary>
/// <remarks>
/// Strips may come in any order and from several threads at once (a file is read on all cores). Each strip keeps only
/// its features' columns (in fixed-size chunks, so growing never copies) and where each of its rows ends;
/// <see cref="Complete"/> turns the strips into per-column lists with one counting sort. Fresh memory is what costs on
/// the project's VMs (page faults, up to 3 s/GiB), so the set touches about 8 bytes per feature in all.
/// </remarks>
public sealed class FeatureColumns
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly List<Strip> _strips = [];
    private long _count;
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
    public long Count => Interlocked.Read(ref _count);

    internal int[] Start => _start ?? throw new InvalidOperationException("Call Complete() after the last strip.");

    internal int[] Rows => _rows ?? throw new InvalidOperationException("Call Complete() after the last strip.");

    /// <summary>
    /// Adds a strip of rows; non-zero cells are features. Strips may come in any order and concurrently, but together
    /// must cover every row exactly once by the time <see cref="Complete"/> is called.
    /// </summary>
    /// <param name="firstRow">First row of the strip.</param>
    /// <param name="rowCount">Rows in the strip.</param>
    /// <param name="cells">rowCount × Width cells.</param>
    public void AddRows(int firstRow, int rowCount, ReadOnlySpan<byte> cells)
    {
        if (_start is not null) throw new InvalidOperationException("Already completed.");
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Height)
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"Rows {firstRow}+{rowCount} outside 0..{Height}.");
        if (cells.Length < (long)rowCount * Width) throw new ArgumentException("Too few cells for the rows.", nameof(cells));
        var strip = new Strip(firstRow, rowCount);
        for (int r = 0; r < rowCount; r++)
        {
            strip.AddRow(cells.Slice(r * Width, Width));
            strip.RowEnds[r] = strip.Count;
        }
        lock (_strips) _strips.Add(strip);
        Interlocked.Add(ref _count, strip.Count);
    }

    /// <summary>Finishes the set (a counting sort by column); rows within a column come out ascending.</summary>
    /// <exception cref="InvalidOperationException">Rows missing or added twice, or more than 2³¹ − 1 feature cells.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per grid, long loops: skip tier 0 / OSR
    public FeatureColumns Complete()
    {
        if (_start is not null) return this;
        _strips.Sort((a, b) => a.FirstRow.CompareTo(b.FirstRow));
        int covered = 0;
        foreach (var s in _strips)
        {
            if (s.FirstRow != covered)
                throw new InvalidOperationException(s.FirstRow > covered
                    ? $"Rows {covered}..{s.FirstRow - 1} were never added."
                    : $"Rows {s.FirstRow}..{Math.Min(covered, s.FirstRow + s.RowCount) - 1} were added twice.");
            covered += s.RowCount;
        }
        if (covered != Height) throw new InvalidOperationException($"Rows {covered}..{Height - 1} were never added.");
        if (_count > Array.MaxLength)
            throw new InvalidOperationException($"{_count} feature cells: more than a feature set holds ({Array.MaxLength}).");
        var start = new int[Width + 1];
        foreach (var s in _strips)
            for (int k = 0; k < s.Chunks.Count; k++)
                foreach (int column in s.ChunkCells(k)) start[column + 1]++;
        for (int c = 0; c < Width; c++) start[c + 1] += start[c];
        var rows = GC.AllocateUninitializedArray<int>((int)_count);
        var fill = start.AsSpan(0, Width).ToArray();
        // Strips in row order, and each strip's features in the order they were appended (row by row): every column's
        // rows come out ascending.
        foreach (var s in _strips)
        {
            int r = 0;
            long i = 0;
            for (int k = 0; k < s.Chunks.Count; k++)
                foreach (int column in s.ChunkCells(k))
                {
                    while (s.RowEnds[r] <= i) r++;
                    rows[fill[column]++] = s.FirstRow + r;
                    i++;
                }
        }
        _start = start;
        _rows = rows;
        _strips.Clear();
        return this;
    }

    /// <summary>One added strip: its features' columns row after row, and the running count at the end of each row.</summary>
    private sealed class Strip(int firstRow, int rowCount)
    {
        public int FirstRow { get; } = firstRow;
        public int RowCount { get; } = rowCount;
        public long Count { get; private set; }
        public long[] RowEnds { get; } = new long[rowCount];
        public List<int[]> Chunks { get; } = [];

        public ReadOnlySpan<int> ChunkCells(int k) =>
            Chunks[k].AsSpan(0, (int)Math.Min(ChunkSize, Count - ((long)k << ChunkBits)));

        /// <summary>
        /// Appends the columns of one row's non-zero cells. Background (~98 % of cells) is skipped 64 or 32 cells at a
        /// time: a compare gives one bit per cell and only the set bits are visited.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // long loops: skip tier 0 / OSR
        public unsafe void AddRow(ReadOnlySpan<byte> cells)
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
            int at = (int)(Count & (ChunkSize - 1));
            if (at == 0) Chunks.Add(GC.AllocateUninitializedArray<int>(ChunkSize));
            Chunks[^1][at] = column;
            Count++;
        }
    }
}
