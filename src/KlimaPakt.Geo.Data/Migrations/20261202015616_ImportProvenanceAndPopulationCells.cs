using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportProvenanceAndPopulationCells : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "attribution",
                table: "import_sources",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "coverage",
                table: "import_sources",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "data_date",
                table: "import_sources",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "licence",
                table: "import_sources",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "population_cells",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    population = table.Column<int>(type: "integer", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: false),
                    source_fid = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    @class = table.Column<string>(name: "class", type: "text", nullable: true),
                    tags = table.Column<Dictionary<string, string>>(type: "hstore", nullable: false),
                    geom = table.Column<MultiPolygon>(type: "geometry(MultiPolygon)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_population_cells", x => x.id);
                    table.CheckConstraint("ck_population_cells_population", "population >= 0");
                    table.ForeignKey(
                        name: "fk_population_cells_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_population_cells_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_population_cells_geom",
                table: "population_cells",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_population_cells_region_id_class",
                table: "population_cells",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_population_cells_source_id",
                table: "population_cells",
                column: "source_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "population_cells");

            migrationBuilder.DropColumn(
                name: "attribution",
                table: "import_sources");

            migrationBuilder.DropColumn(
                name: "coverage",
                table: "import_sources");

            migrationBuilder.DropColumn(
                name: "data_date",
                table: "import_sources");

            migrationBuilder.DropColumn(
                name: "licence",
                table: "import_sources");
        }
    }
}
