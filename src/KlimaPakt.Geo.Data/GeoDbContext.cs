using KlimaPakt.Geo.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KlimaPakt.Geo.Data;

/// <summary>
/// The PostGIS database: regions and communes, typed input layers, registered rasters, analysis runs and the
/// <c>results</c> schema. Tables and columns are snake_case so that raw SQL (tiles, imports) stays readable.
/// </summary>
public sealed class GeoDbContext(DbContextOptions<GeoDbContext> options) : DbContext(options)
{
    /// <summary>Schema of analysis results, keyed by run id; each analysis adds its tables to it.</summary>
    public const string ResultsSchema = "results";

    /// <summary>Regions.</summary>
    public DbSet<Region> Regions => Set<Region>();

    /// <summary>Communes.</summary>
    public DbSet<Commune> Communes => Set<Commune>();

    /// <summary>Population by commune and year.</summary>
    public DbSet<CommunePopulation> CommunePopulations => Set<CommunePopulation>();

    /// <summary>Imported files.</summary>
    public DbSet<ImportSource> ImportSources => Set<ImportSource>();

    /// <summary>Districts and cooperation spaces (groups of communes).</summary>
    public DbSet<CommuneGroup> CommuneGroups => Set<CommuneGroup>();

    /// <summary>Member communes of the groups.</summary>
    public DbSet<CommuneGroupMember> CommuneGroupMembers => Set<CommuneGroupMember>();

    /// <summary>Buildings layer.</summary>
    public DbSet<Building> Buildings => Set<Building>();

    /// <summary>Roads layer.</summary>
    public DbSet<Road> Roads => Set<Road>();

    /// <summary>Railways layer.</summary>
    public DbSet<Railway> Railways => Set<Railway>();

    /// <summary>Land-cover layer.</summary>
    public DbSet<LandCover> LandCover => Set<LandCover>();

    /// <summary>Waterways layer.</summary>
    public DbSet<Waterway> Waterways => Set<Waterway>();

    /// <summary>Water-bodies layer.</summary>
    public DbSet<WaterBody> WaterBodies => Set<WaterBody>();

    /// <summary>Protected-areas layer.</summary>
    public DbSet<ProtectedArea> ProtectedAreas => Set<ProtectedArea>();

    /// <summary>Power-lines layer.</summary>
    public DbSet<PowerLine> PowerLines => Set<PowerLine>();

    /// <summary>Power-sites layer.</summary>
    public DbSet<PowerSite> PowerSites => Set<PowerSite>();

    /// <summary>Places layer.</summary>
    public DbSet<Place> Places => Set<Place>();

    /// <summary>EV-chargers layer.</summary>
    public DbSet<EvCharger> EvChargers => Set<EvCharger>();

    /// <summary>Waste-heat sources.</summary>
    public DbSet<HeatSource> HeatSources => Set<HeatSource>();

    /// <summary>Street lamps (the black trame's light sources).</summary>
    public DbSet<StreetLamp> StreetLamps => Set<StreetLamp>();

    /// <summary>Land parcels (the geothermal plot edges).</summary>
    public DbSet<Parcel> Parcels => Set<Parcel>();

    /// <summary>Registered rasters.</summary>
    public DbSet<RegisteredRaster> Rasters => Set<RegisteredRaster>();

    /// <summary>Analysis runs.</summary>
    public DbSet<AnalysisRun> Runs => Set<AnalysisRun>();

    /// <summary>Batch studies (their runs link to them).</summary>
    public DbSet<Study> Studies => Set<Study>();

    /// <summary>API keys (hashed).</summary>
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>The audit log of write requests.</summary>
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    /// <summary>Per-commune figures of runs.</summary>
    public DbSet<CommuneMetric> CommuneMetrics => Set<CommuneMetric>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("postgis");
        modelBuilder.HasPostgresExtension("postgis_raster");
        modelBuilder.HasPostgresExtension("pgrouting");
        modelBuilder.HasPostgresExtension("hstore");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GeoDbContext).Assembly);
    }
}
