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

/// <summary>A cell of a census population grid (e.g. Eurostat GEOSTAT 1 km, 2021) in the demand grid's CRS.</summary>
/// <param name="Cell">The census cell's square (or any polygon), in the demand grid's CRS.</param>
/// <param name="Population">Residents the census counts in it.</param>
public sealed record CensusCell(Geometry Cell, double Population);

/// <summary>Population per cell and the commune (zone) of each cell.</summary>
/// <param name="Grid">Demand grid.</param>
/// <param name="Population">Residents per cell (row-major).</param>
/// <param name="Zone">Index into the communes list + 1 per cell; 0 outside every commune.</param>
/// <param name="Method">Per commune index: how its population was placed.</param>
public sealed record PopulationGrid(GridSpec Grid, double[] Population, int[] Zone, IReadOnlyList<string> Method);

/// <summary>
/// Dasymetric distribution of commune populations onto a grid, conserving each commune's total exactly:
/// each commune's residents go to its cells in proportion to a weight that says where people live, the first of these
/// that the commune has (stated per commune in <see cref="PopulationGrid.Method"/>):
/// <list type="number">
/// <item><c>buildings</c>: building footprint area — when a census grid is given, only where the buildings cover the
/// commune: at least <c>minBuildingCoverage</c> of its census residents live in census cells that hold a building;</item>
/// <item><c>census_grid</c>: the census grid's residents, each census cell's spread evenly over the demand cells whose
/// centre it contains (a census cell on a commune border weighs on both sides by area);</item>
/// <item><c>places</c>: settlement places spread over a disc whose weight and radius grow with the place type (city 100
/// over 2 km … hamlet 1 over 250 m);</item>
/// <item><c>uniform</c>: evenly over the commune's cells.</item>
/// </list>
/// Only the census grid's shares are used, never its totals: border cells that also count residents abroad, or a
/// census year other than the commune figures' year, move people within a commune but never change its total.
/// </summary>
public static class PopulationDistributor
{
    /// <summary>Weight and radius (m) of each OSM place type; types not listed weigh nothing.</summary>
    public static IReadOnlyDictionary<string, (double Weight, double RadiusMeters)> PlaceKernels { get; } =
        new Dictionary<string, (double, double)>(StringComparer.OrdinalIgnoreCase)
        {
            ["city"] = (100, 2000),
            ["town"] = (30, 1200),
            ["suburb"] = (10, 800),
            ["quarter"] = (5, 500),
            ["neighbourhood"] = (3, 400),
            ["village"] = (5, 500),
            ["hamlet"] = (1, 250),
            ["isolated_dwelling"] = (0.2, 100),
            ["farm"] = (0.2, 100),
            ["locality"] = (0.1, 150),
        };

    /// <summary>Share of a commune's census residents that must live in census cells holding a building before the
    /// buildings, rather than the census grid, place its population: 0.95.</summary>
    public const double DefaultMinBuildingCoverage = 0.95;

    /// <summary>Distributes the communes' populations over buildings, places or evenly; see the class remarks.</summary>
    /// <param name="grid">Demand grid.</param>
    /// <param name="communes">Communes with their totals, in the grid's CRS.</param>
    /// <param name="dwellings">Buildings and places, in the grid's CRS.</param>
    public static PopulationGrid Distribute(GridSpec grid, IReadOnlyList<CommuneDemand> communes, IReadOnlyList<Dwelling> dwellings) =>
        Distribute(grid, communes, dwellings, [], DefaultMinBuildingCoverage);

    /// <summary>
    /// Distributes the communes' populations over buildings where they cover the commune, else over the census grid's
    /// shares, else places, else evenly; see the class remarks. Each commune's total is conserved.
    /// </summary>
    /// <param name="grid">Demand grid.</param>
    /// <param name="communes">Communes with their totals, in the grid's CRS.</param>
    /// <param name="dwellings">Buildings and places, in the grid's CRS.</param>
    /// <param name="census">Census grid cells with residents (cells with none may be left out), in the grid's CRS.</param>
    /// <param name="minBuildingCoverage">Share (0–1) of a commune's census residents that must live in census cells
    /// holding a building for the buildings to be used.</param>
    public static PopulationGrid Distribute(GridSpec grid, IReadOnlyList<CommuneDemand> communes, IReadOnlyList<Dwelling> dwellings,
        IReadOnlyList<CensusCell> census, double minBuildingCoverage = DefaultMinBuildingCoverage)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(communes);
        ArgumentNullException.ThrowIfNull(dwellings);
        ArgumentNullException.ThrowIfNull(census);
        if (!(minBuildingCoverage is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(minBuildingCoverage), minBuildingCoverage, "A share in [0, 1].");
        var n = checked((int)grid.CellCount);
        var zone = GeometryRasterizer.Rasterize(grid, communes.Select((c, i) => (c.Boundary, i + 1))).Cells;
        // A commune smaller than a cell keeps the cell its interior point falls in.
        for (var i = 0; i < communes.Count; i++)
            if (Array.IndexOf(zone, i + 1) < 0) GeometryRasterizer.Burn(grid, communes[i].Boundary.InteriorPoint, zone, i + 1);

        var (censusWeight, censusCellOf) = CensusWeights(grid, census);
        // (census cell, commune) pairs with a building of that commune in them: a building on one side of a census
        // cell that straddles a border says nothing about coverage on the other side.
        var censusWithBuilding = new HashSet<(int Census, int Zone)>();
        var buildingWeight = new double[n];
        var placeWeight = new double[n];
        foreach (var d in dwellings)
        {
            if (d.Kind == "building")
            {
                var c = d.Location.Centroid;
                var (col, row) = grid.CellOf(c.X, c.Y);
                if (!grid.Contains(col, row)) continue;
                var i = grid.IndexOf((int)col, (int)row);
                buildingWeight[i] += Math.Max(d.Size, 1);
                if (censusCellOf[i] > 0) censusWithBuilding.Add((censusCellOf[i], zone[i]));
            }
            else if (PlaceKernels.TryGetValue(d.Kind, out var k))
            {
                StampDisc(grid, d.Location.Centroid.Coordinate, k.RadiusMeters, k.Weight, placeWeight);
            }
        }

        var buildingSum = new double[communes.Count + 1];
        var placeSum = new double[communes.Count + 1];
        var censusSum = new double[communes.Count + 1];
        var censusWithBuildings = new double[communes.Count + 1];
        var cellCount = new long[communes.Count + 1];
        for (var i = 0; i < n; i++)
        {
            var z = zone[i];
            buildingSum[z] += buildingWeight[i];
            placeSum[z] += placeWeight[i];
            censusSum[z] += censusWeight[i];
            if (censusCellOf[i] > 0 && censusWithBuilding.Contains((censusCellOf[i], z))) censusWithBuildings[z] += censusWeight[i];
            cellCount[z]++;
        }

        // One weight per commune, chosen once: every cell of a commune is placed by the same method, so its shares sum to 1.
        var weights = new double[communes.Count + 1][];
        var sums = new double[communes.Count + 1];
        var method = new string[communes.Count];
        for (var z = 1; z <= communes.Count; z++)
        {
            var buildingsCover = buildingSum[z] > 0 && (censusSum[z] == 0 || censusWithBuildings[z] >= minBuildingCoverage * censusSum[z]);
            (method[z - 1], weights[z], sums[z]) =
                buildingsCover ? ("buildings", buildingWeight, buildingSum[z])
                : censusSum[z] > 0 ? ("census_grid", censusWeight, censusSum[z])
                : placeSum[z] > 0 ? ("places", placeWeight, placeSum[z])
                : ("uniform", null!, cellCount[z]);
        }
        var population = new double[n];
        for (var i = 0; i < n; i++)
        {
            var z = zone[i];
            if (z == 0) continue;
            var share = (weights[z]?[i] ?? 1.0) / sums[z];
            population[i] = communes[z - 1].Population * share;
        }
        return new PopulationGrid(grid, population, zone, method);
    }

    /// <summary>
    /// Each census cell's residents spread evenly over the demand cells whose centre it contains (the interior point's
    /// cell when it contains none), and the census cell (index + 1, 0 for none) of every demand cell.
    /// </summary>
    private static (double[] Weight, int[] CellOf) CensusWeights(GridSpec grid, IReadOnlyList<CensusCell> census)
    {
        var n = checked((int)grid.CellCount);
        if (census.Count == 0) return (new double[n], new int[n]);
        var cellOf = GeometryRasterizer.Rasterize(grid, census.Select((c, k) => (c.Cell, k + 1))).Cells;
        var count = new long[census.Count + 1];
        foreach (var k in cellOf) count[k]++;
        for (var k = 0; k < census.Count; k++)
            if (count[k + 1] == 0 && census[k].Population > 0)
            {
                var p = census[k].Cell.InteriorPoint;
                var (col, row) = grid.CellOf(p.X, p.Y);
                if (!grid.Contains(col, row)) continue;
                var i = grid.IndexOf((int)col, (int)row);
                count[cellOf[i]]--;
                cellOf[i] = k + 1;
                count[k + 1] = 1;
            }
        var weight = new double[n];
        for (var i = 0; i < n; i++)
            if (cellOf[i] is var k and > 0 && census[k - 1].Population > 0) weight[i] = census[k - 1].Population / count[k];
        return (weight, cellOf);
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
