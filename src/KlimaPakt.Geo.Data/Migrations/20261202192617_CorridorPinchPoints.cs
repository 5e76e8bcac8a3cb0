using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <summary>
    /// Pinch points of the corridors analysis (issue 14): the <c>corridor_pinch_points</c> table and its tile pieces
    /// (DDL printed by <c>klimapakt db ddl corridors</c>), <c>corridor_links.effective_resistance_ohm</c> and
    /// <c>corridor_communes.pinch_point_ha</c>. The two tables are rebuilt so that the new columns sit where the
    /// description puts them (before the geometry); their rows are kept: runs published before have no effective
    /// resistance (NULL) and no pinch-point area (0).
    /// </summary>
    public partial class CorridorPinchPoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE results.corridor_pinch_points (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    trame text NOT NULL,
                    link_id integer NOT NULL,
                    class integer NOT NULL,
                    current_min_a double precision NOT NULL,
                    current_max_a double precision NOT NULL,
                    peak_current_a double precision NOT NULL,
                    area_ha double precision NOT NULL,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_corridor_pinch_points_run ON results.corridor_pinch_points (run_id, class);
                CREATE INDEX ix_corridor_pinch_points_geom ON results.corridor_pinch_points USING gist (geom);
                CREATE TABLE results.corridor_pinch_points_tiles (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id bigint NOT NULL REFERENCES results.corridor_pinch_points (id) ON DELETE CASCADE,
                    run_id uuid NOT NULL,
                    region_id integer NOT NULL,
                    geom geometry NOT NULL);
                CREATE INDEX ix_corridor_pinch_points_tiles_run ON results.corridor_pinch_points_tiles (run_id);
                CREATE INDEX ix_corridor_pinch_points_tiles_parent ON results.corridor_pinch_points_tiles (parent_id);
                CREATE INDEX ix_corridor_pinch_points_tiles_geom ON results.corridor_pinch_points_tiles USING gist (geom);
                -- corridor_links: rebuilt with its new column in place (the described order), rows kept.
                DROP INDEX results.ix_corridor_links_run;
                DROP INDEX results.ix_corridor_links_geom;
                ALTER TABLE results.corridor_links RENAME TO corridor_links_before_pinch_points;
                ALTER INDEX results.corridor_links_pkey RENAME TO corridor_links_before_pinch_points_pkey;
                ALTER SEQUENCE results.corridor_links_id_seq RENAME TO corridor_links_before_pinch_points_id_seq;
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
                    effective_resistance_ohm double precision,
                    species text NOT NULL,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(LineString) NOT NULL);
                CREATE INDEX ix_corridor_links_run ON results.corridor_links (run_id, trame);
                CREATE INDEX ix_corridor_links_geom ON results.corridor_links USING gist (geom);
                INSERT INTO results.corridor_links (id, run_id, region_id, trame, link_id, from_patch, to_patch, cost_distance, euclidean_m, path_length_m, cost_per_euclidean, effective_resistance_ohm, species, light_source, input_note, geom) OVERRIDING SYSTEM VALUE
                    SELECT id, run_id, region_id, trame, link_id, from_patch, to_patch, cost_distance, euclidean_m, path_length_m, cost_per_euclidean, NULL, species, light_source, input_note, geom FROM results.corridor_links_before_pinch_points ORDER BY id;
                SELECT setval(pg_get_serial_sequence('results.corridor_links', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM results.corridor_links), false);
                DROP TABLE results.corridor_links_before_pinch_points;
                -- corridor_communes: rebuilt with its new column in place (the described order), rows kept.
                DROP INDEX results.ix_corridor_communes_run;
                DROP INDEX results.ix_corridor_communes_geom;
                ALTER TABLE results.corridor_communes RENAME TO corridor_communes_before_pinch_points;
                ALTER INDEX results.corridor_communes_pkey RENAME TO corridor_communes_before_pinch_points_pkey;
                ALTER SEQUENCE results.corridor_communes_id_seq RENAME TO corridor_communes_before_pinch_points_id_seq;
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
                    pinch_point_ha double precision NOT NULL,
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
                INSERT INTO results.corridor_communes (id, run_id, region_id, commune_id, code, name, trame, status, patch_ha, corridor_ha, pinch_point_ha, links, path_km, cross_border_km, cross_border_pct, shared_with, light_source, input_note, geom) OVERRIDING SYSTEM VALUE
                    SELECT id, run_id, region_id, commune_id, code, name, trame, status, patch_ha, corridor_ha, 0, links, path_km, cross_border_km, cross_border_pct, shared_with, light_source, input_note, geom FROM results.corridor_communes_before_pinch_points ORDER BY id;
                SELECT setval(pg_get_serial_sequence('results.corridor_communes', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM results.corridor_communes), false);
                DROP TABLE results.corridor_communes_before_pinch_points;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE results.corridor_pinch_points_tiles, results.corridor_pinch_points;
                ALTER TABLE results.corridor_links DROP COLUMN effective_resistance_ohm;
                ALTER TABLE results.corridor_communes DROP COLUMN pinch_point_ha;
                """);
        }
    }
}
