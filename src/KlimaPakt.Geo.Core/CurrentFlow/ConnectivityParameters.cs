using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Core.CurrentFlow;

/// <summary>
/// Parameters of a connectivity run (docs/circuits.md, "The connectivity run"): the Omniscape-style moving window over
/// one trame's resistance surface, stored with the run in full. The trame's resistance table comes from its species
/// profile, as in the corridors run (<see cref="CorridorParameters"/>).
/// </summary>
public sealed record ConnectivityParameters
{
    /// <summary>Trame whose resistance surface is used: green, blue or black.</summary>
    public string Trame { get; init; } = Trames.Green;

    /// <summary>Species profile name (forest-mammal, amphibian, bat) for the trame; null: the trame's default profile.</summary>
    public string? Species { get; init; }

    /// <summary>Cell size of the analysis grid, in metres (a window solves about π·(radius/cell)² cells).</summary>
    public double CellSizeMeters { get; init; } = 200;

    /// <summary>Moving-window radius, in metres (Omniscape's radius: how far movement from each source is followed).</summary>
    public double RadiusMeters { get; init; } = 2000;

    /// <summary>Side of the square blocks of target cells solved as one window, in cells (odd; 1 = every cell its own window).</summary>
    public int BlockSize { get; init; } = 3;

    /// <summary>Relative residual each window's solve stops at.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Upper bounds of the normalised-current classes impeded, diffuse and intensified (above the last:
    /// channelised), ascending.</summary>
    public IReadOnlyList<double> ClassBreaks { get; init; } = [0.7, 1.3, 2.0];

    /// <summary>Names of the four classes of normalised current, lowest first.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["impeded", "diffuse", "intensified", "channelised"];

    /// <summary>The trame's species profile (after <see cref="Validate"/>).</summary>
    public SpeciesProfile? Profile { get; init; }

    /// <summary>The window radius in cells.</summary>
    public double RadiusCells => RadiusMeters / CellSizeMeters;

    /// <summary>Throws <see cref="GeoInputException"/> listing every invalid parameter; returns them with the profile resolved.</summary>
    public ConnectivityParameters Validate()
    {
        var errors = new List<string>();
        var trame = (Trame ?? "").Trim().ToLowerInvariant();
        if (!Trames.Each.Contains(trame)) errors.Add($"Trame must be green, blue or black (got '{Trame}').");
        if (!(CellSizeMeters is >= 10 and <= 2000)) errors.Add($"CellSizeMeters must be between 10 and 2000 (got {CellSizeMeters}).");
        if (!(RadiusMeters > 0) || !double.IsFinite(RadiusMeters)) errors.Add($"RadiusMeters must be > 0 (got {RadiusMeters}).");
        else if (CellSizeMeters > 0 && RadiusMeters / CellSizeMeters is < 2 or > 200)
            errors.Add($"RadiusMeters must be 2 to 200 cells of {CellSizeMeters} m (got {RadiusMeters} m = {RadiusMeters / CellSizeMeters:0.#} cells).");
        if (BlockSize < 1 || BlockSize % 2 == 0) errors.Add($"BlockSize must be an odd number of cells ≥ 1 (got {BlockSize}).");
        else if (CellSizeMeters > 0 && BlockSize > RadiusMeters / CellSizeMeters)
            errors.Add($"BlockSize must not exceed the radius in cells ({RadiusMeters / CellSizeMeters:0.#}; got {BlockSize}).");
        if (!(Tolerance is > 0 and < 1)) errors.Add($"Tolerance must be between 0 and 1 (got {Tolerance}).");
        if (ClassBreaks is not { Count: 3 } b || !(b[0] > 0 && b[0] < b[1] && b[1] < b[2]) || b.Any(v => !double.IsFinite(v)))
            errors.Add($"ClassBreaks must be three ascending positive numbers (got [{string.Join(", ", ClassBreaks ?? [])}]).");
        SpeciesProfile? profile = null;
        if (Trames.Each.Contains(trame))
        {
            try
            {
                profile = new CorridorParameters { Trame = trame, Species = Species }.Validate().ProfileOf(trame);
            }
            catch (GeoInputException e)
            {
                errors.AddRange(e.Details.Count > 0 ? e.Details : [e.Message]);
            }
        }
        if (errors.Count > 0) throw new GeoInputException("Invalid connectivity parameters.", errors);
        return this with { Trame = trame, Profile = profile };
    }

    /// <summary>The class (1 impeded … 4 channelised) of a normalised current; 0 for NaN (no data).</summary>
    public int ClassOf(float normalised)
    {
        if (float.IsNaN(normalised)) return 0;
        int k = 1;
        while (k <= ClassBreaks.Count && normalised >= (float)ClassBreaks[k - 1]) k++; // the bounds as the float cells hold them
        return k;
    }
}
