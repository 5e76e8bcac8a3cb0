using System.Text.Json;
using KlimaPakt.Geo.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KlimaPakt.Geo.Data.EntityConfigurations;

internal sealed class AnalysisRunConfiguration : IEntityTypeConfiguration<AnalysisRun>
{
    public void Configure(EntityTypeBuilder<AnalysisRun> b)
    {
        b.ToTable("analysis_runs");
        b.Property(r => r.Status).HasConversion<string>();
        b.Property(r => r.InputHashes).HasColumnType("hstore");
        b.Property(r => r.InputPaths).HasColumnType("hstore").HasDefaultValueSql("''::hstore");
        b.Property(r => r.StageTimingsMs)
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
                v => JsonSerializer.Deserialize<Dictionary<string, double>>(v, JsonSerializerOptions.Default) ?? new(),
                new ValueComparer<Dictionary<string, double>>(
                    (a, c) => a!.Count == c!.Count && !a.Except(c).Any(),
                    v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
                    v => new Dictionary<string, double>(v)));
        b.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        b.HasIndex(r => new { r.RegionId, r.Kind, r.Status });
        b.HasOne<Region>().WithMany().HasForeignKey(r => r.RegionId).OnDelete(DeleteBehavior.Cascade);
        // The queue: workers claim the oldest queued run nobody holds (FOR UPDATE SKIP LOCKED).
        b.HasIndex(r => r.CreatedAt).HasFilter("status = 'Queued'").HasDatabaseName("ix_analysis_runs_queue");
        b.HasOne<ApiKey>().WithMany().HasForeignKey(r => r.CreatedByKeyId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Study>().WithMany().HasForeignKey(r => r.StudyId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(r => new { r.StudyId, r.StudyItem });
    }
}

internal sealed class StudyConfiguration : IEntityTypeConfiguration<Study>
{
    public void Configure(EntityTypeBuilder<Study> b)
    {
        b.ToTable("studies");
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        // One study per region, name and content: a second submission resumes it.
        b.HasIndex(s => new { s.RegionId, s.Name, s.Sha256 }).IsUnique();
        b.HasOne<Region>().WithMany().HasForeignKey(s => s.RegionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApiKey>().WithMany().HasForeignKey(s => s.CreatedByKeyId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.Property(k => k.Role).HasConversion<string>();
        b.HasIndex(k => k.Prefix).IsUnique();
        b.HasIndex(k => k.Sha256).IsUnique();
        b.Property(k => k.CreatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log");
        b.Property(a => a.At).HasDefaultValueSql("now()");
        b.HasIndex(a => a.At);
    }
}

internal sealed class CommuneMetricConfiguration : IEntityTypeConfiguration<CommuneMetric>
{
    public void Configure(EntityTypeBuilder<CommuneMetric> b)
    {
        b.ToTable("commune_metrics", GeoDbContext.ResultsSchema);
        b.HasKey(m => new { m.RunId, m.CommuneId, m.Metric });
        b.HasOne<AnalysisRun>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Commune>().WithMany().HasForeignKey(m => m.CommuneId).OnDelete(DeleteBehavior.Cascade);
    }
}
