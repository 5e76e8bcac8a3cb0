using Npgsql;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// A worker process's claim on its runs: a PostgreSQL session-level advisory lock (<c>pg_advisory_lock(KP, id)</c>) held
/// on one open connection for the life of the process. A run claimed by the process records the lock id; when the
/// process dies (killed, crashed, its machine gone) its session ends, the lock is released, and any worker's next
/// <see cref="RunService.FailInterruptedAsync"/> marks its unfinished runs failed — at once, without timeouts.
/// </summary>
public sealed class RunWorkerLease(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock's first key ("KP"), shared by every worker; the second is the lease's id.</summary>
    public const int LockClass = 0x4B50;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _connection;

    /// <summary>The lock id, recorded on the runs this process claims (positive, random per process).</summary>
    public int Id { get; private set; } = Random.Shared.Next(1, int.MaxValue);

    /// <summary>
    /// Makes sure the lock is held, reconnecting after the database dropped the session (a restart): the same id is
    /// taken again, so the runs this process still executes stay its own unless another worker reaped them meanwhile.
    /// </summary>
    public async Task EnsureAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is { State: System.Data.ConnectionState.Open })
            {
                try
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", _connection);
                    await ping.ExecuteScalarAsync(ct);
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException) { }
            }
            if (_connection is not null) await _connection.DisposeAsync();
            _connection = null;
            var connection = await dataSource.OpenConnectionAsync(ct);
            try
            {
                for (var attempt = 0; ; attempt++)
                {
                    await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection);
                    command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
                    command.Parameters.Add(new NpgsqlParameter { Value = Id });
                    if ((bool)(await command.ExecuteScalarAsync(ct))!) break;
                    if (attempt > 10) throw new InvalidOperationException("No free worker lock id.");
                    Id = Random.Shared.Next(1, int.MaxValue); // another live process holds this id
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
            _connection = connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc cref="DisposeAsync" />
    public void Dispose()
    {
        if (_connection is not null)
        {
            try
            {
                using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", _connection);
                command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
                command.Parameters.Add(new NpgsqlParameter { Value = Id });
                command.ExecuteScalar();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException) { }
            _connection.Dispose();
        }
        _connection = null;
        _gate.Dispose();
    }

    /// <summary>Releases the lock (its runs, if any remain unfinished, become interrupted).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            // Explicitly: a pooled connection's session outlives Dispose when the pool does not reset it.
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", _connection);
                command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
                command.Parameters.Add(new NpgsqlParameter { Value = Id });
                await command.ExecuteScalarAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException) { } // the session is gone: so is the lock
            await _connection.DisposeAsync();
        }
        _connection = null;
        _gate.Dispose();
    }
}
