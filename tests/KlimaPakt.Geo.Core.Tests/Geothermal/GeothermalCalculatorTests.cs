using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Geothermal;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Core.Tests.Geothermal;

/// <summary>
/// The geothermal pipeline on hand-made two-hectare landscapes: a 200 m × 100 m commune on a 10 m grid (20 × 10 cells,
/// two hectares side by side), whose every figure is computed by hand in the comments.
/// </summary>
public sealed class GeothermalCalculatorTests
{
    private static Geometry G(string wkt)
    {
        var g = new WKTReader().Read(wkt);
        g.SRID = 2169;
        return g;
    }

    private static GeothermalInputs Landscape(IReadOnlyList<BuildingFootprint>? buildings = null, IReadOnlyList<Geometry>? protectedAreas = null,
        IReadOnlyList<HeatSource>? sources = null, float[]? dem = null, float[]? conductivity = null, float[]? groundTemperature = null)
    {
        var grid = GeothermalCalculator.SupplyGrid(2169, new Envelope(0, 200, 0, 100), 10);
        buildings ??= [];
        return new GeothermalInputs
        {
            Grid = grid,
            Communes = [new GeothermalCommune(7, "C1", G("POLYGON((0 0, 200 0, 200 100, 0 100, 0 0))"), 100)],
            RestrictionLayers = new Dictionary<string, IReadOnlyList<Geometry>>
            {
                [GeothermalLayers.Buildings] = [.. buildings.Select(b => b.Footprint)],
                [GeothermalLayers.ProtectedAreas] = protectedAreas ?? [],
            },
            Buildings = buildings,
            HeatSources = sources ?? [],
            ElevationMeters = dem,
            Conductivity = conductivity,
            GroundTemperature = groundTemperature,
        };
    }

    private static float[] Constant(float value) => Enumerable.Repeat(value, 200).ToArray();

    [Fact]
    public void SupplyGrid_TwoHectares_TwentyByTenCellsOnTheHectareGrid()
    {
        var grid = GeothermalCalculator.SupplyGrid(2169, new Envelope(3, 180, 10, 95), 10);
        Assert.Equal((0.0, 100.0, 20, 10), (grid.OriginX, grid.OriginY, grid.Width, grid.Height));
    }

    [Fact]
    public async Task Compute_BuildingAndProtectedArea_SupplyDemandAndRestrictionsByHand()
    {
        // A building of 26 m × 26 m (12..38) touches 3 × 3 cells of the left hectare: strict with 3 m (no other cell
        // centre within 3 m). A protected area (152..188 × 12..88) touches 4 × 8 = 32 cells of the right hectare: limited ½.
        var building = new BuildingFootprint(G("POLYGON((12 12, 38 12, 38 38, 12 38, 12 12))"), "yes", null, null);
        var inputs = Landscape([building], [G("POLYGON((152 12, 188 12, 188 88, 152 88, 152 12))")]);
        var p = new GeothermalParameters { AreaThresholdGwhPerYear = 0.2 }.Validate();
        var result = await GeothermalCalculator.ComputeAsync(inputs, p);

        // E of one borehole: G.POT with λ 2 (assumed), T0 10 °C (no DEM: the constant) = 7.97343 MWh/yr (GPotParametersTests).
        double e = new GPotParameters().EnergyMwhPerYear(2.0, 10.0);
        Assert.Equal(7.97343, e, 4);
        // 256 boreholes per hectare at 6 m: 2.56 per 10 m cell. Left hectare (100 − 9) × 2.56 = 232.96 boreholes;
        // right hectare (100 − 32 + 32 × 0.5) × 2.56 = 215.04; in all 448.
        var supply = result.SupplyPerHectare.Cells;
        Assert.Equal(232.96 * e, supply[0], 232.96 * e * 1e-5);
        Assert.Equal(215.04 * e, supply[1], 215.04 * e * 1e-5);
        var commune = Assert.Single(result.Communes);
        Assert.Equal(448 * e, commune.SupplyMwhPerYear, 448 * e * 1e-5);
        Assert.Equal(20_000, commune.GridSquareMeters, 6);
        Assert.Equal(900, commune.RestrictedSquareMeters, 6);
        Assert.Equal(3200, commune.LimitedSquareMeters, 6);
        Assert.Equal(4.5, commune.RestrictedPercent, 9);

        // Demand: the commune's buildings place its residents, so it is computed per building: 676 m² × 3 floors (none
        // tagged) × 120 kWh/m² (residential: 'yes') = 243.36 MWh/yr, in the hectare of its centroid (25, 25): the left one.
        Assert.StartsWith("buildings", commune.DemandMethod, StringComparison.Ordinal);
        Assert.Equal(243.36, commune.DemandMwhPerYear, 9);
        Assert.Equal(243.36, result.DemandPerHectare.Cells[0], 4);
        Assert.Equal(0, result.DemandPerHectare.Cells[1]);
        Assert.Equal(100 * 448 * e / 243.36, commune.CoveragePercent!.Value, 3);
        Assert.Equal(100, commune.Residents, 9);

        // Critical mass: only the left hectare is dense (243.36 ≥ 10 MWh/ha); its 0.24336 GWh pass the 0.2 GWh threshold.
        var area = Assert.Single(result.HeatingAreas);
        // (The critical-mass grid holds float densities: 243.36 to float precision.)
        Assert.Equal((1.0, 243.36, 100.0), (area.AreaHectares, Math.Round(area.DemandMwhPerYear, 3), area.Residents));
        Assert.Equal(232.96 * e, area.SupplyMwhPerYear, 232.96 * e * 1e-5);
        Assert.Equal(["C1"], area.CommuneCodes);
        Assert.Equal(10_000, area.Geometry.Area, 6);
        Assert.Equal(243.36, commune.DistrictHeatingDemandMwhPerYear, 6);

        // The report: buildings and protected areas each alone, uniquely and in sequence; the rules without data hit nothing.
        var byLayer = result.Restrictions.ToDictionary(r => r.Rule.Layer);
        Assert.Equal((900.0, 900.0, 900.0), (byLayer["buildings"].AloneSquareMeters, byLayer["buildings"].UniqueSquareMeters, byLayer["buildings"].SequentialSquareMeters));
        Assert.Equal((3200.0, 3200.0, 3200.0), (byLayer["protected_areas"].AloneSquareMeters, byLayer["protected_areas"].UniqueSquareMeters,
            byLayer["protected_areas"].SequentialSquareMeters));
        Assert.Equal(0, byLayer["drinking_water"].Features);
        Assert.Equal(0, byLayer["water"].AloneSquareMeters);
        // 9 of the hectare's 100 cells are no majority: no polygon; 32 of 100 neither.
        Assert.Null(byLayer["buildings"].Area);
        Assert.Equal(GeothermalCalculator.AssumedLabel, result.GroundSource);
        // Rasters: restricted cells 0, limited ½, free 1.
        Assert.Equal(9, result.RestrictionFactor.Cells.Count(f => f == 0));
        Assert.Equal(32, result.RestrictionFactor.Cells.Count(f => f == 0.5f));
        Assert.Equal(159, result.RestrictionFactor.Cells.Count(f => f == 1));
    }

    [Fact]
    public async Task Compute_PlotEdgeRule_CellsTouchingTheEdgeAndWithinItsDistance()
    {
        // A plot edge (a parcel boundary) along x = 105 from y 0 to 100 touches the 10 cells of column 10 (x 100–110). With
        // 3 m, below the 10 m cell size, exactly those cells are restricted; with 10 m the cell centres one column either
        // side (x 95 and 115, 10 m from the touched centres at 105) join: 30 cells.
        var inputs = Landscape();
        inputs = inputs with
        {
            RestrictionLayers = new Dictionary<string, IReadOnlyList<Geometry>>(inputs.RestrictionLayers) { [GeothermalLayers.PlotEdges] = [G("LINESTRING(105 0, 105 100)")] },
        };
        foreach (var (buffer, cells) in new[] { (3.0, 10), (10.0, 30) })
        {
            var p = new GeothermalParameters { Restrictions = [new() { Layer = GeothermalLayers.PlotEdges, BufferMeters = buffer }] }.Validate();
            var result = await GeothermalCalculator.ComputeAsync(inputs, p);
            Assert.Equal(cells, result.RestrictionFactor.Cells.Count(f => f == 0));
            var rule = Assert.Single(result.Restrictions);
            Assert.Equal((1, cells * 100.0), (rule.Features, rule.AloneSquareMeters));
        }
    }

    [Fact]
    public async Task Compute_Vdi4640ClassResidentsAndWasteHeat_ByHand()
    {
        // No building, no place, no census: the 100 residents spread evenly, 50 per hectare × 7 MWh = 350 MWh/ha.
        var factory = new GeometryFactory(new PrecisionModel(), 2169);
        HeatSource Source(long id, double x, double mwh) => new(id, $"s{id}", "industry", factory.CreatePoint(new Coordinate(x, 50)), mwh);
        var inputs = Landscape(sources: [Source(1, 250, 100), Source(2, 5000, 500), Source(3, 50, 1400)]);
        var p = new GeothermalParameters { GroundClass = "sandstone", OperatingHours = 2400, AreaThresholdGwhPerYear = 0.5 }.Validate();
        var result = await GeothermalCalculator.ComputeAsync(inputs, p);

        // VDI 4640 sandstone at 2,400 h: 55–65 W/m, midpoint 60 W/m × 100 m × 2,400 h = 14.4 MWh/yr per borehole;
        // 200 cells × 2.56 boreholes × 14.4 = 7,372.8 MWh/yr.
        var commune = Assert.Single(result.Communes);
        Assert.Equal(7372.8, commune.SupplyMwhPerYear, 2);
        Assert.Equal(700, commune.DemandMwhPerYear, 6);
        Assert.Equal(350, result.DemandPerHectare.Cells[0], 4);
        Assert.Contains("population", commune.DemandMethod, StringComparison.Ordinal);
        Assert.Contains("VDI 4640 class sandstone", result.GroundInputs, StringComparison.Ordinal);

        // Both hectares are dense: one area of 2 ha and 700 MWh/yr.
        var area = Assert.Single(result.HeatingAreas);
        Assert.Equal((2.0, 700.0), (area.AreaHectares, Math.Round(area.DemandMwhPerYear, 6)));
        // Waste heat: s1 lies 50 m east of the area (covers 100 / 700 = 14.2857 %); s2 4,800 m away (beyond 2 km:
        // unmatched); s3 inside (distance 0, 1,400 / 700 = 200 %). The area receives 100 + 1,400 = 1,500 MWh/yr.
        var matches = result.WasteHeat.ToDictionary(m => m.Source.Id);
        Assert.Equal((1, 50.0), (matches[1].AreaId, matches[1].DistanceMeters!.Value));
        Assert.Equal(100.0 / 7, matches[1].CoveredPercent!.Value, 9);
        Assert.Null(matches[2].AreaId);
        Assert.Equal(4800, matches[2].DistanceMeters!.Value, 9);
        Assert.Null(matches[2].CoveredPercent);
        Assert.Equal((1, 0.0, 200.0), (matches[3].AreaId, matches[3].DistanceMeters!.Value, Math.Round(matches[3].CoveredPercent!.Value, 9)));
        Assert.Equal(1500, area.WasteHeatMwhPerYear, 9);

        // The demand classes add up to the demand: both hectares in the 250+ class (350 MWh/ha).
        var demandClass = Assert.Single(result.DemandClasses);
        Assert.Equal((6, 250.0, (double?)null, 700.0), (demandClass.Class, demandClass.Lower, demandClass.Upper, Math.Round(demandClass.TotalMwhPerYear, 6)));
    }

    [Fact]
    public async Task Compute_GroundTemperatureFromElevation_AssumedFromLapseRate()
    {
        // 476 m: T0 = 9.5 + 1 − 6.5 K/km × (476 − 376) m = 9.85 °C.
        var result = await GeothermalCalculator.ComputeAsync(Landscape(dem: Constant(476)), new GeothermalParameters().Validate());
        double e = new GPotParameters().EnergyMwhPerYear(2.0, 9.85);
        Assert.All(result.EnergyPerBorehole.Cells, c => Assert.Equal(e, c, e * 1e-5));
        Assert.Equal(GeothermalCalculator.AssumedLabel, result.GroundSource);
        Assert.Contains("T0 assumed from elevation", result.GroundInputs, StringComparison.Ordinal);
        Assert.Equal(9.85, new GeothermalParameters().AssumedGroundTemperatureCelsius(476), 12);
    }

    [Fact]
    public async Task Compute_ConductivityAndGroundTemperatureRasters_Measured()
    {
        var result = await GeothermalCalculator.ComputeAsync(Landscape(conductivity: Constant(3), groundTemperature: Constant(12)),
            new GeothermalParameters().Validate());
        double e = new GPotParameters().EnergyMwhPerYear(3.0, 12.0);
        Assert.All(result.EnergyPerBorehole.Cells, c => Assert.Equal(e, c, e * 1e-5));
        Assert.Equal(GeothermalCalculator.MeasuredLabel, result.GroundSource);
        // Single potential class: every hectare has the same mean energy.
        var c = Assert.Single(result.PotentialClasses);
        Assert.Equal(e, c.Lower, e * 1e-5);
    }

    [Fact]
    public async Task Compute_GroundColderThanFluid_NoPotentialThereAndNoted()
    {
        // T0 −3 °C < Tlim −2 °C in the raster: no cell has potential, and the log says why.
        var result = await GeothermalCalculator.ComputeAsync(Landscape(groundTemperature: Constant(-3)), new GeothermalParameters().Validate());
        Assert.All(result.EnergyPerBorehole.Cells, c => Assert.True(float.IsNaN(c)));
        Assert.Equal(0, result.Communes[0].SupplyMwhPerYear);
        Assert.Contains(result.Notes, n => n.Contains("200 cell(s) with T0 at or below Tlim", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadValues_ListsEveryProblem()
    {
        var p = new GeothermalParameters
        {
            ConductivityWattsPerMeterKelvin = 0,
            SeasonDays = 400,
            BoreholeSpacingMeters = 0,
            FluidTemperatureMinCelsius = 13,
            CellSizeMeters = 30,
            GroundClass = "marble",
            Restrictions = [new() { Layer = "airports" }, new() { Layer = "water", Strict = false, Factor = 1.5 }],
        };
        var e = Assert.Throws<GeoInputException>(() => p.Validate());
        foreach (var text in new[] { "Ground conductivity", "Heating season", "Borehole spacing", "Minimum fluid temperature", "CellSizeMeters must divide 100",
            "Unknown VDI 4640 ground class 'marble'", "Unknown restriction layer 'airports'", "a limited rule's Factor" })
            Assert.Contains(e.Details, d => d.Contains(text, StringComparison.Ordinal));
    }

    [Theory]
    // T0 from elevation (the default): the model's warmest ground is at sea level, 9.5 + 1 + 6.5 × 0.376 = 12.944 °C, so
    // a Tlim of 11 °C is valid (Luxembourg's lowest ground, 129 m, has T0 = 12.11 °C) and 13 °C is not.
    [InlineData(true, 11.0, true)]
    [InlineData(true, 13.0, false)]
    // The constant T0 of 10 °C: Tlim must be below it.
    [InlineData(false, 9.0, true)]
    [InlineData(false, 11.0, false)]
    public void Validate_FluidTemperatureMin_CheckedAgainstTheGroundTemperatureInUse(bool fromElevation, double tlim, bool valid)
    {
        var p = new GeothermalParameters { GroundTemperatureFromElevation = fromElevation, FluidTemperatureMinCelsius = tlim };
        if (valid) { p.Validate(); return; }
        var e = Assert.Throws<GeoInputException>(() => p.Validate());
        Assert.Contains(e.Details, d => d.Contains("Minimum fluid temperature", StringComparison.Ordinal)
            && d.Contains(fromElevation ? "12.94 °C" : "(10 °C)", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Defaults_ResolvesTheFourRestrictions()
    {
        var p = new GeothermalParameters().Validate();
        Assert.Equal(["drinking_water", "protected_areas", "water", "buildings"], p.Restrictions!.Select(r => r.Layer));
    }

    [Theory]
    [InlineData("apartments", 5.0, null, 5.0, 120)]   // tagged floors
    [InlineData("office", null, 10.0, 3.0, 100)]      // 10 m / 3 m per storey = 3.33 → 3 floors; non-residential
    [InlineData("yes", null, null, 3.0, 120)]         // the defaults
    [InlineData("garage", 1.0, null, 1.0, 0)]         // unheated
    public void BuildingMwhPerYear_ByHand(string use, double? floors, double? height, double expectedFloors, double kwhPerSquareMeter)
    {
        var p = new GeothermalParameters();
        var b = new BuildingFootprint(G("POLYGON((0 0, 10 0, 10 20, 0 20, 0 0))"), use, floors, height);
        Assert.Equal(expectedFloors, HeatDemand.Floors(b, p));
        // 200 m² × floors × specific demand / 1000.
        Assert.Equal(200 * expectedFloors * kwhPerSquareMeter / 1000, HeatDemand.BuildingMwhPerYear(b, p), 9);
    }
}
