using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KlimaPakt.Geo.Api.Features.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c> against the hashed keys in
/// PostgreSQL. No key: anonymous (reads are open unless the settings close them). An unknown or revoked key: refused
/// (401), never treated as anonymous. Challenges and refusals are problem+json.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyService keys, IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string PrefixClaim = "klimapakt:key-prefix";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Endpoints open to all (health) never look a key up: /health must answer while the database is away.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null) return AuthenticateResult.NoResult();
        string? key = null;
        if (Request.Headers.TryGetValue(HeaderName, out var header)) key = header.ToString();
        else if (AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var auth) && auth.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            key = auth.Parameter;
        else if (Request.Headers.Authorization.Count > 0)
            return AuthenticateResult.Fail("Send the key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        if (string.IsNullOrWhiteSpace(key)) return AuthenticateResult.NoResult();
        // A database failure here propagates: the exception handler answers 503, not 401.
        var found = await keys.FindAsync(key.Trim(), Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("The API key is unknown or revoked.");
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, found.Id.ToString()),
            new Claim(ClaimTypes.Name, found.Name),
            new Claim(ClaimTypes.Role, found.Role.ToString()),
            new Claim(PrefixClaim, found.Prefix),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"klimapakt\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = result.Failure?.Message ?? "This request needs an API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindFirstValue(ClaimTypes.Role)?.ToLowerInvariant() ?? "anonymous";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = properties.Items.TryGetValue(ForbidReason, out var reason) && reason is not null
                    ? reason
                    : $"A key with role '{role}' may not do this.",
            },
        });
    }

    /// <summary>Key of <see cref="AuthenticationProperties.Items"/> holding why a request was refused.</summary>
    public const string ForbidReason = "klimapakt:forbid-reason";
}

/// <summary>The key behind a request, read from its claims.</summary>
internal static class ApiCaller
{
    public static Guid? KeyId(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static ApiRole? Role(this ClaimsPrincipal user) => Enum.TryParse<ApiRole>(user.FindFirstValue(ClaimTypes.Role), out var r) ? r : null;

    public static string Actor(this ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthenticationHandler.PrefixClaim) is { } prefix ? $"{prefix} {user.Identity?.Name}" : "anonymous";
}
