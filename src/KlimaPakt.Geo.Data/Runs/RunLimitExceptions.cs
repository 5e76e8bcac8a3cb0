using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>The run queue is full for this key or for everyone (429, with the seconds to wait).</summary>
public sealed class QueueFullException(string message, int retryAfterSeconds) : GeoInputException(message)
{
    /// <summary>Seconds before a retry makes sense (the API's <c>Retry-After</c>).</summary>
    public int RetryAfterSeconds { get; } = retryAfterSeconds;

    /// <inheritdoc />
    public override int StatusCode => 429;

    /// <inheritdoc />
    public override string Title => "Too many queued runs";
}

/// <summary>A run whose estimated grid or memory exceeds the settings (400, with the estimate).</summary>
public sealed class RunBudgetException(string message, IReadOnlyList<string> details) : GeoInputException(message, details)
{
    /// <inheritdoc />
    public override string Title => "Run too large";
}
