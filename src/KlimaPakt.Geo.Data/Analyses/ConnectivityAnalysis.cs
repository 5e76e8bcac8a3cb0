using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Core.CurrentFlow;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// Landscape connectivity by circuit theory (issue 14): the Omniscape-style moving window over one trame's resistance
/// surface — the corridors analysis's landscape, read from the same layers — with every cell a source of strength
/// 1/resistance. Publishes the normalised current in classes (impeded, diffuse, intensified, channelised) and the area
/// of each class per commune, and registers the cumulative current, flow potential and normalised current rasters.
/// </summary>
public sealed class ConnectivityAnalysis : IAnalysis
{
    /// <summary>The kind name.</summary>
    public const string KindName = "connectivity";

    private const string Attribution = "© OpenStreetMap contributors, © ACT; contains modified Copernicus Sentinel data where the land cover is classified";

    private const string InputNoteDescription = "What the trame's inputs are (coarse or thin data is said here)";

    private const string LightSourceDescription = "Black trame: where its light comes from: 'street_lamps', 'radiance' or 'proxy' (modelled from " +
        "built-up land and buildings, not measured)";

    private sealed record ClassRow(ConnectivityClass Class, string Trame, string Species, string Note, string? Light);

    private sealed record CommuneRow(CommuneConnectivity Figures, RunCommune Commune, string Trame, string Note, string? Light);

    private static readonly ResultTable<ClassRow> Current = ResultTable<ClassRow>.Create("connectivity_current", ResultGeometry.MultiPolygon, r => r.Class.Geometry)
        .IndexedBy("class").WithTilePieces()
        .Integer("class", "Class of normalised current: 1 impeded, 2 diffuse, 3 intensified, 4 channelised", r => r.Class.Class)
        .Text("class_name", "Name of the class", r => r.Class.Name)
        .Double("normalised_min", null, "Lower bound of the class (normalised current: cumulative current / flow potential)", r => r.Class.MinNormalised)
        .Double("normalised_max", null, "Upper bound of the class (null for channelised)", r => r.Class.MaxNormalised, nullable: true)
        .Double("area_ha", "ha", "Area of the class", r => r.Class.AreaSquareMeters / 1e4)
        .Text("trame", "Trame whose resistance surface was used", r => r.Trame)
        .Text("species", "Species profile", r => r.Species)
        .Text("light_source", LightSourceDescription, r => r.Light, nullable: true)
        .Text("input_note", InputNoteDescription, r => r.Note)
        .Build();

    private static readonly ResultTable<CommuneRow> Communes = ResultTable<CommuneRow>.Create("connectivity_communes", ResultGeometry.MultiPolygon, r => r.Commune.Boundary)
        .WithCommune(r => r.Figures.CommuneId)
        .Text("code", "Commune code", r => r.Commune.Code)
        .Text("name", "Commune", r => r.Commune.Name)
        .Text("trame", "Trame whose resistance surface was used", r => r.Trame)
        .Double("grid_ha", "ha", "Commune area with a current on the grid", r => r.Figures.GridSquareMeters / 1e4)
        .Double("impeded_ha", "ha", "Impeded: normalised current below the first break", r => r.Figures.ClassSquareMeters[0] / 1e4)
        .Double("diffuse_ha", "ha", "Diffuse: normalised current about as on a uniform landscape", r => r.Figures.ClassSquareMeters[1] / 1e4)
        .Double("intensified_ha", "ha", "Intensified: current concentrated above the second break", r => r.Figures.ClassSquareMeters[2] / 1e4)
        .Double("channelised_ha", "ha", "Channelised: current funnelled above the third break", r => r.Figures.ClassSquareMeters[3] / 1e4)
        .Double("funnelled_pct", "%", "Share of the commune's area that is intensified or channelised",
            r => r.Figures.GridSquareMeters > 0 ? 100 * (r.Figures.ClassSquareMeters[2] + r.Figures.ClassSquareMeters[3]) / r.Figures.GridSquareMeters : null, nullable: true)
        .Double("mean_normalised", null, "Mean normalised current over the commune", r => double.IsNaN(r.Figures.MeanNormalised) ? null : r.Figures.MeanNormalised, nullable: true)
        .Text("light_source", LightSourceDescription, r => r.Light, nullable: true)
        .Text("input_note", InputNoteDescription, r => r.Note)
        .Build();

    private static readonly CommuneFigureSet<CommuneConnectivity> Figures = new CommuneFigureSet<CommuneConnectivity>(f => f.CommuneId)
        .Sum("connectivity_grid_ha", "Area with a current", "ha", f => f.GridSquareMeters / 1e4)
        .Sum("connectivity_impeded_ha", "Impeded movement", "ha", f => f.ClassSquareMeters[0] / 1e4)
        .Sum("connectivity_funnelled_ha", "Intensified or channelised movement", "ha", f => (f.ClassSquareMeters[2] + f.ClassSquareMeters[3]) / 1e4)
        .Ratio("connectivity_funnelled_pct", "Share where movement is funnelled", "%", "connectivity_funnelled_ha", "connectivity_grid_ha", 100,
            f => f.GridSquareMeters > 0 ? 100 * (f.ClassSquareMeters[2] + f.ClassSquareMeters[3]) / f.GridSquareMeters : null)
        .Ratio("connectivity_impeded_pct", "Share where movement is impeded", "%", "connectivity_impeded_ha", "connectivity_grid_ha", 100,
            f => f.GridSquareMeters > 0 ? 100 * f.ClassSquareMeters[0] / f.GridSquareMeters : null);

    /// <summary>The description: parameters, inputs, result tables, layers and figures.</summary>
    public static AnalysisDescription Definition { get; } = new AnalysisDescription<ConnectivityParameters>(KindName, "Landscape connectivity (circuit theory)",
        "Omniscape-style moving-window circuits over a trame's resistance surface: where movement is impeded, diffuse, intensified or channelised " +
        "(normalised current), per commune.", p => p.Validate())
    {
        Inputs =
        [
            AnalysisInput.Communes, InputLayer.LandCover, InputLayer.WaterBodies, InputLayer.Waterways, InputLayer.ProtectedAreas,
            InputLayer.Buildings, InputLayer.Roads, InputLayer.Railways, InputLayer.StreetLamps,
        ],
        Attribution = Attribution,
        Tables = [Current, Communes],
        Figures = Figures.Figures,
        Layers =
        [
            AnalysisDescription.Layer(KindName, "connectivity_current", "Normalised current",
                "Cumulative current over flow potential in classes: 1 impeded, 2 diffuse (as on a uniform landscape), 3 intensified, 4 channelised",
                Current, new LayerStyle { Kind = StyleKind.Classes, Field = "class", BoundFields = ("normalised_min", "normalised_max"), ClassNameField = "class_name",
                    Ramp = ["#b2abd2", "#f7f7f7", "#fdb863", "#e66101"], Legend = "Normalised current", Opacity = 0.6 },
                new ResultField("class", Filterable: true), "class_name", new("normalised_min", 2), new("normalised_max", 2), new("area_ha", 1),
                new ResultField("trame", Filterable: true), "species", "light_source", "input_note") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "connectivity_communes", "Connectivity per commune",
                "Per commune: the area of each class of normalised current and the share where movement is funnelled",
                Communes, new LayerStyle { Kind = StyleKind.Graduated, Field = "funnelled_pct", Ramp = LayerStyle.Ramps.OrangeRed, Breaks = [0, 10, 20, 40, 60],
                    Legend = "Share where movement is funnelled" },
                new ResultField("code", Filterable: true), new ResultField("name", As: "commune", Filterable: true), "trame", new("grid_ha", 1),
                new("impeded_ha", 1), new("diffuse_ha", 1), new("intensified_ha", 1), new("channelised_ha", 1), new("funnelled_pct", 1),
                new("mean_normalised", 3), "light_source", "input_note") with { Attribution = Attribution },
        ],
    };

    /// <inheritdoc />
    public AnalysisDescription Description => Definition;

    /// <inheritdoc />
    public async Task<RunOutput> ComputeAsync(RunContext context, CancellationToken ct)
    {
        var p = context.Parameters<ConnectivityParameters>();
        var region = context.Region;
        await using var connection = await context.DataSource.OpenConnectionAsync(ct);
        var communes = await context.CommunesAsync(connection, ct);
        var envelope = communes.Envelope;
        var grid = GridSpec.Covering(region.Srid, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, p.CellSizeMeters);
        var inputs = await CorridorsAnalysis.ReadInputsAsync(context, connection, communes, grid, CorridorParameters.DefaultFullLightRadiance, ct);
        var note = (await CorridorsAnalysis.InputNotesAsync(connection, region, inputs, ct)).Of(p.Trame);
        context.Log.Add($"grid {grid.Width} × {grid.Height} cells of {p.CellSizeMeters} m ({grid.CellCount / 1e6:F2} M); {communes.All.Count} communes; " +
            $"trame {p.Trame} ({p.Profile!.Name}); {p.Trame} input: {note}");

        var result = await ConnectivityCalculator.ComputeAsync(inputs, p, (stage, pct) => context.StageAsync(stage, pct), ct);
        ct.ThrowIfCancellationRequested();
        context.Log.AddRange(result.Notes);
        string? light = p.Trame == Trames.Black ? result.LightSource : null;
        double total = result.Communes.Sum(c => c.GridSquareMeters);
        context.Log.Add(string.Join(", ", ConnectivityParameters.ClassNames.Select((name, k) =>
            $"{name} {(total > 0 ? 100 * result.Communes.Sum(c => c.ClassSquareMeters[k]) / total : 0):F1} %")) + " of the area with a current");
        var byId = communes.All.ToDictionary(c => c.Id);
        return new RunOutput(ResultHash(result))
            .Rows(Current, result.Classes.Select(c => new ClassRow(c, p.Trame, p.Profile.Name, note, light)))
            .Rows(Communes, result.Communes.Select(c => new CommuneRow(c, byId[c.CommuneId], p.Trame, note, light)))
            .Figures(Figures, result.Communes)
            .Raster("resistance", path => GeoTiff.Write(path, result.Resistance))
            .Raster("cumulative_current", path => GeoTiff.Write(path, result.CumulativeCurrent))
            .Raster("flow_potential", path => GeoTiff.Write(path, result.FlowPotential))
            .Raster("normalised_current", path => GeoTiff.Write(path, result.NormalisedCurrent));
    }

    /// <summary>Hash of the results in canonical form: equal inputs and parameters give equal hashes.</summary>
    internal static string ResultHash(ConnectivityResult result)
    {
        var sb = new StringBuilder();
        static string F(double v) => RunOutput.Canonical(v);
        sb.Append(CultureInfo.InvariantCulture, $"t{result.Parameters.Trame}:{result.Parameters.Profile?.Name}:{result.Solves.Windows}:{result.LightSource};");
        foreach (var c in result.Classes) sb.Append(CultureInfo.InvariantCulture, $"k{c.Class}:{F(c.AreaSquareMeters)};");
        foreach (var c in result.Communes)
            sb.Append(CultureInfo.InvariantCulture, $"c{c.CommuneId}:{F(c.GridSquareMeters)}:{string.Join(":", c.ClassSquareMeters.Select(F))}:{F(double.IsNaN(c.MeanNormalised) ? -1 : c.MeanNormalised)};");
        return RunOutput.HashOf(sb.ToString());
    }
}
