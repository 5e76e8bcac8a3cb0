using System.Globalization;
using KlimaPakt.Geo.Core.EvCoverage;
using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Geothermal;

/// <summary>
/// The shallow geothermal cadastre on one pass for all communes (docs/geothermal.md): supply — G.POT energy of one
/// borehole per cell (or the VDI 4640 rate of a ground class), restricted per rule, times the boreholes a hectare holds
/// at the spacing; demand — per building where footprints cover a commune, else residents × a per-capita demand, on the
/// hectare grid; their ratio per hectare and commune; Hotmaps' critical mass for district heating; waste heat matched to
/// the candidate areas.
/// </summary>
public static class GeothermalCalculator
{
    /// <summary>Label of ground inputs that are assumed (not measured) wherever they are shown.</summary>
    public const string AssumedLabel = "assumed";

    /// <summary>Label of ground inputs that all come from rasters.</summary>
    public const string MeasuredLabel = "measured";

    /// <summary>Side of the demand grid's cells: one hectare.</summary>
    public const double HectareMeters = 100;

    /// <summary>Lower bounds of the heat-demand density classes [MWh/ha/yr]; the last class is open.</summary>
    public static IReadOnlyList<double> DemandClassBounds { get; } = [0, 10, 25, 50, 100, 250];

    /// <summary>The supply grid for an extent: aligned to whole hectares (100 m), cells of <paramref name="cellSizeMeters"/>.</summary>
    /// <param name="srid">CRS of the extent (metric).</param>
    /// <param name="extent">Extent to cover.</param>
    /// <param name="cellSizeMeters">Cell size, a divisor of 100 m.</param>
    public static GridSpec SupplyGrid(int srid, Envelope extent, double cellSizeMeters)
    {
        ArgumentNullException.ThrowIfNull(extent);
        var hectares = GridSpec.Covering(srid, extent.MinX, extent.MinY, extent.MaxX, extent.MaxY, HectareMeters);
        int f = (int)Math.Round(HectareMeters / cellSizeMeters);
        return new GridSpec(srid, hectares.OriginX, hectares.OriginY, cellSizeMeters, cellSizeMeters, checked(hectares.Width * f), checked(hectares.Height * f));
    }

    /// <summary>Runs the pipeline. <paramref name="stage"/> is told when each stage starts (name, percent).</summary>
    /// <param name="inputs">Grid, communes, layers, rasters.</param>
    /// <param name="parameters">Validated parameters (<see cref="GeothermalParameters.Validate"/>).</param>
    /// <param name="stage">Stage callback, or null.</param>
    /// <param name="ct">Cancellation between stages and rules.</param>
    public static async Task<GeothermalResult> ComputeAsync(GeothermalInputs inputs, GeothermalParameters parameters,
        Func<string, double, Task>? stage = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(parameters);
        stage ??= (_, _) => Task.CompletedTask;
        var p = parameters;
        var grid = inputs.Grid;
        int n = checked((int)grid.CellCount);
        int factor = (int)Math.Round(HectareMeters / grid.CellSizeX);
        if (Math.Abs(factor * grid.CellSizeX - HectareMeters) > 1e-6 || grid.Width % factor != 0 || grid.Height % factor != 0)
            throw new ArgumentException("The supply grid must be whole hectares of cells dividing 100 m (GeothermalCalculator.SupplyGrid).", nameof(inputs));
        var blocks = new CoarseAggregation(grid, factor);
        var hectares = blocks.Coarse;
        int h = checked((int)hectares.CellCount);
        var notes = new List<string>();
        var factory = new GeometryFactory(new PrecisionModel(), grid.Srid);

        await stage("rasterise", 5);
        var zones = GeometryRasterizer.Rasterize(grid, inputs.Communes.Select((c, i) => (c.Boundary, i + 1))).Cells;

        await stage("g.pot", 15);
        var (energy, groundSource, groundInputs) = EnergyPerBorehole(grid, zones, inputs, p, notes);
        ct.ThrowIfCancellationRequested();

        await stage("restrictions", 35);
        var restrictionFactor = new float[n];
        for (int i = 0; i < n; i++) restrictionFactor[i] = zones[i] != 0 ? 1f : float.NaN;
        var tally = new RuleTally(zones, blocks);
        var hit = new byte[n];
        var buffers = new FeatureBuffers(grid);
        var rules = p.ResolvedRestrictions;
        var features = new int[rules.Count];
        for (int r = 0; r < rules.Count; r++)
        {
            ct.ThrowIfCancellationRequested();
            var rule = rules[r];
            var geometries = inputs.RestrictionLayers.GetValueOrDefault(rule.Layer) ?? [];
            features[r] = geometries.Count;
            var window = geometries.Count > 0 ? buffers.Within(geometries, rule.BufferMeters, hit) : null;
            tally.Add(window is null ? null : hit, window ?? default);
            if (window is not { } w) { notes.Add($"restriction {rule.Layer}: no features in the region's data, nothing restricted"); continue; }
            float kept = (float)rule.KeptFactor;
            w.ForEachRowBand((r0, r1) =>
            {
                for (int row = r0; row < r1; row++)
                    for (int i = row * grid.Width + w.Column, end = i + w.Width; i < end; i++)
                        if (hit[i] != 0 && zones[i] != 0 && kept < restrictionFactor[i]) restrictionFactor[i] = kept;
            });
        }
        buffers = null;
        var counts = tally.Finish();

        await stage("supply", 50);
        long perHectare = BoreholeField.BoreholesPerHectare(p.BoreholeSpacingMeters);
        // Each cell holds its share of a hectare's boreholes (the square layout per hectare, pro rata per cell), so the
        // supply per hectare is exactly the boreholes a hectare holds × their mean energy × the restriction factor.
        float boreholesPerCell = (float)(perHectare * grid.CellAreaSquareUnits / (HectareMeters * HectareMeters));
        // One pass over the supply grid: per hectare and per commune, the supply, the region/restricted/limited cells and
        // the mean energy of the unrestricted cells (row by row: the hectare index costs a division per row, not per cell).
        int communeCount = inputs.Communes.Count;
        var supplyHa = new double[h];
        var energySumHa = new double[h];
        var freeCellsHa = new int[h];
        var regionHectareCells = new int[h];
        var communeSupply = new double[communeCount];
        var zoneCells = new long[communeCount];
        var restrictedCells = new long[communeCount];
        var limitedCells = new long[communeCount];
        var hectareOfColumn = new int[grid.Width];
        for (int col = 0; col < grid.Width; col++) hectareOfColumn[col] = col / factor;
        for (int row = 0; row < grid.Height; row++)
        {
            int start = row * grid.Width, hectareRow = row / factor * hectares.Width;
            for (int col = 0; col < grid.Width; col++)
            {
                int i = start + col, z = zones[i];
                if (z == 0) continue;
                int k = hectareRow + hectareOfColumn[col];
                regionHectareCells[k]++;
                zoneCells[z - 1]++;
                float e = energy[i], f = restrictionFactor[i];
                if (f == 0) restrictedCells[z - 1]++;
                else if (f < 1) limitedCells[z - 1]++;
                if (!(f > 0) || !float.IsFinite(e)) continue;
                float cellSupply = e * f * boreholesPerCell;
                supplyHa[k] += cellSupply;
                communeSupply[z - 1] += cellSupply;
                energySumHa[k] += e;
                freeCellsHa[k]++;
            }
        }
        var meanEnergyHa = CoarseAggregation.Mean(energySumHa, freeCellsHa);
        var ruleHits = counts.Select(c => c.CoarseHits).ToList();
        hit = [];
        ct.ThrowIfCancellationRequested();

        await stage("demand", 60);
        var demands = inputs.Communes.Select(c => new CommuneDemand(c.CommuneId, c.Boundary, c.Population)).ToList();
        var dwellings = inputs.Buildings.Select(b => new Dwelling(b.Footprint, "building", b.Footprint.Area)).Concat(inputs.Places).ToList();
        var population = PopulationDistributor.Distribute(hectares, demands, dwellings, inputs.Census);
        var demandHa = new double[h];
        var buildingCommune = population.Method.Select(m => m == "buildings").ToArray();
        foreach (var b in inputs.Buildings)
        {
            var c = b.Footprint.Centroid;
            var (col, row) = hectares.CellOf(c.X, c.Y);
            if (!hectares.Contains(col, row)) continue;
            int k = (int)hectares.IndexOf((int)col, (int)row);
            int z = population.Zone[k];
            if (z != 0 && buildingCommune[z - 1]) demandHa[k] += HeatDemand.BuildingMwhPerYear(b, p);
        }
        for (int k = 0; k < h; k++)
        {
            int z = population.Zone[k];
            if (z != 0 && !buildingCommune[z - 1]) demandHa[k] = population.Population[k] * p.HeatDemandPerResidentMwhPerYear;
        }
        var communeDemand = ZonalSums.Sum(population.Zone, demandHa, inputs.Communes.Count);
        var communeResidents = ZonalSums.Sum(population.Zone, population.Population, inputs.Communes.Count);
        var methods = population.Method.Select(m => m == "buildings"
            ? "buildings: footprint × floors × specific demand (assumed kWh/m²)"
            : $"population ({m}) × {p.HeatDemandPerResidentMwhPerYear.ToString(CultureInfo.InvariantCulture)} MWh per resident (assumed)").ToList();

        await stage("district heating", 70);
        double hectareArea = hectares.CellAreaSquareUnits / 10_000;
        var density = new float[h];
        for (int k = 0; k < h; k++) density[k] = (float)(demandHa[k] / hectareArea);
        var mass = CriticalMass.Find(density, hectares.Width, hectares.Height, hectares.CellSizeX, p.DensityThresholdMwhPerHectare, p.AreaThresholdGwhPerYear);
        var areaPolygons = RasterPolygonizer.Polygonize(hectares, mass.Labels, 0, factory).ToDictionary(c => c.Value, c => c.Geometry);
        var areaResidents = new double[mass.Areas.Count + 1];
        var areaSupply = new double[mass.Areas.Count + 1];
        var areaCommunes = Enumerable.Range(0, mass.Areas.Count + 1).Select(_ => new SortedSet<int>()).ToArray();
        var inAreas = new bool[h];
        for (int k = 0; k < h; k++)
        {
            int l = mass.Labels[k];
            if (l == 0) continue;
            inAreas[k] = true;
            areaResidents[l] += population.Population[k];
            areaSupply[l] += supplyHa[k];
            if (population.Zone[k] != 0) areaCommunes[l].Add(population.Zone[k] - 1);
        }
        var communeHeatingDemand = ZonalSums.Sum(population.Zone, demandHa, inputs.Communes.Count, inAreas);

        await stage("waste heat", 78);
        var areaList = mass.Areas.Select(a => (a.Label, Geometry: areaPolygons[a.Label])).ToList();
        var matches = WasteHeatMatcher.Match(inputs.HeatSources, areaList, mass.Areas.ToDictionary(a => a.Label, a => a.DemandMwhPerYear),
            p.WasteHeatMaxDistanceMeters);
        var wasteByArea = matches.Where(m => m.AreaId is not null).GroupBy(m => m.AreaId!.Value).ToDictionary(g => g.Key, g => g.Sum(m => m.Source.HeatMwhPerYear));
        var heatingAreas = mass.Areas.Select(a => new HeatingArea(a.Label, areaPolygons[a.Label], a.AreaHectares, a.DemandMwhPerYear, areaResidents[a.Label],
            areaSupply[a.Label], [.. areaCommunes[a.Label].Select(i => inputs.Communes[i].Code)], wasteByArea.GetValueOrDefault(a.Label))).ToList();

        await stage("polygonise", 85);
        var (potentialClasses, demandClasses, ruleAreas) = Polygonise(hectares, regionHectareCells, meanEnergyHa, supplyHa, demandHa, ruleHits,
            counts.Select(c => c.Alone).ToList(), p.PotentialClasses, factory);

        double cellArea = grid.CellAreaSquareUnits;
        var communes = inputs.Communes.Select((c, k) => new CommuneGeothermal(c.CommuneId, zoneCells[k] * cellArea, restrictedCells[k] * cellArea,
            limitedCells[k] * cellArea, communeSupply[k], communeDemand[k], communeResidents[k], communeHeatingDemand[k], methods[k])).ToList();
        var reports = rules.Select((r, k) => new RestrictionReport(k + 1, r, features[k], counts[k].Alone * cellArea, counts[k].Unique * cellArea,
            counts[k].Sequential * cellArea, ruleAreas[k])).ToList();
        notes.Add($"ground: {groundSource} — {groundInputs}");
        notes.Add($"boreholes: {perHectare} per hectare at {p.BoreholeSpacingMeters.ToString(CultureInfo.InvariantCulture)} m spacing (square layout; interference not modelled)");
        notes.Add($"demand: {communes.Count(c => c.DemandMethod.StartsWith("buildings", StringComparison.Ordinal))} commune(s) from buildings, the others from residents");
        return new GeothermalResult
        {
            GroundSource = groundSource,
            GroundInputs = groundInputs,
            EnergyPerBorehole = new Raster<float>(grid, energy),
            RestrictionFactor = new Raster<float>(grid, restrictionFactor),
            DemandPerHectare = new Raster<float>(hectares, [.. demandHa.Select(d => (float)d)]),
            SupplyPerHectare = new Raster<float>(hectares, [.. supplyHa.Select(d => (float)d)]),
            Communes = communes,
            Restrictions = reports,
            PotentialClasses = potentialClasses,
            DemandClasses = demandClasses,
            HeatingAreas = heatingAreas,
            WasteHeat = matches,
            BoreholesPerHectare = perHectare,
            Notes = notes,
        };
    }

    /// <summary>
    /// Energy of one borehole per cell [MWh/yr] and the ground's label: the VDI 4640 rate of a ground class where one is
    /// given and no conductivity raster; else G.POT from λ (raster or the assumed constant) and T0 (raster, or from the
    /// DEM with the assumed air temperature and lapse rate, or the constant). Cells where T0 ≤ Tlim have no potential.
    /// </summary>
    private static (float[] Energy, string Source, string Inputs) EnergyPerBorehole(GridSpec grid, int[] zones, GeothermalInputs inputs,
        GeothermalParameters p, List<string> notes)
    {
        int n = zones.Length;
        string Named(string role) => inputs.RasterNames.TryGetValue(role, out var name) ? $" ({name})" : "";
        var energy = new float[n];
        if (inputs.Conductivity is null && p.GroundClass is { } className && Vdi4640.TryParseClass(className, out var groundClass))
        {
            var hours = p.OperatingHours == 2400 ? OperatingHours.Hours2400 : OperatingHours.Hours1800;
            float e = (float)Vdi4640.EnergyPerBoreholeMwhPerYear(groundClass, hours, p.BoreholeLengthMeters);
            for (int i = 0; i < n; i++) energy[i] = zones[i] != 0 ? e : float.NaN;
            return (energy, AssumedLabel, $"VDI 4640 class {Vdi4640.Name(groundClass)} at {p.OperatingHours} h: " +
                $"{Vdi4640.SpecificExtractionRateWattsPerMeter(groundClass, hours).ToString(CultureInfo.InvariantCulture)} W/m (assumed class, not measured)");
        }
        float[] conductivity = inputs.Conductivity ?? [];
        if (inputs.Conductivity is null)
        {
            conductivity = new float[n];
            Array.Fill(conductivity, (float)p.ConductivityWattsPerMeterKelvin);
        }
        string lambda = inputs.Conductivity is null
            ? $"λ {p.ConductivityWattsPerMeterKelvin.ToString(CultureInfo.InvariantCulture)} W/m/K assumed"
            : "λ from raster" + Named("conductivity");
        // T0 goes into the energy array, which the kernel then overwrites in place.
        string t0;
        bool t0Measured = false;
        if (inputs.GroundTemperature is { } raster)
        {
            raster.AsSpan().CopyTo(energy);
            t0 = "T0 from raster" + Named("ground_temperature");
            t0Measured = true;
        }
        else if (p.GroundTemperatureFromElevation && inputs.ElevationMeters is { } dem)
        {
            float fallback = (float)(p.AirTemperatureCelsius + p.GroundAirOffsetKelvin);
            for (int i = 0; i < n; i++)
                energy[i] = float.IsFinite(dem[i]) ? (float)p.AssumedGroundTemperatureCelsius(dem[i]) : fallback;
            t0 = $"T0 assumed from elevation{Named("dem")}: {p.AssumedGroundTemperatureModel()}";
        }
        else
        {
            Array.Fill(energy, (float)p.GroundTemperatureCelsius);
            t0 = $"T0 {p.GroundTemperatureCelsius.ToString(CultureInfo.InvariantCulture)} °C assumed";
        }
        long cold = 0;
        float tlim = (float)p.FluidTemperatureMinCelsius;
        for (int i = 0; i < n; i++)
            if (zones[i] != 0 && !(energy[i] > tlim)) { cold++; energy[i] = float.NaN; }
        if (cold > 0) notes.Add($"{cold} cell(s) with T0 at or below Tlim ({tlim} °C): no potential there");
        RasterKernels.GPotEnergy(conductivity, energy, energy, p.ToKernelConstants());
        for (int i = 0; i < n; i++) if (zones[i] == 0) energy[i] = float.NaN;
        bool measured = inputs.Conductivity is not null && t0Measured;
        return (energy, measured ? MeasuredLabel : AssumedLabel, $"G.POT; {lambda}; {t0}" + (measured ? "" : " (not measured)"));
    }

    private static (List<ValueClass> Potential, List<ValueClass> Demand, Geometry?[] Rules) Polygonise(GridSpec hectares, int[] regionCells,
        double[] meanEnergy, double[] supply, double[] demand, List<int[]> ruleHits, List<long> ruleAlone, int classCount,
        GeometryFactory factory)
    {
        int h = regionCells.Length;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int k = 0; k < h; k++)
            if (regionCells[k] > 0 && double.IsFinite(meanEnergy[k])) { min = Math.Min(min, meanEnergy[k]); max = Math.Max(max, meanEnergy[k]); }
        var potential = new int[h];
        double width = max > min ? (max - min) / classCount : 0;
        for (int k = 0; k < h; k++)
            if (regionCells[k] > 0 && double.IsFinite(meanEnergy[k]))
                potential[k] = width > 0 ? Math.Clamp((int)Math.Floor((meanEnergy[k] - min) / width) + 1, 1, classCount) : 1;
        var demandClass = new int[h];
        var bounds = DemandClassBounds;
        for (int k = 0; k < h; k++)
        {
            if (!(demand[k] > 0)) continue;
            int c = 1;
            while (c < bounds.Count && demand[k] / (hectares.CellAreaSquareUnits / 10_000) >= bounds[c]) c++;
            demandClass[k] = c;
        }
        IReadOnlyList<ClassPolygons> potentialResult = [], demandResult = [];
        var ruleAreas = new Geometry?[ruleHits.Count];
        var work = new List<Action>
        {
            () => potentialResult = RasterPolygonizer.Polygonize(hectares, potential, 0, factory),
            () => demandResult = RasterPolygonizer.Polygonize(hectares, demandClass, 0, factory),
        };
        for (int r = 0; r < ruleHits.Count; r++)
        {
            int rule = r;
            if (ruleAlone[r] == 0) continue;
            work.Add(() =>
            {
                var polygons = RasterPolygonizer.Polygonize(hectares, CoarseAggregation.Majority(ruleHits[rule], regionCells), 0, factory);
                ruleAreas[rule] = polygons.Count > 0 ? polygons[0].Geometry : null;
            });
        }
        Parallel.Invoke([.. work]);
        double Total(int[] classes, int value, double[] values)
        {
            double sum = 0;
            for (int k = 0; k < h; k++) if (classes[k] == value) sum += values[k];
            return sum;
        }
        var potentialClasses = potentialResult.Select(c => new ValueClass(c.Value, width > 0 ? min + (c.Value - 1) * width : min,
            width > 0 ? min + c.Value * width : max, c.Geometry, c.Geometry.Area, Total(potential, c.Value, supply))).ToList();
        var demandClasses = demandResult.Select(c => new ValueClass(c.Value, bounds[c.Value - 1], c.Value < bounds.Count ? bounds[c.Value] : null,
            c.Geometry, c.Geometry.Area, Total(demandClass, c.Value, demand))).ToList();
        return (potentialClasses, demandClasses, ruleAreas);
    }
}

/// <summary>
/// Waste heat ("récupération de chaleur"): each source serves the nearest candidate district-heating area within a
/// distance (to the area's edge; 0 inside it), and covers the share source heat / area demand of it (it may exceed
/// 100 %: more heat than the area needs). Ties go to the lower area id.
/// </summary>
public static class WasteHeatMatcher
{
    /// <summary>Matches every source.</summary>
    /// <param name="sources">Waste-heat sources.</param>
    /// <param name="areas">Candidate areas (id, polygon) in the sources' CRS.</param>
    /// <param name="demandMwhPerYear">Each area's demand [MWh/yr] by id.</param>
    /// <param name="maxDistanceMeters">Largest distance from a source to an area it serves [m].</param>
    public static IReadOnlyList<WasteHeatMatch> Match(IReadOnlyList<HeatSource> sources, IReadOnlyList<(int Id, Geometry Geometry)> areas,
        IReadOnlyDictionary<int, double> demandMwhPerYear, double maxDistanceMeters)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(demandMwhPerYear);
        var result = new List<WasteHeatMatch>(sources.Count);
        var byId = areas.OrderBy(a => a.Id).ToList();
        foreach (var s in sources.OrderBy(s => s.Id))
        {
            (int Id, Geometry Geometry, double Distance)? nearest = null;
            foreach (var (id, geometry) in byId)
            {
                double d = geometry.Distance(s.Location);
                if (nearest is null || d < nearest.Value.Distance) nearest = (id, geometry, d);
            }
            if (nearest is { } a && a.Distance <= maxDistanceMeters)
            {
                double demand = demandMwhPerYear.GetValueOrDefault(a.Id);
                result.Add(new WasteHeatMatch(s, a.Id, a.Distance, demand > 0 ? 100 * s.HeatMwhPerYear / demand : null));
            }
            else
            {
                result.Add(new WasteHeatMatch(s, null, nearest?.Distance, null));
            }
        }
        return result;
    }
}
