using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class DescribedResultsAndTilePieces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Dictionary<string, string>>(
                name: "input_paths",
                table: "analysis_runs",
                type: "hstore",
                nullable: false,
                defaultValueSql: "''::hstore");

            // Tile pieces of the region-wide result polygons (ST_Subdivide): a tile reads the pieces it touches, not a
            // country-sized MultiPolygon. The shape is checked against the analyses' descriptions by ResultSchemaTests.
            foreach (var table in new[] { "wind_potential", "wind_exclusions", "ev_gaps" })
                migrationBuilder.Sql($"""
                    CREATE TABLE results.{table}_tiles (
                        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        parent_id bigint NOT NULL REFERENCES results.{table} (id) ON DELETE CASCADE,
                        run_id uuid NOT NULL,
                        region_id integer NOT NULL,
                        geom geometry NOT NULL);
                    CREATE INDEX ix_{table}_tiles_run ON results.{table}_tiles (run_id);
                    CREATE INDEX ix_{table}_tiles_parent ON results.{table}_tiles (parent_id);
                    CREATE INDEX ix_{table}_tiles_geom ON results.{table}_tiles USING gist (geom);
                    INSERT INTO results.{table}_tiles (parent_id, run_id, region_id, geom)
                    SELECT id, run_id, region_id, ST_Subdivide(geom, 256) FROM results.{table} WHERE geom IS NOT NULL;
                    """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE results.wind_potential_tiles, results.wind_exclusions_tiles, results.ev_gaps_tiles;");

            migrationBuilder.DropColumn(
                name: "input_paths",
                table: "analysis_runs");
        }
    }
}
