using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Integration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "connector_configs",
                columns: table => new
                {
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    settings_json = table.Column<string>(type: "TEXT", nullable: false),
                    protected_secrets = table.Column<string>(type: "TEXT", nullable: true),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_sync_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    cursors_json = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connector_configs", x => x.kind);
                });

            migrationBuilder.CreateTable(
                name: "external_links",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    connector = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    object_type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    local_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    synced_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_external_links", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "import_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    mode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    file_name = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    format = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    encoding = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    reject_existing = table.Column<bool>(type: "INTEGER", nullable: false),
                    rows = table.Column<int>(type: "INTEGER", nullable: false),
                    valid = table.Column<int>(type: "INTEGER", nullable: false),
                    invalid = table.Column<int>(type: "INTEGER", nullable: false),
                    inserted = table.Column<int>(type: "INTEGER", nullable: false),
                    updated = table.Column<int>(type: "INTEGER", nullable: false),
                    unchanged = table.Column<int>(type: "INTEGER", nullable: false),
                    failure = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    created_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sync_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    connector = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    run_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    direction = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    object_type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    local_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sync_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "import_file_chunks",
                columns: table => new
                {
                    import_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_file_chunks", x => new { x.import_id, x.sequence });
                    table.ForeignKey(
                        name: "fk_import_file_chunks_import_job_import_id",
                        column: x => x.import_id,
                        principalTable: "import_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "import_row_errors",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    import_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    row = table.Column<int>(type: "INTEGER", nullable: false),
                    column = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_row_errors", x => x.id);
                    table.ForeignKey(
                        name: "fk_import_row_errors_import_jobs_import_id",
                        column: x => x.import_id,
                        principalTable: "import_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_external_links_connector_object_type_external_id",
                table: "external_links",
                columns: new[] { "connector", "object_type", "external_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_external_links_connector_object_type_local_id",
                table: "external_links",
                columns: new[] { "connector", "object_type", "local_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_import_jobs_created_by_created_at",
                table: "import_jobs",
                columns: new[] { "created_by", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_import_row_errors_import_id_row",
                table: "import_row_errors",
                columns: new[] { "import_id", "row" });

            migrationBuilder.CreateIndex(
                name: "ix_sync_log_connector_id",
                table: "sync_log",
                columns: new[] { "connector", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "connector_configs");

            migrationBuilder.DropTable(
                name: "external_links");

            migrationBuilder.DropTable(
                name: "import_file_chunks");

            migrationBuilder.DropTable(
                name: "import_row_errors");

            migrationBuilder.DropTable(
                name: "sync_log");

            migrationBuilder.DropTable(
                name: "import_jobs");
        }
    }
}
