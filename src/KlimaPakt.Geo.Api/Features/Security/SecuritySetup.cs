using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Security;
using Microsoft.AspNetCore.Authorization;

namespace KlimaPakt.Geo.Api.Features.Security;

/// <summary>Settings section <c>Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Whether reads (tiles, features, catalogue, runs) need a key of any role. Default false: the data is public, and
    /// the map works without a key. Writes always need one.
    /// </summary>
    public bool RequireKeyForReads { get; set; }

    /// <summary>
    /// Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of the reverse proxies in front of the service: from them, the client's
    /// address is taken from <c>X-Forwarded-For</c> — for the audit and the per-address rate limits. Empty (default):
    /// the connection's address is the client's, and forwarded headers are ignored (a client cannot forge them).
    /// </summary>
    public string[] TrustedProxyNetworks { get; set; } = [];
}

/// <summary>The authorization policies, by what they allow.</summary>
public static class Policies
{
    /// <summary>Start runs, cancel one's own: consultant or admin.</summary>
    public const string Runs = "runs";

    /// <summary>Any run, imports, keys, the audit log: admin.</summary>
    public const string Admin = "admin";

    /// <summary>Resource policy: cancel this run or study (its creator, or an admin).</summary>
    public const string RunOwner = "run-owner";
}

/// <summary>Allows a run's creator (by key) and admins to act on it.</summary>
internal sealed class RunOwnerRequirement : IAuthorizationRequirement;

internal sealed class RunOwnerHandler : AuthorizationHandler<RunOwnerRequirement, AnalysisRun>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RunOwnerRequirement requirement, AnalysisRun run)
    {
        var user = context.User;
        if (user.Role() == ApiRole.Admin || (user.Role() == ApiRole.Consultant && run.CreatedByKeyId is { } owner && owner == user.KeyId()))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>Allows a study's submitter (by key) and admins to cancel it.</summary>
internal sealed class StudyOwnerHandler : AuthorizationHandler<RunOwnerRequirement, Data.Runs.StudyState>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RunOwnerRequirement requirement, Data.Runs.StudyState study)
    {
        var user = context.User;
        if (user.Role() == ApiRole.Admin || (user.Role() == ApiRole.Consultant && study.CreatedByKeyId is { } owner && owner == user.KeyId()))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

public static class SecuritySetup
{
    public static IServiceCollection AddGeoSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, RunOwnerHandler>();
        services.AddSingleton<IAuthorizationHandler, StudyOwnerHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Runs, p => p.RequireRole(nameof(ApiRole.Consultant), nameof(ApiRole.Admin)))
            .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(ApiRole.Admin)))
            .AddPolicy(Policies.RunOwner, p => p.AddRequirements(new RunOwnerRequirement()))
            // Endpoints that name no policy are the reads: open, or any key's when the settings close them.
            .SetFallbackPolicy(options.RequireKeyForReads ? new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build() : null);
        return services;
    }

    /// <summary>The client's address behind trusted proxies (<see cref="SecurityOptions.TrustedProxyNetworks"/>); first in the pipeline.</summary>
    public static IApplicationBuilder UseGeoClientAddress(this IApplicationBuilder app)
    {
        var networks = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.TrustedProxyNetworks;
        if (networks.Length == 0) return app;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor };
        foreach (var network in networks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        return app.UseForwardedHeaders(forwarded);
    }

    /// <summary>
    /// The audit of every write: first in the pipeline, so that it sees the final answer (after the exception handler's
    /// and authorization's refusals) and the key that authentication found further in.
    /// </summary>
    public static IApplicationBuilder UseGeoAudit(this IApplicationBuilder app) => app.UseMiddleware<AuditMiddleware>();

    /// <summary>Authentication (the key), then authorization (its role against the endpoint's policy).</summary>
    public static IApplicationBuilder UseGeoSecurity(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        return app.UseAuthorization();
    }
}

/// <summary>
/// Records every write request — POST, PUT, PATCH, DELETE — after it is answered: the key (or anonymous), method,
/// path, status, client address and the run it touched. Refused writes are recorded too: they are what an audit is for.
/// A failure to write the entry (the database away) is logged; it does not change the answer. The entry is written
/// when the answer starts (Response.OnStarting), after the exception handler and authorization have set its status.
/// </summary>
internal sealed partial class AuditMiddleware(RequestDelegate next, AuditLog audit, ILogger<AuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
        {
            await next(context);
            return;
        }
        // Written as the answer starts: its status is final then, and no client sees an answer before its entry exists.
        context.Response.OnStarting(() => WriteAsync(context));
        await next(context);
    }

    private async Task WriteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        // What was created (its Location), else the run a path names (/runs/{id}).
        var target = context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location
            : path.StartsWith("/runs/", StringComparison.Ordinal) && Guid.TryParse(path["/runs/".Length..], out var run) ? run.ToString() : null;
        try
        {
            await audit.WriteAsync(new AuditEntry
            {
                At = DateTimeOffset.UtcNow,
                KeyId = context.User.KeyId(),
                Actor = context.User.Actor(),
                Role = context.User.Role()?.ToString().ToLowerInvariant(),
                Method = context.Request.Method.Length > 10 ? context.Request.Method[..10] : context.Request.Method,
                Path = Clean(path, 400),
                Status = context.Response.StatusCode,
                ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
                Target = target is null ? null : Clean(target, 200),
            }, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Whatever went wrong, the answer goes out: an audit failure must not turn a 4xx into a broken response.
            LogAuditFailed(logger, context.Request.Method, path.Length > 200 ? path[..200] : path, e);
        }
    }

    // PostgreSQL text takes no NUL; the path is the client's text, so it is cut and cleaned.
    private static string Clean(string s, int max) => (s.Length > max ? s[..max] : s).Replace("\0", "", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit entry of {Method} {Path} could not be written")]
    private static partial void LogAuditFailed(ILogger logger, string method, string path, Exception exception);
}
