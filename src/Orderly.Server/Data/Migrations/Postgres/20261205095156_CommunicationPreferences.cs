using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CommunicationPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "emailed",
                table: "user_notification_preferences",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<TimeOnly>(
                name: "quiet_from",
                table: "user_notification_preferences",
                type: "time without time zone",
                nullable: true);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "quiet_to",
                table: "user_notification_preferences",
                type: "time without time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "we_com_user_id",
                table: "notification_recipients",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "emailed",
                table: "user_notification_preferences");

            migrationBuilder.DropColumn(
                name: "quiet_from",
                table: "user_notification_preferences");

            migrationBuilder.DropColumn(
                name: "quiet_to",
                table: "user_notification_preferences");

            migrationBuilder.DropColumn(
                name: "we_com_user_id",
                table: "notification_recipients");
        }
    }
}
