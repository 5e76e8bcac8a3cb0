namespace KlimaPakt.Geo.Data.Runs;

/// <summary>Settings section <c>Results</c>: where runs write their GeoTIFFs.</summary>
public sealed class ResultsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Results";

    /// <summary>
    /// Folder of the run GeoTIFFs (<c>{kind}_{run}_{name}.tif</c>, registered in <c>rasters</c>); default
    /// <c>klimapakt/results</c> under the user's local application data (the temporary folder when there is none).
    /// </summary>
    public string Directory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) is { Length: > 0 } a ? a : Path.GetTempPath(), "klimapakt", "results");
}
