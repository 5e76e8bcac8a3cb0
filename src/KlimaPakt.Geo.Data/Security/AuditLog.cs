using KlimaPakt.Geo.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KlimaPakt.Geo.Data.Security;

/// <summary>The audit table of write requests: appended by the API after each write, read by admins.</summary>
public sealed class AuditLog(IDbContextFactory<GeoDbContext> contexts)
{
    /// <summary>Appends <paramref name="entry"/>.</summary>
    public async Task WriteAsync(AuditEntry entry, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.AuditLog.Add(entry);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The newest entries first, at most <paramref name="limit"/> (1–1000), before entry id <paramref name="before"/> when given.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(int limit, long? before, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.AuditLog.AsNoTracking();
        if (before is { } b) query = query.Where(a => a.Id < b);
        return await query.OrderByDescending(a => a.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(ct);
    }
}
