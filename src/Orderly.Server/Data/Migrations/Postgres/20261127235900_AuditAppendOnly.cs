using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Orderly.Server.Data.Migrations.Postgres;

/// <summary>
/// The audit trail is append-only for every role the application connects as, the table's owner included:
/// triggers refuse UPDATE, DELETE and TRUNCATE.
/// </summary>
[DbContext(typeof(PostgresOrderlyDbContext))]
[Migration("20261127235900_AuditAppendOnly")]
public partial class AuditAppendOnly : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE FUNCTION audit_records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit records are append-only' USING ERRCODE = 'insufficient_privilege'; END $$;
            """);
        migrationBuilder.Sql("""
            CREATE TRIGGER audit_records_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_records
            FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();
            """);
        migrationBuilder.Sql("""
            CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
            FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change();
            """);
        migrationBuilder.Sql("REVOKE UPDATE, DELETE, TRUNCATE ON audit_records FROM PUBLIC;");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records;");
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_records_no_update_or_delete ON audit_records;");
        migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_records_refuse_change();");
    }
}
