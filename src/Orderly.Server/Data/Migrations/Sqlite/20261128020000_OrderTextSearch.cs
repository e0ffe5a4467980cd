using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Orderly.Server.Data.Migrations.Sqlite;

/// <summary>
/// Substring search over order numbers and customer PO numbers without scanning every order: an FTS5 table with
/// the trigram tokenizer (case-insensitive), kept in step with <c>sales_orders</c> by triggers in the writing
/// transaction. It keeps its own copy of the two short texts and the order id, so it does not depend on rowids
/// (which VACUUM may renumber). Orders are never deleted and their numbers never change; a PO edit on a draft
/// replaces the entry.
/// </summary>
[DbContext(typeof(SqliteOrderlyDbContext))]
[Migration("20261128020000_OrderTextSearch")]
public partial class OrderTextSearch : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("CREATE VIRTUAL TABLE order_search USING fts5(order_id UNINDEXED, number, customer_po, tokenize = 'trigram');");
        migrationBuilder.Sql("INSERT INTO order_search (order_id, number, customer_po) SELECT id, number, coalesce(customer_po, '') FROM sales_orders;");
        migrationBuilder.Sql("""
            CREATE TRIGGER sales_orders_search_insert AFTER INSERT ON sales_orders
            BEGIN INSERT INTO order_search (order_id, number, customer_po) VALUES (new.id, new.number, coalesce(new.customer_po, '')); END;
            """);
        migrationBuilder.Sql("""
            CREATE TRIGGER sales_orders_search_update AFTER UPDATE OF number, customer_po ON sales_orders
            WHEN new.number IS NOT old.number OR new.customer_po IS NOT old.customer_po
            BEGIN
                DELETE FROM order_search WHERE order_id = old.id;
                INSERT INTO order_search (order_id, number, customer_po) VALUES (new.id, new.number, coalesce(new.customer_po, ''));
            END;
            """);
        migrationBuilder.Sql("""
            CREATE TRIGGER sales_orders_search_delete AFTER DELETE ON sales_orders
            BEGIN DELETE FROM order_search WHERE order_id = old.id; END;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS sales_orders_search_insert;");
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS sales_orders_search_update;");
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS sales_orders_search_delete;");
        migrationBuilder.Sql("DROP TABLE IF EXISTS order_search;");
    }
}
