using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Circuits;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.CurrentFlow;

/// <summary>Polygons of one class of normalised current.</summary>
/// <param name="Class">1 impeded, 2 diffuse, 3 intensified, 4 channelised.</param>
/// <param name="Name">The class's name.</param>
/// <param name="MinNormalised">Lower bound of the class (0 for the first).</param>
/// <param name="MaxNormalised">Upper bound of the class (null for the last).</param>
/// <param name="AreaSquareMeters">Area.</param>
/// <param name="Geometry">Polygons.</param>
public sealed record ConnectivityClass(int Class, string Name, double MinNormalised, double? MaxNormalised, double AreaSquareMeters, Geometry Geometry);

/// <summary>Per commune: the area of each class of normalised current on the grid.</summary>
/// <param name="CommuneId">Commune id.</param>
/// <param name="GridSquareMeters">Commune area on the grid with a current (cells with a resistance).</param>
/// <param name="ClassSquareMeters">Area per class, impeded first.</param>
/// <param name="MeanNormalised">Mean normalised current over the commune's cells.</param>
public sealed record CommuneConnectivity(int CommuneId, double GridSquareMeters, IReadOnlyList<double> ClassSquareMeters, double MeanNormalised);

/// <summary>What a connectivity run computed.</summary>
public sealed class ConnectivityResult
{
    /// <summary>The parameters used (profile resolved).</summary>
    public required ConnectivityParameters Parameters { get; init; }

    /// <summary>Where the black trame's light came from (street lamps, radiance or the proxy).</summary>
    public required string LightSource { get; init; }

    /// <summary>The trame's resistance (NaN outside the communes).</summary>
    public required Raster<float> Resistance { get; init; }

    /// <summary>Cumulative current, amperes (NaN outside).</summary>
    public required Raster<float> CumulativeCurrent { get; init; }

    /// <summary>Flow potential: the cumulative current on a uniform resistance, amperes.</summary>
    public required Raster<float> FlowPotential { get; init; }

    /// <summary>Normalised current: cumulative / flow potential (1 = as on a uniform landscape).</summary>
    public required Raster<float> NormalisedCurrent { get; init; }

    /// <summary>Polygons per class of normalised current.</summary>
    public required IReadOnlyList<ConnectivityClass> Classes { get; init; }

    /// <summary>Per-commune class areas.</summary>
    public required IReadOnlyList<CommuneConnectivity> Communes { get; init; }

    /// <summary>Windows solved, windows stopped at the iteration cap, CG iterations in all.</summary>
    public required (int Windows, int NotConverged, long Iterations) Solves { get; init; }

    /// <summary>Notes for the run log.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}

/// <summary>
/// The connectivity run: the trame's resistance surface of the corridors analysis (<see cref="CorridorLandscape"/>,
/// the same table, barriers and light) as conductance, every cell a source of strength 1/resistance (Omniscape's default
/// when no source raster is given), the moving window of <see cref="MovingWindowCircuits"/> → cumulative current, flow
/// potential and normalised current, classed and polygonised, and summed per commune.
/// </summary>
public static class ConnectivityCalculator
{
    /// <summary>Computes the connectivity of <paramref name="parameters"/> (validated) on <paramref name="inputs"/>.</summary>
    public static async Task<ConnectivityResult> ComputeAsync(CorridorInputs inputs, ConnectivityParameters parameters, Func<string, double, Task> stage,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(stage);
        var profile = parameters.Profile ?? throw new InvalidOperationException("Validate the parameters first.");
        await stage("rasterise", 12);
        var land = new CorridorLandscape(inputs, parameters.Trame == Trames.Blue ? profile.BankWidthMeters : 0);
        var grid = land.Grid;
        var notes = new List<string>();
        var (resistance, missing) = land.Resistance(profile);
        if (missing.Count > 0) notes.Add($"land-cover classes without a resistance, given the 'unmapped' cost: {string.Join(", ", missing)}");
        int n = resistance.Length;
        var conductance = new float[n];
        for (int i = 0; i < n; i++) conductance[i] = float.IsNaN(resistance[i]) ? float.NaN : 1f / resistance[i];

        await stage("moving window", 20);
        ct.ThrowIfCancellationRequested();
        var options = new MovingWindowOptions
        {
            RadiusCells = parameters.RadiusCells,
            BlockSize = parameters.BlockSize,
            Solver = new Raster.Circuits.CircuitOptions { Tolerance = parameters.Tolerance, AllCores = false },
        }.Validate();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var window = MovingWindowCircuits.Run(conductance, conductance, grid.Width, grid.Height, options);
        ct.ThrowIfCancellationRequested();
        notes.Add($"moving window: {window.Windows} windows of radius {parameters.RadiusMeters:0} m ({parameters.RadiusCells:0.#} cells), block {parameters.BlockSize}, " +
            $"{window.Iterations} CG iterations, {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s" +
            (window.NotConverged > 0 ? $"; {window.NotConverged} windows stopped at the iteration cap" : ""));

        await stage("classes", 80);
        var normalised = window.Normalised!;
        var classes = new int[n];
        int zoneCount = land.CommuneIds.Count;
        var perZone = new double[zoneCount + 1, ConnectivityParameters.ClassNames.Count + 1];
        var sum = new double[zoneCount + 1];
        for (int i = 0; i < n; i++)
        {
            if (land.Zones[i] == 0 || float.IsNaN(resistance[i])) { normalised[i] = float.NaN; continue; }
            int k = parameters.ClassOf(normalised[i]);
            classes[i] = k;
            if (k == 0) continue;
            perZone[land.Zones[i], k]++;
            perZone[land.Zones[i], 0]++;
            sum[land.Zones[i]] += normalised[i];
        }
        var factory = new GeometryFactory(new PrecisionModel(), grid.Srid);
        var polygons = RasterPolygonizer.Polygonize(grid, classes, 0, factory)
            .Select(c => new ConnectivityClass(c.Value, ConnectivityParameters.ClassNames[c.Value - 1], c.Value == 1 ? 0 : parameters.ClassBreaks[c.Value - 2],
                c.Value <= parameters.ClassBreaks.Count ? parameters.ClassBreaks[c.Value - 1] : null, c.CellCount * grid.CellAreaSquareUnits, c.Geometry))
            .ToList();
        double cell = grid.CellAreaSquareUnits;
        var communes = land.CommuneIds.Select((id, z) => new CommuneConnectivity(id, perZone[z + 1, 0] * cell,
            [.. Enumerable.Range(1, ConnectivityParameters.ClassNames.Count).Select(k => perZone[z + 1, k] * cell)],
            perZone[z + 1, 0] > 0 ? sum[z + 1] / perZone[z + 1, 0] : double.NaN)).ToList();
        for (int i = 0; i < n; i++)
            if (float.IsNaN(normalised[i])) { window.CumulativeAmps[i] = float.NaN; window.FlowPotentialAmps![i] = float.NaN; }
        return new ConnectivityResult
        {
            Parameters = parameters,
            LightSource = land.LightSource,
            Resistance = new Raster<float>(grid, resistance),
            CumulativeCurrent = new Raster<float>(grid, window.CumulativeAmps),
            FlowPotential = new Raster<float>(grid, window.FlowPotentialAmps!),
            NormalisedCurrent = new Raster<float>(grid, normalised),
            Classes = polygons,
            Communes = communes,
            Solves = (window.Windows, window.NotConverged, window.Iterations),
            Notes = notes,
        };
    }
}
