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
        if (geometry.IsEmpty) return 0;
        switch (geometry)
        {
            case Polygon p:
                return BurnPolygon(grid, p, cells, value, allTouched);
            case LineString l:
                return BurnLine(grid, l.CoordinateSequence, cells, value, allTouched);
            case Point pt:
                return BurnPoint(grid, pt.X, pt.Y, cells, value);
            case GeometryCollection gc: // MultiPolygon, MultiLineString, MultiPoint too
                long n = 0;
                for (int i = 0; i < gc.NumGeometries; i++) n += Burn(grid, gc.GetGeometryN(i), cells, value, allTouched);
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
    public static Raster<T> Rasterize<T>(GridSpec grid, IEnumerable<(Geometry Geometry, T Value)> features, T background = default,
        bool allTouched = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(features);
        var raster = new Raster<T>(grid, zeroed: false);
        raster.Cells.AsSpan().Fill(background);
        foreach (var (g, v) in features) Burn(grid, g, raster.Cells, v, allTouched);
        return raster;
    }

    private static long BurnPoint<T>(GridSpec grid, double x, double y, Span<T> cells, T value) where T : unmanaged
    {
        var (c, r) = grid.CellOf(x, y);
        if (!grid.Contains(c, r)) return 0;
        cells[(int)grid.IndexOf((int)c, (int)r)] = value;
        return 1;
    }

    private static long BurnPolygon<T>(GridSpec grid, Polygon polygon, Span<T> cells, T value, bool allTouched) where T : unmanaged
    {
        var env = polygon.EnvelopeInternal;
        // Rows whose centre y lies within the envelope.
        int r0 = (int)Math.Max(0, Math.Ceiling((grid.OriginY - env.MaxY) / grid.CellSizeY - 0.5));
        int r1 = (int)Math.Min(grid.Height - 1, Math.Floor((grid.OriginY - env.MinY) / grid.CellSizeY - 0.5));
        var rings = new List<Coordinate[]> { polygon.ExteriorRing.Coordinates };
        for (int i = 0; i < polygon.NumInteriorRings; i++) rings.Add(polygon.GetInteriorRingN(i).Coordinates);
        var xs = new List<double>();
        long n = 0;
        for (int r = r0; r <= r1; r++)
        {
            double yc = grid.CellCenterY(r);
            xs.Clear();
            foreach (var ring in rings)
            {
                for (int i = 0; i + 1 < ring.Length; i++)
                {
                    var a = ring[i];
                    var b = ring[i + 1];
                    // Half-open rule (a vertex exactly on the scanline counts once): min ≤ yc < max.
                    if ((a.Y <= yc) == (b.Y <= yc)) continue;
                    xs.Add(a.X + (yc - a.Y) * (b.X - a.X) / (b.Y - a.Y));
                }
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
        if (allTouched)
            foreach (var ring in rings) n += BurnLine(grid, new NetTopologySuite.Geometries.Implementation.CoordinateArraySequence(ring), cells, value, true);
        return n;
    }

    private static long BurnLine<T>(GridSpec grid, CoordinateSequence seq, Span<T> cells, T value, bool allTouched) where T : unmanaged
    {
        long n = 0;
        if (seq.Count == 1) return BurnPoint(grid, seq.GetX(0), seq.GetY(0), cells, value);
        for (int i = 0; i + 1 < seq.Count; i++)
        {
            // Work in continuous cell coordinates: u = column, v = row (both increasing right/down).
            double u0 = (seq.GetX(i) - grid.OriginX) / grid.CellSizeX, v0 = (grid.OriginY - seq.GetY(i)) / grid.CellSizeY;
            double u1 = (seq.GetX(i + 1) - grid.OriginX) / grid.CellSizeX, v1 = (grid.OriginY - seq.GetY(i + 1)) / grid.CellSizeY;
            n += allTouched ? Supercover(grid, u0, v0, u1, v1, cells, value) : MajorAxis(grid, u0, v0, u1, v1, cells, value);
        }
        return n;
    }

    private static long Set<T>(GridSpec grid, long c, long r, Span<T> cells, T value) where T : unmanaged
    {
        if (!grid.Contains(c, r)) return 0;
        cells[(int)(r * grid.Width + c)] = value;
        return 1;
    }

    /// <summary>Every cell the segment passes through (Amanatides–Woo grid traversal).</summary>
    private static long Supercover<T>(GridSpec grid, double u0, double v0, double u1, double v1, Span<T> cells, T value) where T : unmanaged
    {
        long c = (long)Math.Floor(u0), r = (long)Math.Floor(v0);
        long cEnd = (long)Math.Floor(u1), rEnd = (long)Math.Floor(v1);
        double du = u1 - u0, dv = v1 - v0;
        int stepC = Math.Sign(du), stepR = Math.Sign(dv);
        double tDeltaU = stepC != 0 ? Math.Abs(1 / du) : double.PositiveInfinity;
        double tDeltaV = stepR != 0 ? Math.Abs(1 / dv) : double.PositiveInfinity;
        double tMaxU = stepC > 0 ? (c + 1 - u0) / du : stepC < 0 ? (u0 - c) / -du : double.PositiveInfinity;
        double tMaxV = stepR > 0 ? (r + 1 - v0) / dv : stepR < 0 ? (v0 - r) / -dv : double.PositiveInfinity;
        long n = Set(grid, c, r, cells, value);
        long guard = Math.Abs(cEnd - c) + Math.Abs(rEnd - r) + 2;
        while ((c != cEnd || r != rEnd) && guard-- > 0)
        {
            if (tMaxU < tMaxV) { c += stepC; tMaxU += tDeltaU; }
            else { r += stepR; tMaxV += tDeltaV; }
            n += Set(grid, c, r, cells, value);
        }
        return n;
    }

    /// <summary>One cell per column (x-major) or per row (y-major), at the cell-centre crossing, plus both end cells.</summary>
    private static long MajorAxis<T>(GridSpec grid, double u0, double v0, double u1, double v1, Span<T> cells, T value) where T : unmanaged
    {
        long n = Set(grid, (long)Math.Floor(u0), (long)Math.Floor(v0), cells, value);
        n += Set(grid, (long)Math.Floor(u1), (long)Math.Floor(v1), cells, value);
        if (Math.Abs(u1 - u0) >= Math.Abs(v1 - v0))
        {
            if (u1 < u0) (u0, v0, u1, v1) = (u1, v1, u0, v0);
            for (long c = (long)Math.Ceiling(u0 - 0.5); c + 0.5 < u1; c++)
            {
                double uc = c + 0.5;
                if (uc < u0) continue;
                double v = v0 + (uc - u0) * (v1 - v0) / (u1 - u0);
                n += Set(grid, c, (long)Math.Floor(v), cells, value);
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
                n += Set(grid, (long)Math.Floor(u), r, cells, value);
            }
        }
        return n;
    }
}
