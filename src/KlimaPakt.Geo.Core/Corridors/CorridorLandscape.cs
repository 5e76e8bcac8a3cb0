using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Corridors;

/// <summary>A feature with its class (land cover, road class).</summary>
/// <param name="Geometry">Geometry in the grid's CRS.</param>
/// <param name="Class">Class value.</param>
public sealed record ClassedFeature(Geometry Geometry, string Class);

/// <summary>What a corridors run reads: the grid, the communes and the input layers, in the grid's CRS.</summary>
public sealed record CorridorInputs
{
    /// <summary>The analysis grid.</summary>
    public required GridSpec Grid { get; init; }

    /// <summary>Communes with their id; cells outside every commune are outside the study area.</summary>
    public required IReadOnlyList<(int Id, Geometry Boundary)> Communes { get; init; }

    /// <summary>Land-cover polygons with their class.</summary>
    public IReadOnlyList<ClassedFeature> LandCover { get; init; } = [];

    /// <summary>Water-body polygons.</summary>
    public IReadOnlyList<Geometry> WaterBodies { get; init; } = [];

    /// <summary>Water-course lines.</summary>
    public IReadOnlyList<Geometry> Waterways { get; init; } = [];

    /// <summary>Protected-area polygons.</summary>
    public IReadOnlyList<Geometry> ProtectedAreas { get; init; } = [];

    /// <summary>Building footprints.</summary>
    public IReadOnlyList<Geometry> Buildings { get; init; } = [];

    /// <summary>Roads with their class (motorway and trunk are barriers; primary and secondary burn as <c>road</c>).</summary>
    public IReadOnlyList<ClassedFeature> Roads { get; init; } = [];

    /// <summary>Railway lines.</summary>
    public IReadOnlyList<Geometry> Railways { get; init; } = [];

    /// <summary>Street lamps (points): where there are any, they are the light sources of the black trame.</summary>
    public IReadOnlyList<Geometry> StreetLamps { get; init; } = [];

    /// <summary>Night-time radiance on the grid (e.g. VIIRS DNB, nW/cm²/sr; NaN: no data), read where no street lamp is
    /// mapped; null: none given.</summary>
    public float[]? NightRadiance { get; init; }

    /// <summary>Radiance that counts as full light (1) when <see cref="NightRadiance"/> is read; light is radiance / this, capped at 1.</summary>
    public double FullLightRadiance { get; init; } = CorridorParameters.DefaultFullLightRadiance;
}

/// <summary>Where the black trame's light comes from, as labelled on every output (<c>light_source</c>).</summary>
public static class LightSources
{
    /// <summary>Mapped street lamps: light falls off with the distance to the nearest lamp.</summary>
    public const string StreetLamps = "street_lamps";

    /// <summary>A night-time radiance raster: light is the radiance relative to full light.</summary>
    public const string Radiance = "radiance";

    /// <summary>Modelled from built-up land cover and buildings: never measured light.</summary>
    public const string Proxy = "proxy";
}

/// <summary>
/// The rasters every trame shares: commune zones, the land-cover class of each cell, barrier masks, the water and
/// protected masks and the proxy light field. Land cover is burnt largest polygon first (a smaller, more specific
/// polygon inside a larger one wins), then water bodies and water courses as <c>water</c>, buildings as
/// <c>building</c>, primary and secondary roads (every cell touched) as <c>road</c>; motorways/trunks and railways
/// are masks of every cell they touch.
/// </summary>
public sealed class CorridorLandscape
{
    /// <summary>Land-cover classes (and buildings) that are light sources of the proxy light field.</summary>
    public static IReadOnlySet<string> LitClasses { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "built_up", "residential", "commercial", "industrial", "retail", "construction", "aerodrome", "building",
    };

    private static readonly HashSet<string> MotorwayClasses = ["motorway", "motorway_link", "trunk", "trunk_link"];
    private static readonly HashSet<string> RoadClasses = ["primary", "primary_link", "secondary", "secondary_link"];

    /// <summary>Builds the shared rasters.</summary>
    public CorridorLandscape(CorridorInputs inputs, double bankWidthMeters)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Grid = inputs.Grid;
        var grid = Grid;
        int n = checked((int)grid.CellCount);
        Zones = GeometryRasterizer.Rasterize(grid, inputs.Communes.Select((c, k) => (c.Boundary, k + 1))).Cells;
        CommuneIds = [.. inputs.Communes.Select(c => c.Id)];
        var names = new List<string> { "unmapped" };
        var codes = new Dictionary<string, int>(StringComparer.Ordinal) { ["unmapped"] = 0 };
        int Code(string c)
        {
            if (codes.TryGetValue(c, out int k)) return k;
            codes[c] = names.Count;
            names.Add(c);
            return names.Count - 1;
        }
        var features = inputs.LandCover.OrderByDescending(f => f.Geometry.Area).Select(f => (f.Geometry, Code(f.Class))).ToList();
        int water = Code("water");
        features.AddRange(inputs.WaterBodies.Select(g => (g, water)));
        var classes = GeometryRasterizer.Rasterize(grid, features).Cells;
        foreach (var g in inputs.Waterways) GeometryRasterizer.Burn(grid, g, classes.AsSpan(), water, allTouched: true);
        int building = Code("building");
        foreach (var g in inputs.Buildings) GeometryRasterizer.Burn(grid, g, classes.AsSpan(), building);
        int road = Code("road");
        foreach (var f in inputs.Roads.Where(r => RoadClasses.Contains(r.Class))) GeometryRasterizer.Burn(grid, f.Geometry, classes.AsSpan(), road, allTouched: true);
        Classes = classes;
        ClassNames = names;
        Motorways = new byte[n];
        foreach (var f in inputs.Roads.Where(r => MotorwayClasses.Contains(r.Class))) GeometryRasterizer.Burn(grid, f.Geometry, Motorways.AsSpan(), (byte)1, allTouched: true);
        Railways = new byte[n];
        foreach (var g in inputs.Railways) GeometryRasterizer.Burn(grid, g, Railways.AsSpan(), (byte)1, allTouched: true);
        Protected = new byte[n];
        foreach (var g in inputs.ProtectedAreas) GeometryRasterizer.Burn(grid, g, Protected.AsSpan(), (byte)1);
        // Blue habitat: water bodies, water-class land cover and the water courses with their banks.
        Water = new byte[n];
        for (int i = 0; i < n; i++) if (classes[i] == water) Water[i] = 1;
        if (bankWidthMeters > 0)
            foreach (var g in inputs.Waterways) GeometryRasterizer.Burn(grid, g.Buffer(bankWidthMeters, 4), Water.AsSpan(), (byte)1, allTouched: true);
        WaterFeatures = inputs.WaterBodies.Count + inputs.Waterways.Count + inputs.LandCover.Count(f => f.Class is "water" or "basin" or "reservoir" or "wetland");
        // The light: street lamps where any are mapped, else a radiance raster where one is given, else the proxy.
        var lit = new byte[n];
        if (inputs.StreetLamps.Count > 0)
        {
            LightSource = LightSources.StreetLamps;
            foreach (var g in inputs.StreetLamps) GeometryRasterizer.Burn(grid, g, lit.AsSpan(), (byte)1, allTouched: true);
        }
        else if (inputs.NightRadiance is { } radiance)
        {
            if (radiance.Length != n) throw new ArgumentException($"The radiance has {radiance.Length} cells, the grid {n}.", nameof(inputs));
            LightSource = LightSources.Radiance;
            _radianceLight = new float[n];
            float full = (float)inputs.FullLightRadiance;
            for (int i = 0; i < n; i++) _radianceLight[i] = float.IsFinite(radiance[i]) ? Math.Clamp(radiance[i] / full, 0f, 1f) : 0f;
        }
        else
        {
            LightSource = LightSources.Proxy;
            var litCodes = names.Select((c, k) => (c, k)).Where(x => LitClasses.Contains(x.c)).Select(x => x.k).ToHashSet();
            for (int i = 0; i < n; i++) if (litCodes.Contains(classes[i])) lit[i] = 1;
        }
        LitSources = lit;
        LitDistanceMeters = new float[n];
        if (_radianceLight is null) FeatureDistance.DistanceMeters(grid, lit, LitDistanceMeters);
        else Array.Fill(LitDistanceMeters, float.NaN);
    }

    private readonly float[]? _radianceLight;

    /// <summary>Where the light comes from (<see cref="LightSources"/>).</summary>
    public string LightSource { get; }

    /// <summary>The grid.</summary>
    public GridSpec Grid { get; }

    /// <summary>Per cell the 1-based index of its commune in <see cref="CommuneIds"/>, 0 outside the study area.</summary>
    public int[] Zones { get; }

    /// <summary>Commune ids by zone − 1.</summary>
    public IReadOnlyList<int> CommuneIds { get; }

    /// <summary>Per cell the index of its class in <see cref="ClassNames"/> (0 = unmapped).</summary>
    public int[] Classes { get; }

    /// <summary>Class names by code.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Cells a motorway or trunk touches.</summary>
    public byte[] Motorways { get; }

    /// <summary>Cells a railway touches.</summary>
    public byte[] Railways { get; }

    /// <summary>Cells inside a protected area.</summary>
    public byte[] Protected { get; }

    /// <summary>Water cells (water bodies, water land cover, water courses with their banks).</summary>
    public byte[] Water { get; }

    /// <summary>Water features in the inputs (water bodies, water courses, water/wetland land cover).</summary>
    public int WaterFeatures { get; }

    /// <summary>Light-source cells: street-lamp cells, or the proxy's built-up land cover and buildings (none with radiance).</summary>
    public byte[] LitSources { get; }

    /// <summary>Distance from each cell centre to the nearest light-source cell, in metres (NaN when there is none, and with radiance).</summary>
    public float[] LitDistanceMeters { get; }

    /// <summary>
    /// Light (0–1) of a cell: with radiance, radiance / full light (capped at 1, 0 where there is no data); else
    /// exp(−d / decay) of its distance d to the nearest light source (a lamp, or built-up land or a building); 0 without any.
    /// </summary>
    public float Light(int cell, double decayMeters) =>
        _radianceLight is { } light ? light[cell]
        : float.IsNaN(LitDistanceMeters[cell]) ? 0f : (float)Math.Exp(-LitDistanceMeters[cell] / decayMeters);

    /// <summary>
    /// The resistance surface of a profile: the table's cost of each cell's class (classes not in the table take its
    /// <c>unmapped</c> cost, and are returned), the motorway and railway costs on their cells, plus for the black
    /// trame <see cref="SpeciesProfile.LightCost"/> × light; NaN outside the study area.
    /// </summary>
    public (float[] Resistance, IReadOnlyList<string> ClassesNotInTable) Resistance(SpeciesProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var costs = ClassNames.Select(c => profile.Resistance.TryGetValue(c, out var v) ? v : profile.Resistance["unmapped"]).ToArray();
        var missing = ClassNames.Where(c => !profile.Resistance.ContainsKey(c)).ToList();
        int n = Zones.Length;
        var r = new float[n];
        bool black = profile.Trame == Trames.Black;
        for (int i = 0; i < n; i++)
        {
            if (Zones[i] == 0) { r[i] = float.NaN; continue; }
            double v = costs[Classes[i]];
            if (Motorways[i] != 0) v = profile.MotorwayCost;
            else if (Railways[i] != 0) v = profile.RailwayCost;
            if (black) v += profile.LightCost * Light(i, profile.LightDecayMeters);
            r[i] = (float)v;
        }
        return (r, missing);
    }

    /// <summary>
    /// Habitat cells of a profile (1) inside the study area: green and blue, cells of its habitat classes (<c>protected</c>:
    /// protected areas; <c>water</c>: the water mask) off motorways and railways, which split patches; black, the dark
    /// cells (light ≤ <see cref="SpeciesProfile.DarkLightMax"/>) that are not light sources.
    /// </summary>
    public int[] Habitat(SpeciesProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        int n = Zones.Length;
        var habitat = new int[n];
        if (profile.Trame == Trames.Black)
        {
            for (int i = 0; i < n; i++)
                if (Zones[i] != 0 && LitSources[i] == 0 && Light(i, profile.LightDecayMeters) <= profile.DarkLightMax) habitat[i] = 1;
            return habitat;
        }
        var set = profile.HabitatClasses.ToHashSet(StringComparer.Ordinal);
        var codes = ClassNames.Select(set.Contains).ToArray();
        bool prot = set.Contains("protected"), water = set.Contains("water");
        for (int i = 0; i < n; i++)
        {
            if (Zones[i] == 0 || Motorways[i] != 0 || Railways[i] != 0) continue;
            if (codes[Classes[i]] || (prot && Protected[i] != 0) || (water && Water[i] != 0)) habitat[i] = 1;
        }
        return habitat;
    }

    /// <summary>Patches: 8-connected habitat components of at least the profile's minimum area, ids 1..N in raster order.</summary>
    public (int[] Labels, int Count) Patches(SpeciesProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var habitat = Habitat(profile);
        long minCells = Math.Max(1, (long)Math.Ceiling(profile.MinPatchAreaHectares * 1e4 / Grid.CellAreaSquareUnits - 1e-9));
        var labels = new int[habitat.Length];
        int count = RasterKernels.ConnectedComponents(habitat, Grid.Width, Grid.Height, Connectivity.Eight, minCells, labels);
        return (labels, count);
    }
}
