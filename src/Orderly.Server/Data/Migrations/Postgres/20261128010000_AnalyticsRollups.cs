using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AnalyticsRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "analytics_daily_customers",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    orders = table.Column<long>(type: "bigint", nullable: false),
                    value_minor = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_daily_customers", x => new { x.day, x.customer_id, x.currency });
                });

            migrationBuilder.CreateTable(
                name: "analytics_daily_products",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    quantity_thousandths = table.Column<long>(type: "bigint", nullable: false),
                    value_minor = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_daily_products", x => new { x.day, x.product_id, x.currency });
                });

            migrationBuilder.CreateTable(
                name: "analytics_daily_sales",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    shard = table.Column<int>(type: "integer", nullable: false),
                    orders = table.Column<long>(type: "bigint", nullable: false),
                    value_minor = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_daily_sales", x => new { x.day, x.currency, x.shard });
                });

            migrationBuilder.CreateTable(
                name: "analytics_stage_times",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    shard = table.Column<int>(type: "integer", nullable: false),
                    exits = table.Column<long>(type: "bigint", nullable: false),
                    total_milliseconds = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_stage_times", x => new { x.day, x.status, x.shard });
                });

            migrationBuilder.CreateTable(
                name: "analytics_status_counts",
                columns: table => new
                {
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    shard = table.Column<int>(type: "integer", nullable: false),
                    orders = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_status_counts", x => new { x.status, x.shard });
                });

            migrationBuilder.CreateIndex(
                name: "ix_analytics_daily_customers_customer_id_day",
                table: "analytics_daily_customers",
                columns: new[] { "customer_id", "day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "analytics_daily_customers");

            migrationBuilder.DropTable(
                name: "analytics_daily_products");

            migrationBuilder.DropTable(
                name: "analytics_daily_sales");

            migrationBuilder.DropTable(
                name: "analytics_stage_times");

            migrationBuilder.DropTable(
                name: "analytics_status_counts");
        }
    }
}
