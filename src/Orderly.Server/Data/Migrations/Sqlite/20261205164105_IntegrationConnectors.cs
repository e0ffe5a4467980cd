using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IntegrationConnectors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "connector_channels",
                columns: table => new
                {
                    connector = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    channel_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    notify_url = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    events = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    expiry = table.Column<DateTime>(type: "TEXT", nullable: false),
                    renewed_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connector_channels", x => x.connector);
                });

            migrationBuilder.CreateTable(
                name: "connector_cursors",
                columns: table => new
                {
                    connector = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    object_type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    modified = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    last_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    complete = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connector_cursors", x => new { x.connector, x.object_type });
                });

            migrationBuilder.CreateTable(
                name: "erp_stock_levels",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    snapshot_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    erp_warehouse = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    quantity = table.Column<long>(type: "bigint", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erp_stock_levels", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "erp_stock_snapshots",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    connector = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    rows_read = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erp_stock_snapshots", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_erp_stock_levels_snapshot_id_sku_erp_warehouse",
                table: "erp_stock_levels",
                columns: new[] { "snapshot_id", "sku", "erp_warehouse" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_erp_stock_snapshots_connector_completed_at",
                table: "erp_stock_snapshots",
                columns: new[] { "connector", "completed_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "connector_channels");

            migrationBuilder.DropTable(
                name: "connector_cursors");

            migrationBuilder.DropTable(
                name: "erp_stock_levels");

            migrationBuilder.DropTable(
                name: "erp_stock_snapshots");
        }
    }
}
