using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KlimaPakt.Geo.Api.Features.Security;

/// <summary>A key as listed (never its secret).</summary>
public sealed record ApiKeyResponse(Guid Id, string Prefix, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(k.Id, k.Prefix, k.Name, k.Role.ToString().ToLowerInvariant(), k.CreatedAt, k.RevokedAt);
}

/// <summary>A key just created: its secret, shown this once.</summary>
public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Secret);

/// <summary>The body of <c>POST /keys</c>.</summary>
public sealed record ApiKeyCreateRequest(string Name, string Role);

/// <summary>An audit entry as served to admins.</summary>
public sealed record AuditEntryResponse(long Id, DateTimeOffset At, string Actor, string? Role, string Method, string Path, int Status,
    string? ClientAddress, string? Target);

public static class SecurityApi
{
    public static IEndpointRouteBuilder MapSecurityApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("").WithTags("Security").RequireAuthorization(Policies.Admin);
        admin.MapGet("/audit", Audit).WithSummary("Write requests, newest first: who, what, when, from where (admin)");
        admin.MapGet("/keys", ListKeys).WithSummary("API keys (prefix, name, role; never the secret) (admin)");
        admin.MapPost("/keys", CreateKey).WithSummary("Creates a key; its secret is in this answer only (admin)");
        admin.MapDelete("/keys/{prefix}", RevokeKey).WithSummary("Revokes a key by prefix or id (admin)");
        return app;
    }

    private static async Task<Ok<IEnumerable<AuditEntryResponse>>> Audit(AuditLog audit, int? limit, long? before, CancellationToken ct) =>
        TypedResults.Ok((await audit.ListAsync(limit ?? 100, before, ct))
            .Select(a => new AuditEntryResponse(a.Id, a.At, a.Actor, a.Role, a.Method, a.Path, a.Status, a.ClientAddress, a.Target)));

    private static async Task<Ok<IEnumerable<ApiKeyResponse>>> ListKeys(ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAsync(ct)).Select(ApiKeyResponse.From));

    private static async Task<Created<CreatedApiKeyResponse>> CreateKey(ApiKeyCreateRequest request, ApiKeyService keys, CancellationToken ct)
    {
        var created = await keys.CreateAsync(request.Name ?? "", ApiKeyService.ParseRole(request.Role ?? ""), ct);
        return TypedResults.Created($"/keys/{created.Key.Prefix}", new CreatedApiKeyResponse(ApiKeyResponse.From(created.Key), created.Secret));
    }

    private static async Task<Results<NoContent, Conflict>> RevokeKey(string prefix, ApiKeyService keys, CancellationToken ct) =>
        await keys.RevokeAsync(prefix, ct) ? TypedResults.NoContent() : TypedResults.Conflict();
}
