using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class CorridorsResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Result tables of the corridors analysis, as printed by `klimapakt db ddl corridors` (raw SQL: PostGIS
            // geometry columns in the results schema, read only by SQL; the EF model does not know them).
            migrationBuilder.Sql("""
                CREATE TABLE results.corridor_patches (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    trame text NOT NULL,
                    patch_id integer NOT NULL,
                    area_ha double precision NOT NULL,
                    dpc_pct double precision NOT NULL,
                    species text NOT NULL,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_corridor_patches_run ON results.corridor_patches (run_id, trame);
                CREATE INDEX ix_corridor_patches_geom ON results.corridor_patches USING gist (geom);
                CREATE TABLE results.corridor_patches_tiles (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id bigint NOT NULL REFERENCES results.corridor_patches (id) ON DELETE CASCADE,
                    run_id uuid NOT NULL,
                    region_id integer NOT NULL,
                    geom geometry NOT NULL);
                CREATE INDEX ix_corridor_patches_tiles_run ON results.corridor_patches_tiles (run_id);
                CREATE INDEX ix_corridor_patches_tiles_parent ON results.corridor_patches_tiles (parent_id);
                CREATE INDEX ix_corridor_patches_tiles_geom ON results.corridor_patches_tiles USING gist (geom);
                CREATE TABLE results.corridor_links (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    trame text NOT NULL,
                    link_id integer NOT NULL,
                    from_patch integer NOT NULL,
                    to_patch integer NOT NULL,
                    cost_distance double precision NOT NULL,
                    euclidean_m double precision NOT NULL,
                    path_length_m double precision NOT NULL,
                    cost_per_euclidean double precision,
                    species text NOT NULL,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(LineString) NOT NULL);
                CREATE INDEX ix_corridor_links_run ON results.corridor_links (run_id, trame);
                CREATE INDEX ix_corridor_links_geom ON results.corridor_links USING gist (geom);
                CREATE TABLE results.corridor_areas (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    trame text NOT NULL,
                    class integer NOT NULL,
                    cost_min double precision NOT NULL,
                    cost_max double precision NOT NULL,
                    area_ha double precision NOT NULL,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_corridor_areas_run ON results.corridor_areas (run_id, class);
                CREATE INDEX ix_corridor_areas_geom ON results.corridor_areas USING gist (geom);
                CREATE TABLE results.corridor_areas_tiles (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id bigint NOT NULL REFERENCES results.corridor_areas (id) ON DELETE CASCADE,
                    run_id uuid NOT NULL,
                    region_id integer NOT NULL,
                    geom geometry NOT NULL);
                CREATE INDEX ix_corridor_areas_tiles_run ON results.corridor_areas_tiles (run_id);
                CREATE INDEX ix_corridor_areas_tiles_parent ON results.corridor_areas_tiles (parent_id);
                CREATE INDEX ix_corridor_areas_tiles_geom ON results.corridor_areas_tiles USING gist (geom);
                CREATE TABLE results.corridor_conflicts (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    trame text NOT NULL,
                    link_id integer NOT NULL,
                    light double precision NOT NULL,
                    lit_length_m double precision NOT NULL,
                    light_source text NOT NULL,
                    geom geometry(Point) NOT NULL);
                CREATE INDEX ix_corridor_conflicts_run ON results.corridor_conflicts (run_id, trame);
                CREATE INDEX ix_corridor_conflicts_geom ON results.corridor_conflicts USING gist (geom);
                CREATE TABLE results.corridor_communes (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    commune_id integer NOT NULL REFERENCES communes (id) ON DELETE CASCADE,
                    code text NOT NULL,
                    name text NOT NULL,
                    trame text NOT NULL,
                    status text NOT NULL,
                    patch_ha double precision NOT NULL,
                    corridor_ha double precision NOT NULL,
                    links integer NOT NULL,
                    path_km double precision NOT NULL,
                    cross_border_km double precision NOT NULL,
                    cross_border_pct double precision NOT NULL,
                    shared_with text NOT NULL,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_corridor_communes_run ON results.corridor_communes (run_id);
                CREATE INDEX ix_corridor_communes_geom ON results.corridor_communes USING gist (geom);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE results.corridor_communes, results.corridor_conflicts, results.corridor_areas_tiles, results.corridor_areas, results.corridor_links, results.corridor_patches_tiles, results.corridor_patches;");
        }
    }
}
