using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Tiles;

namespace KlimaPakt.Geo.Data.Features;

/// <summary>Which of an analysis's layers stands for its result in a report's map and in a comparison's difference layer.</summary>
public static class MainLayers
{
    /// <summary>
    /// The main area layer of an analysis: its first polygon layer in classes (the wind or geothermal potential map,
    /// the corridor areas), else its first single-colour polygon layer (the EV service areas), else null.
    /// </summary>
    public static PublishedLayer? Area(AnalysisDescription analysis) =>
        analysis.Layers.FirstOrDefault(l => l.Geometry == LayerGeometry.Polygon && l.Style.Kind == StyleKind.Classes)
        ?? analysis.Layers.FirstOrDefault(l => l.Geometry == LayerGeometry.Polygon && l.Style.Kind == StyleKind.Single);
}
