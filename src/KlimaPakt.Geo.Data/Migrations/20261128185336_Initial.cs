using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace KlimaPakt.Geo.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "results");

            // pgrouting and postgis_raster depend on postgis: create them in dependency order (EF sorts by name).
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS postgis_raster; CREATE EXTENSION IF NOT EXISTS pgrouting;");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:hstore", ",,")
                .Annotation("Npgsql:PostgresExtension:pgrouting", ",,")
                .Annotation("Npgsql:PostgresExtension:postgis", ",,")
                .Annotation("Npgsql:PostgresExtension:postgis_raster", ",,");

            migrationBuilder.CreateTable(
                name: "regions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    code = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    srid = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_regions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "analysis_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    commune_codes = table.Column<List<string>>(type: "text[]", nullable: true),
                    parameters = table.Column<JsonDocument>(type: "jsonb", nullable: false),
                    input_hashes = table.Column<Dictionary<string, string>>(type: "hstore", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    stage = table.Column<string>(type: "text", nullable: true),
                    progress_percent = table.Column<double>(type: "double precision", nullable: false),
                    stage_timings_ms = table.Column<string>(type: "jsonb", nullable: false),
                    log = table.Column<List<string>>(type: "text[]", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analysis_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_analysis_runs_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "import_sources",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    region_id = table.Column<int>(type: "integer", nullable: true),
                    target = table.Column<string>(type: "text", nullable: false),
                    source_name = table.Column<string>(type: "text", nullable: false),
                    path = table.Column<string>(type: "text", nullable: false),
                    content_sha256 = table.Column<string>(type: "text", nullable: false),
                    source_srid = table.Column<int>(type: "integer", nullable: true),
                    features_read = table.Column<int>(type: "integer", nullable: false),
                    features_written = table.Column<int>(type: "integer", nullable: false),
                    features_repaired = table.Column<int>(type: "integer", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_sources", x => x.id);
                    table.ForeignKey(
                        name: "fk_import_sources_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "rasters",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    region_id = table.Column<int>(type: "integer", nullable: true),
                    name = table.Column<string>(type: "text", nullable: false),
                    path = table.Column<string>(type: "text", nullable: false),
                    content_sha256 = table.Column<string>(type: "text", nullable: false),
                    srid = table.Column<int>(type: "integer", nullable: false),
                    width = table.Column<int>(type: "integer", nullable: false),
                    height = table.Column<int>(type: "integer", nullable: false),
                    band_count = table.Column<int>(type: "integer", nullable: false),
                    data_type = table.Column<string>(type: "text", nullable: false),
                    origin_x = table.Column<double>(type: "double precision", nullable: false),
                    origin_y = table.Column<double>(type: "double precision", nullable: false),
                    cell_size_x = table.Column<double>(type: "double precision", nullable: false),
                    cell_size_y = table.Column<double>(type: "double precision", nullable: false),
                    no_data = table.Column<double>(type: "double precision", nullable: true),
                    region_coverage = table.Column<double>(type: "double precision", nullable: true),
                    footprint = table.Column<Polygon>(type: "geometry(Polygon,4326)", nullable: true),
                    registered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rasters", x => x.id);
                    table.ForeignKey(
                        name: "fk_rasters_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "buildings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
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
                    table.PrimaryKey("pk_buildings", x => x.id);
                    table.ForeignKey(
                        name: "fk_buildings_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_buildings_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "communes",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    canton = table.Column<string>(type: "text", nullable: true),
                    geom = table.Column<MultiPolygon>(type: "geometry(MultiPolygon)", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_communes", x => x.id);
                    table.ForeignKey(
                        name: "fk_communes_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_communes_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ev_chargers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    @operator = table.Column<string>(name: "operator", type: "text", nullable: true),
                    capacity = table.Column<int>(type: "integer", nullable: true),
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
                    table.PrimaryKey("pk_ev_chargers", x => x.id);
                    table.ForeignKey(
                        name: "fk_ev_chargers_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_ev_chargers_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "land_cover",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
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
                    table.PrimaryKey("pk_land_cover", x => x.id);
                    table.ForeignKey(
                        name: "fk_land_cover_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_land_cover_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "places",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    population = table.Column<int>(type: "integer", nullable: true),
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
                    table.PrimaryKey("pk_places", x => x.id);
                    table.ForeignKey(
                        name: "fk_places_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_places_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "power_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    voltage_kv = table.Column<double>(type: "double precision", nullable: true),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: false),
                    source_fid = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    @class = table.Column<string>(name: "class", type: "text", nullable: true),
                    tags = table.Column<Dictionary<string, string>>(type: "hstore", nullable: false),
                    geom = table.Column<MultiLineString>(type: "geometry(MultiLineString)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_power_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_power_lines_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_power_lines_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "power_sites",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
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
                    table.PrimaryKey("pk_power_sites", x => x.id);
                    table.ForeignKey(
                        name: "fk_power_sites_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_power_sites_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "protected_areas",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
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
                    table.PrimaryKey("pk_protected_areas", x => x.id);
                    table.ForeignKey(
                        name: "fk_protected_areas_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_protected_areas_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "railways",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: false),
                    source_fid = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    @class = table.Column<string>(name: "class", type: "text", nullable: true),
                    tags = table.Column<Dictionary<string, string>>(type: "hstore", nullable: false),
                    geom = table.Column<MultiLineString>(type: "geometry(MultiLineString)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_railways", x => x.id);
                    table.ForeignKey(
                        name: "fk_railways_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_railways_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "roads",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: false),
                    source_fid = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    @class = table.Column<string>(name: "class", type: "text", nullable: true),
                    tags = table.Column<Dictionary<string, string>>(type: "hstore", nullable: false),
                    geom = table.Column<MultiLineString>(type: "geometry(MultiLineString)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roads", x => x.id);
                    table.ForeignKey(
                        name: "fk_roads_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_roads_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "water_bodies",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
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
                    table.PrimaryKey("pk_water_bodies", x => x.id);
                    table.ForeignKey(
                        name: "fk_water_bodies_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_water_bodies_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "waterways",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    region_id = table.Column<int>(type: "integer", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: false),
                    source_fid = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    @class = table.Column<string>(name: "class", type: "text", nullable: true),
                    tags = table.Column<Dictionary<string, string>>(type: "hstore", nullable: false),
                    geom = table.Column<MultiLineString>(type: "geometry(MultiLineString)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_waterways", x => x.id);
                    table.ForeignKey(
                        name: "fk_waterways_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_waterways_regions_region_id",
                        column: x => x.region_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "commune_metrics",
                schema: "results",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    commune_id = table.Column<int>(type: "integer", nullable: false),
                    metric = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commune_metrics", x => new { x.run_id, x.commune_id, x.metric });
                    table.ForeignKey(
                        name: "fk_commune_metrics_analysis_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "analysis_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_commune_metrics_communes_commune_id",
                        column: x => x.commune_id,
                        principalTable: "communes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "commune_populations",
                columns: table => new
                {
                    commune_id = table.Column<int>(type: "integer", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    population = table.Column<int>(type: "integer", nullable: false),
                    source_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commune_populations", x => new { x.commune_id, x.year });
                    table.CheckConstraint("ck_commune_populations_population", "population >= 0");
                    table.ForeignKey(
                        name: "fk_commune_populations_communes_commune_id",
                        column: x => x.commune_id,
                        principalTable: "communes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_commune_populations_import_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "import_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_analysis_runs_region_id_kind_status",
                table: "analysis_runs",
                columns: new[] { "region_id", "kind", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_buildings_geom",
                table: "buildings",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_buildings_region_id_class",
                table: "buildings",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_buildings_source_id",
                table: "buildings",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_commune_metrics_commune_id",
                schema: "results",
                table: "commune_metrics",
                column: "commune_id");

            migrationBuilder.CreateIndex(
                name: "ix_commune_populations_source_id",
                table: "commune_populations",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_communes_geom",
                table: "communes",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_communes_region_id_code",
                table: "communes",
                columns: new[] { "region_id", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_communes_source_id",
                table: "communes",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_ev_chargers_geom",
                table: "ev_chargers",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_ev_chargers_region_id_class",
                table: "ev_chargers",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_ev_chargers_source_id",
                table: "ev_chargers",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_import_sources_region_id_target_source_name",
                table: "import_sources",
                columns: new[] { "region_id", "target", "source_name" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_land_cover_geom",
                table: "land_cover",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_land_cover_region_id_class",
                table: "land_cover",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_land_cover_source_id",
                table: "land_cover",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_places_geom",
                table: "places",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_places_region_id_class",
                table: "places",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_places_source_id",
                table: "places",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_power_lines_geom",
                table: "power_lines",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_power_lines_region_id_class",
                table: "power_lines",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_power_lines_source_id",
                table: "power_lines",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_power_sites_geom",
                table: "power_sites",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_power_sites_region_id_class",
                table: "power_sites",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_power_sites_source_id",
                table: "power_sites",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_protected_areas_geom",
                table: "protected_areas",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_protected_areas_region_id_class",
                table: "protected_areas",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_protected_areas_source_id",
                table: "protected_areas",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_railways_geom",
                table: "railways",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_railways_region_id_class",
                table: "railways",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_railways_source_id",
                table: "railways",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_rasters_footprint",
                table: "rasters",
                column: "footprint")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_rasters_name",
                table: "rasters",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rasters_region_id",
                table: "rasters",
                column: "region_id");

            migrationBuilder.CreateIndex(
                name: "ix_regions_code",
                table: "regions",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_roads_geom",
                table: "roads",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_roads_region_id_class",
                table: "roads",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_roads_source_id",
                table: "roads",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_water_bodies_geom",
                table: "water_bodies",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_water_bodies_region_id_class",
                table: "water_bodies",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_water_bodies_source_id",
                table: "water_bodies",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_waterways_geom",
                table: "waterways",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_waterways_region_id_class",
                table: "waterways",
                columns: new[] { "region_id", "class" });

            migrationBuilder.CreateIndex(
                name: "ix_waterways_source_id",
                table: "waterways",
                column: "source_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "buildings");

            migrationBuilder.DropTable(
                name: "commune_metrics",
                schema: "results");

            migrationBuilder.DropTable(
                name: "commune_populations");

            migrationBuilder.DropTable(
                name: "ev_chargers");

            migrationBuilder.DropTable(
                name: "land_cover");

            migrationBuilder.DropTable(
                name: "places");

            migrationBuilder.DropTable(
                name: "power_lines");

            migrationBuilder.DropTable(
                name: "power_sites");

            migrationBuilder.DropTable(
                name: "protected_areas");

            migrationBuilder.DropTable(
                name: "railways");

            migrationBuilder.DropTable(
                name: "rasters");

            migrationBuilder.DropTable(
                name: "roads");

            migrationBuilder.DropTable(
                name: "water_bodies");

            migrationBuilder.DropTable(
                name: "waterways");

            migrationBuilder.DropTable(
                name: "analysis_runs");

            migrationBuilder.DropTable(
                name: "communes");

            migrationBuilder.DropTable(
                name: "import_sources");

            migrationBuilder.DropTable(
                name: "regions");
        }
    }
}
