using System.Security.Cryptography;
using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KlimaPakt.Geo.Data.Security;

/// <summary>A key as created: its record and the key text, which exists nowhere else (only its hash is stored).</summary>
/// <param name="Key">The stored record.</param>
/// <param name="Secret">The key text to hand to its holder, <c>kp_</c> + 8 hex digits + 43 base64url characters.</param>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>
/// API keys: created (a random 32-byte secret behind a public 8-hex-digit prefix; SHA-256 of the key text stored),
/// listed, revoked, and looked up by the key text for authentication. The CLI and the API's admin endpoints share it.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<GeoDbContext> contexts)
{
    /// <summary>Start of every key's text.</summary>
    public const string KeyStart = "kp_";

    /// <summary>Creates a key for <paramref name="name"/> with <paramref name="role"/>; the returned secret is shown once.</summary>
    public async Task<CreatedApiKey> CreateAsync(string name, ApiRole role, CancellationToken ct = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
            throw new GeoInputException("A key needs a name of 1 to 100 printable characters.");
        var prefix = KeyStart + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Role = role,
            Prefix = prefix,
            Sha256 = Hash(secret),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>Every key, newest first (revoked ones included, marked).</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Revokes the key with prefix or id <paramref name="prefixOrId"/>; false when it was revoked already.</summary>
    /// <exception cref="NotFoundException">No such key.</exception>
    public async Task<bool> RevokeAsync(string prefixOrId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var id = Guid.TryParse(prefixOrId, out var g) ? g : (Guid?)null;
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Prefix == prefixOrId || k.Id == id, ct)
            ?? throw new NotFoundException($"Unknown key '{Truncate(prefixOrId)}' (give its prefix, e.g. kp_1a2b3c4d, or its id).");
        if (key.RevokedAt is not null) return false;
        key.RevokedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The live (not revoked) key whose text is <paramref name="secret"/>, or null.</summary>
    public async Task<ApiKey?> FindAsync(string secret, CancellationToken ct = default)
    {
        // Only well-formed keys reach the database; the hash of a 256-bit secret leaks nothing through lookup timing.
        if (secret.Length != KeyStart.Length + 8 + 43 || !secret.StartsWith(KeyStart, StringComparison.Ordinal)) return null;
        var hash = Hash(secret);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Sha256 == hash && k.RevokedAt == null, ct);
    }

    /// <summary>Parses a role name (case-insensitive).</summary>
    /// <exception cref="GeoInputException">Not a role.</exception>
    public static ApiRole ParseRole(string role) =>
        Enum.TryParse<ApiRole>(role, ignoreCase: true, out var r) && Enum.IsDefined(r) && !int.TryParse(role, out _)
            ? r
            : throw new GeoInputException($"Unknown role '{Truncate(role)}'. Roles: viewer, consultant, admin.");

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
