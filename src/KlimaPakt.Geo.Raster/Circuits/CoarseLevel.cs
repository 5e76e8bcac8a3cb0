using System.Runtime.CompilerServices;

namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>The links of one level of the hierarchy, as the next coarser level is built from them.</summary>
internal interface ILinkSource
{
    int Width { get; }

    int Height { get; }

    /// <summary>Weight of the link from (x, y) to its neighbour in direction <paramref name="dir"/> (0 E, 1 S, 2 SE,
    /// 3 SW); 0 when either end is outside the grid or not an active node.</summary>
    double Link(int x, int y, int dir);

    /// <summary>Sum of the weights of the links from (x, y) to grounds (0 V).</summary>
    double Leak(int x, int y);

    /// <summary>True when (x, y) is an unknown of this level.</summary>
    bool Active(int x, int y);
}

/// <summary>
/// One coarse level of the aggregation multigrid: an 8-neighbour graph on ⌈W/2⌉ × ⌈H/2⌉ aggregates. Its operator is
/// the Galerkin product Pᵀ·A·P for piecewise-constant P: the link between two aggregates is the sum of the finer links
/// between them, the diagonal is the sum of the links leaving the aggregate (to other aggregates and to grounds). Links
/// are stored once per pair (E, S, SE, SW of each node) as scaled half floats — the preconditioner only needs a few
/// digits, the CG's own operator stays exact — so a level costs 20 bytes per aggregate (8 links, 4 diagonal, 4 + 4
/// vectors), 5 bytes per fine cell for the first coarse level and 6.7 for the whole hierarchy.
/// </summary>
internal sealed unsafe class CoarseLevel : ILinkSource
{
    private readonly Half[] _e, _s, _se, _sw;
    private readonly Half* _pe, _ps, _pse, _psw;
    private readonly float* _pd, _px, _pb;

    public CoarseLevel(int width, int height)
    {
        Width = width;
        Height = height;
        long n = (long)width * height;
        _e = GC.AllocateUninitializedArray<Half>(checked((int)n), pinned: true);
        _s = GC.AllocateUninitializedArray<Half>((int)n, pinned: true);
        _se = GC.AllocateUninitializedArray<Half>((int)n, pinned: true);
        _sw = GC.AllocateUninitializedArray<Half>((int)n, pinned: true);
        Diag = GC.AllocateUninitializedArray<float>((int)n, pinned: true);
        X = GC.AllocateUninitializedArray<float>((int)n, pinned: true);
        B = GC.AllocateUninitializedArray<float>((int)n, pinned: true);
        _pe = (Half*)Unsafe.AsPointer(ref _e[0]);
        _ps = (Half*)Unsafe.AsPointer(ref _s[0]);
        _pse = (Half*)Unsafe.AsPointer(ref _se[0]);
        _psw = (Half*)Unsafe.AsPointer(ref _sw[0]);
        _pd = (float*)Unsafe.AsPointer(ref Diag[0]);
        _px = (float*)Unsafe.AsPointer(ref X[0]);
        _pb = (float*)Unsafe.AsPointer(ref B[0]);
    }

    public int Width { get; }

    public int Height { get; }

    public long Cells => (long)Width * Height;

    /// <summary>Multiplier of the stored half-float links (keeps them inside the half range whatever the units).</summary>
    public float Scale { get; private set; }

    /// <summary>Diagonal; 0 for an aggregate without unknowns.</summary>
    public float[] Diag { get; }

    /// <summary>Correction (the V-cycle's unknown at this level).</summary>
    public float[] X { get; }

    /// <summary>Right-hand side (the restricted residual of the finer level).</summary>
    public float[] B { get; }

    /// <summary>Links to grounds per aggregate; kept only until the next level is built.</summary>
    public float[]? LeakToGround { get; private set; }

    public long Bytes => Cells * (4 * sizeof(short) + 3 * sizeof(float)) + (LeakToGround is null ? 0 : Cells * sizeof(float));

    private bool Parallel(bool allCores) => allCores && Cells >= RowBands.ParallelCells;

    /// <summary>Builds the aggregation of <paramref name="fine"/>: 2×2 blocks of its nodes.</summary>
    public static CoarseLevel Build<TSource>(TSource fine, bool allCores) where TSource : ILinkSource
    {
        int w = (fine.Width + 1) / 2, h = (fine.Height + 1) / 2;
        var c = new CoarseLevel(w, h);
        long n = c.Cells;
        var e = GC.AllocateUninitializedArray<float>((int)n);
        var s = GC.AllocateUninitializedArray<float>((int)n);
        var se = GC.AllocateUninitializedArray<float>((int)n);
        var sw = GC.AllocateUninitializedArray<float>((int)n);
        var leak = GC.AllocateUninitializedArray<float>((int)n);
        bool par = allCores && n >= RowBands.ParallelCells / 4;
        // The coarse links between block I = (cx, cy) and its E, S, SE, SW neighbour blocks: every finer link that joins
        // a node of I to a node of the other block (fine nodes (2cx + a, 2cy + b), a, b ∈ {0, 1}).
        double max = RowBands.Max(h, par, (y0, y1) =>
        {
            double m = 0;
            for (int cy = y0; cy < y1; cy++)
                for (int cx = 0; cx < w; cx++)
                {
                    int fx = 2 * cx, fy = 2 * cy;
                    long i = (long)cy * w + cx;
                    double le = fine.Link(fx + 1, fy, 0) + fine.Link(fx + 1, fy + 1, 0) + fine.Link(fx + 1, fy, 2) + fine.Link(fx + 2, fy, 3);
                    double ls = fine.Link(fx, fy + 1, 1) + fine.Link(fx + 1, fy + 1, 1) + fine.Link(fx, fy + 1, 2) + fine.Link(fx + 1, fy + 1, 3);
                    double lse = fine.Link(fx + 1, fy + 1, 2);
                    double lsw = fine.Link(fx, fy + 1, 3);
                    e[i] = (float)le;
                    s[i] = (float)ls;
                    se[i] = (float)lse;
                    sw[i] = (float)lsw;
                    bool active = fine.Active(fx, fy) || fine.Active(fx + 1, fy) || fine.Active(fx, fy + 1) || fine.Active(fx + 1, fy + 1);
                    leak[i] = active ? (float)(fine.Leak(fx, fy) + fine.Leak(fx + 1, fy) + fine.Leak(fx, fy + 1) + fine.Leak(fx + 1, fy + 1)) : -1;
                    m = Math.Max(m, Math.Max(Math.Max(le, ls), Math.Max(lse, lsw)));
                }
            return m;
        });
        // Half floats hold up to 65504 with 11 significant bits: scale the largest link to 2¹⁴.
        float scale = max > 0 ? (float)(max / 16384) : 1;
        c.Scale = scale;
        float inv = 1 / scale;
        RowBands.For(h, par, (y0, y1) =>
        {
            for (long i = (long)y0 * w, end = (long)y1 * w; i < end; i++)
            {
                c._pe[i] = (Half)(e[i] * inv);
                c._ps[i] = (Half)(s[i] * inv);
                c._pse[i] = (Half)(se[i] * inv);
                c._psw[i] = (Half)(sw[i] * inv);
            }
        });
        // The diagonal from the rounded links, so the stored operator is exactly a weighted Laplacian plus a
        // non-negative ground term: symmetric positive definite whatever the rounding did.
        RowBands.For(h, par, (y0, y1) =>
        {
            for (int cy = y0; cy < y1; cy++)
                for (int cx = 0; cx < w; cx++)
                {
                    long i = (long)cy * w + cx;
                    if (leak[i] < 0)
                    {
                        c._pd[i] = 0;
                        leak[i] = 0;
                        continue;
                    }
                    double d = leak[i] + c.Link(cx, cy, 0) + c.Link(cx, cy, 1) + c.Link(cx, cy, 2) + c.Link(cx, cy, 3)
                        + c.Link(cx - 1, cy, 0) + c.Link(cx, cy - 1, 1) + c.Link(cx - 1, cy - 1, 2) + c.Link(cx + 1, cy - 1, 3);
                    c._pd[i] = (float)d;
                }
        });
        c.LeakToGround = leak;
        return c;
    }

    /// <summary>Frees the ground links once the next level has been built from them.</summary>
    public void DropLeak() => LeakToGround = null;

    public double Link(int x, int y, int dir)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return 0;
        long i = (long)y * Width + x;
        Half v = dir switch { 0 => _pe[i], 1 => _ps[i], 2 => _pse[i], _ => _psw[i] };
        return (float)v * Scale;
    }

    public double Leak(int x, int y) => x < 0 || y < 0 || x >= Width || y >= Height ? 0 : LeakToGround![(long)y * Width + x];

    public bool Active(int x, int y) => x >= 0 && y >= 0 && x < Width && y < Height && _pd[(long)y * Width + x] > 0;

    /// <summary>Σⱼ aᵢⱼ·vⱼ over the 8 neighbours of node i = (x, y) (without the scale).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Gather(float* v, long i, int x, bool up, bool down)
    {
        long w = Width;
        bool left = x > 0, right = x < Width - 1;
        float s = 0;
        if (right) s += (float)_pe[i] * v[i + 1];
        if (left) s += (float)_pe[i - 1] * v[i - 1];
        if (down)
        {
            s += (float)_ps[i] * v[i + w];
            if (right) s += (float)_pse[i] * v[i + w + 1];
            if (left) s += (float)_psw[i] * v[i + w - 1];
        }
        if (up)
        {
            s += (float)_ps[i - w] * v[i - w];
            if (left) s += (float)_pse[i - w - 1] * v[i - w - 1];
            if (right) s += (float)_psw[i - w + 1] * v[i - w + 1];
        }
        return s;
    }

    /// <summary>Gauss–Seidel on one of the four colours (row parity, column parity) of <see cref="X"/>.</summary>
    public void SmoothColour(int py, int px, bool allCores)
    {
        int rows = (Height - py + 1) / 2;
        RowBands.For(rows, Parallel(allCores), (k0, k1) =>
        {
            float sc = Scale;
            for (int k = k0; k < k1; k++)
            {
                int y = py + 2 * k;
                bool up = y > 0, down = y < Height - 1;
                long row = (long)y * Width;
                for (int x = px; x < Width; x += 2)
                {
                    long i = row + x;
                    float d = _pd[i];
                    if (d == 0) continue;
                    _px[i] = (float)((_pb[i] + sc * Gather(_px, i, x, up, down)) / d);
                }
            }
        });
    }

    /// <summary>The residual B − A·X summed over the 2×2 aggregates into <paramref name="coarse"/>.B.</summary>
    public void RestrictResidual(CoarseLevel coarse, bool allCores)
    {
        RowBands.For(coarse.Height, Parallel(allCores), (c0, c1) =>
        {
            float sc = Scale;
            for (int cy = c0; cy < c1; cy++)
            {
                long crow = (long)cy * coarse.Width;
                for (int cx = 0; cx < coarse.Width; cx++) coarse._pb[crow + cx] = 0;
                for (int y = 2 * cy; y < Math.Min(2 * cy + 2, Height); y++)
                {
                    bool up = y > 0, down = y < Height - 1;
                    long row = (long)y * Width;
                    for (int x = 0; x < Width; x++)
                    {
                        long i = row + x;
                        float d = _pd[i];
                        if (d == 0) continue;
                        coarse._pb[crow + (x >> 1)] += (float)(_pb[i] - (d * _px[i] - sc * Gather(_px, i, x, up, down)));
                    }
                }
            }
        });
    }

    /// <summary>X += ω·P·coarse.X.</summary>
    public void Prolong(CoarseLevel coarse, float omega, bool allCores)
    {
        RowBands.For(Height, Parallel(allCores), (y0, y1) =>
        {
            for (int y = y0; y < y1; y++)
            {
                long row = (long)y * Width, crow = (long)(y >> 1) * coarse.Width;
                for (int x = 0; x < Width; x++)
                    if (_pd[row + x] > 0) _px[row + x] += omega * coarse._px[crow + (x >> 1)];
            }
        });
    }

    public void ClearX() => Array.Clear(X);
}
