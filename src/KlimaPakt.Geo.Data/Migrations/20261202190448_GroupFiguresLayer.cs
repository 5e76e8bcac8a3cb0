using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class GroupFiguresLayer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The group figures layer (Features.GroupLayer): one row per canton, district and cooperation space with its
            // dissolved outline and its figures, rewritten when a run is published or groups are imported (raw SQL: a
            // PostGIS table in the results schema read only by SQL; the EF model does not know it).
            migrationBuilder.Sql("""
                CREATE TABLE results.group_figures (
                    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    kind text NOT NULL,
                    code text NOT NULL,
                    name text NOT NULL,
                    source text NOT NULL,
                    communes integer NOT NULL,
                    commune_codes text[] NOT NULL,
                    population double precision NOT NULL,
                    area_km2 double precision NOT NULL,
                    figures jsonb NOT NULL,
                    runs jsonb NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL,
                    geom_z7 geometry GENERATED ALWAYS AS (ST_SimplifyPreserveTopology(geom, 100)) STORED,
                    UNIQUE (region_id, kind, code));
                CREATE INDEX ix_group_figures_geom ON results.group_figures USING gist (geom);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE results.group_figures;");
        }
    }
}
