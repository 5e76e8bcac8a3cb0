namespace KlimaPakt.Geo.Data.Publishing;

/// <summary>
/// Told when an analysis run has been published (its transaction committed), so that whatever serves the run's
/// layers — the API's output cache — drops what it holds for them. The run machinery calls it right after the
/// publishing transaction; the API also notices runs published by another process (the CLI) by polling.
/// </summary>
public interface IRunPublishedNotifier
{
    /// <summary>Run <paramref name="runId"/> of analysis <paramref name="kind"/> is now the published one.</summary>
    ValueTask RunPublishedAsync(Guid runId, string kind, CancellationToken cancellationToken = default);
}

/// <summary>The notifier where nothing caches (the CLI).</summary>
public sealed class NoRunPublishedNotifier : IRunPublishedNotifier
{
    /// <inheritdoc />
    public ValueTask RunPublishedAsync(Guid runId, string kind, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
