using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>
/// The grid graph of the input, matrix-free: only the cells' conductances are stored (4 bytes per cell) and every link
/// weight is computed where it is used, <c>w = (gᵢ + gⱼ)/2</c>, divided by √2 on diagonals (Circuitscape's "average
/// conductance"). Cell encoding in <see cref="G"/>: g &gt; 0 a free node, g &lt; 0 a ground (its conductance negated;
/// the node is held at 0 V), g = 0 removed. Every vector is kept at 0 on grounds and removed cells, so a link to a
/// ground adds to the diagonal only — the grounded Laplacian without building it.
/// </summary>
internal readonly unsafe struct FineGrid : ILinkSource
{
    private const double Orthogonal = 0.5;
    private const double Diagonal = 0.5 / 1.4142135623730951; // 0.5/√2

    public FineGrid(float* g, int width, int height, bool eight, bool vectors)
    {
        G = g;
        Width = width;
        Height = height;
        Eight = eight;
        Vectors = vectors && Vector256.IsHardwareAccelerated && width >= 6;
    }

    /// <summary>Run the Vector256 path on interior rows (the scalar loop is the reference).</summary>
    public bool Vectors { get; }

    public float* G { get; }

    public int Width { get; }

    public int Height { get; }

    public bool Eight { get; }

    public long Cells => (long)Width * Height;

    public bool Parallel(bool allCores) => allCores && Cells >= RowBands.ParallelCells;

    /// <summary>Σⱼ wᵢⱼ·vⱼ over the neighbours of free cell i and, in <paramref name="diag"/>, Σⱼ wᵢⱼ (links to grounds
    /// included). Branches on the borders only; a removed neighbour has g = 0 and adds nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Gather<T>(T* v, long i, int x, bool up, bool down, out double diag) where T : unmanaged, INumberBase<T>
    {
        float* g = G;
        long w = Width;
        double gi = g[i];
        double s = 0, d = 0;
        bool left = x > 0, right = x < Width - 1;
        if (left) Add(g[i - 1], v + i - 1, gi, Orthogonal, ref s, ref d);
        if (right) Add(g[i + 1], v + i + 1, gi, Orthogonal, ref s, ref d);
        if (up)
        {
            Add(g[i - w], v + i - w, gi, Orthogonal, ref s, ref d);
            if (Eight)
            {
                if (left) Add(g[i - w - 1], v + i - w - 1, gi, Diagonal, ref s, ref d);
                if (right) Add(g[i - w + 1], v + i - w + 1, gi, Diagonal, ref s, ref d);
            }
        }
        if (down)
        {
            Add(g[i + w], v + i + w, gi, Orthogonal, ref s, ref d);
            if (Eight)
            {
                if (left) Add(g[i + w - 1], v + i + w - 1, gi, Diagonal, ref s, ref d);
                if (right) Add(g[i + w + 1], v + i + w + 1, gi, Diagonal, ref s, ref d);
            }
        }
        diag = d;
        return s;
    }

    /// <summary><see cref="Gather{T}"/> for a cell with all 8 neighbours inside the grid (no border branches).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double GatherInterior<T>(T* v, long i, out double diag) where T : unmanaged, INumberBase<T>
    {
        float* g = G;
        long w = Width;
        double gi = g[i];
        double s = 0, d = 0;
        Add(g[i - 1], v + i - 1, gi, Orthogonal, ref s, ref d);
        Add(g[i + 1], v + i + 1, gi, Orthogonal, ref s, ref d);
        Add(g[i - w], v + i - w, gi, Orthogonal, ref s, ref d);
        Add(g[i + w], v + i + w, gi, Orthogonal, ref s, ref d);
        if (Eight)
        {
            Add(g[i - w - 1], v + i - w - 1, gi, Diagonal, ref s, ref d);
            Add(g[i - w + 1], v + i - w + 1, gi, Diagonal, ref s, ref d);
            Add(g[i + w - 1], v + i + w - 1, gi, Diagonal, ref s, ref d);
            Add(g[i + w + 1], v + i + w + 1, gi, Diagonal, ref s, ref d);
        }
        diag = d;
        return s;
    }

    /// <summary>Σⱼ wᵢⱼ·vⱼ and the diagonal for free cell (x, y): the interior form where it applies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double GatherAt<T>(T* v, long i, int x, bool interiorRow, bool up, bool down, out double diag) where T : unmanaged, INumberBase<T> =>
        interiorRow && x > 0 && x < Width - 1 ? GatherInterior(v, i, out diag) : Gather(v, i, x, up, down, out diag);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<T>(float gj, T* vj, double gi, double factor, ref double s, ref double d) where T : unmanaged, INumberBase<T>
    {
        if (gj == 0) return;
        double wt = (gi + Math.Abs(gj)) * factor;
        d += wt;
        s += wt * double.CreateTruncating(*vj);
    }

    /// <summary>Four float conductances widened to doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(float* g)
    {
        var v = Vector128.Load(g);
        return Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddVector(float* gj, double* vj, Vector256<double> gi, Vector256<double> factor, ref Vector256<double> s, ref Vector256<double> d)
    {
        var g = Widen(gj);
        // Removed neighbours (g = 0) contribute nothing: the link weight is masked to 0.
        var w = Vector256.BitwiseAnd((gi + Vector256.Abs(g)) * factor, ~Vector256.Equals(g, Vector256<double>.Zero));
        d += w;
        s += w * Vector256.Load(vj);
    }

    /// <summary>
    /// (A·p) for the four cells i … i+3 of an interior row (columns 1 … W−2, rows 1 … H−2), 4 doubles per vector; lanes
    /// of cells that are not free are 0. The same sums in the same order as <see cref="GatherInterior{T}"/> per lane,
    /// so the vector and scalar paths agree to the last bit except for fused rounding the JIT may choose.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<double> ApplyInterior4(double* p, long i)
    {
        float* g = G;
        long w = Width;
        var gi = Widen(g + i);
        var orth = Vector256.Create(Orthogonal);
        var diag = Vector256.Create(Diagonal);
        Vector256<double> s = Vector256<double>.Zero, d = Vector256<double>.Zero;
        AddVector(g + i - 1, p + i - 1, gi, orth, ref s, ref d);
        AddVector(g + i + 1, p + i + 1, gi, orth, ref s, ref d);
        AddVector(g + i - w, p + i - w, gi, orth, ref s, ref d);
        AddVector(g + i + w, p + i + w, gi, orth, ref s, ref d);
        if (Eight)
        {
            AddVector(g + i - w - 1, p + i - w - 1, gi, diag, ref s, ref d);
            AddVector(g + i - w + 1, p + i - w + 1, gi, diag, ref s, ref d);
            AddVector(g + i + w - 1, p + i + w - 1, gi, diag, ref s, ref d);
            AddVector(g + i + w + 1, p + i + w + 1, gi, diag, ref s, ref d);
        }
        var ap = d * Vector256.Load(p + i) - s;
        return Vector256.BitwiseAnd(ap, Vector256.GreaterThan(gi, Vector256<double>.Zero));
    }

    /// <summary>Σ over free cells of pᵢ·(A·p)ᵢ.</summary>
    public double DotPAp(double* p, bool allCores)
    {
        var self = this;
        bool vec = Vectors;
        return RowBands.Sum(Height, Parallel(allCores), (y0, y1) =>
        {
            double acc = 0;
            for (int y = y0; y < y1; y++)
            {
                bool up = y > 0, down = y < self.Height - 1, inner = up && down;
                long row = (long)y * self.Width;
                int x = 0;
                if (vec && inner)
                {
                    // Column 0 scalar, then vectors over columns 1 … W−2 while four fit, the rest scalar below.
                    var sum = Vector256<double>.Zero;
                    for (x = 1; x + 4 <= self.Width - 1; x += 4)
                        sum += Vector256.Load(p + row + x) * self.ApplyInterior4(p, row + x);
                    acc += Vector256.Sum(sum);
                    if (self.G[row] > 0)
                    {
                        double s0 = self.Gather(p, row, 0, up, down, out double d0);
                        acc += p[row] * (d0 * p[row] - s0);
                    }
                }
                for (; x < self.Width; x++)
                {
                    long i = row + x;
                    if (!(self.G[i] > 0)) continue;
                    double s = self.GatherAt(p, i, x, inner, up, down, out double d);
                    acc += p[i] * (d * p[i] - s);
                }
            }
            return acc;
        });
    }

    /// <summary>x += α·p, r −= α·A·p (A·p recomputed: no vector stored for it); returns ‖r‖².</summary>
    public double UpdateSolution(double* x, double* r, double* p, double alpha, bool allCores)
    {
        var self = this;
        bool vec = Vectors;
        return RowBands.Sum(Height, Parallel(allCores), (y0, y1) =>
        {
            double acc = 0;
            var va = Vector256.Create(alpha);
            for (int y = y0; y < y1; y++)
            {
                bool up = y > 0, down = y < self.Height - 1, inner = up && down;
                long row = (long)y * self.Width;
                int x1 = 0;
                if (vec && inner)
                {
                    // Not free cells: p = 0 there and their A·p lanes are masked to 0, so x and r stay unchanged.
                    var sum = Vector256<double>.Zero;
                    for (x1 = 1; x1 + 4 <= self.Width - 1; x1 += 4)
                    {
                        long i = row + x1;
                        var ap = self.ApplyInterior4(p, i);
                        (Vector256.Load(x + i) + va * Vector256.Load(p + i)).Store(x + i);
                        var ri = Vector256.Load(r + i) - va * ap;
                        ri.Store(r + i);
                        sum += ri * ri;
                    }
                    acc += Vector256.Sum(sum);
                    if (self.G[row] > 0)
                    {
                        double s0 = self.Gather(p, row, 0, up, down, out double d0);
                        x[row] += alpha * p[row];
                        double r0 = r[row] - alpha * (d0 * p[row] - s0);
                        r[row] = r0;
                        acc += r0 * r0;
                    }
                }
                for (; x1 < self.Width; x1++)
                {
                    long i = row + x1;
                    if (!(self.G[i] > 0)) continue;
                    double s = self.GatherAt(p, i, x1, inner, up, down, out double d);
                    x[i] += alpha * p[i];
                    double ri = r[i] - alpha * (d * p[i] - s);
                    r[i] = ri;
                    acc += ri * ri;
                }
            }
            return acc;
        });
    }

    /// <summary>Σ rᵢ·zᵢ.</summary>
    public double Dot(double* r, float* z, bool allCores)
    {
        int w = Width;
        return RowBands.Sum(Height, Parallel(allCores), (y0, y1) =>
        {
            double acc = 0;
            for (long i = (long)y0 * w, e = (long)y1 * w; i < e; i++) acc += r[i] * z[i];
            return acc;
        });
    }

    /// <summary>Σ rᵢ².</summary>
    public double SumOfSquares(double* r, bool allCores)
    {
        int w = Width;
        return RowBands.Sum(Height, Parallel(allCores), (y0, y1) =>
        {
            double acc = 0;
            for (long i = (long)y0 * w, e = (long)y1 * w; i < e; i++) acc += r[i] * r[i];
            return acc;
        });
    }

    /// <summary>p = z + β·p.</summary>
    public void UpdateDirection(double* p, float* z, double beta, bool allCores)
    {
        int w = Width;
        RowBands.For(Height, Parallel(allCores), (y0, y1) =>
        {
            for (long i = (long)y0 * w, e = (long)y1 * w; i < e; i++) p[i] = z[i] + beta * p[i];
        });
    }

    /// <summary>Jacobi preconditioner: zᵢ = rᵢ / Aᵢᵢ on free cells, 0 elsewhere.</summary>
    public void Jacobi(double* r, float* z, bool allCores)
    {
        var self = this;
        RowBands.For(Height, Parallel(allCores), (y0, y1) =>
        {
            for (int y = y0; y < y1; y++)
            {
                bool up = y > 0, down = y < self.Height - 1, inner = up && down;
                long row = (long)y * self.Width;
                for (int x = 0; x < self.Width; x++)
                {
                    long i = row + x;
                    if (!(self.G[i] > 0)) { z[i] = 0; continue; }
                    self.GatherAt(z, i, x, inner, up, down, out double d);
                    z[i] = (float)(r[i] / d);
                }
            }
        });
    }

    /// <summary>
    /// One Gauss–Seidel colour step: the free cells with row parity <paramref name="py"/> and column parity
    /// <paramref name="px"/> are set to (rᵢ + Σ wᵢⱼ zⱼ) / Aᵢᵢ. No two cells of one colour are neighbours (not even
    /// diagonally), so the rows of a colour update in parallel and in place.
    /// </summary>
    public void SmoothColour(double* r, float* z, int py, int px, bool allCores)
    {
        var self = this;
        int rows = (Height - py + 1) / 2;
        RowBands.For(rows, Parallel(allCores), (k0, k1) =>
        {
            for (int k = k0; k < k1; k++)
            {
                int y = py + 2 * k;
                bool up = y > 0, down = y < self.Height - 1, inner = up && down;
                long row = (long)y * self.Width;
                for (int x = px; x < self.Width; x += 2)
                {
                    long i = row + x;
                    if (!(self.G[i] > 0)) continue;
                    double s = self.GatherAt(z, i, x, inner, up, down, out double d);
                    z[i] = (float)((r[i] + s) / d);
                }
            }
        });
    }

    /// <summary>Coarse right-hand side: the residual r − A·z summed over each 2×2 aggregate (Pᵀ of the aggregation).</summary>
    public void RestrictResidual(double* r, float* z, CoarseLevel coarse, bool allCores)
    {
        var self = this;
        RowBands.For(coarse.Height, Parallel(allCores), (c0, c1) =>
        {
            fixed (float* b = coarse.B)
            {
                for (int cy = c0; cy < c1; cy++)
                {
                    long crow = (long)cy * coarse.Width;
                    for (int cx = 0; cx < coarse.Width; cx++) b[crow + cx] = 0;
                    for (int y = 2 * cy; y < Math.Min(2 * cy + 2, self.Height); y++)
                    {
                        bool up = y > 0, down = y < self.Height - 1, inner = up && down;
                        long row = (long)y * self.Width;
                        for (int x = 0; x < self.Width; x++)
                        {
                            long i = row + x;
                            if (!(self.G[i] > 0)) continue;
                            double s = self.GatherAt(z, i, x, inner, up, down, out double d);
                            b[crow + (x >> 1)] += (float)(r[i] - (d * z[i] - s));
                        }
                    }
                }
            }
        });
    }

    /// <summary>z += ω·P·x_coarse: each free cell gets its aggregate's correction, scaled by ω.</summary>
    public void Prolong(float* z, CoarseLevel coarse, float omega, bool allCores)
    {
        var self = this;
        RowBands.For(Height, Parallel(allCores), (y0, y1) =>
        {
            fixed (float* xc = coarse.X)
            {
                for (int y = y0; y < y1; y++)
                {
                    long row = (long)y * self.Width, crow = (long)(y >> 1) * coarse.Width;
                    for (int x = 0; x < self.Width; x++)
                        if (self.G[row + x] > 0) z[row + x] += omega * xc[crow + (x >> 1)];
                }
            }
        });
    }

    // ILinkSource: the fine links between free cells, and each free cell's links to grounds (its "leak").
    public double Link(int x, int y, int dir)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return 0;
        var (dx, dy, f) = dir switch { 0 => (1, 0, Orthogonal), 1 => (0, 1, Orthogonal), 2 => (1, 1, Diagonal), _ => (-1, 1, Diagonal) };
        if (dir >= 2 && !Eight) return 0;
        int x2 = x + dx, y2 = y + dy;
        if (x2 < 0 || y2 < 0 || x2 >= Width || y2 >= Height) return 0;
        float ga = G[(long)y * Width + x], gb = G[(long)y2 * Width + x2];
        return ga > 0 && gb > 0 ? (ga + (double)gb) * f : 0;
    }

    public double Leak(int x, int y)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return 0;
        double ga = G[(long)y * Width + x];
        if (!(ga > 0)) return 0;
        double leak = 0;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                if ((dx | dy) == 0 || (!Eight && dx != 0 && dy != 0)) continue;
                int x2 = x + dx, y2 = y + dy;
                if (x2 < 0 || y2 < 0 || x2 >= Width || y2 >= Height) continue;
                float gb = G[(long)y2 * Width + x2];
                if (gb < 0) leak += (ga - gb) * (dx != 0 && dy != 0 ? Diagonal : Orthogonal);
            }
        return leak;
    }

    public bool Active(int x, int y) => x >= 0 && y >= 0 && x < Width && y < Height && G[(long)y * Width + x] > 0;
}
