using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class CommuneGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "commune_groups",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    source_file = table.Column<string>(type: "text", nullable: true),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commune_groups", x => x.id);
                    table.CheckConstraint("ck_commune_groups_kind", "kind IN ('district', 'space')");
                    table.ForeignKey(
                        name: "fk_commune_groups_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "commune_group_members",
                columns: table => new
                {
                    group_id = table.Column<int>(type: "integer", nullable: false),
                    commune_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commune_group_members", x => new { x.group_id, x.commune_id });
                    table.ForeignKey(
                        name: "fk_commune_group_members_commune_groups_group_id",
                        column: x => x.group_id,
                        principalTable: "commune_groups",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_commune_group_members_communes_commune_id",
                        column: x => x.commune_id,
                        principalTable: "communes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_commune_group_members_commune_id",
                table: "commune_group_members",
                column: "commune_id");

            migrationBuilder.CreateIndex(
                name: "ix_commune_groups_region_id_kind_code",
                table: "commune_groups",
                columns: new[] { "region_id", "kind", "code" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "commune_group_members");

            migrationBuilder.DropTable(
                name: "commune_groups");
        }
    }
}
