using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Core.Corridors;

/// <summary>The land-cover vocabulary a resistance table may name.</summary>
public static class CorridorLandCover
{
    /// <summary>
    /// Classes the imports write to <c>land_cover</c> (the Sentinel-2 classifier's <c>forest</c>, <c>grassland_cropland</c>,
    /// <c>built_up</c>, <c>water</c>, <c>other</c>; OSM's landuse/natural/leisure values; <c>aerodrome</c>), plus the
    /// pseudo-classes the corridors analysis burns itself: <c>water</c> (water bodies, water courses), <c>building</c>,
    /// <c>road</c> (other major roads), <c>protected</c> (protected areas, as habitat only) and <c>unmapped</c> (cells no
    /// land cover covers).
    /// </summary>
    public static IReadOnlySet<string> KnownClasses { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "forest", "wood", "scrub", "heath", "orchard", "grassland", "meadow", "grass", "grassland_cropland", "wetland", "farmland", "vineyard",
        "allotments", "other", "unmapped", "park", "cemetery", "village_green", "recreation_ground", "garden", "golf_course", "pitch", "playground",
        "sports_centre", "stadium", "swimming_pool", "miniature_golf", "track", "stone", "bare_rock", "sand", "scree", "beach", "water", "basin",
        "reservoir", "aerodrome", "road", "built_up", "residential", "commercial", "industrial", "retail", "construction", "farmyard", "garages",
        "railway", "quarry", "landfill", "building", "nature_reserve", "protected", "greenfield", "brownfield", "military", "plant_nursery",
        "greenhouse_horticulture", "flowerbed", "religious",
    };
}

/// <summary>
/// Parameters of a corridors run (docs/corridors.md), stored with the run in full: <see cref="Validate"/> resolves the
/// species profile of every trame run into <see cref="Profiles"/>, so a run always says which table produced it.
/// </summary>
public sealed record CorridorParameters
{
    /// <summary>Trame to compute: green, blue, black or all.</summary>
    public string Trame { get; init; } = Trames.All;

    /// <summary>Cell size of the analysis grid, in metres.</summary>
    public double CellSizeMeters { get; init; } = 25;

    /// <summary>Species profile name (forest-mammal, amphibian, bat) for its trame; the other trames keep their default.</summary>
    public string? Species { get; init; }

    /// <summary>Override of the dispersal distance, in cost units (resistance × metres), for every trame run.</summary>
    public double? DispersalDistanceCost { get; init; }

    /// <summary>Override of the minimum patch area, in hectares, for every trame run.</summary>
    public double? MinPatchAreaHectares { get; init; }

    /// <summary>Override of the cost-distance truncation, in cost units, for every trame run.</summary>
    public double? MaxCostDistance { get; init; }

    /// <summary>Override of the corridor width, in cost units, for every trame run (profiles: 200,000).</summary>
    public double? CorridorWidthCost { get; init; }

    /// <summary>Override of the motorway resistance, per metre, for every trame run.</summary>
    public double? MotorwayCost { get; init; }

    /// <summary>Override of the railway resistance, per metre, for every trame run.</summary>
    public double? RailwayCost { get; init; }

    /// <summary>Resistance entries (class → cost per metre) merged over the profiles' tables, for every trame run.</summary>
    public IReadOnlyDictionary<string, double>? Resistance { get; init; }

    /// <summary>Night-time radiance raster (a registered raster name, e.g. VIIRS DNB in nW/cm²/sr): the black trame's light
    /// where no street lamp is mapped; null uses street lamps or the proxy from built-up land.</summary>
    public string? NightRadianceRaster { get; init; }

    /// <summary>Radiance that counts as full light, in nW/cm²/sr (assumed: lit town centres; light = radiance / this, capped at 1).</summary>
    public double FullLightRadiance { get; init; } = DefaultFullLightRadiance;

    /// <summary>Default of <see cref="FullLightRadiance"/>: 20 nW/cm²/sr.</summary>
    public const double DefaultFullLightRadiance = 20;

    /// <summary>Pinch points: per link, the circuit between its two patches inside its least-cost corridor (Linkage Mapper's
    /// Pinchpoint Mapper), the current map and each link's effective resistance. False skips the circuit stage.</summary>
    public bool PinchPoints { get; init; } = true;

    /// <summary>Width of the corridor each link's pinch-point circuit runs in, in cost units above the least-cost path
    /// (Pinchpoint Mapper's CWD cutoff); null: the corridors' first class, a quarter of the smaller of the corridor width
    /// and the truncation.</summary>
    public double? PinchPointWidthCost { get; init; }

    /// <summary>Most corridor cells of one link's pinch-point circuit (about 60 bytes each while it is solved); a larger
    /// corridor is skipped and named in the run log.</summary>
    public int MaxPinchPointCells { get; init; } = 4_000_000;

    /// <summary>Full profiles per trame (from --params or the API; one per trame at most); filled in by <see cref="Validate"/>.</summary>
    public IReadOnlyList<SpeciesProfile>? Profiles { get; init; }

    /// <summary>The trames this run computes, in run order.</summary>
    public IReadOnlyList<string> TramesRun => Trame == Trames.All ? Trames.Each : [Trame];

    /// <summary>The resolved profile of <paramref name="trame"/> (after <see cref="Validate"/>).</summary>
    public SpeciesProfile ProfileOf(string trame) =>
        Profiles?.FirstOrDefault(p => p.Trame == trame) ?? throw new InvalidOperationException($"No profile for trame '{trame}': validate first.");

    /// <summary>
    /// Throws <see cref="GeoInputException"/> listing every invalid parameter (unknown trame, profile or land-cover class,
    /// a cost ≤ 0, a minimum area &lt; 0, …); returns the parameters with <see cref="Profiles"/> resolved for every trame run.
    /// </summary>
    public CorridorParameters Validate()
    {
        var errors = new List<string>();
        var trame = (Trame ?? "").Trim().ToLowerInvariant();
        if (trame != Trames.All && !Trames.Each.Contains(trame)) errors.Add($"Trame must be green, blue, black or all (got '{Trame}').");
        if (!(CellSizeMeters is >= 1 and <= 1000)) errors.Add($"CellSizeMeters must be between 1 and 1000 (got {CellSizeMeters}).");
        if (!(FullLightRadiance > 0) || !double.IsFinite(FullLightRadiance)) errors.Add($"FullLightRadiance must be > 0 nW/cm²/sr (got {FullLightRadiance}).");
        if (PinchPointWidthCost is { } pw && !(pw > 0 && double.IsFinite(pw))) errors.Add($"PinchPointWidthCost must be > 0 (got {pw}).");
        if (MaxPinchPointCells < 1) errors.Add($"MaxPinchPointCells must be at least 1 (got {MaxPinchPointCells}).");
        if (NightRadianceRaster is { Length: 0 }) errors.Add("NightRadianceRaster must be a raster name when given.");
        SpeciesProfile? species = null;
        if (Species is { } name)
        {
            species = SpeciesProfiles.Named(name);
            if (species is null) errors.Add($"Species '{name}' is not a profile (known: {string.Join(", ", SpeciesProfiles.All.Select(p => p.Name))}).");
            else if (trame != Trames.All && Trames.Each.Contains(trame) && species.Trame != trame)
                errors.Add($"Species '{name}' is a {species.Trame} profile, not one for trame '{trame}'.");
        }
        foreach (var group in (Profiles ?? []).GroupBy(p => p.Trame).Where(g => g.Count() > 1))
            errors.Add($"Profiles: more than one profile for trame '{group.Key}'.");

        // With an unknown trame the overrides are still checked (on every trame), so one answer lists every error.
        var resolved = new List<SpeciesProfile>();
        foreach (var t in trame == Trames.All || !Trames.Each.Contains(trame) ? Trames.Each : [trame])
        {
            var profile = Profiles?.FirstOrDefault(p => p.Trame == t) ?? (species?.Trame == t ? species : SpeciesProfiles.DefaultFor(t));
            var table = new Dictionary<string, double>(profile.Resistance, StringComparer.Ordinal);
            foreach (var (c, v) in Resistance ?? new Dictionary<string, double>()) table[c] = v;
            profile = profile with
            {
                DispersalDistanceCost = DispersalDistanceCost ?? profile.DispersalDistanceCost,
                MinPatchAreaHectares = MinPatchAreaHectares ?? profile.MinPatchAreaHectares,
                MaxCostDistance = MaxCostDistance ?? profile.MaxCostDistance,
                CorridorWidthCost = CorridorWidthCost ?? profile.CorridorWidthCost,
                MotorwayCost = MotorwayCost ?? profile.MotorwayCost,
                RailwayCost = RailwayCost ?? profile.RailwayCost,
                Resistance = new SortedDictionary<string, double>(table, StringComparer.Ordinal),
            };
            Check(profile, errors);
            resolved.Add(profile);
        }
        if (errors.Count > 0) throw new GeoInputException("Invalid corridors parameters.", errors);
        return this with { Trame = trame, Profiles = resolved };
    }

    private static void Check(SpeciesProfile p, List<string> errors)
    {
        string at = $"{p.Trame} ({(p.Name.Length > 0 ? p.Name : "custom profile")})";
        if (!Trames.Each.Contains(p.Trame)) errors.Add($"Profile '{p.Name}': trame must be green, blue or black (got '{p.Trame}').");
        if (!(p.DispersalDistanceCost > 0)) errors.Add($"{at}: DispersalDistanceCost must be > 0 (got {p.DispersalDistanceCost}).");
        if (!(p.MinPatchAreaHectares >= 0)) errors.Add($"{at}: MinPatchAreaHectares must be ≥ 0 (got {p.MinPatchAreaHectares}).");
        if (!(p.MaxCostDistance > 0)) errors.Add($"{at}: MaxCostDistance must be > 0 (got {p.MaxCostDistance}).");
        if (!(p.CorridorWidthCost > 0)) errors.Add($"{at}: CorridorWidthCost must be > 0 (got {p.CorridorWidthCost}).");
        if (!(p.MotorwayCost > 0)) errors.Add($"{at}: MotorwayCost must be > 0 (got {p.MotorwayCost}).");
        if (!(p.RailwayCost > 0)) errors.Add($"{at}: RailwayCost must be > 0 (got {p.RailwayCost}).");
        if (!(p.BankWidthMeters >= 0)) errors.Add($"{at}: BankWidthMeters must be ≥ 0 (got {p.BankWidthMeters}).");
        if (!(p.LightDecayMeters > 0)) errors.Add($"{at}: LightDecayMeters must be > 0 (got {p.LightDecayMeters}).");
        if (!(p.DarkLightMax is >= 0 and < 1) || !(p.LitLightMin is > 0 and <= 1) || !(p.DarkLightMax < p.LitLightMin))
            errors.Add($"{at}: need 0 ≤ DarkLightMax < LitLightMin ≤ 1 (got {p.DarkLightMax}, {p.LitLightMin}).");
        if (!(p.LightCost >= 0)) errors.Add($"{at}: LightCost must be ≥ 0 (got {p.LightCost}).");
        if (!p.Resistance.ContainsKey("unmapped")) errors.Add($"{at}: the resistance table needs an 'unmapped' entry (cells without land cover).");
        foreach (var (c, v) in p.Resistance)
        {
            if (!CorridorLandCover.KnownClasses.Contains(c)) errors.Add($"{at}: resistance table: unknown land-cover class '{c}'.");
            if (!(v > 0) || !double.IsFinite(v)) errors.Add($"{at}: resistance of '{c}' must be > 0 (got {v}).");
        }
        foreach (var c in p.HabitatClasses.Where(c => !CorridorLandCover.KnownClasses.Contains(c)))
            errors.Add($"{at}: habitat classes: unknown land-cover class '{c}'.");
        if (p.Trame != Trames.Black && p.HabitatClasses.Count == 0) errors.Add($"{at}: no habitat classes.");
    }
}
