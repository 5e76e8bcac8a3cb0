using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;

namespace KlimaPakt.Geo.Data.Exports;

/// <summary>One run of an exported study: its item, run id and the folder its export went to.</summary>
public sealed record StudyRunExport(string Key, Guid RunId, string Folder, RunExport Export);

/// <summary>What a study export wrote: one folder per run and <c>study.csv</c>, the index of them.</summary>
public sealed record StudyExport(Guid StudyId, string Name, string Index, IReadOnlyList<StudyRunExport> Runs);

/// <summary>
/// Exports a whole batch study for hand-over: every run as <see cref="RunExporter"/> exports it, one folder per study
/// item (<c>kind_target_variant</c>), and <c>study.csv</c> listing item, kind, target, variant, run id and folder.
/// Only a finished study is exported: a run not published names the study's unfinished items and writes nothing.
/// </summary>
public sealed class StudyExporter(StudyService studies, RunExporter runs)
{
    /// <summary>Exports study <paramref name="studyId"/> into <paramref name="directory"/>; null when there is no such study (the id may be a run's).</summary>
    /// <exception cref="RunNotPublishedException">A run of the study is not published (each one is named).</exception>
    public async Task<StudyExport?> ExportIfStudyAsync(Guid studyId, string directory, CancellationToken ct = default)
    {
        if (await studies.GetAsync(studyId, ct) is not { } study) return null;
        var unfinished = study.Runs.Where(r => r.Status != RunStatus.Published || r.RunId is null).ToList();
        if (unfinished.Count > 0)
            throw new RunNotPublishedException($"Study '{study.Name}' has {unfinished.Count} run(s) not published: " +
                string.Join(", ", unfinished.Select(r => $"{r.Key} ({r.Status?.ToString().ToLowerInvariant() ?? "not created"})")) +
                ". Run the study again (klimapakt batch) to finish it; only finished studies are exported.");
        Directory.CreateDirectory(directory);
        var exported = new List<StudyRunExport>();
        foreach (var run in study.Runs)
        {
            var folder = FolderOf(run.Key);
            exported.Add(new StudyRunExport(run.Key, run.RunId!.Value, folder, await runs.ExportAsync(run.RunId.Value, Path.Combine(directory, folder), ct)));
        }
        var csv = new StringBuilder("item,kind,target,variant,run_id,folder\n");
        foreach (var (run, export) in study.Runs.Zip(exported))
            csv.Append(CultureInfo.InvariantCulture, $"{Csv(run.Key)},{Csv(run.Kind)},{Csv(run.Target)},{Csv(run.Variant)},{run.RunId},{Csv(export.Folder)}\n");
        var index = Path.Combine(directory, "study.csv");
        await File.WriteAllTextAsync(index, csv.ToString(), ct);
        return new StudyExport(study.Id, study.Name, index, exported);
    }

    /// <summary>A folder name for a study item: its key with every character outside [A-Za-z0-9._-] as '_'.</summary>
    public static string FolderOf(string key) =>
        string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_'));

    private static string Csv(string value) => value.IndexOfAny([',', '"', '\n']) < 0 ? value : '"' + value.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';
}
