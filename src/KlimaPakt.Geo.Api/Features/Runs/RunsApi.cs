using System.Security.Claims;
using System.Text.Json;
using KlimaPakt.Geo.Api.Features.Limits;
using KlimaPakt.Geo.Api.Features.Problems;
using KlimaPakt.Geo.Api.Features.Security;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KlimaPakt.Geo.Api.Features.Runs;

/// <summary>A run as the API shows it.</summary>
public sealed record RunResponse(Guid Id, string Kind, string Status, string? Stage, double ProgressPercent, IReadOnlyList<string>? Communes,
    JsonElement Parameters, IReadOnlyDictionary<string, string> InputHashes, IReadOnlyDictionary<string, double> StageTimingsMs,
    IReadOnlyList<string> Log, string? Error, string? ResultSha256, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, DateTimeOffset? PublishedAt)
{
    // The log and error as a client may see them: no server path (ClientText).
    public static RunResponse From(AnalysisRun r) => new(r.Id, r.Kind, r.Status.ToString().ToLowerInvariant(), r.Stage, r.ProgressPercent,
        r.CommuneCodes, r.Parameters.RootElement.Clone(), r.InputHashes, r.StageTimingsMs, [.. r.Log.Select(l => ClientText.Clean(l, 2000))],
        r.Error is null ? null : ClientText.Clean(r.Error, 2000), r.ResultSha256, r.CreatedAt, r.StartedAt, r.FinishedAt, r.PublishedAt);
}

/// <summary>The body of <c>POST /runs</c>.</summary>
/// <param name="Kind">Analysis kind, e.g. <c>ev</c>.</param>
/// <param name="Region">Region code.</param>
/// <param name="Communes">Commune codes for a subset run.</param>
/// <param name="Parameters">The analysis's parameters (omitted ones take their defaults).</param>
public sealed record RunCreateRequest(string Kind, string Region, IReadOnlyList<string>? Communes, JsonElement? Parameters);

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/runs").WithTags("Runs");
        runs.MapPost("/", Create).WithSummary("Queues an analysis run; 202 with the run's URL to poll (consultant or admin key)")
            .RequireAuthorization(Policies.Runs).RequireRateLimiting(LimitsSetup.RunsPolicy);
        runs.MapGet("/", List).WithSummary("Recent runs, newest first");
        runs.MapGet("/{id:guid}", Get).WithSummary("A run's status, progress, stage timings and log");
        runs.MapDelete("/{id:guid}", Cancel).WithSummary("Cancels a queued or running run (its creator's key, or an admin's); nothing of it is published")
            .RequireAuthorization(Policies.Runs);
        return app;
    }

    private static async Task<Accepted<RunResponse>> Create(RunCreateRequest request, RunService runs, RunQueueWorker worker, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var run = await runs.CreateAsync(new RunRequest(request.Kind, request.Region, request.Communes, request.Parameters) { CreatedByKeyId = user.KeyId() }, ct);
        worker.Nudge();
        return TypedResults.Accepted($"/runs/{run.Id}", RunResponse.From(run));
    }

    private static async Task<Ok<IEnumerable<RunResponse>>> List(RunService runs, string? kind, int? limit, CancellationToken ct) =>
        TypedResults.Ok((await runs.ListAsync(kind, limit ?? 50, ct)).Select(RunResponse.From));

    private static async Task<Ok<RunResponse>> Get(Guid id, RunService runs, CancellationToken ct) =>
        TypedResults.Ok(RunResponse.From(await runs.GetAsync(id, ct) ?? throw new NotFoundException($"Unknown run {id}.")));

    private static async Task<Results<Accepted<RunResponse>, Conflict<RunResponse>, ForbidHttpResult>> Cancel(Guid id, RunService runs,
        IAuthorizationService authorization, ClaimsPrincipal user, CancellationToken ct)
    {
        var existing = await runs.GetAsync(id, ct) ?? throw new NotFoundException($"Unknown run {id}.");
        if (!(await authorization.AuthorizeAsync(user, existing, Policies.RunOwner)).Succeeded)
            return TypedResults.Forbid(new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
            {
                [ApiKeyAuthenticationHandler.ForbidReason] = "A consultant's key may cancel only the runs it started; an admin's may cancel any.",
            }));
        var cancelled = await runs.CancelAsync(id, ct);
        var run = RunResponse.From((await runs.GetAsync(id, ct))!);
        return cancelled ? TypedResults.Accepted($"/runs/{id}", run) : TypedResults.Conflict(run);
    }
}
