using KlimaPakt.Geo.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KlimaPakt.Geo.Api.Features.Problems;

public static class ProblemsSetup
{
    public static IServiceCollection AddGeoProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<GeoExceptionHandler>();
        return services;
    }

    /// <summary>
    /// The exception handler, and a check that a request body's declared charset exists: an unknown one would fail in
    /// the JSON reader as a 500; it is a 415 before any endpoint runs.
    /// </summary>
    public static IApplicationBuilder UseGeoProblems(this IApplicationBuilder app) => app.UseExceptionHandler().Use((context, next) =>
    {
        if (context.Request.ContentType is { } type && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media) && media.CharSet is { } charset)
        {
            try { _ = System.Text.Encoding.GetEncoding(charset.Trim('"')); }
            catch (ArgumentException) { throw new UnsupportedMediaTypeException($"Unknown charset '{(charset.Length > 40 ? charset[..40] + "…" : charset)}' in Content-Type; send UTF-8."); }
        }
        return next(context);
    });
}

/// <summary>A request body in a media type or charset the service does not read (415).</summary>
internal sealed class UnsupportedMediaTypeException(string message) : GeoInputException(message)
{
    public override int StatusCode => StatusCodes.Status415UnsupportedMediaType;

    public override string Title => "Unsupported media type";
}

/// <summary>
/// The one error path: the expected-failure family becomes its own status and message; anything else is logged
/// with its detail and answered with a generic 500, so database text never reaches a client (as Martin does).
/// </summary>
internal sealed partial class GeoExceptionHandler(IProblemDetailsService problems, ILogger<GeoExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is GeoInputException input)
        {
            problem = new ProblemDetails { Status = input.StatusCode, Title = input.Title, Detail = ClientText.Clean(input.Message) };
            if (input.Details.Count > 0) problem.Extensions["details"] = input.Details.Take(50).Select(d => ClientText.Clean(d, 300)).ToList();
            if (input is Data.Runs.QueueFullException full)
                context.Response.Headers.RetryAfter = full.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (Data.Runs.RunService.IsDatabaseUnavailable(exception))
        {
            // PostgreSQL is down or unreachable: the service is fine and will answer again when it is back.
            LogDatabaseUnavailable(logger, context.Request.Path, exception.GetType().Name);
            context.Response.Headers.RetryAfter = "5";
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = "The database is unavailable; try again shortly.",
            };
        }
        else if (exception is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.CharacterNotInRepertoire })
        {
            // PostgreSQL refuses NUL (0x00) in text: a client's text parameter carried one.
            problem = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "Text parameters must not contain NUL characters." };
        }
        else if (exception is BadHttpRequestException bad)
        {
            problem = new ProblemDetails { Status = bad.StatusCode, Title = bad.StatusCode == 413 ? "Request too large" : "Bad request", Detail = ClientText.Clean(bad.Message) };
        }
        else if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away
        }
        else
        {
            LogUnexpected(logger, context.Request.Path, exception);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Detail = "The request failed on the server. The error has been logged."
            };
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Path}: the database is unavailable ({Exception})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, PathString path, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Path} failed")]
    private static partial void LogUnexpected(ILogger logger, PathString path, Exception exception);
}

/// <summary>
/// What of a message may reach a client: server paths reduced to their file name (an import's temporary folder, the
/// results folder, a raster's location are nobody's business), control characters dropped, and the whole cut to a
/// bounded length — a 1 MB unknown name is not echoed back as a 1 MB answer.
/// </summary>
public static partial class ClientText
{
    public static string Clean(string? text, int maxLength = 600)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (text.Length > maxLength * 4) text = text[..(maxLength * 4)];
        text = ServerPath().Replace(text, m => System.IO.Path.GetFileName(m.Value.TrimEnd('/')) is { Length: > 0 } name ? name : "…");
        text = string.Concat(text.Where(c => !char.IsControl(c) || c is '\n'));
        return text.Length > maxLength ? text[..maxLength] + "…" : text;
    }

    // Absolute paths under the usual roots of a server's file system, and under the roots this process runs from (its
    // working, installation, temporary and home folders: a checkout in /check or /srv2 is reduced all the same).
    private static readonly System.Text.RegularExpressions.Regex ServerPathRegex = new(
        $@"(?<![\w.:/])/(?:{string.Join('|', ServerRoots().Select(System.Text.RegularExpressions.Regex.Escape))})(?![\w.-])(?:/[^\s'""`,;()\[\]<>]*)?",
        System.Text.RegularExpressions.RegexOptions.Compiled | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static System.Text.RegularExpressions.Regex ServerPath() => ServerPathRegex;

    private static IEnumerable<string> ServerRoots()
    {
        string[] usual = ["tmp", "home", "root", "var", "etc", "usr", "opt", "srv", "work", "mnt", "data", "proc", "run", "dev", "media", "app", "sys", "boot", "lib"];
        var own = new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, System.IO.Path.GetTempPath(), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) }
            .Where(d => d.StartsWith('/'))
            .Select(d => d.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault())
            .OfType<string>();
        return usual.Concat(own).Distinct(StringComparer.Ordinal);
    }
}
