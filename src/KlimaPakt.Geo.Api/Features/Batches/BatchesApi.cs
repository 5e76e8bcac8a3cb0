using System.Security.Claims;
using System.Text.Json;
using KlimaPakt.Geo.Api.Features.Limits;
using KlimaPakt.Geo.Api.Features.Problems;
using KlimaPakt.Geo.Api.Features.Runs;
using KlimaPakt.Geo.Api.Features.Security;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Runs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KlimaPakt.Geo.Api.Features.Batches;

/// <summary>One run of a study as the API shows it.</summary>
public sealed record StudyRunResponse(string Key, string Kind, string Target, string Variant, Guid? RunId, string? Status, string? Stage,
    double ProgressPercent, string? Error, int Attempts, long? EstimatedPeakBytes);

/// <summary>A study as the API shows it: its runs' states and their counts by status.</summary>
public sealed record StudyResponse(Guid Id, string Name, string Region, string Sha256, DateTimeOffset CreatedAt, bool Ended, double ProgressPercent,
    IReadOnlyDictionary<string, int> Counts, IReadOnlyList<StudyRunResponse> Runs, bool? Resumed = null, int? Queued = null)
{
    public static StudyResponse From(StudyState s, StudySubmission? submission = null) => new(s.Id, s.Name, s.Region, s.Sha256, s.CreatedAt, s.Ended,
        Math.Round(s.ProgressPercent, 2),
        Enum.GetValues<Data.Entities.RunStatus>().ToDictionary(v => v.ToString().ToLowerInvariant(), s.Count),
        [.. s.Runs.Select(r => new StudyRunResponse(r.Key, r.Kind, r.Target, r.Variant, r.RunId, r.Status?.ToString().ToLowerInvariant(), r.Stage,
            r.ProgressPercent, r.Error is null ? null : ClientText.Clean(r.Error, 2000), r.Attempts, r.EstimatedPeakBytes))],
        submission?.Resumed, submission?.Queued.Count);
}

/// <summary>
/// Batch studies over HTTP: <c>POST /batches</c> takes a study file's JSON — the same service as <c>klimapakt batch</c> —
/// and queues its runs for the workers (the API's own and any <c>klimapakt worker</c> or <c>klimapakt batch</c>).
/// </summary>
public static class BatchesApi
{
    public static IEndpointRouteBuilder MapBatchesApi(this IEndpointRouteBuilder app)
    {
        var batches = app.MapGroup("/batches").WithTags("Batches");
        batches.MapPost("/", Create).WithSummary("Queues a study's runs (or resumes the same study: failed and cancelled runs queued again); 202 with its URL (consultant or admin key)")
            .RequireAuthorization(Policies.Runs).RequireRateLimiting(LimitsSetup.RunsPolicy);
        batches.MapGet("/", List).WithSummary("Recent studies, newest first");
        batches.MapGet("/{id:guid}", Get).WithSummary("A study and the status of each of its runs");
        batches.MapDelete("/{id:guid}", Cancel).WithSummary("Cancels a study's unfinished runs (its creator's key, or an admin's)")
            .RequireAuthorization(Policies.Runs);
        return app;
    }

    private static async Task<Accepted<StudyResponse>> Create(JsonElement body, StudyService studies, RunQueueWorker worker, ClaimsPrincipal user, CancellationToken ct)
    {
        var submission = await studies.SubmitAsync(StudyDefinition.Parse(body, "study"), "study", new StudySubmitOptions(user.KeyId()), ct);
        worker.Nudge();
        return TypedResults.Accepted($"/batches/{submission.Study.Id}", StudyResponse.From(submission.Study, submission));
    }

    private static async Task<Ok<IEnumerable<StudyResponse>>> List(StudyService studies, int? limit, CancellationToken ct) =>
        TypedResults.Ok((await studies.ListAsync(limit ?? 20, ct)).Select(s => StudyResponse.From(s)));

    private static async Task<Ok<StudyResponse>> Get(Guid id, StudyService studies, CancellationToken ct) =>
        TypedResults.Ok(StudyResponse.From(await studies.GetAsync(id, ct) ?? throw new NotFoundException($"Unknown study {id}.")));

    private static async Task<Results<Accepted<StudyResponse>, ForbidHttpResult>> Cancel(Guid id, StudyService studies, IAuthorizationService authorization,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var study = await studies.GetAsync(id, ct) ?? throw new NotFoundException($"Unknown study {id}.");
        if (!(await authorization.AuthorizeAsync(user, study, Policies.RunOwner)).Succeeded)
            return TypedResults.Forbid(new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
            {
                [ApiKeyAuthenticationHandler.ForbidReason] = "A consultant's key may cancel only the studies it submitted; an admin's may cancel any.",
            }));
        await studies.CancelAsync(id, ct);
        return TypedResults.Accepted($"/batches/{id}", StudyResponse.From((await studies.GetAsync(id, ct))!));
    }
}
