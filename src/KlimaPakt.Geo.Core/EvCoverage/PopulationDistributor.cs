using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.EvCoverage;

/// <summary>A commune's boundary and its population.</summary>
/// <param name="CommuneId">Database id.</param>
/// <param name="Boundary">Boundary in the grid's CRS.</param>
/// <param name="Population">Residents (STATEC).</param>
public sealed record CommuneDemand(int CommuneId, Geometry Boundary, double Population);

/// <summary>A place where people live, with the weight of its type.</summary>
/// <param name="Location">Point (or footprint) in the grid's CRS.</param>
/// <param name="Kind">OSM place type (city, town, village…) or <c>building</c>.</param>
/// <param name="Size">Footprint area in m² for buildings; 0 for places.</param>
public sealed record Dwelling(Geometry Location, string Kind, double Size = 0);

/// <summary>Population per cell and the commune (zone) of each cell.</summary>
/// <param name="Grid">Demand grid.</param>
/// <param name="Population">Residents per cell (row-major).</param>
/// <param name="Zone">Index into the communes list + 1 per cell; 0 outside every commune.</param>
/// <param name="Method">Per commune index: how its population was placed.</param>
public sealed record PopulationGrid(GridSpec Grid, double[] Population, int[] Zone, IReadOnlyList<string> Method);

/// <summary>
/// Dasymetric distribution of commune populations onto a grid, conserving each commune's total exactly:
/// each commune's residents go to its cells in proportion to a weight that says where people live — building
/// footprint area where the region has buildings, otherwise settlement places spread over a disc whose weight and
/// radius grow with the place type (city 100 over 2 km … hamlet 1 over 250 m), and uniformly over the commune's
/// cells when it has neither.
/// </summary>
public static class PopulationDistributor
{
    /// <summary>Weight and radius (m) of each OSM place type; types not listed weigh nothing.</summary>
    public static IReadOnlyDictionary<string, (double Weight, double RadiusMeters)> PlaceKernels { get; } =
        new Dictionary<string, (double, double)>(StringComparer.OrdinalIgnoreCase)
        {
            ["city"] = (100, 2000), ["town"] = (30, 1200), ["suburb"] = (10, 800), ["quarter"] = (5, 500),
            ["neighbourhood"] = (3, 400), ["village"] = (5, 500), ["hamlet"] = (1, 250), ["isolated_dwelling"] = (0.2, 100),
            ["farm"] = (0.2, 100), ["locality"] = (0.1, 150),
        };

    /// <summary>Distributes the communes' populations; see the class remarks for the method.</summary>
    public static PopulationGrid Distribute(GridSpec grid, IReadOnlyList<CommuneDemand> communes, IReadOnlyList<Dwelling> dwellings)
    {
        var n = checked((int)grid.CellCount);
        var zone = GeometryRasterizer.Rasterize(grid, communes.Select((c, i) => (c.Boundary, i + 1))).Cells;
        // A commune smaller than a cell keeps the cell its interior point falls in.
        for (var i = 0; i < communes.Count; i++)
            if (Array.IndexOf(zone, i + 1) < 0) GeometryRasterizer.Burn(grid, communes[i].Boundary.InteriorPoint, zone, i + 1);

        var buildingWeight = new double[n];
        var placeWeight = new double[n];
        foreach (var d in dwellings)
        {
            if (d.Kind == "building")
            {
                var c = d.Location.Centroid;
                var (col, row) = grid.CellOf(c.X, c.Y);
                if (grid.Contains(col, row)) buildingWeight[grid.IndexOf((int)col, (int)row)] += Math.Max(d.Size, 1);
            }
            else if (PlaceKernels.TryGetValue(d.Kind, out var k))
            {
                StampDisc(grid, d.Location.Centroid.Coordinate, k.RadiusMeters, k.Weight, placeWeight);
            }
        }

        var buildingSum = new double[communes.Count + 1];
        var placeSum = new double[communes.Count + 1];
        var cellCount = new long[communes.Count + 1];
        for (var i = 0; i < n; i++)
        {
            var z = zone[i];
            buildingSum[z] += buildingWeight[i];
            placeSum[z] += placeWeight[i];
            cellCount[z]++;
        }

        var population = new double[n];
        var method = new string[communes.Count];
        for (var z = 1; z <= communes.Count; z++)
            method[z - 1] = buildingSum[z] > 0 ? "buildings" : placeSum[z] > 0 ? "places" : "uniform";
        for (var i = 0; i < n; i++)
        {
            var z = zone[i];
            if (z == 0) continue;
            var share = buildingSum[z] > 0 ? buildingWeight[i] / buildingSum[z]
                : placeSum[z] > 0 ? placeWeight[i] / placeSum[z]
                : 1.0 / cellCount[z];
            population[i] = communes[z - 1].Population * share;
        }
        return new PopulationGrid(grid, population, zone, method);
    }

    /// <summary>Adds <paramref name="value"/> to every cell whose centre is within <paramref name="radius"/> of <paramref name="centre"/>.</summary>
    internal static void StampDisc(GridSpec grid, Coordinate centre, double radius, double value, double[] cells)
    {
        var stamped = CellsWithin(grid, centre, radius, i => cells[i] += value);
        // A radius smaller than half a cell still weighs on the cell that holds the point.
        var (pc, pr) = grid.CellOf(centre.X, centre.Y);
        if (stamped == 0 && grid.Contains(pc, pr)) cells[grid.IndexOf((int)pc, (int)pr)] += value;
    }

    /// <summary>Calls <paramref name="visit"/> with the index of every cell whose centre is within <paramref name="radius"/> of <paramref name="centre"/>; returns how many.</summary>
    internal static int CellsWithin(GridSpec grid, Coordinate centre, double radius, Action<int> visit)
    {
        var (c0, r0) = grid.CellOf(centre.X - radius, centre.Y + radius);
        var (c1, r1) = grid.CellOf(centre.X + radius, centre.Y - radius);
        var count = 0;
        for (var r = Math.Max(0, r0); r <= Math.Min(grid.Height - 1, r1); r++)
        for (var c = Math.Max(0, c0); c <= Math.Min(grid.Width - 1, c1); c++)
        {
            var (x, y) = grid.CellCenter((int)c, (int)r);
            if ((x - centre.X) * (x - centre.X) + (y - centre.Y) * (y - centre.Y) > radius * radius) continue;
            visit((int)grid.IndexOf((int)c, (int)r));
            count++;
        }
        return count;
    }
}
