using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <summary>
    /// Pre-generalised commune boundaries for low-zoom tiles: stored generated columns, so every insert or update of a
    /// commune (any importer) keeps them current. 100 m suits zooms ≤ 7 (a tile unit is ≥ 76 m there), 10 m zooms 8–10.
    /// They are not in the EF model: only the tile SQL reads them.
    /// </summary>
    public partial class CommuneGeneralisedGeometry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE communes
                  ADD COLUMN geom_z7 geometry GENERATED ALWAYS AS (ST_SimplifyPreserveTopology(geom, 100)) STORED,
                  ADD COLUMN geom_z10 geometry GENERATED ALWAYS AS (ST_SimplifyPreserveTopology(geom, 10)) STORED;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE communes DROP COLUMN geom_z7, DROP COLUMN geom_z10;");
        }
    }
}
