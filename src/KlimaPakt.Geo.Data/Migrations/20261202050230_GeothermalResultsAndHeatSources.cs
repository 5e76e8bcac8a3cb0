using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class GeothermalResultsAndHeatSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "heat_sources",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    heat_mwh_per_year = table.Column<double>(type: "double precision", nullable: true),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: false),
                    source_fid = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    @class = table.Column<string>(name: "class", type: "text", nullable: true),
                    tags = table.Column<Dictionary<string, string>>(type: "hstore", nullable: false),
                    geom = table.Column<Point>(type: "geometry(Point)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_heat_sources", x => x.id);
                    table.ForeignKey(
                        name: "fk_heat_sources_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_heat_sources_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_heat_sources_geom",
                table: "heat_sources",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_heat_sources_region_id_class",
                table: "heat_sources",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_heat_sources_source_id",
                table: "heat_sources",
                column: "source_id");

            // The geothermal analysis's result tables, as GeothermalAnalysis describes them (klimapakt db ddl geothermal);
            // ResultSchemaTests checks them against the description.
            migrationBuilder.Sql("""
                CREATE TABLE results.geothermal_communes (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    commune_id integer NOT NULL REFERENCES communes (id) ON DELETE CASCADE,
                    code text NOT NULL,
                    name text NOT NULL,
                    grid_km2 double precision NOT NULL,
                    restricted_km2 double precision NOT NULL,
                    restricted_pct double precision NOT NULL,
                    limited_km2 double precision NOT NULL,
                    supply_gwh double precision NOT NULL,
                    demand_gwh double precision NOT NULL,
                    coverage_pct double precision,
                    residents double precision NOT NULL,
                    dh_demand_gwh double precision NOT NULL,
                    demand_method text NOT NULL,
                    ground_source text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_geothermal_communes_run ON results.geothermal_communes (run_id);
                CREATE INDEX ix_geothermal_communes_geom ON results.geothermal_communes USING gist (geom);
                CREATE TABLE results.geothermal_potential (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    class integer NOT NULL,
                    energy_min_mwh double precision NOT NULL,
                    energy_max_mwh double precision,
                    area_km2 double precision NOT NULL,
                    supply_gwh double precision NOT NULL,
                    ground_source text NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_geothermal_potential_run ON results.geothermal_potential (run_id, class);
                CREATE INDEX ix_geothermal_potential_geom ON results.geothermal_potential USING gist (geom);
                CREATE TABLE results.geothermal_potential_tiles (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id bigint NOT NULL REFERENCES results.geothermal_potential (id) ON DELETE CASCADE,
                    run_id uuid NOT NULL,
                    region_id integer NOT NULL,
                    geom geometry NOT NULL);
                CREATE INDEX ix_geothermal_potential_tiles_run ON results.geothermal_potential_tiles (run_id);
                CREATE INDEX ix_geothermal_potential_tiles_parent ON results.geothermal_potential_tiles (parent_id);
                CREATE INDEX ix_geothermal_potential_tiles_geom ON results.geothermal_potential_tiles USING gist (geom);
                CREATE TABLE results.geothermal_restrictions (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    rule_order integer NOT NULL,
                    layer text NOT NULL,
                    buffer_m double precision NOT NULL,
                    strict boolean NOT NULL,
                    factor double precision NOT NULL,
                    features integer NOT NULL,
                    alone_km2 double precision NOT NULL,
                    unique_km2 double precision NOT NULL,
                    sequential_km2 double precision NOT NULL,
                    geom geometry(MultiPolygon));
                CREATE INDEX ix_geothermal_restrictions_run ON results.geothermal_restrictions (run_id, rule_order);
                CREATE INDEX ix_geothermal_restrictions_geom ON results.geothermal_restrictions USING gist (geom);
                CREATE TABLE results.geothermal_restrictions_tiles (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id bigint NOT NULL REFERENCES results.geothermal_restrictions (id) ON DELETE CASCADE,
                    run_id uuid NOT NULL,
                    region_id integer NOT NULL,
                    geom geometry NOT NULL);
                CREATE INDEX ix_geothermal_restrictions_tiles_run ON results.geothermal_restrictions_tiles (run_id);
                CREATE INDEX ix_geothermal_restrictions_tiles_parent ON results.geothermal_restrictions_tiles (parent_id);
                CREATE INDEX ix_geothermal_restrictions_tiles_geom ON results.geothermal_restrictions_tiles USING gist (geom);
                CREATE TABLE results.heat_demand (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    class integer NOT NULL,
                    density_min_mwh_ha double precision NOT NULL,
                    density_max_mwh_ha double precision,
                    area_km2 double precision NOT NULL,
                    demand_gwh double precision NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_heat_demand_run ON results.heat_demand (run_id, class);
                CREATE INDEX ix_heat_demand_geom ON results.heat_demand USING gist (geom);
                CREATE TABLE results.heat_demand_tiles (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id bigint NOT NULL REFERENCES results.heat_demand (id) ON DELETE CASCADE,
                    run_id uuid NOT NULL,
                    region_id integer NOT NULL,
                    geom geometry NOT NULL);
                CREATE INDEX ix_heat_demand_tiles_run ON results.heat_demand_tiles (run_id);
                CREATE INDEX ix_heat_demand_tiles_parent ON results.heat_demand_tiles (parent_id);
                CREATE INDEX ix_heat_demand_tiles_geom ON results.heat_demand_tiles USING gist (geom);
                CREATE TABLE results.district_heating_areas (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    area_id integer NOT NULL,
                    area_ha double precision NOT NULL,
                    demand_gwh double precision NOT NULL,
                    residents double precision NOT NULL,
                    supply_gwh double precision NOT NULL,
                    waste_heat_gwh double precision NOT NULL,
                    communes text NOT NULL,
                    intercommunal boolean NOT NULL,
                    geom geometry(MultiPolygon) NOT NULL);
                CREATE INDEX ix_district_heating_areas_run ON results.district_heating_areas (run_id, area_id);
                CREATE INDEX ix_district_heating_areas_geom ON results.district_heating_areas USING gist (geom);
                CREATE TABLE results.waste_heat_matches (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    source_id bigint NOT NULL,
                    source_name text,
                    kind text,
                    heat_gwh double precision NOT NULL,
                    area_id integer,
                    distance_m double precision,
                    covered_pct double precision,
                    geom geometry(Point) NOT NULL);
                CREATE INDEX ix_waste_heat_matches_run ON results.waste_heat_matches (run_id, source_id);
                CREATE INDEX ix_waste_heat_matches_geom ON results.waste_heat_matches USING gist (geom);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE results.waste_heat_matches, results.district_heating_areas, results.heat_demand_tiles, results.heat_demand,
                    results.geothermal_restrictions_tiles, results.geothermal_restrictions, results.geothermal_potential_tiles,
                    results.geothermal_potential, results.geothermal_communes;
                """);

            migrationBuilder.DropTable(
                name: "heat_sources");
        }
    }
}
