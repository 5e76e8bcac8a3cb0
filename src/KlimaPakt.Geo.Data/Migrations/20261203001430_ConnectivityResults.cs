using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <summary>
    /// Result tables of the connectivity run (issue 14): <c>connectivity_current</c> (classes of normalised current, with
    /// tile pieces) and <c>connectivity_communes</c>; DDL printed by <c>klimapakt db ddl connectivity</c>.
    /// </summary>
    public partial class ConnectivityResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE results.connectivity_current (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    class integer NOT NULL,
                    class_name text NOT NULL,
                    normalised_min double precision NOT NULL,
                    normalised_max double precision,
                    area_ha double precision NOT NULL,
                    trame text NOT NULL,
                    species text NOT NULL,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_connectivity_current_run ON results.connectivity_current (run_id, class);
                CREATE INDEX ix_connectivity_current_geom ON results.connectivity_current USING gist (geom);
                CREATE TABLE results.connectivity_current_tiles (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id bigint NOT NULL REFERENCES results.connectivity_current (id) ON DELETE CASCADE,
                    run_id uuid NOT NULL,
                    region_id integer NOT NULL,
                    geom geometry NOT NULL);
                CREATE INDEX ix_connectivity_current_tiles_run ON results.connectivity_current_tiles (run_id);
                CREATE INDEX ix_connectivity_current_tiles_parent ON results.connectivity_current_tiles (parent_id);
                CREATE INDEX ix_connectivity_current_tiles_geom ON results.connectivity_current_tiles USING gist (geom);
                CREATE TABLE results.connectivity_communes (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    commune_id integer NOT NULL REFERENCES communes (id) ON DELETE CASCADE,
                    code text NOT NULL,
                    name text NOT NULL,
                    trame text NOT NULL,
                    grid_ha double precision NOT NULL,
                    impeded_ha double precision NOT NULL,
                    diffuse_ha double precision NOT NULL,
                    intensified_ha double precision NOT NULL,
                    channelised_ha double precision NOT NULL,
                    funnelled_pct double precision,
                    mean_normalised double precision,
                    light_source text,
                    input_note text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_connectivity_communes_run ON results.connectivity_communes (run_id);
                CREATE INDEX ix_connectivity_communes_geom ON results.connectivity_communes USING gist (geom);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE results.connectivity_current_tiles; DROP TABLE results.connectivity_current; DROP TABLE results.connectivity_communes;");
        }
    }
}
