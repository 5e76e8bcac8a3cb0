using System.Collections.Concurrent;
using Microsoft.AspNetCore.OutputCaching;

namespace KlimaPakt.Geo.Api.Features.Tiles;

/// <summary>
/// The shared (Redis) output-cache store with a way out: when the shared store fails or does not answer within
/// <see cref="ServingOptions.RedisTimeoutMilliseconds"/>, requests use the instance's in-memory store instead and
/// no request fails; the shared store is tried again after <see cref="ServingOptions.RedisRetrySeconds"/>.
/// Evictions always reach the memory store; an eviction the shared store missed is kept and replayed there before
/// it is read again, so a publish during an outage never leaves stale tiles behind in Redis.
/// </summary>
public sealed partial class FallbackOutputCacheStore(IOutputCacheStore shared, IOutputCacheStore memory, TimeProvider time,
    TimeSpan timeout, TimeSpan retryAfter, ILogger<FallbackOutputCacheStore> logger) : IOutputCacheStore
{
    private readonly ConcurrentDictionary<string, byte> _missedEvictions = new(StringComparer.Ordinal);
    private long _sharedDownUntilTicks;
    private int _down;

    /// <summary>Whether requests are served by the memory store now (the shared store failed recently).</summary>
    public bool UsingFallback => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _sharedDownUntilTicks);

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (await SharedReadyAsync(cancellationToken))
        {
            try { return await WithTimeout(shared.GetAsync(key, cancellationToken), cancellationToken); }
            catch (Exception e) when (IsSharedFailure(e, cancellationToken)) { MarkDown(e); }
        }
        return await memory.GetAsync(key, cancellationToken);
    }

    public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        if (await SharedReadyAsync(cancellationToken))
        {
            try
            {
                await WithTimeout(shared.SetAsync(key, value, tags, validFor, cancellationToken), cancellationToken);
                return;
            }
            catch (Exception e) when (IsSharedFailure(e, cancellationToken)) { MarkDown(e); }
        }
        await memory.SetAsync(key, value, tags, validFor, cancellationToken);
    }

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        await memory.EvictByTagAsync(tag, cancellationToken);
        _missedEvictions[tag] = 0;
        if (await SharedReadyAsync(cancellationToken)) await ReplayMissedEvictionsAsync(cancellationToken);
    }

    /// <summary>
    /// The shared store may be used: it is not in its back-off, and every eviction it missed is replayed. The first
    /// call after a back-off replays even with none missed, so the shared store has answered before it is used again.
    /// </summary>
    private async ValueTask<bool> SharedReadyAsync(CancellationToken cancellationToken)
    {
        if (UsingFallback) return false;
        return (_missedEvictions.IsEmpty && Volatile.Read(ref _down) == 0) || await ReplayMissedEvictionsAsync(cancellationToken);
    }

    private async ValueTask<bool> ReplayMissedEvictionsAsync(CancellationToken cancellationToken)
    {
        if (_missedEvictions.IsEmpty && !await AnswersAsync(cancellationToken)) return false;
        foreach (var tag in _missedEvictions.Keys)
        {
            try
            {
                await WithTimeout(shared.EvictByTagAsync(tag, cancellationToken), cancellationToken);
                _missedEvictions.TryRemove(tag, out _);
            }
            catch (Exception e) when (IsSharedFailure(e, cancellationToken))
            {
                MarkDown(e);
                return false;
            }
        }
        if (Interlocked.Exchange(ref _down, 0) == 1) LogRecovered(logger);
        return true;
    }

    /// <summary>Whether the shared store answers (a look-up of a key no entry has), within the timeout.</summary>
    private async ValueTask<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WithTimeout(shared.GetAsync("klimapakt-fallback-probe", cancellationToken), cancellationToken);
            return true;
        }
        catch (Exception e) when (IsSharedFailure(e, cancellationToken))
        {
            MarkDown(e);
            return false;
        }
    }

    private async ValueTask<T> WithTimeout<T>(ValueTask<T> operation, CancellationToken cancellationToken) =>
        await operation.AsTask().WaitAsync(timeout, time, cancellationToken);

    private async ValueTask WithTimeout(ValueTask operation, CancellationToken cancellationToken) =>
        await operation.AsTask().WaitAsync(timeout, time, cancellationToken);

    private static bool IsSharedFailure(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private void MarkDown(Exception e)
    {
        Interlocked.Exchange(ref _sharedDownUntilTicks, (time.GetUtcNow() + retryAfter).UtcTicks);
        if (Interlocked.Exchange(ref _down, 1) == 0) LogDown(logger, retryAfter.TotalSeconds, e.GetType().Name, e.Message);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The shared output cache failed ({Error}: {Detail}); serving from this instance's memory cache, retrying every {Seconds} s")]
    private static partial void LogDown(ILogger logger, double seconds, string error, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "The shared output cache answers again; missed evictions replayed")]
    private static partial void LogRecovered(ILogger logger);
}
