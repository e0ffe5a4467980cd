using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AnalyticsRollupColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "lines",
                table: "analytics_daily_products",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "lines",
                table: "analytics_daily_customers",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
            migrationBuilder.Sql(Orderly.Server.Analytics.AnalyticsMigrationSql.RebuildRollupsOnNextStart);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "lines",
                table: "analytics_daily_products");

            migrationBuilder.DropColumn(
                name: "lines",
                table: "analytics_daily_customers");
        }
    }
}
