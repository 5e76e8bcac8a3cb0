namespace KlimaPakt.Geo.Core.Corridors;

/// <summary>The trames (networks) a corridors run computes.</summary>
public static class Trames
{
    /// <summary>Green: vegetated habitat (forest, grassland, hedges, orchards, protected areas).</summary>
    public const string Green = "green";

    /// <summary>Blue: water courses (buffered by a bank width), water bodies, wetlands.</summary>
    public const string Blue = "blue";

    /// <summary>Black: darkness for nocturnal species (reservoirs and links kept free of artificial light).</summary>
    public const string Black = "black";

    /// <summary>All three, in the order green, blue, black (black's conflicts need the others' corridors).</summary>
    public const string All = "all";

    /// <summary>The single trames, in run order.</summary>
    public static IReadOnlyList<string> Each { get; } = [Green, Blue, Black];
}

/// <summary>
/// A species profile: what a trame's patches are, how the landscape resists movement and how far the species disperses.
/// Costs are <b>cost units</b>: resistance × metres (Linkage Mapper's cost-weighted distance; the raster core's
/// <c>CostDistanceUnits.MapUnits</c>), so crossing one 25 m cell of resistance 1000 costs 25,000.
/// </summary>
public sealed record SpeciesProfile
{
    /// <summary>Profile name (kebab case), e.g. <c>forest-mammal</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The trame the profile is for: green, blue or black.</summary>
    public string Trame { get; init; } = Trames.Green;

    /// <summary>What the profile stands for and where its values come from.</summary>
    public string Description { get; init; } = "";

    /// <summary>Land-cover classes (and the pseudo-classes <c>protected</c>, <c>water</c>) whose cells are habitat. Unused
    /// by the black trame, whose habitat is darkness.</summary>
    public IReadOnlyList<string> HabitatClasses { get; init; } = [];

    /// <summary>Dispersal distance in cost units: Graphab's p = exp(−k·d) is 0.05 there.</summary>
    public double DispersalDistanceCost { get; init; }

    /// <summary>Smallest habitat patch kept, in hectares.</summary>
    public double MinPatchAreaHectares { get; init; }

    /// <summary>Truncation of each patch's cost-distance search, in cost units: links longer than this are not sought, and
    /// corridors only cover cells both of their patches reach within it.</summary>
    public double MaxCostDistance { get; init; }

    /// <summary>Corridor width in cost units: cells whose cost_A + cost_B − LCD(A, B) exceeds it are outside the
    /// corridor (Linkage Mapper's truncation, 200,000 by default).</summary>
    public double CorridorWidthCost { get; init; } = 200_000;

    /// <summary>Resistance per land-cover class (see <see cref="CorridorLandCover.KnownClasses"/>), per metre; cells
    /// without land cover take the <c>unmapped</c> entry.</summary>
    public IReadOnlyDictionary<string, double> Resistance { get; init; } = new Dictionary<string, double>();

    /// <summary>Resistance of motorway and trunk cells (every cell the road touches), per metre.</summary>
    public double MotorwayCost { get; init; }

    /// <summary>Resistance of railway cells (every cell the line touches), per metre.</summary>
    public double RailwayCost { get; init; }

    /// <summary>Blue trame: half-width of the habitat band burnt along water courses, in metres.</summary>
    public double BankWidthMeters { get; init; } = 10;

    /// <summary>Black trame: distance over which the proxy light of a lit cell falls by a factor e, in metres.</summary>
    public double LightDecayMeters { get; init; } = 100;

    /// <summary>Black trame: cells whose light (0–1) is at most this are dark (habitat).</summary>
    public double DarkLightMax { get; init; } = 0.05;

    /// <summary>Black trame (and conflicts): cells whose light (0–1) is at least this are lit.</summary>
    public double LitLightMin { get; init; } = 0.5;

    /// <summary>Black trame: resistance added at light 1 (scaled by the light), per metre.</summary>
    public double LightCost { get; init; } = 500;

    /// <summary>Dispersal decay k of Graphab's p = exp(−k·d): ln(20) / dispersal distance, so p = 0.05 there.</summary>
    public double DecayPerCost => Math.Log(20) / DispersalDistanceCost;
}

/// <summary>
/// The built-in species profiles, as data. Values are documented examples for Luxembourg-scale planning, not calibrated
/// models: resistances follow the 1 (habitat) … 1,000 (built-up) ladder of DOMAIN.md §3 and the expert tables of
/// French TVB studies; dispersal distances are the orders of magnitude those studies use for the guild.
/// </summary>
public static class SpeciesProfiles
{
    private static readonly string[] BuiltUp = ["built_up", "residential", "commercial", "industrial", "retail", "construction", "farmyard", "garages", "railway", "quarry", "landfill", "building"];

    private static Dictionary<string, double> Table(double habitat, double scrub, double grass, double crop, double urbanGreen, double water,
        double builtUp, double other, double road, params (string Class, double Cost)[] extra)
    {
        (string[] Classes, double Cost)[] groups =
        [
            (["forest", "wood", "nature_reserve"], habitat),
            (["scrub", "heath", "orchard"], scrub),
            (["grassland", "meadow", "grass", "grassland_cropland", "wetland"], grass),
            (["farmland", "vineyard"], crop),
            (["allotments", "park", "cemetery", "village_green", "recreation_ground", "garden", "golf_course", "miniature_golf"], urbanGreen),
            (["other", "unmapped", "stone", "bare_rock"], other),
            (["pitch", "playground", "track"], builtUp / 4),
            (["sports_centre", "aerodrome"], builtUp / 2),
            (["stadium", "swimming_pool"], builtUp),
            (["water", "basin", "reservoir"], water),
            (["road"], road),
        ];
        var t = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (classes, cost) in groups)
            foreach (var c in classes) t[c] = cost;
        foreach (var b in BuiltUp) t[b] = builtUp;
        foreach (var (c, v) in extra) t[c] = v;
        return t;
    }

    /// <summary>Green: a forest mammal (pine marten, roe deer guild): forest habitat, 20 km of forest dispersal.</summary>
    public static SpeciesProfile ForestMammal { get; } = new()
    {
        Name = "forest-mammal",
        Trame = Trames.Green,
        Description = "Forest mammal (pine marten / roe deer guild): forest and protected areas as habitat (≥ 50 ha), " +
            "dispersal 20,000 cost units (20 km of forest, 1 km of grassland); motorways and railways nearly impassable.",
        HabitatClasses = ["forest", "wood", "nature_reserve", "protected"],
        DispersalDistanceCost = 20_000,
        MinPatchAreaHectares = 50,
        MaxCostDistance = 40_000,
        Resistance = Table(habitat: 1, scrub: 5, grass: 20, crop: 30, urbanGreen: 100, water: 200, builtUp: 1000, other: 50, road: 300),
        MotorwayCost = 5000,
        RailwayCost = 500,
    };

    /// <summary>Blue: a pond-breeding amphibian (common toad / newts): water and wetland habitat, 2 km dispersal.</summary>
    public static SpeciesProfile Amphibian { get; } = new()
    {
        Name = "amphibian",
        Trame = Trames.Blue,
        Description = "Pond-breeding amphibian (common toad / newts): water bodies, water courses with a 10 m bank and wetlands as " +
            "habitat (≥ 0.5 ha), dispersal 4,000 cost units (4 km of water or wetland, 1 km of forest); roads are a major barrier.",
        HabitatClasses = ["water", "wetland", "basin", "reservoir"],
        DispersalDistanceCost = 4_000,
        MinPatchAreaHectares = 0.5,
        MaxCostDistance = 10_000,
        Resistance = Table(habitat: 4, scrub: 5, grass: 5, crop: 30, urbanGreen: 50, water: 1, builtUp: 1000, other: 50, road: 500, ("wetland", 1)),
        MotorwayCost = 10_000,
        RailwayCost = 1000,
        BankWidthMeters = 10,
    };

    /// <summary>Black: a light-averse bat (lesser horseshoe bat / Myotis guild): darkness as habitat.</summary>
    public static SpeciesProfile Bat { get; } = new()
    {
        Name = "bat",
        Trame = Trames.Black,
        Description = "Light-averse bat (lesser horseshoe / Myotis guild): dark areas (proxy light ≤ 0.05, i.e. ~300 m from lit land) " +
            "as reservoirs (≥ 100 ha), dispersal 10,000 cost units; light adds up to 500 per metre of resistance, woodland guides flight.",
        DispersalDistanceCost = 10_000,
        MinPatchAreaHectares = 100,
        MaxCostDistance = 30_000,
        Resistance = Table(habitat: 1, scrub: 2, grass: 10, crop: 20, urbanGreen: 20, water: 5, builtUp: 100, other: 20, road: 50),
        MotorwayCost = 500,
        RailwayCost = 50,
        LightDecayMeters = 100,
        DarkLightMax = 0.05,
        LitLightMin = 0.5,
        LightCost = 500,
    };

    /// <summary>Every built-in profile.</summary>
    public static IReadOnlyList<SpeciesProfile> All { get; } = [ForestMammal, Amphibian, Bat];

    /// <summary>The built-in profile of a trame.</summary>
    public static SpeciesProfile DefaultFor(string trame) => All.First(p => p.Trame == trame);

    /// <summary>The built-in profile named <paramref name="name"/>, or null.</summary>
    public static SpeciesProfile? Named(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
