using KlimaPakt.Geo.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KlimaPakt.Geo.Data.EntityConfigurations;

internal sealed class CommuneGroupConfiguration : IEntityTypeConfiguration<CommuneGroup>
{
    public void Configure(EntityTypeBuilder<CommuneGroup> b)
    {
        b.HasIndex(g => new { g.RegionId, g.Kind, g.Code }).IsUnique();
        b.Property(g => g.ImportedAt).HasDefaultValueSql("now()");
        b.ToTable(t => t.HasCheckConstraint("ck_commune_groups_kind", "kind IN ('district', 'space')"));
        b.HasOne<Region>().WithMany().HasForeignKey(g => g.RegionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CommuneGroupMemberConfiguration : IEntityTypeConfiguration<CommuneGroupMember>
{
    public void Configure(EntityTypeBuilder<CommuneGroupMember> b)
    {
        b.HasKey(m => new { m.GroupId, m.CommuneId });
        b.HasOne<CommuneGroup>().WithMany(g => g.Members).HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Commune>().WithMany().HasForeignKey(m => m.CommuneId).OnDelete(DeleteBehavior.Cascade);
    }
}
