using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Wind;

/// <summary>
/// The wind potential cadastre on one grid pass for all communes (README.md, "Wind potential cadastre"): eligibility
/// (<see cref="ExclusionCalculator"/>), suitability score (fuzzy memberships + the raster core's fused weighted
/// overlay), greedy turbine siting (<see cref="TurbineSiting"/>), yield per turbine (<see cref="WindYield"/>),
/// per-commune figures, and polygons for the map on the output grid.
/// </summary>
public static class WindPotentialCalculator
{
    /// <summary>Label of the modelled reference wind field wherever it is shown.</summary>
    public const string ModelledLabel = "modelled";

    /// <summary>Label of a user-provided wind raster.</summary>
    public const string RasterLabel = "raster";

    /// <summary>Runs the pipeline. <paramref name="stage"/> is told when each stage starts (name, percent).</summary>
    /// <param name="inputs">Grid, communes, layers, DEM and wind.</param>
    /// <param name="parameters">Validated parameters (<see cref="WindParameters.Validate"/>).</param>
    /// <param name="stage">Stage callback (the run's stage timings and progress), or null.</param>
    /// <param name="ct">Cancellation between stages and rules.</param>
    public static async Task<WindResult> ComputeAsync(WindInputs inputs, WindParameters parameters, Func<string, double, Task>? stage = null,
        CancellationToken ct = default)
    {
        stage ??= (_, _) => Task.CompletedTask;
        var p = parameters;
        var grid = inputs.Grid;
        int n = checked((int)grid.CellCount);
        var turbine = p.ResolveTurbine();
        var notes = new List<string>();
        int factor = Math.Max(1, (int)Math.Round(p.OutputCellSizeMeters / p.CellSizeMeters));

        await stage("rasterise", 15);
        var zones = GeometryRasterizer.Rasterize(grid, inputs.Communes.Select((c, i) => (c.Boundary, i + 1))).Cells;
        float[]? slope = inputs.ElevationMeters is { } dem ? SlopeCalculator.SlopeDegrees(grid, dem, zones) : null;
        if (slope is null) notes.Add("no DEM for the region: the slope rule and criterion are skipped");

        await stage("eligibility", 25);
        var rules = p.Rules ?? [];
        var forcedGeometries = p.ForcedInclusionGeometries(grid.Srid);
        var eligibility = ExclusionCalculator.Compute(grid, zones, rules, inputs.Layers, slope, forcedGeometries, turbine.TipHeightMeters,
            p.MinimumAreaHectares * 10_000, factor, ct);
        foreach (var r in eligibility.Rules.Where(r => r.Features == 0 && r.Rule.Layer != WindLayers.Slope))
            notes.Add($"rule {r.Rule.Layer}: no features in the region's data, nothing excluded");
        var eligible = eligibility.Eligible;

        await stage("score", 50);
        double heightFactor = WindYield.HeightFactor(p.HeightLaw, p.ReferenceHeightMeters, turbine.HubHeightMeters, p.ShearExponent, p.RoughnessLengthMeters);
        // The modelled field is ours: scaled to hub height in place (one grid less in memory); a given raster is copied.
        var (hubWind, source) = inputs.ReferenceWindSpeed is { } measured ? ((float[])measured.Clone(), RasterLabel) : (ModelledReferenceWind(grid, zones, inputs.ElevationMeters, p), ModelledLabel);
        float factorF = (float)heightFactor;
        var whole = CellWindow.Whole(grid.Width, grid.Height);
        whole.ForEachRowBand((r0, r1) =>
        {
            foreach (ref var v in hubWind.AsSpan(r0 * grid.Width, (r1 - r0) * grid.Width)) v *= factorF;
        });
        // The criteria that have an input here; their weights are rescaled over these alone.
        var available = new List<(SuitabilityCriterion Criterion, Func<float[]> Input)>();
        foreach (var criterion in p.Criteria ?? SuitabilityCriterion.Defaults)
        {
            if (criterion.Weight == 0) continue;
            // A distance criterion keeps only its feature mask (1 B a cell) until its turn; the distances come then.
            Func<float[]>? input = criterion.Name switch
            {
                "wind" => () => hubWind,
                "slope" when slope is not null => () => slope,
                "roads" when LayerMask(grid, inputs.Layers, WindLayers.AccessRoads) is { } roads => () => FeatureDistance.DistanceMetersToMask(grid, roads),
                "grid" when LayerMask(grid, inputs.Layers, WindLayers.Grid) is { } lines => () => FeatureDistance.DistanceMetersToMask(grid, lines),
                _ => null,
            };
            if (input is null) { notes.Add($"criterion {criterion.Name}: no input for the region, dropped (other weights rescaled)"); continue; }
            available.Add((criterion, input));
        }
        double weightSum = available.Sum(a => a.Criterion.Weight);
        var criteria = available.Select(a => a.Criterion with { Weight = a.Criterion.Weight / weightSum }).ToList();
        var score = new float[n];
        var excludedMask = GC.AllocateUninitializedArray<byte>(n);
        whole.ForEachRowBand((r0, r1) =>
        {
            for (int i = r0 * grid.Width, end = r1 * grid.Width; i < end; i++) excludedMask[i] = eligible[i] == 0 ? (byte)1 : (byte)0;
        });
        // The weighted sum is accumulated one criterion at a time (score = 1·score + w·membership, the overlay's own
        // left-to-right sum, so the cells are bit for bit those of one overlay over all memberships): each membership
        // grid (and distance grid) dies before the next is made, instead of all of them living until one overlay.
        for (int k = 0; k < available.Count; k++)
        {
            var input = available[k].Input();
            available[k] = default; // the closure's feature mask is no longer needed
            var criterion = criteria[k];
            // Memberships replace their input in place, except the hub wind, which the siting and the yield still need.
            var x = input == hubWind ? GC.AllocateUninitializedArray<float>(n) : input;
            if (criterion.Function == "sigmoid") RasterKernels.SigmoidMembership(input, x, (float)criterion.Midpoint, (float)criterion.Steepness);
            else RasterKernels.LinearMembership(input, x, (float)criterion.ZeroAt, (float)criterion.OneAt);
            ReadOnlySpan<byte> mask = k == available.Count - 1 ? excludedMask : [];
            if (k == 0) RasterKernels.WeightedOverlay([x], [(float)criterion.Weight], mask, score);
            else RasterKernels.WeightedOverlay([score, x], [1f, (float)criterion.Weight], mask, score);
        }
        slope = null;
        if (available.Count == 0)
            for (int i = 0; i < n; i++) score[i] = eligible[i] != 0 ? 1f : float.NaN;

        await stage("siting", 65);
        var ellipse = new SpacingEllipse(p.SpacingAlongRotorDiameters * turbine.RotorDiameterMeters, p.SpacingAcrossRotorDiameters * turbine.RotorDiameterMeters,
            p.MainWindDirectionDegrees);
        whole.ForEachRowBand((r0, r1) =>
        {
            for (int i = r0 * grid.Width, end = r1 * grid.Width; i < end; i++) if (!float.IsFinite(hubWind[i])) score[i] = float.NaN;
        });
        var existing = p.SpaceFromExistingTurbines ? inputs.ExistingTurbines.Select(t => (t.X, t.Y)).ToList() : [];
        var sites = TurbineSiting.Place(grid, eligible, score, ellipse, existing, p.MaxTurbines, ct);

        await stage("yield", 72);
        var factory = new GeometryFactory(new PrecisionModel(), grid.Srid);
        // The yield integrates the power curve over the Weibull distribution per turbine: independent, so on all cores.
        var yields = new TurbineYield[sites.Count];
        Parallel.For(0, sites.Count, k => yields[k] = WindYield.Annual(turbine, hubWind[sites[k]], p.WeibullK, p.LossFraction));
        var turbines = new List<PlacedTurbine>(sites.Count);
        for (int k = 0; k < sites.Count; k++)
        {
            int i = sites[k], row = i / grid.Width, col = i - row * grid.Width;
            var (x, y) = grid.CellCenter(col, row);
            turbines.Add(new PlacedTurbine(k + 1, factory.CreatePoint(new Coordinate(x, y)), inputs.Communes[zones[i] - 1].CommuneId,
                score[i], hubWind[i] / heightFactor, yields[k]));
        }

        // Per commune: cells by zone (so the commune rows add up to the region exactly), turbines by their cell's zone.
        var (zoneCells, eligibleCells) = ZonalSums.CountCells(zones, eligible, inputs.Communes.Count);
        double cellArea = grid.CellAreaSquareUnits;
        var byCommune = turbines.ToLookup(t => t.CommuneId);
        var communes = inputs.Communes.Select((c, k) =>
        {
            var ts = byCommune[c.CommuneId].ToList();
            return new CommuneWindFigures(c.CommuneId, c.Boundary.Area, zoneCells[k] * cellArea, eligibleCells[k] * cellArea, ts.Count,
                ts.Count * turbine.RatedPowerKw / 1000, ts.Sum(t => t.Yield.NetMegawattHours) / 1000);
        }).ToList();

        await stage("polygonise", 80);
        var (eligibleAreas, classes, ruleAreas) = Polygonise(grid, zones, eligible, score, eligibility.Rules, factor, p.ScoreClasses, factory);
        var reports = eligibility.Rules.Select((r, k) => new RuleReport(k + 1, r.Rule, r.EffectiveBufferMeters, r.Features, r.Alone * cellArea,
            r.Unique * cellArea, r.Sequential * cellArea, ruleAreas[k])).ToList();
        notes.Add(source == ModelledLabel
            ? $"wind: MODELLED reference field at {p.ReferenceHeightMeters} m ({p.ModelledMeanSpeedMetersPerSecond} m/s at mean elevation, {p.ModelledSpeedPer100MetersElevation:+0.##;-0.##} m/s per 100 m), not measured"
            : $"wind: raster at {p.ReferenceHeightMeters} m");
        notes.Add($"turbine {turbine.Name}: hub {turbine.HubHeightMeters} m, rotor {turbine.RotorDiameterMeters} m, {turbine.RatedPowerKw} kW; hub/reference wind factor {heightFactor:F4}");
        return new WindResult
        {
            Turbine = turbine,
            WindSource = source,
            Eligibility = new Raster<byte>(grid, eligible),
            Score = new Raster<float>(grid, score),
            Rules = reports,
            RegionSquareMeters = eligibility.RegionCells * cellArea,
            ExcludedSquareMeters = eligibility.ExcludedCells * cellArea,
            ForcedSquareMeters = eligibility.ForcedCells * cellArea,
            BelowMinimumAreaSquareMeters = eligibility.BelowMinimumCells * cellArea,
            Communes = communes,
            Turbines = turbines,
            EligibleAreas = eligibleAreas,
            PotentialClasses = classes,
            Criteria = criteria,
            Notes = notes,
        };
    }

    /// <summary>
    /// The modelled reference wind field (clearly labelled "modelled" in every output; never measured data): an assumed
    /// mean speed at the reference height at the region's mean elevation, changed linearly with elevation (exposed
    /// high ground is windier): <c>v = v0 + β · (z − z̄) / 100</c>, clamped to [1, 25] m/s; uniform v0 without a DEM.
    /// </summary>
    /// <param name="grid">Analysis grid.</param>
    /// <param name="zones">Region cells (non-zero).</param>
    /// <param name="elevation">Elevation per cell, or null.</param>
    /// <param name="p">Parameters (v0, β).</param>
    public static float[] ModelledReferenceWind(GridSpec grid, int[] zones, float[]? elevation, WindParameters p)
    {
        int n = checked((int)grid.CellCount);
        var v = new float[n];
        double v0 = p.ModelledMeanSpeedMetersPerSecond, beta = p.ModelledSpeedPer100MetersElevation / 100;
        if (elevation is null) { Array.Fill(v, (float)v0); return v; }
        double sum = 0;
        long count = 0;
        for (int i = 0; i < n; i++) if (zones[i] != 0 && float.IsFinite(elevation[i])) { sum += elevation[i]; count++; }
        double mean = count > 0 ? sum / count : 0;
        CellWindow.Whole(grid.Width, grid.Height).ForEachRowBand((r0, r1) =>
        {
            for (int i = r0 * grid.Width, end = r1 * grid.Width; i < end; i++)
                v[i] = float.IsFinite(elevation[i]) ? (float)Math.Clamp(v0 + beta * (elevation[i] - mean), 1, 25) : (float)v0;
        });
        return v;
    }

    private static byte[]? LayerMask(GridSpec grid, IReadOnlyDictionary<string, IReadOnlyList<Geometry>> layers, string layer) =>
        layers.TryGetValue(layer, out var geometries) && geometries.Count > 0 ? FeatureDistance.FeatureMask(grid, geometries) : null;

    private static (List<Polygon> Eligible, List<PotentialClass> Classes, Geometry?[] Rules) Polygonise(GridSpec grid, int[] zones, byte[] eligible,
        float[] score, IReadOnlyList<RuleCells> rules, int factor, int classCount, GeometryFactory factory)
    {
        var blocks = new CoarseAggregation(grid, factor);
        var coarse = blocks.Coarse;
        var region = blocks.CountCells(zones);
        var eligibleCount = blocks.CountCells(zones, eligible);
        var meanScore = CoarseAggregation.Mean(blocks.SumValues(zones, eligible, score), eligibleCount);
        // An output cell takes a value when at least half of its region cells have it (a majority, ties included).
        var eligibleClasses = CoarseAggregation.Majority(eligibleCount, region);
        var potentialClasses = new int[eligibleClasses.Length];
        for (int k = 0; k < potentialClasses.Length; k++)
            if (eligibleClasses[k] != 0) potentialClasses[k] = Math.Clamp((int)Math.Floor(meanScore[k] * classCount) + 1, 1, classCount);
        // The polygonisations are independent: one task each (the union of a class is the costly, single-threaded part).
        IReadOnlyList<ClassPolygons> eligibleResult = [], potentialResult = [];
        var ruleAreas = new Geometry?[rules.Count];
        var work = new List<Action>
        {
            () => eligibleResult = RasterPolygonizer.Polygonize(coarse, eligibleClasses, 0, factory),
            () => potentialResult = RasterPolygonizer.Polygonize(coarse, potentialClasses, 0, factory),
        };
        for (int r = 0; r < rules.Count; r++)
        {
            int rule = r;
            var hits = rules[r].CoarseHits;
            if (rules[r].Alone == 0) continue;
            work.Add(() =>
            {
                var polygons = RasterPolygonizer.Polygonize(coarse, CoarseAggregation.Majority(hits, region), 0, factory);
                ruleAreas[rule] = polygons.Count > 0 ? polygons[0].Geometry : null;
            });
        }
        Parallel.Invoke(work.ToArray());
        var eligiblePolygons = new List<Polygon>();
        foreach (var c in eligibleResult)
            for (int j = 0; j < c.Geometry.NumGeometries; j++) eligiblePolygons.Add((Polygon)c.Geometry.GetGeometryN(j));
        var potential = potentialResult
            .Select(c => new PotentialClass(c.Value, (c.Value - 1.0) / classCount, (double)c.Value / classCount, c.Geometry, c.Geometry.Area)).ToList();
        return (eligiblePolygons, potential, ruleAreas);
    }
}
