using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.Geometries;

using static KlimaPakt.Geo.Data.Analyses.AnalysisSql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// Green, blue and black corridors (issue 13): reads the communes and the land-cover, water, protected-area, building,
/// road and railway layers from PostGIS and computes with <see cref="CorridorCalculator"/> on one grid: patches, links
/// with their least-cost paths, corridor polygons, conflict points and the per-commune (intercommunal) view, plus the
/// resistance and corridor rasters of each trame.
/// </summary>
public sealed class CorridorsAnalysis : IAnalysis
{
    /// <summary>The kind name.</summary>
    public const string KindName = "corridors";

    private const string Attribution = "© OpenStreetMap contributors, © ACT; contains modified Copernicus Sentinel data where the land cover is classified";

    /// <summary>Label of black-trame outputs whose light is the proxy from built-up land and buildings, never measured light.</summary>
    public const string ProxyLight = LightSources.Proxy;

    internal sealed record Notes(IReadOnlyDictionary<string, string> ByTrame)
    {
        public string Of(string trame) => ByTrame.GetValueOrDefault(trame, "");
    }

    private sealed record PatchRow(CorridorPatch Patch, string Species, string Note, string Light);

    private sealed record LinkRow(CorridorLink Link, string Species, string Note, string Light);

    private sealed record AreaRow(CorridorArea Area, string Note, string Light);

    private sealed record PinchRow(CorridorPinchPoint Pinch, string Note, string Light);

    private sealed record CommuneRow(CommuneCorridors Figures, RunCommune Commune, string SharedWith, string Note, string Light);

    private sealed record ConflictRow(CorridorConflict Conflict, string Light);

    private const string LightSourceDescription = "Black trame: where its light comes from: 'street_lamps' (mapped lamps), 'radiance' (a night-time " +
        "radiance raster) or 'proxy' (modelled from built-up land and buildings, not measured)";

    private const string InputNoteDescription = "What the trame's inputs are (coarse or thin data is said here)";

    private static string? LightSource(string trame, string light) => trame == Trames.Black ? light : null;

    private static readonly ResultTable<PatchRow> Patches = ResultTable<PatchRow>.Create("corridor_patches", ResultGeometry.MultiPolygon, r => r.Patch.Geometry)
        .IndexedBy("trame").WithTilePieces()
        .Text("trame", "Trame: green, blue or black", r => r.Patch.Trame)
        .Integer("patch_id", "Patch id within the trame", r => r.Patch.PatchId)
        .Double("area_ha", "ha", "Patch area", r => r.Patch.AreaSquareMeters / 1e4)
        .Double("dpc_pct", "%", "dPC: share of the trame's probability of connectivity lost without the patch", r => r.Patch.DeltaPc)
        .Text("species", "Species profile", r => r.Species)
        .Text("light_source", LightSourceDescription, r => LightSource(r.Patch.Trame, r.Light), nullable: true)
        .Text("input_note", InputNoteDescription, r => r.Note)
        .Build();

    private static readonly ResultTable<LinkRow> Links = ResultTable<LinkRow>.Create("corridor_links", ResultGeometry.LineString, r => r.Link.Path)
        .IndexedBy("trame")
        .Text("trame", "Trame: green, blue or black", r => r.Link.Trame)
        .Integer("link_id", "Link id within the trame", r => r.Link.LinkId)
        .Integer("from_patch", "Patch id (the smaller)", r => r.Link.From)
        .Integer("to_patch", "Patch id (the larger)", r => r.Link.To)
        .Double("cost_distance", "cost units", "Cost-weighted distance of the least-cost path (resistance × metres)", r => r.Link.CostDistance)
        .Double("euclidean_m", "m", "Edge-to-edge distance between the patches", r => r.Link.EuclideanMeters)
        .Double("path_length_m", "m", "Length of the least-cost path", r => r.Link.PathLengthMeters)
        .Double("cost_per_euclidean", null, "Cost-weighted over Euclidean distance", r => r.Link.CostPerEuclidean, nullable: true)
        .Double("effective_resistance_ohm", "Ω", "Effective resistance between the patches inside the link's corridor (voltage with 1 A flowing; null: pinch points off or corridor over the cell cap)",
            r => r.Link.EffectiveResistanceOhms, nullable: true)
        .Text("species", "Species profile", r => r.Species)
        .Text("light_source", LightSourceDescription, r => LightSource(r.Link.Trame, r.Light), nullable: true)
        .Text("input_note", InputNoteDescription, r => r.Note)
        .Build();

    private static readonly ResultTable<AreaRow> Areas = ResultTable<AreaRow>.Create("corridor_areas", ResultGeometry.MultiPolygon, r => r.Area.Geometry)
        .IndexedBy("class").WithTilePieces()
        .Text("trame", "Trame: green, blue or black", r => r.Area.Trame)
        .Integer("class", "Corridor class, 1 = closest to the least-cost paths", r => r.Area.Class)
        .Double("cost_min", "cost units", "Lower bound of the class above the least-cost path", r => r.Area.MinCost)
        .Double("cost_max", "cost units", "Upper bound of the class above the least-cost path", r => r.Area.MaxCost)
        .Double("area_ha", "ha", "Area of the class", r => r.Area.AreaSquareMeters / 1e4)
        .Text("light_source", LightSourceDescription, r => LightSource(r.Area.Trame, r.Light), nullable: true)
        .Text("input_note", InputNoteDescription, r => r.Note)
        .Build();

    private static readonly ResultTable<PinchRow> PinchPoints = ResultTable<PinchRow>.Create("corridor_pinch_points", ResultGeometry.MultiPolygon, r => r.Pinch.Geometry)
        .IndexedBy("class").WithTilePieces()
        .Text("trame", "Trame: green, blue or black", r => r.Pinch.Trame)
        .Integer("link_id", "Link whose 1 A circuit carries the largest current through these cells", r => r.Pinch.LinkId)
        .Integer("class", "Current class, 4 = pinch point (a quarter of the link's current or more)", r => r.Pinch.Class)
        .Double("current_min_a", "A", "Lower bound of the class (current of a 1 A link circuit)", r => r.Pinch.MinAmps)
        .Double("current_max_a", "A", "Upper bound of the class", r => r.Pinch.MaxAmps)
        .Double("peak_current_a", "A", "Largest current of the cells", r => r.Pinch.PeakAmps)
        .Double("area_ha", "ha", "Area", r => r.Pinch.AreaSquareMeters / 1e4)
        .Text("light_source", LightSourceDescription, r => LightSource(r.Pinch.Trame, r.Light), nullable: true)
        .Text("input_note", InputNoteDescription, r => r.Note)
        .Build();

    private static readonly ResultTable<ConflictRow> Conflicts = ResultTable<ConflictRow>.Create("corridor_conflicts", ResultGeometry.Point, c => c.Conflict.Location)
        .IndexedBy("trame")
        .Text("trame", "Trame of the least-cost path (green or blue)", c => c.Conflict.Trame)
        .Integer("link_id", "Link id within the trame", c => c.Conflict.LinkId)
        .Double("light", null, "Light at the point (0–1)", c => c.Conflict.Light)
        .Double("lit_length_m", "m", "Length of the path through lit land at this crossing", c => c.Conflict.LitLengthMeters)
        .Text("light_source", "Where the light comes from: 'street_lamps', 'radiance' or 'proxy' (modelled from built-up land and buildings, not measured)", c => c.Light)
        .Build();

    private static readonly ResultTable<CommuneRow> Communes = ResultTable<CommuneRow>.Create("corridor_communes", ResultGeometry.MultiPolygon, r => r.Commune.Boundary)
        .WithCommune(r => r.Figures.CommuneId)
        .Text("code", "Commune code", r => r.Commune.Code)
        .Text("name", "Commune", r => r.Commune.Name)
        .Text("trame", "Trame: green, blue or black", r => r.Figures.Trame)
        .Text("status", "'ok', or why the trame was skipped", r => r.Figures.Status)
        .Double("patch_ha", "ha", "Habitat patch area in the commune", r => r.Figures.PatchSquareMeters / 1e4)
        .Double("corridor_ha", "ha", "Corridor area in the commune", r => r.Figures.CorridorSquareMeters / 1e4)
        .Double("pinch_point_ha", "ha", "Pinch-point area (a quarter of a link's current or more) in the commune", r => r.Figures.PinchPointSquareMeters / 1e4)
        .Integer("links", "Least-cost paths through the commune", r => r.Figures.Links)
        .Double("path_km", "km", "Length of least-cost paths in the commune", r => r.Figures.PathMeters / 1e3)
        .Double("cross_border_km", "km", "Of that, paths that also run through another commune", r => r.Figures.CrossBorderPathMeters / 1e3)
        .Double("cross_border_pct", "%", "Share of the path length that crosses a commune border", r => r.Figures.CrossBorderPercent)
        .Text("shared_with", "Communes the commune shares least-cost paths with", r => r.SharedWith)
        .Text("light_source", LightSourceDescription, r => LightSource(r.Figures.Trame, r.Light), nullable: true)
        .Text("input_note", InputNoteDescription, r => r.Note)
        .Build();

    /// <summary>One row per commune with every trame's figures (null for a trame not run).</summary>
    private sealed record CommuneFigures(int CommuneId, IReadOnlyDictionary<string, CommuneCorridors> ByTrame)
    {
        public double? Of(string trame, Func<CommuneCorridors, double> value) => ByTrame.TryGetValue(trame, out var c) ? value(c) : null;
    }

    private static readonly CommuneFigureSet<CommuneFigures> Figures = Trames.Each.Aggregate(new CommuneFigureSet<CommuneFigures>(f => f.CommuneId),
        (set, t) => set
            .Sum($"corridors_{t}_patch_ha", $"{Title(t)} habitat patches", "ha", f => f.Of(t, c => c.PatchSquareMeters / 1e4))
            .Sum($"corridors_{t}_corridor_ha", $"{Title(t)} corridors", "ha", f => f.Of(t, c => c.CorridorSquareMeters / 1e4))
            .Sum($"corridors_{t}_pinch_point_ha", $"{Title(t)} pinch points", "ha", f => f.Of(t, c => c.PinchPointSquareMeters / 1e4))
            .Sum($"corridors_{t}_path_km", $"{Title(t)} least-cost paths", "km", f => f.Of(t, c => c.PathMeters / 1e3))
            .Sum($"corridors_{t}_cross_border_km", $"{Title(t)} paths crossing a commune border", "km", f => f.Of(t, c => c.CrossBorderPathMeters / 1e3))
            .Ratio($"corridors_{t}_cross_border_pct", $"{Title(t)} path length shared with other communes", "%", $"corridors_{t}_cross_border_km",
                $"corridors_{t}_path_km", 100, f => f.Of(t, c => c.CrossBorderPercent)));

    private static string Title(string trame) => char.ToUpperInvariant(trame[0]) + trame[1..] + " trame:";

    /// <summary>The description: parameters, inputs, result tables, layers and figures.</summary>
    public static AnalysisDescription Definition { get; } = new AnalysisDescription<CorridorParameters>(KindName, "Green, blue and black corridors",
        "Ecological corridors per trame: habitat patches, least-cost paths and corridors (Linkage Mapper), connectivity (Graphab PC/dPC), " +
        "conflicts with lit land and the corridors each commune shares with its neighbours.", p => p.Validate())
    {
        Inputs =
        [
            AnalysisInput.Communes, InputLayer.LandCover, InputLayer.WaterBodies, InputLayer.Waterways, InputLayer.ProtectedAreas,
            InputLayer.Buildings, InputLayer.Roads, InputLayer.Railways, InputLayer.StreetLamps,
        ],
        Attribution = Attribution,
        RasterParameters = [new("nightRadianceRaster", "night_radiance", "night-time radiance raster", MinRegionCoverage: 0.99)],
        CheckInputsAsync = CheckHabitatInputsAsync,
        Tables = [Patches, Links, Areas, PinchPoints, Conflicts, Communes],
        Figures = Figures.Figures,
        Layers =
        [
            AnalysisDescription.Layer(KindName, "corridor_patches", "Corridor habitat patches", "Habitat patches (cores) per trame with their area and dPC",
                Patches, new LayerStyle { Kind = StyleKind.Graduated, Field = "dpc_pct", Ramp = LayerStyle.Ramps.Greens, Legend = "Patch importance (dPC)", Visible = true },
                new ResultField("trame", Filterable: true), "patch_id", new("area_ha", 2), new("dpc_pct", 3), "species", "light_source", "input_note")
                with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "corridor_links", "Least-cost paths", "Least-cost paths between neighbouring patches with their cost-weighted distance",
                Links, new LayerStyle { Kind = StyleKind.Graduated, Field = "cost_distance", Ramp = LayerStyle.Ramps.RankRed, Legend = "Cost-weighted distance", Visible = true },
                new ResultField("trame", Filterable: true), "link_id", "from_patch", "to_patch", new("cost_distance", 0), new("euclidean_m", 0),
                new("path_length_m", 0), new("cost_per_euclidean", 2), new("effective_resistance_ohm", 1), "light_source", "input_note") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "corridor_areas", "Least-cost corridors", "Corridors in classes of normalised cost (1 = closest to the least-cost paths)",
                Areas, new LayerStyle { Kind = StyleKind.Classes, Field = "class", BoundFields = ("cost_min", "cost_max"), Ramp = LayerStyle.Ramps.Blues,
                    Legend = "Cost above the least-cost path", Opacity = 0.5 },
                new ResultField("trame", Filterable: true), new ResultField("class", Filterable: true), new("cost_min", 0), new("cost_max", 0), new("area_ha", 2),
                "light_source", "input_note") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "corridor_pinch_points", "Corridor pinch points",
                "Current of each link's 1 A circuit inside its corridor (Pinchpoint Mapper): class 4 = a quarter of the link's current or more, a pinch point",
                PinchPoints, new LayerStyle { Kind = StyleKind.Classes, Field = "class", BoundFields = ("current_min_a", "current_max_a"), Ramp = LayerStyle.Ramps.OrangeRed,
                    Legend = "Current of a 1 A link circuit", Opacity = 0.7 },
                new ResultField("trame", Filterable: true), "link_id", new ResultField("class", Filterable: true), new("current_min_a", 2), new("current_max_a", 2),
                new("peak_current_a", 3), new("area_ha", 2), "light_source", "input_note") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "corridor_conflicts", "Corridor conflicts with light", "Where green or blue least-cost paths cross lit land",
                Conflicts, new LayerStyle { Legend = "Crossings of lit land", Visible = true },
                new ResultField("trame", Filterable: true), "link_id", new("light", 3), new("lit_length_m", 0), "light_source") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "corridor_communes", "Corridors per commune", "Per commune and trame: patches, corridors and the paths it shares with neighbours",
                Communes, new LayerStyle { Kind = StyleKind.Graduated, Field = "cross_border_pct", Ramp = LayerStyle.Ramps.Purples, Breaks = [0, 25, 50, 75, 100],
                    Legend = "Path length shared with other communes" },
                new ResultField("code", Filterable: true), new ResultField("name", As: "commune", Filterable: true), new ResultField("trame", Filterable: true),
                "status", new("patch_ha", 2), new("corridor_ha", 2), new("pinch_point_ha", 2), "links", new("path_km", 3), new("cross_border_pct", 1), "shared_with", "light_source",
                "input_note") with { Attribution = Attribution },
        ],
    };

    /// <inheritdoc />
    public AnalysisDescription Description => Definition;

    /// <inheritdoc />
    public async Task<RunOutput> ComputeAsync(RunContext context, CancellationToken ct)
    {
        var p = context.Parameters<CorridorParameters>();
        var region = context.Region;
        await using var connection = await context.DataSource.OpenConnectionAsync(ct);
        var communes = await context.CommunesAsync(connection, ct);
        var envelope = communes.Envelope;
        var grid = GridSpec.Covering(region.Srid, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, p.CellSizeMeters);
        var inputs = await ReadInputsAsync(context, connection, communes, grid, p.FullLightRadiance, ct);
        var notes = await InputNotesAsync(connection, region, inputs, ct);
        context.Log.Add($"grid {grid.Width} × {grid.Height} cells of {p.CellSizeMeters} m ({grid.CellCount / 1e6:F1} M); {communes.All.Count} communes; " +
            $"land cover {inputs.LandCover.Count}, water bodies {inputs.WaterBodies.Count}, water courses {inputs.Waterways.Count}, protected areas " +
            $"{inputs.ProtectedAreas.Count}, buildings {inputs.Buildings.Count}, roads {inputs.Roads.Count}, railways {inputs.Railways.Count}, " +
            $"street lamps {inputs.StreetLamps.Count}");
        foreach (var t in p.TramesRun) context.Log.Add($"{t} input: {notes.Of(t)}");

        var result = await CorridorCalculator.ComputeAsync(inputs, p, (stage, pct) => context.StageAsync(stage, pct), ct);
        ct.ThrowIfCancellationRequested();
        context.Log.AddRange(result.Notes);
        await context.StageAsync("outputs", 92);

        var byId = communes.All.ToDictionary(c => c.Id);
        var species = result.Trames.ToDictionary(t => t.Trame, t => t.Profile.Name);
        var light = result.LightSource;
        var output = new RunOutput(ResultHash(result))
            .Rows(Patches, result.Patches.Select(x => new PatchRow(x, species[x.Trame], notes.Of(x.Trame), light)))
            .Rows(Links, result.Links.Select(x => new LinkRow(x, species[x.Trame], notes.Of(x.Trame), light)))
            .Rows(Areas, result.Areas.Select(x => new AreaRow(x, notes.Of(x.Trame), light)))
            .Rows(PinchPoints, result.PinchPoints.Select(x => new PinchRow(x, notes.Of(x.Trame), light)))
            .Rows(Conflicts, result.Conflicts.Select(x => new ConflictRow(x, light)))
            .Rows(Communes, result.Communes.Select(c => new CommuneRow(c, byId[c.CommuneId],
                string.Join(", ", c.SharedWith.Select(id => byId[id].Name).Order(StringComparer.Ordinal)), notes.Of(c.Trame), light)))
            .Figures(Figures, result.Communes.GroupBy(c => c.CommuneId).Select(g => new CommuneFigures(g.Key, g.ToDictionary(c => c.Trame))));
        foreach (var t in result.Trames)
        {
            output.Raster($"resistance_{t.Trame}", path => GeoTiff.Write(path, t.Resistance));
            if (t.Corridor is { } corridor) output.Raster($"corridors_{t.Trame}", path => GeoTiff.Write(path, corridor));
            if (t.PinchPointCurrent is { } current) output.Raster($"pinch_points_{t.Trame}", path => GeoTiff.Write(path, current));
        }
        return output;
    }

    /// <summary>
    /// The corridors' inputs on <paramref name="grid"/>: the communes run and the land-cover, water, protected-area,
    /// building, road, railway and street-lamp layers around them, and the night-radiance raster where one is named
    /// (run input <c>night_radiance</c>). Shared with the connectivity run, which uses the same landscape.
    /// </summary>
    internal static async Task<CorridorInputs> ReadInputsAsync(RunContext context, Npgsql.NpgsqlConnection connection, RunCommunes communes, GridSpec grid,
        double fullLightRadiance, CancellationToken ct)
    {
        var region = context.Region;
        var area = communes.Extent;
        async Task<List<Geometry>> Geometries(string sql)
        {
            var list = new List<Geometry>();
            await foreach (var g in Read(connection, sql, ct, r => r.GetFieldValue<Geometry>(0), region.Id, area)) list.Add(g);
            return list;
        }
        async Task<List<ClassedFeature>> Classed(string sql)
        {
            var list = new List<ClassedFeature>();
            await foreach (var f in Read(connection, sql, ct, r => new ClassedFeature(r.GetFieldValue<Geometry>(0), r.GetString(1)), region.Id, area)) list.Add(f);
            return list;
        }
        return new CorridorInputs
        {
            Grid = grid,
            Communes = [.. communes.All.Select(c => (c.Id, c.Boundary))],
            LandCover = await Classed("SELECT geom, class FROM land_cover WHERE region_id = $1 AND class IS NOT NULL AND geom && $2 ORDER BY id"),
            WaterBodies = await Geometries("SELECT geom FROM water_bodies WHERE region_id = $1 AND geom && $2 ORDER BY id"),
            Waterways = await Geometries("SELECT geom FROM waterways WHERE region_id = $1 AND geom && $2 AND coalesce(class, '') <> 'dam' ORDER BY id"),
            ProtectedAreas = await Geometries("SELECT geom FROM protected_areas WHERE region_id = $1 AND geom && $2 ORDER BY id"),
            Buildings = await Geometries("SELECT geom FROM buildings WHERE region_id = $1 AND geom && $2 ORDER BY id"),
            Roads = await Classed("SELECT geom, class FROM roads WHERE region_id = $1 AND class IS NOT NULL AND geom && $2 ORDER BY id"),
            Railways = await Geometries("SELECT geom FROM railways WHERE region_id = $1 AND geom && $2 AND coalesce(class, 'rail') <> 'platform' ORDER BY id"),
            StreetLamps = await Geometries("SELECT geom FROM street_lamps WHERE region_id = $1 AND geom && $2 ORDER BY id"),
            NightRadiance = context.RasterPath("night_radiance") is { } radiance ? GeoTiff.ReadOnto(radiance, grid, Resampling.Bilinear).Cells : null,
            FullLightRadiance = fullLightRadiance,
        };
    }

    /// <summary>
    /// A green or blue run alone is refused before it exists when no input feature of its habitat (land cover of its
    /// habitat classes, protected areas, water bodies and courses) touches the communes run: it could find no patch.
    /// With <c>all</c>, such a trame is reported and skipped instead; the black trame's darkness needs no layer.
    /// </summary>
    private static async Task CheckHabitatInputsAsync(InputCheck check, CancellationToken ct)
    {
        var p = AnalysisDescription<CorridorParameters>.Read(check.Parameters);
        if (p.Trame is not (Trames.Green or Trames.Blue)) return;
        var profile = p.ProfileOf(p.Trame);
        var classes = profile.HabitatClasses.ToArray();
        const string InCommunes = "EXISTS (SELECT 1 FROM communes c WHERE c.region_id = $1 AND ($3::text[] IS NULL OR c.code = ANY($3)) AND ST_Intersects(c.geom, t.geom))";
        var sql = new StringBuilder($"SELECT (SELECT count(*) FROM land_cover t WHERE t.region_id = $1 AND t.class = ANY($2) AND {InCommunes})");
        var layers = new List<string> { $"land cover of the classes {string.Join(", ", classes)}" };
        if (classes.Contains("protected"))
        {
            sql.Append(CultureInfo.InvariantCulture, $" + (SELECT count(*) FROM protected_areas t WHERE t.region_id = $1 AND {InCommunes})");
            layers.Add("protected areas");
        }
        if (classes.Contains("water"))
        {
            sql.Append(CultureInfo.InvariantCulture, $" + (SELECT count(*) FROM water_bodies t WHERE t.region_id = $1 AND {InCommunes})");
            sql.Append(CultureInfo.InvariantCulture, $" + (SELECT count(*) FROM waterways t WHERE t.region_id = $1 AND {InCommunes})");
            layers.Add("water bodies, water courses");
        }
        await using var command = check.DataSource.CreateCommand(sql.ToString());
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = check.RegionId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = classes });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)check.Communes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        if (Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0) return;
        throw new Core.Errors.GeoInputException(
            $"The {p.Trame} trame ({profile.Name}) would find no habitat patch in region '{check.RegionCode}'{(check.Communes is null ? "" : " (communes run)")}: " +
            $"its data have no {string.Join(", no ", layers)}, so no area of at least {profile.MinPatchAreaHectares.ToString(CultureInfo.InvariantCulture)} ha. " +
            "Import the missing layer (klimapakt import layer), or run --trame all, which reports and skips the trame.");
    }

    /// <summary>Per trame, what its inputs are: the land cover's sources (a Sentinel-2 classification is coarse), how much water
    /// there is, and that the light is a proxy.</summary>
    internal static async Task<Notes> InputNotesAsync(Npgsql.NpgsqlConnection connection, RunRegion region, CorridorInputs inputs, CancellationToken ct)
    {
        var sources = new List<(string Target, string Name, string? Coverage)>();
        await foreach (var s in Read(connection, """
            SELECT target, source_name, coverage FROM import_sources WHERE region_id = $1 ORDER BY target, source_name
            """, ct, r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)), region.Id)) sources.Add(s);
        var land = sources.Where(s => s.Target is "land_cover" or "osm").ToList();
        bool sentinel = land.Any(s => s.Name.Contains("sentinel", StringComparison.OrdinalIgnoreCase));
        string green = (sentinel ? "Sentinel-2 classification (one class per 30″ cell, about 600 m × 930 m): coarse; " : "") +
            "land cover: " + (land.Count == 0 ? "none" : string.Join("; ", land.Select(s => s.Coverage is null ? s.Name : $"{s.Name} ({s.Coverage})")));
        int waterCover = inputs.LandCover.Count(f => f.Class is "water" or "basin" or "reservoir" or "wetland");
        int water = inputs.WaterBodies.Count + inputs.Waterways.Count + waterCover;
        string blue = $"{inputs.WaterBodies.Count} water bodies, {inputs.Waterways.Count} water courses, {waterCover} water/wetland land-cover areas" +
            (water < 100 ? ": thin" : "");
        var buildings = sources.Where(s => s.Target == "buildings").Select(s => s.Coverage ?? s.Name).ToList();
        string black = (inputs.StreetLamps.Count > 0 ? $"light: {inputs.StreetLamps.Count} mapped street lamps"
            : inputs.NightRadiance is not null ? $"light: night-time radiance raster (full light at {inputs.FullLightRadiance.ToString(CultureInfo.InvariantCulture)} nW/cm²/sr, assumed)"
            : "light: proxy from built-up land cover and buildings (no street lamps or radiance)") +
            (buildings.Count > 0 ? $"; buildings: {string.Join("; ", buildings)}" : inputs.Buildings.Count > 0 ? "" : "; no buildings");
        return new Notes(new Dictionary<string, string> { [Trames.Green] = green, [Trames.Blue] = blue, [Trames.Black] = black });
    }

    /// <summary>Hash of the results in canonical form (values rounded to 1e-6): equal inputs and parameters give equal hashes.</summary>
    internal static string ResultHash(CorridorResult result)
    {
        var sb = new StringBuilder();
        static string F(double v) => RunOutput.Canonical(v);
        foreach (var t in result.Trames) sb.Append(CultureInfo.InvariantCulture, $"t{t.Trame}:{t.Profile.Name}:{t.Status}:{t.Patches}:{F(t.ProbabilityOfConnectivity * 1e6)};");
        foreach (var x in result.Patches) sb.Append(CultureInfo.InvariantCulture, $"p{x.Trame}{x.PatchId}:{F(x.AreaSquareMeters)}:{F(x.DeltaPc)};");
        foreach (var x in result.Links)
            sb.Append(CultureInfo.InvariantCulture, $"l{x.Trame}{x.LinkId}:{x.From}-{x.To}:{F(x.CostDistance)}:{F(x.PathLengthMeters)}:{F(x.EuclideanMeters)};");
        foreach (var x in result.Areas) sb.Append(CultureInfo.InvariantCulture, $"a{x.Trame}{x.Class}:{F(x.AreaSquareMeters)};");
        // Pinch points add to the text only where they were computed: a run without them hashes as before they existed.
        foreach (var x in result.Links.Where(x => x.EffectiveResistanceOhms is not null))
            sb.Append(CultureInfo.InvariantCulture, $"r{x.Trame}{x.LinkId}:{F(x.EffectiveResistanceOhms!.Value)};");
        foreach (var x in result.PinchPoints) sb.Append(CultureInfo.InvariantCulture, $"q{x.Trame}{x.LinkId}:{x.Class}:{F(x.AreaSquareMeters)}:{F(x.PeakAmps)};");
        sb.Append(CultureInfo.InvariantCulture, $"light:{result.LightSource};");
        foreach (var x in result.Conflicts) sb.Append(CultureInfo.InvariantCulture, $"x{x.Trame}{x.LinkId}:{x.Location.AsText()}:{F(x.Light)};");
        foreach (var x in result.Communes)
        {
            sb.Append(CultureInfo.InvariantCulture, $"c{x.CommuneId}{x.Trame}:{F(x.PatchSquareMeters)}:{F(x.CorridorSquareMeters)}:{x.Links}:{F(x.PathMeters)}:{F(x.CrossBorderPathMeters)};");
            if (x.PinchPointSquareMeters > 0) sb.Append(CultureInfo.InvariantCulture, $"cq{F(x.PinchPointSquareMeters)};");
        }
        return RunOutput.HashOf(sb.ToString());
    }
}
