using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>
/// Burns NTS geometries onto a <see cref="GridSpec"/> (GDAL <c>gdal_rasterize</c> semantics). Polygons: a cell is burnt
/// when its centre lies inside (even–odd over all rings, so holes stay empty); with <c>allTouched</c> every cell the
/// polygon touches is burnt (centre rule plus every cell its boundary passes through). Lines: one cell per column or
/// row along the major axis (GDAL's default), or with <c>allTouched</c> every cell the line passes through. Points: the
/// cell that contains them. Geometries must be in the grid's CRS; parts outside the grid are clipped.
/// </summary>
public static class GeometryRasterizer
{
    /// <summary>Burns one geometry into <paramref name="cells"/> (row-major, the grid's size) with <paramref name="value"/>.</summary>
    /// <typeparam name="T">Cell type (byte mask, int zone id, float attribute).</typeparam>
    /// <param name="grid">Target grid.</param>
    /// <param name="geometry">Geometry in the grid's CRS (any type, collections recursively).</param>
    /// <param name="cells">Cells to burn into.</param>
    /// <param name="value">Burn value.</param>
    /// <param name="allTouched">Burn every touched cell instead of the centre/major-axis rule.</param>
    /// <returns>Number of cells written (cells burnt twice by overlapping parts count twice).</returns>
    public static long Burn<T>(GridSpec grid, Geometry geometry, Span<T> cells, T value, bool allTouched = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(geometry);
        if (cells.Length < grid.CellCount) throw new ArgumentException($"Need {grid.CellCount} cells.", nameof(cells));
        return BurnRows(grid, geometry, cells, value, allTouched, new RowBand(0, grid.Height));
    }

    /// <summary>Rows [First, End) that one burn may write: the whole grid, or one core's band of it.</summary>
    private readonly record struct RowBand(int First, int End)
    {
        public bool Contains(long row) => row >= First && row < End;

        /// <summary>Whether rows lo..hi (inclusive, in any order, fractional) can touch the band.</summary>
        public bool Overlaps(double lo, double hi) => Math.Max(lo, hi) >= First - 1 && Math.Min(lo, hi) < End + 1;
    }

    private static long BurnRows<T>(GridSpec grid, Geometry geometry, Span<T> cells, T value, bool allTouched, RowBand band)
        where T : unmanaged
    {
        if (geometry.IsEmpty) return 0;
        switch (geometry)
        {
            case Polygon p:
                return BurnPolygon(grid, p, cells, value, allTouched, band);
            case LineString l:
                return BurnLine(grid, l.CoordinateSequence, cells, value, allTouched, band);
            case Point pt:
                return BurnPoint(grid, pt.X, pt.Y, cells, value, band);
            case GeometryCollection gc: // MultiPolygon, MultiLineString, MultiPoint too
                long n = 0;
                for (int i = 0; i < gc.NumGeometries; i++) n += BurnRows(grid, gc.GetGeometryN(i), cells, value, allTouched, band);
                return n;
            default:
                throw new ArgumentException($"Unsupported geometry type {geometry.GeometryType}.", nameof(geometry));
        }
    }

    /// <summary>
    /// Rasterises features in order (later ones overwrite earlier ones) onto a new raster filled with
    /// <paramref name="background"/>: e.g. commune polygons with their ids for zonal statistics.
    /// </summary>
    /// <typeparam name="T">Cell type.</typeparam>
    /// <param name="grid">Target grid.</param>
    /// <param name="features">Geometries and their burn values (an attribute per feature).</param>
    /// <param name="background">Value of cells no feature touches.</param>
    /// <param name="allTouched">Burn every touched cell.</param>
    /// <param name="allCores">Rasterise bands of rows on all cores (large grids only); the cells are the same.</param>
    public static Raster<T> Rasterize<T>(GridSpec grid, IEnumerable<(Geometry Geometry, T Value)> features, T background = default,
        bool allTouched = false, bool allCores = true) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(features);
        var list = features.ToList();
        foreach (var (g, _) in list) ArgumentNullException.ThrowIfNull(g, nameof(features));
        var raster = new Raster<T>(grid, zeroed: false);
        BurnInBands(grid, list, raster.Cells, background, allTouched, allCores);
        return raster;
    }

    /// <summary>
    /// Burns every geometry into <paramref name="cells"/> with <paramref name="value"/> (cells no geometry touches keep
    /// theirs), in bands of rows on all cores: the cells of <see cref="Burn{T}"/> called for each geometry in turn.
    /// </summary>
    /// <typeparam name="T">Cell type.</typeparam>
    /// <param name="grid">Target grid.</param>
    /// <param name="geometries">Geometries in the grid's CRS.</param>
    /// <param name="cells">Row-major cells (the grid's size).</param>
    /// <param name="value">Burn value.</param>
    /// <param name="allTouched">Burn every touched cell.</param>
    /// <param name="allCores">Burn bands of rows on all cores (large grids only).</param>
    public static void BurnAll<T>(GridSpec grid, IEnumerable<Geometry> geometries, T[] cells, T value, bool allTouched = false, bool allCores = true)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(geometries);
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length < grid.CellCount) throw new ArgumentException($"Need {grid.CellCount} cells.", nameof(cells));
        var list = geometries.Select(g => (g ?? throw new ArgumentNullException(nameof(geometries)), value)).ToList();
        BurnInBands(grid, list, cells, null, allTouched, allCores);
    }

    /// <summary>
    /// Bands of rows on all cores: each band fills its rows (when <paramref name="fill"/> is given) and burns every
    /// feature, in order, into them only, so later features still overwrite earlier ones cell by cell; a feature outside
    /// a band costs its bounds check.
    /// </summary>
    private static void BurnInBands<T>(GridSpec grid, List<(Geometry Geometry, T Value)> list, T[] target, T? fill, bool allTouched, bool allCores)
        where T : unmanaged
    {
        int bands = !allCores || grid.CellCount < 1 << 19 ? 1 : Math.Min(Environment.ProcessorCount * 2, grid.Height);
        void BurnBand(int k)
        {
            var band = new RowBand((int)((long)grid.Height * k / bands), (int)((long)grid.Height * (k + 1) / bands));
            var cells = target.AsSpan();
            if (fill is { } background)
                cells.Slice((int)((long)band.First * grid.Width), (int)((long)(band.End - band.First) * grid.Width)).Fill(background);
            foreach (var (g, v) in list)
            {
                var env = g.EnvelopeInternal;
                if (env.IsNull || !band.Overlaps((grid.OriginY - env.MaxY) / grid.CellSizeY, (grid.OriginY - env.MinY) / grid.CellSizeY)) continue;
                BurnRows(grid, g, cells, v, allTouched, band);
            }
        }
        try
        {
            Parallel.For(0, bands, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k => BurnBand(k));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The caller sees what a sequential burn would throw (e.g. an unsupported geometry type), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private static long BurnPoint<T>(GridSpec grid, double x, double y, Span<T> cells, T value, RowBand band) where T : unmanaged
    {
        var (c, r) = grid.CellOf(x, y);
        if (!grid.Contains(c, r) || !band.Contains(r)) return 0;
        cells[(int)grid.IndexOf((int)c, (int)r)] = value;
        return 1;
    }

    /// <summary>
    /// Centre rule by scanline with an active edge table: edges are bucketed by the first row they may cross and leave
    /// the active list after their last, so a row costs its crossing edges rather than the polygon's every edge (a
    /// commune outline has thousands). Each candidate edge still takes the exact half-open test and the same crossing
    /// formula, so the cells are those of a test against every edge.
    /// </summary>
    private static long BurnPolygon<T>(GridSpec grid, Polygon polygon, Span<T> cells, T value, bool allTouched, RowBand band)
        where T : unmanaged
    {
        var env = polygon.EnvelopeInternal;
        // Rows whose centre y lies within the envelope, inside the band.
        int r0 = (int)Math.Max(band.First, Math.Ceiling((grid.OriginY - env.MaxY) / grid.CellSizeY - 0.5));
        int r1 = (int)Math.Min(band.End - 1, Math.Floor((grid.OriginY - env.MinY) / grid.CellSizeY - 0.5));
        var rings = new List<Coordinate[]> { polygon.ExteriorRing.Coordinates };
        for (int i = 0; i < polygon.NumInteriorRings; i++) rings.Add(polygon.GetInteriorRingN(i).Coordinates);
        long n = 0;
        if (r0 <= r1)
        {
            // Edges by first candidate row (one row of slack each side: the exact test decides).
            var edges = new List<(int First, int Last, Coordinate A, Coordinate B)>();
            foreach (var ring in rings)
                for (int i = 0; i + 1 < ring.Length; i++)
                {
                    var a = ring[i];
                    var b = ring[i + 1];
                    if (a.Y == b.Y) continue; // never crosses a scanline under the half-open rule
                    double top = (grid.OriginY - Math.Max(a.Y, b.Y)) / grid.CellSizeY - 0.5;
                    double bottom = (grid.OriginY - Math.Min(a.Y, b.Y)) / grid.CellSizeY - 0.5;
                    int first = (int)Math.Max(r0, Math.Floor(top)), last = (int)Math.Min(r1, Math.Ceiling(bottom));
                    if (first <= last) edges.Add((first, last, a, b));
                }
            edges.Sort((x, y) => x.First.CompareTo(y.First));
            var active = new List<(int First, int Last, Coordinate A, Coordinate B)>();
            var xs = new List<double>();
            int next = 0;
            for (int r = r0; r <= r1; r++)
            {
                while (next < edges.Count && edges[next].First <= r) active.Add(edges[next++]);
                int kept = 0;
                for (int e = 0; e < active.Count; e++)
                    if (active[e].Last >= r) active[kept++] = active[e];
                active.RemoveRange(kept, active.Count - kept);
                double yc = grid.CellCenterY(r);
                xs.Clear();
                foreach (var (_, _, a, b) in active)
                {
                    // Half-open rule (a vertex exactly on the scanline counts once): min ≤ yc < max.
                    if ((a.Y <= yc) == (b.Y <= yc)) continue;
                    xs.Add(a.X + (yc - a.Y) * (b.X - a.X) / (b.Y - a.Y));
                }
                xs.Sort();
                long rowStart = (long)r * grid.Width;
                for (int k = 0; k + 1 < xs.Count; k += 2)
                {
                    // Cells whose centre x is in [xa, xb).
                    int c0 = (int)Math.Max(0, Math.Ceiling((xs[k] - grid.OriginX) / grid.CellSizeX - 0.5));
                    int c1 = (int)Math.Min(grid.Width, Math.Ceiling((xs[k + 1] - grid.OriginX) / grid.CellSizeX - 0.5));
                    if (c1 <= c0) continue;
                    cells.Slice((int)(rowStart + c0), c1 - c0).Fill(value);
                    n += c1 - c0;
                }
            }
        }
        if (allTouched)
            foreach (var ring in rings)
                n += BurnLine(grid, new NetTopologySuite.Geometries.Implementation.CoordinateArraySequence(ring), cells, value, true, band);
        return n;
    }

    private static long BurnLine<T>(GridSpec grid, CoordinateSequence seq, Span<T> cells, T value, bool allTouched, RowBand band)
        where T : unmanaged
    {
        long n = 0;
        if (seq.Count == 1) return BurnPoint(grid, seq.GetX(0), seq.GetY(0), cells, value, band);
        for (int i = 0; i + 1 < seq.Count; i++)
        {
            // Work in continuous cell coordinates: u = column, v = row (both increasing right/down).
            double u0 = (seq.GetX(i) - grid.OriginX) / grid.CellSizeX, v0 = (grid.OriginY - seq.GetY(i)) / grid.CellSizeY;
            double u1 = (seq.GetX(i + 1) - grid.OriginX) / grid.CellSizeX, v1 = (grid.OriginY - seq.GetY(i + 1)) / grid.CellSizeY;
            if (!band.Overlaps(v0, v1)) continue;
            n += allTouched ? Supercover(grid, u0, v0, u1, v1, cells, value, band) : MajorAxis(grid, u0, v0, u1, v1, cells, value, band);
        }
        return n;
    }

    private static long Set<T>(GridSpec grid, long c, long r, Span<T> cells, T value, RowBand band) where T : unmanaged
    {
        if (!grid.Contains(c, r) || !band.Contains(r)) return 0;
        cells[(int)(r * grid.Width + c)] = value;
        return 1;
    }

    /// <summary>Every cell the segment passes through (Amanatides–Woo grid traversal).</summary>
    private static long Supercover<T>(GridSpec grid, double u0, double v0, double u1, double v1, Span<T> cells, T value, RowBand band)
        where T : unmanaged
    {
        long c = (long)Math.Floor(u0), r = (long)Math.Floor(v0);
        long cEnd = (long)Math.Floor(u1), rEnd = (long)Math.Floor(v1);
        double du = u1 - u0, dv = v1 - v0;
        int stepC = Math.Sign(du), stepR = Math.Sign(dv);
        double tDeltaU = stepC != 0 ? Math.Abs(1 / du) : double.PositiveInfinity;
        double tDeltaV = stepR != 0 ? Math.Abs(1 / dv) : double.PositiveInfinity;
        double tMaxU = stepC > 0 ? (c + 1 - u0) / du : stepC < 0 ? (u0 - c) / -du : double.PositiveInfinity;
        double tMaxV = stepR > 0 ? (r + 1 - v0) / dv : stepR < 0 ? (v0 - r) / -dv : double.PositiveInfinity;
        long n = Set(grid, c, r, cells, value, band);
        long guard = Math.Abs(cEnd - c) + Math.Abs(rEnd - r) + 2;
        while ((c != cEnd || r != rEnd) && guard-- > 0)
        {
            if (tMaxU < tMaxV) { c += stepC; tMaxU += tDeltaU; }
            else { r += stepR; tMaxV += tDeltaV; }
            n += Set(grid, c, r, cells, value, band);
        }
        return n;
    }

    /// <summary>One cell per column (x-major) or per row (y-major), at the cell-centre crossing, plus both end cells.</summary>
    private static long MajorAxis<T>(GridSpec grid, double u0, double v0, double u1, double v1, Span<T> cells, T value, RowBand band)
        where T : unmanaged
    {
        long n = Set(grid, (long)Math.Floor(u0), (long)Math.Floor(v0), cells, value, band);
        n += Set(grid, (long)Math.Floor(u1), (long)Math.Floor(v1), cells, value, band);
        if (Math.Abs(u1 - u0) >= Math.Abs(v1 - v0))
        {
            if (u1 < u0) (u0, v0, u1, v1) = (u1, v1, u0, v0);
            for (long c = (long)Math.Ceiling(u0 - 0.5); c + 0.5 < u1; c++)
            {
                double uc = c + 0.5;
                if (uc < u0) continue;
                double v = v0 + (uc - u0) * (v1 - v0) / (u1 - u0);
                n += Set(grid, c, (long)Math.Floor(v), cells, value, band);
            }
        }
        else
        {
            if (v1 < v0) (u0, v0, u1, v1) = (u1, v1, u0, v0);
            for (long r = (long)Math.Ceiling(v0 - 0.5); r + 0.5 < v1; r++)
            {
                double vc = r + 0.5;
                if (vc < v0) continue;
                double u = u0 + (vc - v0) * (u1 - u0) / (v1 - v0);
                n += Set(grid, (long)Math.Floor(u), r, cells, value, band);
            }
        }
        return n;
    }
}
