namespace KlimaPakt.Geo.Data.Tiles;

/// <summary>How a layer's features are coloured: one colour, classes of an integer field, or graduated by a number.</summary>
public enum StyleKind
{
    /// <summary>Every feature in the layer's colour.</summary>
    Single,

    /// <summary>One colour per value of <see cref="LayerStyle.Field"/> (score classes, ranks): the classes come from the data.</summary>
    Classes,

    /// <summary>A colour ramp over the values of <see cref="LayerStyle.Field"/>, at <see cref="LayerStyle.Breaks"/> or the data's range.</summary>
    Graduated,
}

/// <summary>
/// Style metadata served with a layer in <c>/catalog</c> and TileJSON, so that a map renders any layer without knowing
/// its name: the kind, the field and its unit, the colours, the legend text and a label field.
/// </summary>
public sealed record LayerStyle
{
    /// <summary>Single colour, classes or graduated.</summary>
    public StyleKind Kind { get; init; } = StyleKind.Single;

    /// <summary>Colour (<c>#rrggbb</c>) of a single-colour layer; null: the registry gives each layer a distinct one.</summary>
    public string? Colour { get; init; }

    /// <summary>The field classes or the ramp are taken from.</summary>
    public string? Field { get; init; }

    /// <summary>Fields holding a class's lower and upper bound (shown in the legend), e.g. <c>score_min</c>, <c>score_max</c>.</summary>
    public (string Lower, string Upper)? BoundFields { get; init; }

    /// <summary>Field naming each class (shown in the legend after the class value), e.g. <c>class_name</c>; null: none.</summary>
    public string? ClassNameField { get; init; }

    /// <summary>Colours from the lowest class or value to the highest; classes take evenly spaced colours from it.</summary>
    public IReadOnlyList<string> Ramp { get; init; } = [];

    /// <summary>Fixed break values of a graduated layer (one per ramp colour); empty: the data's range of the latest run.</summary>
    public IReadOnlyList<double> Breaks { get; init; } = [];

    /// <summary>Legend text; the unit of <see cref="Field"/> is added by the server.</summary>
    public string? Legend { get; init; }

    /// <summary>Field whose value labels features on the map, or null.</summary>
    public string? LabelField { get; init; }

    /// <summary>Whether the map shows the layer when it opens.</summary>
    public bool Visible { get; init; }

    /// <summary>Fill opacity of polygons (0–1).</summary>
    public double Opacity { get; init; } = 0.6;

    /// <summary>Sequential ramps (ColorBrewer, colour-blind safe) used by the analyses.</summary>
    public static class Ramps
    {
        /// <summary>Pale orange to deep red (ColorBrewer OrRd).</summary>
        public static IReadOnlyList<string> OrangeRed { get; } = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"];

        /// <summary>Pale to deep green (ColorBrewer Greens).</summary>
        public static IReadOnlyList<string> Greens { get; } = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];

        /// <summary>Pale to deep blue (ColorBrewer Blues).</summary>
        public static IReadOnlyList<string> Blues { get; } = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

        /// <summary>Pale to deep purple (ColorBrewer Purples).</summary>
        public static IReadOnlyList<string> Purples { get; } = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];

        /// <summary>Deep red (worst) to pale yellow (ColorBrewer YlOrRd, reversed): rank 1 is the strongest colour.</summary>
        public static IReadOnlyList<string> RankRed { get; } = ["#bd0026", "#f03b20", "#fd8d3c", "#fecc5c", "#ffffb2"];
    }

    /// <summary>Evenly spaced colours of <paramref name="ramp"/> for <paramref name="count"/> classes (linear in RGB).</summary>
    public static IReadOnlyList<string> Spread(IReadOnlyList<string> ramp, int count)
    {
        if (count <= 0 || ramp.Count == 0) return [];
        if (count == 1) return [ramp[^1]];
        var colours = new string[count];
        for (int i = 0; i < count; i++)
        {
            double t = (double)i / (count - 1) * (ramp.Count - 1);
            int a = Math.Min((int)Math.Floor(t), ramp.Count - 1), b = Math.Min(a + 1, ramp.Count - 1);
            double f = t - a;
            var (ra, ga, ba) = Rgb(ramp[a]);
            var (rb, gb, bb) = Rgb(ramp[b]);
            colours[i] = $"#{Mix(ra, rb, f):x2}{Mix(ga, gb, f):x2}{Mix(ba, bb, f):x2}";
        }
        return colours;

        static int Mix(int x, int y, double f) => (int)Math.Round(x + (y - x) * f);
        static (int, int, int) Rgb(string hex) =>
            (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));
    }
}
