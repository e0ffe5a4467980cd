using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Orderly.Server.Data.Migrations.Sqlite;

/// <summary>The audit trail is append-only: the database itself refuses to change or remove a record.</summary>
[DbContext(typeof(SqliteOrderlyDbContext))]
[Migration("20261127235900_AuditAppendOnly")]
public partial class AuditAppendOnly : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
            BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
            """);
        migrationBuilder.Sql("""
            CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
            BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_records_no_update;");
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_records_no_delete;");
    }
}
