namespace KlimaPakt.Geo.Data.Entities;

/// <summary>What a key may do. Reads are open unless the service requires a key for them (then any role reads).</summary>
public enum ApiRole
{
    /// <summary>Reads when reads need a key; no writes.</summary>
    Viewer,

    /// <summary>Starts runs and cancels its own.</summary>
    Consultant,

    /// <summary>Any run, imports, keys and the audit log.</summary>
    Admin,
}

/// <summary>
/// An API key: only the SHA-256 of the key text is stored; the key itself is shown once, when it is created. The
/// <see cref="Prefix"/> (the key's first characters, not secret) names it in lists, logs and the audit table.
/// </summary>
public sealed class ApiKey
{
    /// <summary>Key id.</summary>
    public Guid Id { get; set; }

    /// <summary>Who or what holds it (a person, a consultancy, the map).</summary>
    public required string Name { get; set; }

    /// <summary>Its role.</summary>
    public ApiRole Role { get; set; }

    /// <summary>The key's public start (<c>kp_</c> and 8 hex digits), unique.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key text.</summary>
    public required string Sha256 { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was revoked; a revoked key authenticates no request.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>One write request (or attempt) to the API: who, what, when, from where, and how it was answered.</summary>
public sealed class AuditEntry
{
    /// <summary>Entry id.</summary>
    public long Id { get; set; }

    /// <summary>When the request was answered.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The key that made it, null when none (or an invalid one) was sent.</summary>
    public Guid? KeyId { get; set; }

    /// <summary>The key's prefix and name at the time (kept when the key is revoked), or <c>anonymous</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>The key's role, null when anonymous.</summary>
    public string? Role { get; set; }

    /// <summary>HTTP method.</summary>
    public required string Method { get; set; }

    /// <summary>Request path (no query string), at most 400 characters.</summary>
    public required string Path { get; set; }

    /// <summary>HTTP status answered.</summary>
    public int Status { get; set; }

    /// <summary>The client's address as the service saw it.</summary>
    public string? ClientAddress { get; set; }

    /// <summary>What was created or touched when known (a run id), else null.</summary>
    public string? Target { get; set; }
}
