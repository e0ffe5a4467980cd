using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IntegrationPushes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "sync_every_minutes",
                table: "connector_configs",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "connector_pushes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    connector = table.Column<string>(type: "text", nullable: false),
                    event_id = table.Column<string>(type: "text", nullable: false),
                    object_type = table.Column<string>(type: "text", nullable: true),
                    external_ids = table.Column<string>(type: "text", nullable: false),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connector_pushes", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_connector_pushes_connector_event_id",
                table: "connector_pushes",
                columns: new[] { "connector", "event_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "connector_pushes");

            migrationBuilder.DropColumn(
                name: "sync_every_minutes",
                table: "connector_configs");
        }
    }
}
