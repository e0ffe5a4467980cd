using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AnalyticsDemandSignals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "analytics_demand_signals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    warehouse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    week_start = table.Column<DateOnly>(type: "date", nullable: false),
                    actual = table.Column<decimal>(type: "numeric(18,3)", precision: 18, scale: 3, nullable: false),
                    expected = table.Column<decimal>(type: "numeric(18,3)", precision: 18, scale: 3, nullable: false),
                    low = table.Column<decimal>(type: "numeric(18,3)", precision: 18, scale: 3, nullable: false),
                    high = table.Column<decimal>(type: "numeric(18,3)", precision: 18, scale: 3, nullable: false),
                    method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    abc_class = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: false),
                    detected_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_demand_signals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_analytics_demand_signals_product_id_warehouse_id_week_start",
                table: "analytics_demand_signals",
                columns: new[] { "product_id", "warehouse_id", "week_start" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_analytics_demand_signals_week_start",
                table: "analytics_demand_signals",
                column: "week_start");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "analytics_demand_signals");
        }
    }
}
