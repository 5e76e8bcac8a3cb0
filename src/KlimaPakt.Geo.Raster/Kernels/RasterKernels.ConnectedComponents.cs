namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>Which neighbours join cells into one component.</summary>
public enum Connectivity
{
    /// <summary>Edge neighbours only (N, S, E, W).</summary>
    Four = 4,

    /// <summary>Edge and corner neighbours.</summary>
    Eight = 8,
}

public static partial class RasterKernels
{
    /// <summary>
    /// Connected-component labelling with a minimum size: cells with the same non-zero class that touch (4- or
    /// 8-connectivity) form a component; components smaller than <paramref name="minCells"/> are dropped (label 0) and
    /// the rest are numbered 1..N in raster order of their first cell. Two passes with union–find over provisional
    /// labels, on all cores: each strip of rows is labelled on its own (the scan depends on the row above, so strips
    /// are the unit of parallelism), the strips' labels are joined along the rows where strips meet, and the final
    /// numbering is written strip by strip. One strip when <paramref name="allCores"/> is false: the sequential
    /// reference, giving the same labels.
    /// </summary>
    /// <param name="classes">Row-major class codes; 0 is background.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="connectivity">4 or 8 neighbours.</param>
    /// <param name="minCells">Minimum component size in cells (use minimum area / cell area).</param>
    /// <param name="labels">Output labels (width × height).</param>
    /// <param name="allCores">Label strips on all cores (large grids only).</param>
    /// <returns>Number of components kept.</returns>
    public static int ConnectedComponents(ReadOnlySpan<int> classes, int width, int height, Connectivity connectivity,
        long minCells, Span<int> labels, bool allCores = true) =>
        ConnectedComponents<int>(classes, width, height, connectivity, minCells, labels, allCores);

    /// <summary>
    /// <see cref="ConnectedComponents(ReadOnlySpan{int}, int, int, Connectivity, long, Span{int}, bool)"/> over byte
    /// classes (masks: 1 = foreground), the same labels without a 4-byte class grid.
    /// </summary>
    /// <param name="classes">Row-major class codes; 0 is background.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="connectivity">4 or 8 neighbours.</param>
    /// <param name="minCells">Minimum component size in cells.</param>
    /// <param name="labels">Output labels (width × height).</param>
    /// <param name="allCores">Label strips on all cores (large grids only).</param>
    /// <returns>Number of components kept.</returns>
    public static int ConnectedComponents(ReadOnlySpan<byte> classes, int width, int height, Connectivity connectivity,
        long minCells, Span<int> labels, bool allCores = true) =>
        ConnectedComponents<byte>(classes, width, height, connectivity, minCells, labels, allCores);

    private static int ConnectedComponents<T>(ReadOnlySpan<T> classes, int width, int height, Connectivity connectivity,
        long minCells, Span<int> labels, bool allCores) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        long cells = (long)width * height;
        if (classes.Length < cells || labels.Length < cells) throw new ArgumentException($"Classes and labels need {cells} cells.");
        if (cells == 0) return 0;
        bool eight = connectivity == Connectivity.Eight;
        int cores = Environment.ProcessorCount;
        int stripCount = !allCores || cores == 1 || cells < 2L * ParallelThreshold
            ? 1
            : (int)Math.Clamp(cells / ParallelThreshold, 1, Math.Min(4L * cores, height));
        var strips = new LabelStrip[stripCount];
        for (int k = 0; k < stripCount; k++)
        {
            int r0 = (int)((long)height * k / stripCount), r1 = (int)((long)height * (k + 1) / stripCount);
            strips[k] = new LabelStrip(r0, r1 - r0);
        }
        unsafe
        {
            fixed (T* pc = classes)
            fixed (int* pl = labels)
            {
                T* c = pc;
                int* l = pl;
                ParallelRange(stripCount, stripCount > 1, k => strips[k].Label(c, l, width, eight));
                // Global provisional labels: strip k's local label j becomes Offset_k + j, so global labels keep raster
                // order of first cells across strips; local roots (the smallest label of their set) stay roots.
                int total = 0;
                foreach (var st in strips) { st.Offset = total; total += st.Parent.Count - 1; }
                var parent = new int[total + 1];
                var size = new long[total + 1];
                foreach (var st in strips)
                    for (int j = 1; j < st.Parent.Count; j++)
                    {
                        parent[st.Offset + j] = st.Offset + Find(st.Parent, j);
                        size[st.Offset + j] = st.Cells[j];
                    }
                // Join across each seam: the first row of strip k with the last row of strip k − 1.
                for (int k = 1; k < stripCount; k++)
                {
                    int r = strips[k].FirstRow;
                    long o = (long)r * width, up = o - width;
                    int above = strips[k - 1].Offset, here = strips[k].Offset;
                    for (int x = 0; x < width; x++)
                    {
                        T v = c[o + x];
                        if (v == T.Zero) continue;
                        int a = here + l[o + x];
                        for (int dx = eight ? -1 : 0; dx <= (eight ? 1 : 0); dx++)
                        {
                            int xx = x + dx;
                            if (xx < 0 || xx >= width || c[up + xx] != v) continue;
                            Union(parent, a, above + l[up + xx]);
                        }
                    }
                }
                // Sizes to roots, then numbers 1..N in label order (= raster order of each component's first cell).
                for (int g = 1; g <= total; g++)
                {
                    int rt = Find(parent, g);
                    if (rt != g) size[rt] += size[g];
                }
                var final = new int[total + 1];
                int next = 0;
                for (int g = 1; g <= total; g++)
                {
                    int rt = parent[g] == g ? g : Find(parent, g);
                    if (rt == g) { if (size[g] >= minCells) final[g] = ++next; }
                    else final[g] = final[rt]; // rt < g: already numbered
                }
                ParallelRange(stripCount, stripCount > 1, k =>
                {
                    var st = strips[k];
                    long end = (long)(st.FirstRow + st.RowCount) * width;
                    for (long i = (long)st.FirstRow * width; i < end; i++)
                        if (l[i] != 0) l[i] = final[st.Offset + l[i]];
                });
                return next;
            }
        }
    }

    /// <summary>First pass over one strip of rows: provisional local labels, their union–find and cell counts.</summary>
    private sealed class LabelStrip(int firstRow, int rowCount)
    {
        public int FirstRow { get; } = firstRow;
        public int RowCount { get; } = rowCount;
        public int Offset { get; set; }
        public List<int> Parent { get; } = [0];
        public List<long> Cells { get; } = [0];

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public unsafe void Label<T>(T* classes, int* labels, int width, bool eight) where T : unmanaged, System.Numerics.IBinaryInteger<T>
        {
            var parent = Parent;
            for (int r = FirstRow; r < FirstRow + RowCount; r++)
            {
                long o = (long)r * width;
                bool hasUp = r > FirstRow;
                for (int c = 0; c < width; c++)
                {
                    long i = o + c;
                    T v = classes[i];
                    if (v == T.Zero) { labels[i] = 0; continue; }
                    int label = 0;
                    // Already-visited neighbours inside the strip: W, and the row above (NW, N, NE with 8-connectivity).
                    if (c > 0 && classes[i - 1] == v) label = labels[i - 1];
                    if (hasUp)
                    {
                        long up = i - width;
                        if (classes[up] == v) label = Join(parent, label, labels[up]);
                        if (eight)
                        {
                            if (c > 0 && classes[up - 1] == v) label = Join(parent, label, labels[up - 1]);
                            if (c < width - 1 && classes[up + 1] == v) label = Join(parent, label, labels[up + 1]);
                        }
                    }
                    if (label == 0)
                    {
                        label = parent.Count;
                        parent.Add(label);
                        Cells.Add(0);
                    }
                    labels[i] = label;
                    Cells[label]++;
                }
            }
        }
    }

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]]; // path halving
            x = parent[x];
        }
        return x;
    }

    /// <summary>Joins two sets, keeping the smaller root (so a root is always its set's first label in raster order).</summary>
    private static void Union(int[] parent, int a, int b)
    {
        int ra = Find(parent, a), rb = Find(parent, b);
        if (ra < rb) parent[rb] = ra;
        else if (rb < ra) parent[ra] = rb;
    }

    private static int Find(List<int> parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]]; // path halving
            x = parent[x];
        }
        return x;
    }

    private static int Join(List<int> parent, int a, int b)
    {
        if (a == 0) return b;
        if (b == 0 || a == b) return a;
        int ra = Find(parent, a), rb = Find(parent, b);
        if (ra == rb) return ra;
        // Keep the smaller root so labels stay stable in raster order.
        if (ra < rb) { parent[rb] = ra; return ra; }
        parent[ra] = rb;
        return rb;
    }
}
