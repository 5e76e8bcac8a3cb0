using KlimaPakt.Geo.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KlimaPakt.Geo.Data.EntityConfigurations;

/// <summary>The shared shape of every layer table: region and source keys, hstore tags, a GiST index.</summary>
internal abstract class LayerConfiguration<T>(string table, string geometryType) : IEntityTypeConfiguration<T>
    where T : LayerFeature
{
    public virtual void Configure(EntityTypeBuilder<T> b)
    {
        b.ToTable(table);
        b.Property(f => f.Tags).HasColumnType("hstore");
        b.Property("Geom").HasColumnType($"geometry({geometryType})");
        b.HasIndex("Geom").HasMethod("gist");
        b.HasIndex(f => new { f.RegionId, f.Class });
        b.HasIndex(f => f.SourceId);
        b.HasOne<Region>().WithMany().HasForeignKey(f => f.RegionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ImportSource>().WithMany().HasForeignKey(f => f.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BuildingConfiguration() : LayerConfiguration<Building>("buildings", "MultiPolygon");
internal sealed class RoadConfiguration() : LayerConfiguration<Road>("roads", "MultiLineString");
internal sealed class RailwayConfiguration() : LayerConfiguration<Railway>("railways", "MultiLineString");
internal sealed class LandCoverConfiguration() : LayerConfiguration<LandCover>("land_cover", "MultiPolygon");
internal sealed class WaterwayConfiguration() : LayerConfiguration<Waterway>("waterways", "MultiLineString");
internal sealed class WaterBodyConfiguration() : LayerConfiguration<WaterBody>("water_bodies", "MultiPolygon");
internal sealed class ProtectedAreaConfiguration() : LayerConfiguration<ProtectedArea>("protected_areas", "MultiPolygon");
internal sealed class PowerLineConfiguration() : LayerConfiguration<PowerLine>("power_lines", "MultiLineString");
internal sealed class PowerSiteConfiguration() : LayerConfiguration<PowerSite>("power_sites", "Point");
internal sealed class PlaceConfiguration() : LayerConfiguration<Place>("places", "Point");
internal sealed class EvChargerConfiguration() : LayerConfiguration<EvCharger>("ev_chargers", "Point");

internal sealed class HeatSourceConfiguration() : LayerConfiguration<HeatSource>("heat_sources", "Point");
internal sealed class StreetLampConfiguration() : LayerConfiguration<StreetLamp>("street_lamps", "Point");
internal sealed class ParcelConfiguration() : LayerConfiguration<Parcel>("parcels", "MultiPolygon");

internal sealed class PopulationCellConfiguration() : LayerConfiguration<PopulationCell>("population_cells", "MultiPolygon")
{
    public override void Configure(EntityTypeBuilder<PopulationCell> b)
    {
        base.Configure(b);
        b.ToTable(t => t.HasCheckConstraint("ck_population_cells_population", "population >= 0"));
    }
}
