using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class Studies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "estimated_peak_bytes",
                table: "analysis_runs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "study_id",
                table: "analysis_runs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "study_item",
                table: "analysis_runs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "studies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    items = table.Column<JsonDocument>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    created_by_key_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_studies", x => x.id);
                    table.ForeignKey(
                        name: "fk_studies_api_keys_created_by_key_id",
                        column: x => x.created_by_key_id,
                        principalTable: "api_keys",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_studies_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_analysis_runs_study_id_study_item",
                table: "analysis_runs",
                columns: new[] { "study_id", "study_item" });

            migrationBuilder.CreateIndex(
                name: "ix_studies_created_by_key_id",
                table: "studies",
                column: "created_by_key_id");

            migrationBuilder.CreateIndex(
                name: "ix_studies_region_id_name_sha256",
                table: "studies",
                columns: new[] { "region_id", "name", "sha256" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_analysis_runs_studies_study_id",
                table: "analysis_runs",
                column: "study_id",
                principalTable: "studies",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_analysis_runs_studies_study_id",
                table: "analysis_runs");

            migrationBuilder.DropTable(
                name: "studies");

            migrationBuilder.DropIndex(
                name: "ix_analysis_runs_study_id_study_item",
                table: "analysis_runs");

            migrationBuilder.DropColumn(
                name: "estimated_peak_bytes",
                table: "analysis_runs");

            migrationBuilder.DropColumn(
                name: "study_id",
                table: "analysis_runs");

            migrationBuilder.DropColumn(
                name: "study_item",
                table: "analysis_runs");
        }
    }
}
