using System.Text.Json;

namespace KlimaPakt.Geo.Data.Entities;

/// <summary>
/// A batch study: a named set of runs — analysis kinds × communes or groups × parameter variants — queued together
/// (<see cref="Runs.StudyService"/>). Its runs link to it (<see cref="AnalysisRun.StudyId"/>); submitting the same study
/// again (same region, name and <see cref="Sha256"/>) resumes it instead of creating a second one.
/// </summary>
public sealed class Study
{
    /// <summary>Study id.</summary>
    public Guid Id { get; set; }

    /// <summary>Region of every run of the study.</summary>
    public int RegionId { get; set; }

    /// <summary>The study's name, as its file gives it.</summary>
    public required string Name { get; set; }

    /// <summary>SHA-256 of the study's resolved items (kind, communes, normalised parameters of each), hex: the same study file gives the same hash.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The resolved items as JSON: per item its key, kind, target, variant, commune codes and normalised parameters.</summary>
    public required JsonDocument Items { get; set; }

    /// <summary>When it was first submitted.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The API key that first submitted it (null: the command line).</summary>
    public Guid? CreatedByKeyId { get; set; }
}
