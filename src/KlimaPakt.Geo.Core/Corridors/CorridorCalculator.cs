using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Corridors;

/// <summary>A habitat patch (core) of a trame.</summary>
/// <param name="Trame">Trame.</param>
/// <param name="PatchId">Id within the trame (1..N, raster order of its first cell).</param>
/// <param name="AreaSquareMeters">Area of its cells.</param>
/// <param name="Geometry">Its cells as polygons.</param>
/// <param name="DeltaPc">dPC: percent of the trame's PC lost without it.</param>
public sealed record CorridorPatch(string Trame, int PatchId, double AreaSquareMeters, Geometry Geometry, double DeltaPc);

/// <summary>A link between two patches of a trame with its least-cost path.</summary>
/// <param name="Trame">Trame.</param>
/// <param name="LinkId">Id within the trame (1..N in (From, To) order).</param>
/// <param name="From">Patch id (the smaller).</param>
/// <param name="To">Patch id (the larger).</param>
/// <param name="CostDistance">Cost-weighted distance, cost units.</param>
/// <param name="EuclideanMeters">Edge-to-edge distance between the two patches, metres.</param>
/// <param name="PathLengthMeters">Length of the least-cost path, metres.</param>
/// <param name="Path">The least-cost path through the cell centres.</param>
/// <param name="EffectiveResistanceOhms">Effective resistance between the two patches inside the link's corridor (the
/// voltage between them with 1 A flowing), ohms; null without pinch points or when the corridor was over the cell cap.</param>
public sealed record CorridorLink(string Trame, int LinkId, int From, int To, double CostDistance, double EuclideanMeters, double PathLengthMeters, LineString Path,
    double? EffectiveResistanceOhms)
{
    /// <summary>Cost-weighted over Euclidean distance (Linkage Mapper's cwd_to_Euc ratio); null when the patches touch.</summary>
    public double? CostPerEuclidean => EuclideanMeters > 0 ? CostDistance / EuclideanMeters : null;
}

/// <summary>Corridor polygons of one class of normalised cost.</summary>
/// <param name="Trame">Trame.</param>
/// <param name="Class">1 = [0, w/4) (the core of the corridors) … 4 = [3w/4, ∞) with w the corridor width or the
/// truncation, whichever is smaller.</param>
/// <param name="MinCost">Lower bound of the class, cost units above the least-cost path.</param>
/// <param name="MaxCost">Upper bound of the class.</param>
/// <param name="AreaSquareMeters">Area.</param>
/// <param name="Geometry">Polygons.</param>
public sealed record CorridorArea(string Trame, int Class, double MinCost, double MaxCost, double AreaSquareMeters, Geometry Geometry);

/// <summary>Pinch-point polygons of one link and one class of current.</summary>
/// <param name="Trame">Trame.</param>
/// <param name="LinkId">The link whose circuit carries the cell's largest current.</param>
/// <param name="Class">1 … 4: current in [0, 0.05), [0.05, 0.1), [0.1, 0.25), [0.25, 1] A of the link's 1 A
/// (<see cref="CorridorCalculator.PinchPointClassAmps"/>); 4 = pinch point, a quarter of the link's current or more.</param>
/// <param name="MinAmps">Lower bound of the class, amperes.</param>
/// <param name="MaxAmps">Upper bound of the class, amperes.</param>
/// <param name="PeakAmps">Largest current of its cells, amperes.</param>
/// <param name="AreaSquareMeters">Area.</param>
/// <param name="Geometry">Polygons.</param>
public sealed record CorridorPinchPoint(string Trame, int LinkId, int Class, double MinAmps, double MaxAmps, double PeakAmps, double AreaSquareMeters, Geometry Geometry);

/// <summary>A conflict point: a green or blue least-cost path crossing lit land.</summary>
/// <param name="Trame">Trame of the link (green or blue).</param>
/// <param name="LinkId">Link.</param>
/// <param name="Location">Most lit cell of the crossing.</param>
/// <param name="Light">Its light, 0–1 (street lamps, radiance or the proxy: <see cref="CorridorResult.LightSource"/>).</param>
/// <param name="LitLengthMeters">Length of the path inside lit land at this crossing, metres.</param>
public sealed record CorridorConflict(string Trame, int LinkId, Point Location, double Light, double LitLengthMeters);

/// <summary>A commune's share of one trame.</summary>
/// <param name="CommuneId">Commune.</param>
/// <param name="Trame">Trame.</param>
/// <param name="Status">"ok", or why the trame was skipped.</param>
/// <param name="PatchSquareMeters">Patch area in the commune.</param>
/// <param name="CorridorSquareMeters">Corridor area (normalised cost within the width, off the patches) in the commune.</param>
/// <param name="PinchPointSquareMeters">Area of pinch points (class 4: a quarter of a link's current or more) in the commune.</param>
/// <param name="Links">Links whose least-cost path passes through the commune.</param>
/// <param name="PathMeters">Length of least-cost paths inside the commune.</param>
/// <param name="CrossBorderPathMeters">Of that, the length of paths that also run through another commune.</param>
/// <param name="SharedWith">Communes (ids) the commune shares least-cost paths with.</param>
public sealed record CommuneCorridors(int CommuneId, string Trame, string Status, double PatchSquareMeters, double CorridorSquareMeters,
    double PinchPointSquareMeters, int Links,
    double PathMeters, double CrossBorderPathMeters, IReadOnlyList<int> SharedWith)
{
    /// <summary>Share of the commune's path length that crosses a commune border, percent (0 without paths).</summary>
    public double CrossBorderPercent => PathMeters > 0 ? 100 * CrossBorderPathMeters / PathMeters : 0;
}

/// <summary>One trame's outcome.</summary>
/// <param name="Trame">Trame.</param>
/// <param name="Profile">The resolved profile.</param>
/// <param name="Status">"ok", or why it was skipped (no patch).</param>
/// <param name="Patches">Number of patches.</param>
/// <param name="ProbabilityOfConnectivity">Graphab PC of its network.</param>
/// <param name="Resistance">Resistance surface (per metre), NaN outside the study area.</param>
/// <param name="Corridor">Normalised corridor surface (cost units), NaN outside corridors and on patches; null when skipped.</param>
/// <param name="SearchedCells">Cells settled by the patches' searches.</param>
/// <param name="RecomputedSearches">Searches repeated because the memory budget did not keep them.</param>
/// <param name="PinchPointCurrent">Pinch-point current (amperes, the maximum over links of each link's 1 A circuit), NaN
/// outside the links' circuits and on patches; null when skipped or without pinch points.</param>
public sealed record TrameOutcome(string Trame, SpeciesProfile Profile, string Status, int Patches, double ProbabilityOfConnectivity,
    Raster<float> Resistance, Raster<float>? Corridor, long SearchedCells, int RecomputedSearches, Raster<float>? PinchPointCurrent);

/// <summary>Everything a corridors run produces.</summary>
public sealed record CorridorResult
{
    /// <summary>The grid.</summary>
    public required GridSpec Grid { get; init; }

    /// <summary>Per trame run.</summary>
    public required IReadOnlyList<TrameOutcome> Trames { get; init; }

    /// <summary>Patches of every trame.</summary>
    public required IReadOnlyList<CorridorPatch> Patches { get; init; }

    /// <summary>Links of every trame.</summary>
    public required IReadOnlyList<CorridorLink> Links { get; init; }

    /// <summary>Corridor polygons per trame and class.</summary>
    public required IReadOnlyList<CorridorArea> Areas { get; init; }

    /// <summary>Pinch-point polygons per trame, link and class of current (empty without pinch points).</summary>
    public required IReadOnlyList<CorridorPinchPoint> PinchPoints { get; init; }

    /// <summary>Conflict points (when the black trame runs with green or blue).</summary>
    public required IReadOnlyList<CorridorConflict> Conflicts { get; init; }

    /// <summary>Per commune and trame run.</summary>
    public required IReadOnlyList<CommuneCorridors> Communes { get; init; }

    /// <summary>Log lines (skipped trames, classes without a resistance, counts).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Where the black trame's light came from (<see cref="LightSources"/>): every black output and conflict says it.</summary>
    public required string LightSource { get; init; }
}

/// <summary>
/// The corridors analysis (docs/corridors.md): per trame, patches → resistance → truncated cost-distance from every
/// patch → links and least-cost corridors (<see cref="LeastCostCorridors"/>) → PC/dPC
/// (<see cref="ConnectivityMetrics"/>); then conflict points and the per-commune view. A trame without patches is
/// reported and skipped; the run fails only when no trame has one.
/// </summary>
public static class CorridorCalculator
{
    /// <summary>Number of classes of the corridor polygons.</summary>
    public const int CorridorClasses = 4;

    /// <summary>Class bounds of the pinch-point current, amperes of a link's 1 A: class k holds [bound k−1, bound k).</summary>
    public static IReadOnlyList<double> PinchPointClassAmps { get; } = [0, 0.05, 0.1, 0.25, 1];

    /// <summary>The pinch-point class (1 … 4) of a current in amperes.</summary>
    public static int PinchPointClass(double amps)
    {
        int k = 1;
        while (k < PinchPointClassAmps.Count - 1 && amps >= PinchPointClassAmps[k]) k++;
        return k;
    }

    /// <summary>Computes every trame of <paramref name="parameters"/> (validated) on <paramref name="inputs"/>.</summary>
    /// <param name="inputs">Grid, communes and layers.</param>
    /// <param name="parameters">Validated parameters.</param>
    /// <param name="stage">Called at each stage with its name and the percent of the run reached.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<CorridorResult> ComputeAsync(CorridorInputs inputs, CorridorParameters parameters, Func<string, double, Task> stage,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(stage);
        var trames = parameters.TramesRun;
        var bank = trames.Contains(Trames.Blue) ? parameters.ProfileOf(Trames.Blue).BankWidthMeters : 0;
        await stage("rasterise", 12);
        var land = new CorridorLandscape(inputs, bank);
        var grid = land.Grid;
        var notes = new List<string>();
        var outcomes = new List<TrameOutcome>();
        var patches = new List<CorridorPatch>();
        var links = new List<CorridorLink>();
        var areas = new List<CorridorArea>();
        var pinchPoints = new List<CorridorPinchPoint>();
        var communes = new List<CommuneCorridors>();
        var paths = new Dictionary<string, List<(CorridorLink Link, IReadOnlyList<int> Cells)>>();
        double landscapeArea = land.Zones.Count(z => z != 0) * grid.CellAreaSquareUnits;
        var factory = new GeometryFactory(new PrecisionModel(), grid.Srid);
        for (int t = 0; t < trames.Count; t++)
        {
            string trame = trames[t];
            var profile = parameters.ProfileOf(trame);
            double pct = 15 + 70.0 * t / trames.Count, span = 70.0 / trames.Count;
            await stage($"{trame}: patches", pct);
            ct.ThrowIfCancellationRequested();
            var (resistance, missing) = land.Resistance(profile);
            if (missing.Count > 0) notes.Add($"{trame}: land-cover classes without a resistance, given the 'unmapped' cost: {string.Join(", ", missing)}");
            var (labels, count) = land.Patches(profile);
            if (count == 0)
            {
                string why = trame == Trames.Blue && land.WaterFeatures == 0
                    ? $"no patch: the region has no water bodies, water courses or water land cover (minimum patch {profile.MinPatchAreaHectares} ha)"
                    : $"no patch: no habitat area of at least {profile.MinPatchAreaHectares} ha ({(trame == Trames.Black ? $"light ≤ {profile.DarkLightMax}" : string.Join(", ", profile.HabitatClasses))})";
                notes.Add($"{trame} ({profile.Name}): {why}; skipped");
                outcomes.Add(new TrameOutcome(trame, profile, why, 0, 0, new Raster<float>(grid, resistance), null, 0, 0, null));
                communes.AddRange(land.CommuneIds.Select(id => new CommuneCorridors(id, trame, why, 0, 0, 0, 0, 0, 0, [])));
                continue;
            }
            await stage($"{trame}: cost distance", pct + span * 0.1);
            var searches = LeastCostCorridors.SearchPatches(grid, resistance, labels, count, profile.MaxCostDistance, ct: ct);
            await stage($"{trame}: corridors", pct + span * 0.6);
            var network = LeastCostCorridors.Corridors(searches, profile.CorridorWidthCost, ct);
            ct.ThrowIfCancellationRequested();
            PinchPointNetwork? pinch = null;
            if (parameters.PinchPoints)
            {
                await stage($"{trame}: pinch points", pct + span * 0.7);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                double pinchWidth = parameters.PinchPointWidthCost ?? Math.Min(profile.CorridorWidthCost, profile.MaxCostDistance) / CorridorClasses;
                pinch = LeastCostCorridors.PinchPoints(searches, labels, pinchWidth, parameters.MaxPinchPointCells, ct);
                notes.Add($"{trame}: pinch points: {network.Links.Count - pinch.Skipped} link circuits solved in corridors of width {pinchWidth:F0} " +
                    $"({pinch.SolvedCells / 1e6:F2} M cells, " +
                    $"{pinch.Iterations} CG iterations, {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s)" +
                    (pinch.Skipped > 0 ? $"; {pinch.Skipped} skipped: corridor over {parameters.MaxPinchPointCells} cells (maxPinchPointCells)" : "") +
                    (pinch.NotConverged > 0 ? $"; {pinch.NotConverged} stopped at the iteration cap" : ""));
                ct.ThrowIfCancellationRequested();
            }
            await stage($"{trame}: metrics", pct + span * 0.8);
            var polygons = RasterPolygonizer.Polygonize(grid, labels, 0, factory).ToDictionary(p => p.Value);
            var areaOf = Enumerable.Range(1, count).Select(p => polygons[p].CellCount * grid.CellAreaSquareUnits).ToArray();
            var connectivity = ConnectivityMetrics.Compute(areaOf, network.Links.Select(l => (l.From, l.To, l.CostDistance)), profile.DecayPerCost, landscapeArea);
            for (int p = 1; p <= count; p++)
                patches.Add(new CorridorPatch(trame, p, areaOf[p - 1], polygons[p].Geometry, connectivity.DeltaPc[p - 1]));
            var trameLinks = new List<(CorridorLink, IReadOnlyList<int>)>();
            int linkId = 0;
            foreach (var l in network.Links)
            {
                var line = factory.CreateLineString(l.PathCells.Select(i => { var (x, y) = grid.CellCenter(i % grid.Width, i / grid.Width); return new Coordinate(x, y); })
                    .ToArray() is { Length: > 1 } cs ? cs : [.. Enumerable.Repeat(Center(grid, l.PathCells[0]), 2)]);
                var link = new CorridorLink(trame, ++linkId, l.From, l.To, l.CostDistance, polygons[l.From].Geometry.Distance(polygons[l.To].Geometry), l.PathLengthMeters, line,
                    pinch?.EffectiveResistanceOhms[linkId - 1]);
                links.Add(link);
                trameLinks.Add((link, l.PathCells));
            }
            paths[trame] = trameLinks;
            // Corridors are the land between the patches: patch cells leave the surface. Classes are quarters of the
            // width that binds, the corridor width or the truncation (a cell both searches reach within T can still
            // lie up to 2T − LCD above the path: those fall in the last class).
            double classWidth = Math.Min(profile.CorridorWidthCost, profile.MaxCostDistance) / CorridorClasses;
            var classes = new int[labels.Length];
            long corridorCells = 0;
            for (int i = 0; i < classes.Length; i++)
            {
                if (labels[i] != 0) network.Corridor[i] = float.NaN;
                float v = network.Corridor[i];
                if (float.IsNaN(v)) continue;
                classes[i] = Math.Min(CorridorClasses, 1 + (int)(v / classWidth));
                corridorCells++;
            }
            foreach (var c in RasterPolygonizer.Polygonize(grid, classes, 0, factory))
            {
                double w = classWidth;
                areas.Add(new CorridorArea(trame, c.Value, (c.Value - 1) * w, c.Value * w, c.CellCount * grid.CellAreaSquareUnits, c.Geometry));
            }
            // Pinch points: the current off the patches (like the corridors), polygons per link and class of current.
            var pinchClasses = new int[labels.Length];
            if (pinch is not null)
            {
                var encoded = new int[labels.Length];
                var peak = new Dictionary<int, float>();
                for (int i = 0; i < labels.Length; i++)
                {
                    if (labels[i] != 0) pinch.CurrentAmps[i] = float.NaN;
                    float a = pinch.CurrentAmps[i];
                    if (float.IsNaN(a)) continue;
                    pinchClasses[i] = PinchPointClass(a);
                    encoded[i] = pinch.LinkOf[i] * 8 + pinchClasses[i];
                    peak[encoded[i]] = Math.Max(peak.GetValueOrDefault(encoded[i]), a);
                }
                foreach (var c in RasterPolygonizer.Polygonize(grid, encoded, 0, factory).OrderBy(c => c.Value))
                {
                    int cls = c.Value % 8;
                    pinchPoints.Add(new CorridorPinchPoint(trame, c.Value / 8, cls, PinchPointClassAmps[cls - 1], PinchPointClassAmps[cls], peak[c.Value],
                        c.CellCount * grid.CellAreaSquareUnits, c.Geometry));
                }
            }
            communes.AddRange(PerCommune(land, trame, labels, network.Corridor, pinchClasses, trameLinks));
            notes.Add($"{trame} ({profile.Name}): {count} patches ({areaOf.Sum() / 1e4:F1} ha), {network.Links.Count} links, " +
                $"{corridorCells * grid.CellAreaSquareUnits / 1e4:F1} ha of corridors, PC {connectivity.ProbabilityOfConnectivity:E4}; " +
                $"{network.SearchedCells / 1e6:F1} M cells searched, {network.RecomputedSearches} searches repeated");
            outcomes.Add(new TrameOutcome(trame, profile, "ok", count, connectivity.ProbabilityOfConnectivity, new Raster<float>(grid, resistance),
                new Raster<float>(grid, network.Corridor), network.SearchedCells, network.RecomputedSearches,
                pinch is null ? null : new Raster<float>(grid, pinch.CurrentAmps)));
        }
        if (outcomes.All(o => o.Patches == 0))
            throw new Errors.GeoInputException("No trame has a habitat patch: " + string.Join("; ", outcomes.Select(o => $"{o.Trame}: {o.Status}")) + ".");

        await stage("conflicts", 88);
        var conflicts = new List<CorridorConflict>();
        if (trames.Contains(Trames.Black))
        {
            var black = parameters.ProfileOf(Trames.Black);
            foreach (var (trame, list) in paths.Where(p => p.Key != Trames.Black))
                foreach (var (link, cells) in list) conflicts.AddRange(Conflicts(land, black, link, cells, factory));
            notes.Add($"conflicts: {conflicts.Count} crossings of lit land ({land.LightSource} light ≥ {black.LitLightMin}) by green or blue least-cost paths");
        }
        return new CorridorResult
        {
            Grid = grid,
            Trames = outcomes,
            Patches = patches,
            Links = links,
            Areas = areas,
            PinchPoints = pinchPoints,
            Conflicts = conflicts,
            Communes = communes,
            Notes = notes,
            LightSource = land.LightSource,
        };
    }

    private static Coordinate Center(GridSpec grid, int cell)
    {
        var (x, y) = grid.CellCenter(cell % grid.Width, cell / grid.Width);
        return new Coordinate(x, y);
    }

    private static double StepLength(GridSpec grid, int from, int to)
    {
        int dc = Math.Abs(from % grid.Width - to % grid.Width), dr = Math.Abs(from / grid.Width - to / grid.Width);
        return dc != 0 && dr != 0 ? Math.Sqrt(grid.CellSizeX * grid.CellSizeX + grid.CellSizeY * grid.CellSizeY) : dc != 0 ? grid.CellSizeX : grid.CellSizeY;
    }

    /// <summary>Lit runs along a least-cost path: one point per run of cells with light ≥ the lit threshold.</summary>
    private static IEnumerable<CorridorConflict> Conflicts(CorridorLandscape land, SpeciesProfile black, CorridorLink link, IReadOnlyList<int> cells,
        GeometryFactory factory)
    {
        var grid = land.Grid;
        int k = 0;
        while (k < cells.Count)
        {
            if (land.Light(cells[k], black.LightDecayMeters) < black.LitLightMin) { k++; continue; }
            int best = cells[k];
            float bestLight = 0;
            double length = 0;
            for (; k < cells.Count; k++)
            {
                float light = land.Light(cells[k], black.LightDecayMeters);
                if (light < black.LitLightMin) break;
                if (light > bestLight) { bestLight = light; best = cells[k]; }
                if (k > 0) length += StepLength(grid, cells[k - 1], cells[k]);
            }
            yield return new CorridorConflict(link.Trame, link.LinkId, factory.CreatePoint(Center(grid, best)), bestLight, length);
        }
    }

    /// <summary>
    /// The per-commune view of one trame: patch and corridor cells per commune, and the least-cost paths: each step's
    /// length split half to each end cell's commune (so the communes' lengths sum to the paths' lengths).
    /// </summary>
    private static IEnumerable<CommuneCorridors> PerCommune(CorridorLandscape land, string trame, int[] labels, float[] corridor, int[] pinchClasses,
        List<(CorridorLink Link, IReadOnlyList<int> Cells)> links)
    {
        var grid = land.Grid;
        int nc = land.CommuneIds.Count;
        var patchCells = new long[nc + 1];
        var corridorCells = new long[nc + 1];
        var pinchCells = new long[nc + 1];
        for (int i = 0; i < labels.Length; i++)
        {
            int z = land.Zones[i];
            if (z == 0) continue;
            if (labels[i] != 0) patchCells[z]++;
            if (!float.IsNaN(corridor[i])) corridorCells[z]++;
            if (pinchClasses[i] == PinchPointClassAmps.Count - 1) pinchCells[z]++;
        }
        var pathMeters = new double[nc + 1];
        var crossMeters = new double[nc + 1];
        var linkCount = new int[nc + 1];
        var shared = new SortedSet<int>[nc + 1];
        for (int z = 0; z <= nc; z++) shared[z] = [];
        foreach (var (_, cells) in links)
        {
            var lengths = new Dictionary<int, double>();
            for (int k = 1; k < cells.Count; k++)
            {
                double half = StepLength(grid, cells[k - 1], cells[k]) / 2;
                foreach (var c in (ReadOnlySpan<int>)[cells[k - 1], cells[k]])
                {
                    int z = land.Zones[c];
                    lengths[z] = lengths.GetValueOrDefault(z) + half;
                }
            }
            if (cells.Count == 1) lengths[land.Zones[cells[0]]] = 0;
            bool crosses = lengths.Keys.Count(z => z != 0) > 1;
            foreach (var (z, m) in lengths)
            {
                if (z == 0) continue;
                linkCount[z]++;
                pathMeters[z] += m;
                if (!crosses) continue;
                crossMeters[z] += m;
                foreach (var other in lengths.Keys) if (other != 0 && other != z) shared[z].Add(land.CommuneIds[other - 1]);
            }
        }
        double cell = grid.CellAreaSquareUnits;
        for (int z = 1; z <= nc; z++)
            yield return new CommuneCorridors(land.CommuneIds[z - 1], trame, "ok", patchCells[z] * cell, corridorCells[z] * cell, pinchCells[z] * cell, linkCount[z], pathMeters[z],
                crossMeters[z], [.. shared[z]]);
    }
}
