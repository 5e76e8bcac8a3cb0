namespace KlimaPakt.Geo.Data.Entities;

/// <summary>
/// A named group of communes of a region that plans or reports together: a district or a cooperation space (the climate
/// pact's <em>espaces de coopération</em>, e.g. Nordstad). Cantons are not stored here: they are the communes'
/// <see cref="Commune.Canton"/>, so they follow every commune import.
/// </summary>
public sealed class CommuneGroup
{
    /// <summary>Surrogate key.</summary>
    public int Id { get; set; }

    /// <summary>Owning region.</summary>
    public int RegionId { get; set; }

    /// <summary>Kind of group: <c>district</c> or <c>space</c> (cooperation space).</summary>
    public required string Kind { get; set; }

    /// <summary>Code in URLs and on the command line, unique per region and kind (e.g. <c>nordstad</c>).</summary>
    public required string Code { get; set; }

    /// <summary>Display name.</summary>
    public required string Name { get; set; }

    /// <summary>Where the member list comes from (a publication, a web page with its date).</summary>
    public required string Source { get; set; }

    /// <summary>File the group was imported from (no folder).</summary>
    public string? SourceFile { get; set; }

    /// <summary>When the group was imported.</summary>
    public DateTimeOffset ImportedAt { get; set; }

    /// <summary>The member communes.</summary>
    public List<CommuneGroupMember> Members { get; set; } = [];
}

/// <summary>A commune's membership of a <see cref="CommuneGroup"/>.</summary>
public sealed class CommuneGroupMember
{
    /// <summary>The group.</summary>
    public int GroupId { get; set; }

    /// <summary>The commune.</summary>
    public int CommuneId { get; set; }
}
