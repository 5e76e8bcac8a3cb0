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
    /// labels; sequential (labelling is a scan with a data dependency on the previous row).
    /// </summary>
    /// <param name="classes">Row-major class codes; 0 is background.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="connectivity">4 or 8 neighbours.</param>
    /// <param name="minCells">Minimum component size in cells (use minimum area / cell area).</param>
    /// <param name="labels">Output labels (width × height).</param>
    /// <returns>Number of components kept.</returns>
    public static int ConnectedComponents(ReadOnlySpan<int> classes, int width, int height, Connectivity connectivity,
        long minCells, Span<int> labels)
    {
        long cells = (long)width * height;
        if (classes.Length < cells || labels.Length < cells) throw new ArgumentException($"Classes and labels need {cells} cells.");
        var parent = new List<int>(1024) { 0 };
        int n = (int)cells;
        bool eight = connectivity == Connectivity.Eight;
        for (int r = 0; r < height; r++)
        {
            int o = r * width;
            for (int c = 0; c < width; c++)
            {
                int i = o + c;
                int v = classes[i];
                if (v == 0) { labels[i] = 0; continue; }
                int label = 0;
                // Already-visited neighbours: W, and the row above (NW, N, NE with 8-connectivity).
                if (c > 0 && classes[i - 1] == v) label = labels[i - 1];
                if (r > 0)
                {
                    int up = i - width;
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
                }
                labels[i] = label;
            }
        }
        // Resolve roots, count sizes per root.
        var root = new int[parent.Count];
        for (int l = 1; l < root.Length; l++) root[l] = Find(parent, l);
        var size = new long[root.Length];
        for (int i = 0; i < n; i++) if (labels[i] != 0) size[root[labels[i]]]++;
        var final = new int[root.Length];
        int next = 0;
        for (int i = 0; i < n; i++)
        {
            int l = labels[i];
            if (l == 0) continue;
            int rt = root[l];
            if (size[rt] < minCells) { labels[i] = 0; continue; }
            if (final[rt] == 0) final[rt] = ++next;
            labels[i] = final[rt];
        }
        return next;
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
