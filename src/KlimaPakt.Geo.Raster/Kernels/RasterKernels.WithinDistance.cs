namespace KlimaPakt.Geo.Raster.Kernels;

public static partial class RasterKernels
{
    /// <summary>
    /// The cells within <paramref name="distanceMapUnits"/> of a feature cell: exactly
    /// <c><see cref="EuclideanDistance"/>(…) ≤ (float)distance</c>, cell for cell, without computing a distance. Square
    /// cells: after the vertical pass of the distance transform (row distance g to the nearest feature in each column),
    /// the float test √(d²·cell²) ≤ distance is monotone in the integer d² = Δc² + g², so it is the integer test
    /// d² ≤ D (D found once); a column with row distance g then reaches every cell of its row within
    /// ⌊√(D − g²)⌋ columns, and two running sweeps per row (reach to the right, reach to the left) mark the union of
    /// those intervals: a few operations a cell instead of the lower envelope. Non-square cells take the distance
    /// transform and compare.
    /// </summary>
    /// <param name="features">Row-major feature cells (non-zero = feature).</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="cellSizeX">Cell width in map units.</param>
    /// <param name="cellSizeY">Cell height in map units.</param>
    /// <param name="distanceMapUnits">Distance in map units (inclusive).</param>
    /// <param name="scratch">A float grid of width × height cells (overwritten).</param>
    /// <param name="within">Output: 1 within the distance, 0 elsewhere (width × height cells); may be
    /// <paramref name="features"/> itself (every feature cell is read before the first output is written).</param>
    /// <param name="path">Instruction path of the vertical pass.</param>
    /// <param name="allCores">Run on all cores.</param>
    public static unsafe void WithinDistance(ReadOnlySpan<byte> features, int width, int height, double cellSizeX, double cellSizeY,
        double distanceMapUnits, Span<float> scratch, Span<byte> within, KernelPath path = KernelPath.Best, bool allCores = true)
    {
        long cells = (long)width * height;
        if (features.Length < cells || scratch.Length < cells || within.Length < cells)
            throw new ArgumentException($"Features, scratch and output need {cells} cells.");
        if (!(cellSizeX > 0 && cellSizeY > 0)) throw new ArgumentOutOfRangeException(nameof(cellSizeX), "Cell sizes must be positive.");
        if (cells == 0) return;
        float bound = (float)distanceMapUnits;
        bool parallel = allCores && cells >= 2L * ParallelThreshold;
        if (!(bound >= 0) || features[..(int)cells].IndexOfAnyExcept((byte)0) < 0)
        {
            within[..(int)cells].Clear();
            return;
        }
        if (cellSizeX != cellSizeY)
        {
            EuclideanDistance(features, width, height, cellSizeX, cellSizeY, scratch, path, allCores);
            fixed (float* pd = scratch)
            fixed (byte* pw = within)
            {
                float* d = pd;
                byte* o = pw;
                ParallelRange(height, parallel, r => AtMost(new ReadOnlySpan<float>(d + (long)r * width, width), bound, new Span<byte>(o + (long)r * width, width)));
            }
            return;
        }
        // D: the largest squared distance in cells whose distance, as the transform rounds it, is within the bound.
        double cell2 = cellSizeX * cellSizeX;
        long squared = (long)Math.Min(Math.Floor((double)bound * bound / cell2), 1L << 60);
        while ((float)Math.Sqrt((squared + 1) * cell2) <= bound) squared++;
        while (squared > 0 && (float)Math.Sqrt(squared * cell2) > bound) squared--;
        // Half-width reached along a row by a column whose row distance is g, for g up to √D (rows farther reach nothing).
        int maxG = (int)Math.Min(IntegerSqrt(squared), height);
        var reachOf = new int[maxG + 1];
        for (int g = 0; g <= maxG; g++) reachOf[g] = (int)Math.Min(IntegerSqrt(squared - (long)g * g), width);
        KernelPath p = Resolve(path);
        fixed (byte* pf = features)
        fixed (float* pd = scratch)
        fixed (byte* pw = within)
        {
            byte* f = pf;
            float* d = pd;
            byte* o = pw;
            const int Block = 512;
            int blocks = (width + Block - 1) / Block;
            ParallelRange(blocks, parallel, b =>
            {
                int c0 = b * Block;
                VerticalPass(f, d, width, height, c0, Math.Min(Block, width - c0), p);
            });
            ParallelRange(height, parallel, () => new int[width], (r, reach) =>
            {
                float* g = d + (long)r * width;
                byte* row = o + (long)r * width;
                float top = maxG;
                int right = -1;
                for (int c = 0; c < width; c++)
                {
                    float gc = g[c];
                    int h = gc <= top ? reachOf[(int)gc] : -1;
                    reach[c] = h;
                    if (h >= 0 && c + h > right) right = c + h;
                    row[c] = c <= right ? (byte)1 : (byte)0;
                }
                int left = int.MaxValue;
                for (int c = width - 1; c >= 0; c--)
                {
                    int h = reach[c];
                    if (h >= 0 && c - h < left) left = c - h;
                    if (c >= left) row[c] = 1;
                }
            });
        }
    }

    private static long IntegerSqrt(long x)
    {
        long s = (long)Math.Sqrt(x);
        while (s * s > x) s--;
        while ((s + 1) * (s + 1) <= x) s++;
        return s;
    }
}
