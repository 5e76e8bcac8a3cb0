using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunResultsAndEvCoverage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "result_sha256",
                table: "analysis_runs",
                type: "text",
                nullable: true);

            // Result tables of the EV coverage analysis, keyed by run (cascade: deleting a run deletes its results).
            // Raw SQL: PostGIS geometry columns in the results schema, read only by SQL (tiles, features).
            migrationBuilder.Sql("""
                CREATE TABLE results.ev_commune_coverage (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    commune_id integer NOT NULL REFERENCES communes (id) ON DELETE CASCADE,
                    code text NOT NULL, name text NOT NULL,
                    population double precision NOT NULL, covered_population double precision NOT NULL, covered_pct double precision NOT NULL,
                    network_covered_pct double precision, chargers integer NOT NULL, charging_points integer NOT NULL, power_kw double precision NOT NULL,
                    chargers_per_1000 double precision NOT NULL, points_per_1000 double precision NOT NULL, kw_per_bev double precision,
                    distribution_method text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_ev_commune_coverage_run ON results.ev_commune_coverage (run_id);
                CREATE INDEX ix_ev_commune_coverage_geom ON results.ev_commune_coverage USING gist (geom);

                CREATE TABLE results.ev_gaps (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    rank integer NOT NULL, uncovered_population double precision NOT NULL, area_km2 double precision NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_ev_gaps_run ON results.ev_gaps (run_id, rank);
                CREATE INDEX ix_ev_gaps_geom ON results.ev_gaps USING gist (geom);

                CREATE TABLE results.ev_sites (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    rank integer NOT NULL, marginal_population double precision NOT NULL, covered_pct_after double precision NOT NULL,
                    geom geometry(Point) NOT NULL);
                CREATE INDEX ix_ev_sites_run ON results.ev_sites (run_id, rank);
                CREATE INDEX ix_ev_sites_geom ON results.ev_sites USING gist (geom);

                CREATE TABLE results.ev_service_areas (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    charger_id bigint NOT NULL, source_fid text NOT NULL, charging_points integer NOT NULL, merged_records integer NOT NULL,
                    geom geometry(Polygon) NOT NULL);
                CREATE INDEX ix_ev_service_areas_run ON results.ev_service_areas (run_id);
                CREATE INDEX ix_ev_service_areas_geom ON results.ev_service_areas USING gist (geom);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE results.ev_service_areas, results.ev_sites, results.ev_gaps, results.ev_commune_coverage;");

            migrationBuilder.DropColumn(
                name: "result_sha256",
                table: "analysis_runs");
        }
    }
}
