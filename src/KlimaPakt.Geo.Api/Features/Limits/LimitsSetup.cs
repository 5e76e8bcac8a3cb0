using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using KlimaPakt.Geo.Api.Features.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace KlimaPakt.Geo.Api.Features.Limits;

/// <summary>
/// Settings section <c>Limits</c>: request rates per key (per client address without one), request body sizes and
/// JSON depth. The run budgets and queue caps are in section <c>Runs</c> (they hold for the CLI too).
/// </summary>
public sealed class ApiLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Runs one key (or one anonymous client address) may start per minute; the next gets 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int RunCreatesPerMinute { get; set; } = 20;

    /// <summary>Expensive reads (tiles and feature pages the output cache does not answer) per second, per key or client address.</summary>
    [Range(1, 1_000_000)]
    public int ExpensiveReadsPerSecond { get; set; } = 50;

    /// <summary>How many expensive reads a client may make in a burst above that rate.</summary>
    [Range(1, 1_000_000)]
    public int ExpensiveReadBurst { get; set; } = 200;

    /// <summary>Largest request body, in kilobytes, outside imports (a run request is a few hundred bytes).</summary>
    [Range(1, 1_048_576)]
    public int MaxRequestBodyKilobytes { get; set; } = 1024;

    /// <summary>Largest upload to an import endpoint, in megabytes.</summary>
    [Range(1, 65_536)]
    public int MaxImportMegabytes { get; set; } = 256;

    /// <summary>Deepest nesting of a JSON request body.</summary>
    [Range(4, 256)]
    public int MaxJsonDepth { get; set; } = 32;
}

public static class LimitsSetup
{
    /// <summary>Rate-limiting policy of run creation.</summary>
    public const string RunsPolicy = "runs";

    /// <summary>Rate-limiting policy of expensive reads.</summary>
    public const string ExpensiveReadsPolicy = "expensive-reads";

    public static WebApplicationBuilder AddGeoLimits(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiLimitsOptions>().BindConfiguration(ApiLimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var limits = builder.Configuration.GetSection(ApiLimitsOptions.Section).Get<ApiLimitsOptions>() ?? new ApiLimitsOptions();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyKilobytes * 1024L);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = limits.MaxJsonDepth);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            o.AddPolicy(RunsPolicy, http =>
            {
                var perMinute = Options(http).RunCreatesPerMinute;
                return RateLimitPartition.GetTokenBucketLimiter(Partition(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = perMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            o.AddPolicy(ExpensiveReadsPolicy, http =>
            {
                var options = Options(http);
                return RateLimitPartition.GetTokenBucketLimiter(Partition(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.ExpensiveReadBurst,
                    TokensPerPeriod = options.ExpensiveReadsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
        });
        return builder;
    }

    /// <summary>The bytes an import may upload (its endpoint's request size limit).</summary>
    public static long MaxImportBytes(IServiceProvider services) =>
        services.GetRequiredService<IOptions<ApiLimitsOptions>>().Value.MaxImportMegabytes * 1024L * 1024L;

    private static ApiLimitsOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<ApiLimitsOptions>>().Value;

    // A key is its own partition wherever it connects from; without one, the client's address is.
    private static string Partition(HttpContext http) =>
        http.User.KeyId() is { } key ? $"key:{key}" : $"ip:{http.Connection.RemoteIpAddress}";

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client has made too many such requests; retry after {retryAfter} s.",
            },
        });
    }
}
