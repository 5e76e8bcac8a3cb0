using KlimaPakt.Geo.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KlimaPakt.Geo.Data.EntityConfigurations;

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> b)
    {
        b.HasIndex(r => r.Code).IsUnique();
        b.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class CommuneConfiguration : IEntityTypeConfiguration<Commune>
{
    public void Configure(EntityTypeBuilder<Commune> b)
    {
        b.HasIndex(c => new { c.RegionId, c.Code }).IsUnique();
        b.HasIndex(c => c.Geom).HasMethod("gist");
        // No SRID in the type modifier: each region stores its geometry in its own CRS.
        b.Property(c => c.Geom).HasColumnType("geometry(MultiPolygon)");
        b.HasOne<Region>().WithMany(r => r.Communes).HasForeignKey(c => c.RegionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ImportSource>().WithMany().HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CommunePopulationConfiguration : IEntityTypeConfiguration<CommunePopulation>
{
    public void Configure(EntityTypeBuilder<CommunePopulation> b)
    {
        b.HasKey(p => new { p.CommuneId, p.Year });
        b.HasOne<Commune>().WithMany(c => c.Populations).HasForeignKey(p => p.CommuneId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ImportSource>().WithMany().HasForeignKey(p => p.SourceId).OnDelete(DeleteBehavior.SetNull);
        b.ToTable(t => t.HasCheckConstraint("ck_commune_populations_population", "population >= 0"));
    }
}

internal sealed class ImportSourceConfiguration : IEntityTypeConfiguration<ImportSource>
{
    public void Configure(EntityTypeBuilder<ImportSource> b)
    {
        // NULLS NOT DISTINCT: region-less imports (rasters) are keyed the same way.
        b.HasIndex(s => new { s.RegionId, s.Target, s.SourceName }).IsUnique().AreNullsDistinct(false);
        b.HasOne<Region>().WithMany().HasForeignKey(s => s.RegionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RegisteredRasterConfiguration : IEntityTypeConfiguration<RegisteredRaster>
{
    public void Configure(EntityTypeBuilder<RegisteredRaster> b)
    {
        b.ToTable("rasters");
        b.HasIndex(r => r.Name).IsUnique();
        b.Property(r => r.Footprint).HasColumnType("geometry(Polygon,4326)");
        b.HasIndex(r => r.Footprint).HasMethod("gist");
        b.HasOne<Region>().WithMany().HasForeignKey(r => r.RegionId).OnDelete(DeleteBehavior.SetNull);
    }
}
