using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.EvCoverage;

/// <summary>Coverage figures of one commune.</summary>
/// <param name="CommuneId">Database id.</param>
/// <param name="Population">Residents (the distributed population, equal to STATEC's figure).</param>
/// <param name="CoveredPopulation">Residents within the service distance of a charger (straight line).</param>
/// <param name="NetworkCoveredPopulation">Residents within the service distance over the roads, when measured.</param>
/// <param name="Chargers">Public chargers (after de-duplication) inside the commune.</param>
/// <param name="ChargingPoints">Their charging points.</param>
/// <param name="PowerKw">Their charging power (points × kW per point).</param>
/// <param name="Bevs">Battery-electric vehicles attributed to the commune (the region's fleet shared by population), when the fleet is given.</param>
/// <param name="DistributionMethod">How the population was placed (buildings, places, uniform).</param>
public sealed record CommuneCoverage(int CommuneId, double Population, double CoveredPopulation, double? NetworkCoveredPopulation,
    int Chargers, int ChargingPoints, double PowerKw, double? Bevs, string DistributionMethod)
{
    /// <summary>Public charging power per battery-electric vehicle (AFIR target 1.3 kW/BEV), when the fleet is given.</summary>
    public double? KwPerBev => Bevs is { } b ? PowerKw / b : null;

    /// <summary>Covered share in percent.</summary>
    public double CoveredPercent => Population > 0 ? 100 * CoveredPopulation / Population : 0;

    /// <summary>Chargers per 1,000 residents.</summary>
    public double ChargersPer1000 => Population > 0 ? 1000 * Chargers / Population : 0;

    /// <summary>Charging points per 1,000 residents.</summary>
    public double PointsPer1000 => Population > 0 ? 1000 * ChargingPoints / Population : 0;
}

/// <summary>A connected area of populated cells outside every service area.</summary>
/// <param name="Rank">1 = most uncovered residents.</param>
/// <param name="Area">Polygon on the grid's cell edges.</param>
/// <param name="UncoveredPopulation">Residents in it.</param>
/// <param name="AreaSquareMeters">Its area.</param>
public sealed record CoverageGap(int Rank, Geometry Area, double UncoveredPopulation, double AreaSquareMeters);

/// <summary>A proposed new charger site.</summary>
/// <param name="Rank">Order of choice (1 = largest gain).</param>
/// <param name="Location">Cell centre.</param>
/// <param name="MarginalPopulation">Residents it newly covers.</param>
/// <param name="CoveredPercentAfter">Regional coverage once this site and the earlier ones are built.</param>
public sealed record ProposedSite(int Rank, Point Location, double MarginalPopulation, double CoveredPercentAfter);

/// <summary>Everything an EV coverage run produces.</summary>
public sealed record EvCoverageResult(
    PopulationGrid Demand,
    IReadOnlyList<Charger> Chargers,
    IReadOnlyList<string> Merges,
    IReadOnlyList<string> SkippedChargers,
    IReadOnlyList<CommuneCoverage> Communes,
    IReadOnlyList<CoverageGap> Gaps,
    IReadOnlyList<ProposedSite> Sites,
    int SitesForTarget,
    double CoveredPercentBefore,
    double CoveredPercentAfter);

/// <summary>
/// EV-charger coverage per commune (README.md, "EV-charger coverage"): population on a grid, chargers de-duplicated, coverage by
/// straight-line (and optionally network) distance, gaps ranked by uncovered residents, and new sites by greedy
/// MCLP with the existing chargers fixed, plus the greedy LSCP count for a target coverage.
/// </summary>
public static class EvCoverageCalculator
{
    /// <summary>Runs the analysis on inputs already in the grid's CRS (metres).</summary>
    /// <param name="grid">Demand grid.</param>
    /// <param name="communes">Communes with their totals.</param>
    /// <param name="dwellings">Buildings and places.</param>
    /// <param name="chargerRecords">Charger records before de-duplication.</param>
    /// <param name="roads">Road network for network distance, or null.</param>
    /// <param name="parameters">Parameters.</param>
    /// <param name="progress">Stage reports.</param>
    /// <param name="census">Census grid cells (e.g. GEOSTAT 1 km 2021); where a commune's buildings do not cover it, their
    /// shares place its population (<see cref="PopulationDistributor"/>). Null or empty: buildings, places, uniform.</param>
    public static EvCoverageResult Compute(GridSpec grid, IReadOnlyList<CommuneDemand> communes, IReadOnlyList<Dwelling> dwellings,
        IReadOnlyList<ChargerRecord> chargerRecords, RoadNetwork? roads, EvCoverageParameters parameters, IProgress<(string Stage, double Percent)>? progress = null,
        IReadOnlyList<CensusCell>? census = null)
    {
        parameters.Validate();
        progress?.Report(("demand", 5));
        var demand = PopulationDistributor.Distribute(grid, communes, dwellings, census ?? []);
        var n = demand.Population.Length;

        progress?.Report(("supply", 25));
        var (chargers, merges) = ChargerDeduplicator.Deduplicate(chargerRecords, parameters.DuplicateThresholdMeters);
        var locators = communes.Select(c => new IndexedPointInAreaLocator(c.Boundary)).ToArray();
        var chargerCommune = new int[chargers.Count];
        var skipped = new List<string>();
        for (var k = 0; k < chargers.Count; k++)
        {
            var p = chargers[k].Record.Location.Coordinate;
            chargerCommune[k] = Array.FindIndex(locators, l => l.Locate(p) != Location.Exterior);
            if (chargerCommune[k] < 0) skipped.Add($"charger {chargers[k].Record.SourceFid} at ({p.X:F0}, {p.Y:F0}) lies outside every commune: counted for coverage, not for a commune");
        }

        progress?.Report(("coverage", 40));
        var covered = new bool[n];
        var offsets = DiscOffsets(grid, parameters.RadiusMeters);
        foreach (var charger in chargers) PopulationDistributor.CellsWithin(grid, charger.Record.Location.Coordinate, parameters.RadiusMeters, i => covered[i] = true);
        bool[]? networkCovered = null;
        if (parameters.NetworkDistance && roads is { NodeCount: > 0 })
            networkCovered = NetworkCoverage(grid, demand, chargers, roads, parameters);

        var totalPopulation = demand.Population.Sum();
        var coveredBefore = 0.0;
        for (var i = 0; i < n; i++) if (covered[i]) coveredBefore += demand.Population[i];

        progress?.Report(("gaps", 55));
        var gaps = Gaps(grid, demand.Population, covered);

        progress?.Report(("siting", 70));
        var uncoveredDemand = new double[n];
        for (var i = 0; i < n; i++) uncoveredDemand[i] = covered[i] ? 0 : demand.Population[i];
        var candidates = Enumerable.Range(0, n).Where(i => uncoveredDemand[i] > 0).ToArray();
        if (parameters.NewSites > candidates.Length)
            throw new GeoInputException($"{parameters.NewSites} new sites were asked for, but only {candidates.Length} candidate cells ({EvCoverageParameters.CandidateRule}) exist.");
        var covers = candidates.Select(c => CoveredCells(grid, c, offsets, uncoveredDemand)).ToArray();
        var mclp = new MaximalCoveringLocation(uncoveredDemand, covers);
        var picks = mclp.Greedy(parameters.NewSites);
        var factory = new GeometryFactory(new PrecisionModel(), grid.Srid);
        var sites = picks.Select((pick, i) =>
        {
            var cell = candidates[pick.Candidate];
            var (x, y) = grid.CellCenter((int)(cell % grid.Width), (int)(cell / grid.Width));
            return new ProposedSite(i + 1, factory.CreatePoint(new Coordinate(x, y)), pick.MarginalDemand,
                100 * (coveredBefore + pick.CumulativeDemand) / totalPopulation);
        }).ToList();
        var targetDemand = parameters.TargetCoveragePercent / 100 * totalPopulation - coveredBefore;
        var sitesForTarget = targetDemand <= 0 ? 0 : mclp.GreedyToTarget(targetDemand) is var lscp && lscp.Count > 0 && lscp[^1].CumulativeDemand >= targetDemand - 1e-6 ? lscp.Count : -1;

        progress?.Report(("communes", 90));
        var figures = CommuneFigures(communes, demand, covered, networkCovered, chargers, chargerCommune, parameters, totalPopulation);
        return new EvCoverageResult(demand, chargers, merges, skipped, figures, gaps, sites, sitesForTarget,
            100 * coveredBefore / totalPopulation, sites.Count > 0 ? sites[^1].CoveredPercentAfter : 100 * coveredBefore / totalPopulation);
    }

    private static List<CommuneCoverage> CommuneFigures(IReadOnlyList<CommuneDemand> communes, PopulationGrid demand, bool[] covered,
        bool[]? networkCovered, IReadOnlyList<Charger> chargers, int[] chargerCommune, EvCoverageParameters parameters, double totalPopulation)
    {
        var population = ZonalSums.Sum(demand.Zone, demand.Population, communes.Count);
        var coveredPopulation = ZonalSums.Sum(demand.Zone, demand.Population, communes.Count, covered);
        var networkPopulation = networkCovered is null ? null : ZonalSums.Sum(demand.Zone, demand.Population, communes.Count, networkCovered);
        return communes.Select((c, z) =>
        {
            var mine = Enumerable.Range(0, chargers.Count).Where(k => chargerCommune[k] == z).Select(k => chargers[k]).ToList();
            var points = mine.Sum(ch => ch.Points);
            var powerKw = points * parameters.PowerKwPerPoint;
            double? bevs = parameters.BevFleet is { } fleet && population[z] > 0 ? fleet * population[z] / totalPopulation : null;
            return new CommuneCoverage(c.CommuneId, population[z], coveredPopulation[z], networkPopulation?[z],
                mine.Count, points, powerKw, bevs, demand.Method[z]);
        }).ToList();
    }

    private static List<CoverageGap> Gaps(GridSpec grid, double[] population, bool[] covered)
    {
        var n = population.Length;
        var classes = new int[n];
        for (var i = 0; i < n; i++) classes[i] = !covered[i] && population[i] > 0 ? 1 : 0;
        var labels = new int[n];
        var count = RasterKernels.ConnectedComponents(classes, grid.Width, grid.Height, Connectivity.Eight, 1, labels);
        var sums = ZonalSums.Sum(labels, population, count); // by gap label − 1
        var polygons = RasterPolygonizer.Polygonize(grid, labels);
        return polygons.OrderByDescending(p => sums[p.Value - 1]).ThenBy(p => p.Value)
            .Select((p, i) => new CoverageGap(i + 1, p.Geometry, sums[p.Value - 1], p.CellCount * grid.CellSizeX * grid.CellSizeY)).ToList();
    }

    private static bool[] NetworkCoverage(GridSpec grid, PopulationGrid demand, IReadOnlyList<Charger> chargers, RoadNetwork roads, EvCoverageParameters parameters)
    {
        var sources = chargers.Select(c => roads.Snap(c.Record.Location.Coordinate, parameters.NetworkSnapMeters))
            .Where(s => s is not null).Select(s => (s!.Value.Node, s.Value.DistanceMeters));
        var distance = roads.DistancesFrom(sources, parameters.RadiusMeters);
        var covered = new bool[demand.Population.Length];
        for (var i = 0; i < covered.Length; i++)
        {
            if (demand.Population[i] <= 0) continue;
            var (x, y) = grid.CellCenter((int)(i % grid.Width), (int)(i / grid.Width));
            if (roads.Snap(new Coordinate(x, y), parameters.NetworkSnapMeters) is { } snap)
                covered[i] = distance[snap.Node] + snap.DistanceMeters <= parameters.RadiusMeters;
        }
        return covered;
    }

    /// <summary>Cell offsets (columns, rows) whose centres lie within <paramref name="radius"/> of a cell centre.</summary>
    private static (int Dc, int Dr)[] DiscOffsets(GridSpec grid, double radius)
    {
        var kc = (int)Math.Floor(radius / grid.CellSizeX);
        var kr = (int)Math.Floor(radius / grid.CellSizeY);
        var list = new List<(int, int)>();
        for (var dr = -kr; dr <= kr; dr++)
            for (var dc = -kc; dc <= kc; dc++)
                if (Math.Pow(dc * grid.CellSizeX, 2) + Math.Pow(dr * grid.CellSizeY, 2) <= radius * radius) list.Add((dc, dr));
        return [.. list];
    }

    private static int[] CoveredCells(GridSpec grid, int cell, (int Dc, int Dr)[] offsets, double[] demand)
    {
        int c = cell % grid.Width, r = cell / grid.Width;
        var result = new List<int>(offsets.Length);
        foreach (var (dc, dr) in offsets)
        {
            int cc = c + dc, rr = r + dr;
            if (cc < 0 || rr < 0 || cc >= grid.Width || rr >= grid.Height) continue;
            var j = rr * grid.Width + cc;
            if (demand[j] > 0) result.Add(j);
        }
        return [.. result];
    }
}
