namespace KlimaPakt.Geo.Core.Errors;

/// <summary>
/// The documented family of expected failures: bad files, bad parameters, unknown names.
/// The API maps it once to <c>application/problem+json</c>, the CLI to an error line and a non-zero exit code.
/// Messages are written for the user: they name the file, the feature or the row, and never carry database text.
/// </summary>
public class GeoInputException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public GeoInputException(string message, IReadOnlyList<string>? details = null, Exception? inner = null)
        : base(message, inner) => Details = details ?? [];

    /// <summary>Per-feature or per-row details (feature ids, row numbers), at most a few hundred.</summary>
    public IReadOnlyList<string> Details { get; }

    /// <summary>The HTTP status the API answers with (400 unless a subclass says otherwise).</summary>
    public virtual int StatusCode => 400;

    /// <summary>A short title for the problem document.</summary>
    public virtual string Title => "Invalid input";
}

/// <summary>A named thing (region, layer, run, raster) that does not exist: 404 in the API.</summary>
public sealed class NotFoundException(string message) : GeoInputException(message)
{
    /// <inheritdoc />
    public override int StatusCode => 404;

    /// <inheritdoc />
    public override string Title => "Not found";
}
