using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class WindResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Result tables of the wind analysis, keyed by run (cascade: deleting a run deletes its results).
            // Raw SQL like the EV tables: PostGIS geometry columns in the results schema, read only by SQL (tiles, features).
            migrationBuilder.Sql("""
                CREATE TABLE results.wind_communes (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    commune_id integer NOT NULL REFERENCES communes (id) ON DELETE CASCADE,
                    code text NOT NULL, name text NOT NULL,
                    area_km2 double precision NOT NULL, grid_km2 double precision NOT NULL, eligible_km2 double precision NOT NULL,
                    eligible_pct double precision NOT NULL, turbines integer NOT NULL, capacity_mw double precision NOT NULL,
                    net_gwh double precision NOT NULL, wind_source text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_wind_communes_run ON results.wind_communes (run_id);
                CREATE INDEX ix_wind_communes_geom ON results.wind_communes USING gist (geom);

                CREATE TABLE results.wind_eligible_areas (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    area_km2 double precision NOT NULL,
                    geom geometry(Polygon) NOT NULL);
                CREATE INDEX ix_wind_eligible_areas_run ON results.wind_eligible_areas (run_id);
                CREATE INDEX ix_wind_eligible_areas_geom ON results.wind_eligible_areas USING gist (geom);

                CREATE TABLE results.wind_potential (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    class integer NOT NULL, score_min double precision NOT NULL, score_max double precision NOT NULL,
                    area_km2 double precision NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_wind_potential_run ON results.wind_potential (run_id, class);
                CREATE INDEX ix_wind_potential_geom ON results.wind_potential USING gist (geom);

                CREATE TABLE results.wind_turbines (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    commune_id integer NOT NULL REFERENCES communes (id) ON DELETE CASCADE,
                    rank integer NOT NULL, turbine text NOT NULL, hub_height_m double precision NOT NULL,
                    rotor_diameter_m double precision NOT NULL, rated_kw double precision NOT NULL, score double precision NOT NULL,
                    reference_wind_ms double precision NOT NULL, hub_wind_ms double precision NOT NULL, gross_mwh double precision NOT NULL,
                    net_mwh double precision NOT NULL, capacity_factor double precision NOT NULL, full_load_hours double precision NOT NULL,
                    wind_source text NOT NULL,
                    geom geometry(Point) NOT NULL);
                CREATE INDEX ix_wind_turbines_run ON results.wind_turbines (run_id, rank);
                CREATE INDEX ix_wind_turbines_geom ON results.wind_turbines USING gist (geom);

                CREATE TABLE results.wind_exclusions (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    rule_order integer NOT NULL, layer text NOT NULL, buffer_m double precision NOT NULL,
                    buffer_tip_heights double precision NOT NULL, effective_buffer_m double precision NOT NULL, max_slope_deg double precision,
                    strict boolean NOT NULL, features integer NOT NULL, alone_km2 double precision NOT NULL, unique_km2 double precision NOT NULL,
                    sequential_km2 double precision NOT NULL,
                    geom geometry(MultiPolygon));
                CREATE INDEX ix_wind_exclusions_run ON results.wind_exclusions (run_id, rule_order);
                CREATE INDEX ix_wind_exclusions_geom ON results.wind_exclusions USING gist (geom);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE results.wind_exclusions, results.wind_turbines, results.wind_potential, results.wind_eligible_areas, results.wind_communes;");
        }
    }
}
