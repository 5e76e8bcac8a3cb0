using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace KlimaPakt.Geo.Core.Grids;

/// <summary>One class of a polygonised raster.</summary>
/// <param name="Value">Class value.</param>
/// <param name="Geometry">Polygon or MultiPolygon (holes where other classes are) covering the class's cells.</param>
/// <param name="CellCount">Number of cells of the class.</param>
public sealed record ClassPolygons(int Value, Geometry Geometry, long CellCount);

/// <summary>
/// Turns a class raster into NTS polygons per class (for vector tiles and GeoJSON), on the grid's exact cell edges.
/// Runs of equal cells are merged with identical runs in the following rows into rectangles, and each class's
/// rectangles are dissolved with NTS's cascaded union, which yields valid polygons with holes. Cells touching only at a
/// corner end up in separate polygons of one MultiPolygon (4-connectivity, like GDAL's default). Cost grows with the
/// number of runs: fine for class rasters of a few million cells; very noisy classes at 10⁸ cells want a
/// boundary-tracing polygoniser instead.
/// </summary>
public static class RasterPolygonizer
{
    /// <summary>Polygonises every class value except <paramref name="background"/>.</summary>
    /// <param name="grid">Grid of the cells.</param>
    /// <param name="classes">Row-major class values.</param>
    /// <param name="background">Value that is not polygonised (NoData / outside), 0 by default.</param>
    /// <param name="factory">Geometry factory; by default one with the grid's SRID.</param>
    /// <returns>One entry per class value present, ordered by value.</returns>
    public static IReadOnlyList<ClassPolygons> Polygonize(GridSpec grid, ReadOnlySpan<int> classes, int background = 0,
        GeometryFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (classes.Length < grid.CellCount) throw new ArgumentException($"Need {grid.CellCount} cells.", nameof(classes));
        factory ??= new GeometryFactory(new PrecisionModel(), grid.Srid);
        var rectangles = new Dictionary<int, List<Geometry>>();
        var counts = new Dictionary<int, long>();
        // Open rectangles keyed by (start column, end column, value): extended while the next row repeats the run.
        var open = new Dictionary<(int C0, int C1, int Value), int>();
        var seen = new Dictionary<(int C0, int C1, int Value), int>();
        int w = grid.Width;
        for (int r = 0; r <= grid.Height; r++)
        {
            seen.Clear();
            if (r < grid.Height)
            {
                var row = classes.Slice(r * w, w);
                int c = 0;
                while (c < w)
                {
                    int v = row[c];
                    int c1 = c + 1;
                    while (c1 < w && row[c1] == v) c1++;
                    if (v != background)
                    {
                        var key = (c, c1, v);
                        seen[key] = open.TryGetValue(key, out int top) ? top : r;
                        counts[v] = counts.GetValueOrDefault(v) + (c1 - c);
                    }
                    c = c1;
                }
            }
            // Close rectangles whose run did not continue into this row.
            foreach (var (key, top) in open)
            {
                if (seen.ContainsKey(key)) continue;
                if (!rectangles.TryGetValue(key.Value, out var list)) rectangles[key.Value] = list = [];
                list.Add(Rectangle(grid, factory, key.C0, key.C1, top, r));
            }
            (open, seen) = (seen, open);
        }
        var result = new List<ClassPolygons>();
        foreach (var value in rectangles.Keys.Order())
        {
            var union = CascadedPolygonUnion.Union(rectangles[value]);
            union.SRID = factory.SRID;
            result.Add(new ClassPolygons(value, union, counts[value]));
        }
        return result;
    }

    private static Polygon Rectangle(GridSpec grid, GeometryFactory factory, int c0, int c1, int r0, int r1)
    {
        double x0 = grid.OriginX + c0 * grid.CellSizeX, x1 = grid.OriginX + c1 * grid.CellSizeX;
        double y0 = grid.OriginY - r1 * grid.CellSizeY, y1 = grid.OriginY - r0 * grid.CellSizeY;
        return factory.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
    }
}
