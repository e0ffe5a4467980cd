using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditDropActorIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_records_actor_id_id",
                table: "audit_records");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_audit_records_actor_id_id",
                table: "audit_records",
                columns: new[] { "actor_id", "id" });
        }
    }
}
