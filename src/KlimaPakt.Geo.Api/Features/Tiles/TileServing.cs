using System.ComponentModel.DataAnnotations;
using System.IO.Compression;
using KlimaPakt.Geo.Data.Publishing;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KlimaPakt.Geo.Api.Features.Tiles;

/// <summary>HTTP caching, compression and CORS of the read endpoints (section <c>Serving</c>).</summary>
public sealed class ServingOptions
{
    public const string Section = "Serving";

    /// <summary>Browser/CDN max-age of tiles and features of the latest data, in seconds (a publish is seen after at most this).</summary>
    [Range(0, 86_400)]
    public int MaxAgeSeconds { get; set; } = 60;

    /// <summary>Browser/CDN max-age of tiles addressed with an explicit <c>?run=</c> (their content never changes), in seconds.</summary>
    [Range(0, 31_536_000)]
    public int RunMaxAgeSeconds { get; set; } = 86_400;

    /// <summary>How long the server's output cache keeps an entry, in seconds; publishes and imports evict earlier by tag.</summary>
    [Range(1, 604_800)]
    public int ServerCacheSeconds { get; set; } = 3_600;

    /// <summary>Output-cache size limit, in megabytes.</summary>
    [Range(1, 65_536)]
    public int ServerCacheSizeMegabytes { get; set; } = 256;

    /// <summary>Redis connection for a shared output cache (several instances); empty for the in-memory store.</summary>
    public string? RedisConnection { get; set; }

    /// <summary>How long one Redis operation may take before the instance's memory cache answers instead, in milliseconds.</summary>
    [Range(10, 60_000)]
    public int RedisTimeoutMilliseconds { get; set; } = 500;

    /// <summary>After Redis failed, how long the memory cache answers before Redis is tried again, in seconds.</summary>
    [Range(1, 3_600)]
    public int RedisRetrySeconds { get; set; } = 2;

    /// <summary>Origins allowed by CORS; <c>*</c> for any (read endpoints are public).</summary>
    public string[] CorsOrigins { get; set; } = ["*"];

    /// <summary>How often runs published and files imported by another process (the CLI) are looked for, in seconds.</summary>
    [Range(1, 3_600)]
    public int ChangePollSeconds { get; set; } = 5;

    /// <summary>Statement timeout of one tile query, in seconds.</summary>
    [Range(1, 600)]
    public int TileStatementTimeoutSeconds { get; set; } = 10;
}

public static class TileServing
{
    public const string MvtMediaType = "application/vnd.mapbox-vector-tile";

    public static WebApplicationBuilder AddTileServing(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ServingOptions.Section).Get<ServingOptions>() ?? new ServingOptions();

        services.Replace(ServiceDescriptor.Singleton(sp => new TileOptions
        {
            StatementTimeoutSeconds = sp.GetRequiredService<IOptions<ServingOptions>>().Value.TileStatementTimeoutSeconds,
        }));
        services.AddOutputCache(o =>
        {
            o.SizeLimit = options.ServerCacheSizeMegabytes * 1024L * 1024L;
            o.AddPolicy(TileCachePolicy.Name, new TileCachePolicy(TimeSpan.FromSeconds(options.ServerCacheSeconds)));
            o.AddPolicy(FeatureCachePolicy.Name, new FeatureCachePolicy(TimeSpan.FromSeconds(options.ServerCacheSeconds)));
        });
        if (!string.IsNullOrWhiteSpace(options.RedisConnection)) AddSharedOutputCache(services, options);

        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(
                [MvtMediaType, "application/geo+json", "application/problem+json", "application/vnd.oai.openapi+json"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);

        services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (options.CorsOrigins.Contains("*")) p.AllowAnyOrigin(); else p.WithOrigins(options.CorsOrigins);
            p.WithMethods("GET", "HEAD", "OPTIONS").AllowAnyHeader().WithExposedHeaders("ETag", "Content-Length");
        }));

        services.AddSingleton<TileCacheEvictor>();
        services.Replace(ServiceDescriptor.Singleton<IRunPublishedNotifier>(sp => sp.GetRequiredService<TileCacheEvictor>()));
        services.AddHostedService<DataChangeWatcher>();
        return builder;
    }

    /// <summary>
    /// Redis as the output-cache store of every instance, behind <see cref="FallbackOutputCacheStore"/>: with Redis
    /// down, the instance's memory store (registered by <c>AddOutputCache</c>) answers and no request fails.
    /// </summary>
    private static void AddSharedOutputCache(IServiceCollection services, ServingOptions options)
    {
        var memory = services.Last(d => d.ServiceType == typeof(IOutputCacheStore));
        services.AddStackExchangeRedisOutputCache(o =>
        {
            o.Configuration = options.RedisConnection;
            o.InstanceName = "klimapakt:";
            // Fail fast while Redis is away (the fallback answers), and keep trying to reconnect in the background.
            o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(options.RedisConnection!);
            o.ConfigurationOptions.AbortOnConnectFail = false;
            o.ConfigurationOptions.ConnectTimeout = options.RedisTimeoutMilliseconds;
            o.ConfigurationOptions.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast;
        });
        var redis = services.Last(d => d.ServiceType == typeof(IOutputCacheStore));
        services.Remove(memory);
        services.Remove(redis);
        services.AddSingleton<IOutputCacheStore>(sp => new FallbackOutputCacheStore(Create(sp, redis), Create(sp, memory),
            TimeProvider.System, TimeSpan.FromMilliseconds(options.RedisTimeoutMilliseconds), TimeSpan.FromSeconds(options.RedisRetrySeconds),
            sp.GetRequiredService<ILogger<FallbackOutputCacheStore>>()));

        static IOutputCacheStore Create(IServiceProvider sp, ServiceDescriptor d) => (IOutputCacheStore)(d.ImplementationInstance
            ?? d.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
    }

    /// <summary>Compression and CORS: outside authentication (a CORS preflight carries no key) and outside the cache.</summary>
    public static WebApplication UseServingEdge(this WebApplication app)
    {
        // Compression outside the cache: entries are stored once, encoded per request by Accept-Encoding.
        app.UseResponseCompression();
        app.UseCors();
        return app;
    }

    /// <summary>
    /// The output cache, after authorization (so closed reads stay closed for cached answers), then the rate limiter:
    /// cached tiles and pages cost nothing and are not counted.
    /// </summary>
    public static WebApplication UseTileServing(this WebApplication app)
    {
        app.UseOutputCache();
        app.UseRateLimiter();
        app.UseStaticFiles();
        return app;
    }
}
