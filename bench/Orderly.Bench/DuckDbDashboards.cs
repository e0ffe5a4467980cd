using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;

namespace Orderly.Bench;

/// <summary>
/// The P6 reference: the same orders, order lines, status histories, products and customers, read from a data set's
/// SQLite file (Microsoft.Data.Sqlite) and appended into an in-memory DuckDB running single-threaded
/// (<c>SET threads=1</c>). Each dashboard is answered the way an analyst would with a column store: a GROUP BY over
/// the raw orders and lines (no rollups), with the same period, currency, statuses and limit as the endpoint, and the
/// names of the top rows joined in. Every row of every answer is read.
/// </summary>
public sealed class DuckDbDashboards : IDisposable
{
    /// <summary>The statuses that count in sales (Orderly's Rollups.Counted).</summary>
    private const string Counted = "('PendingApproval', 'Confirmed', 'PartiallyShipped', 'Shipped', 'Delivered', 'OnHold')";

    /// <summary>Business days are Asia/Shanghai dates (UTC+8, no daylight saving), as the server's calendar.</summary>
    private const int ZoneHours = 8;

    private readonly DuckDBConnection _connection;

    private DuckDbDashboards(DuckDBConnection connection) => _connection = connection;

    public long Orders { get; private set; }

    public long Lines { get; private set; }

    public long Changes { get; private set; }

    public TimeSpan LoadTime { get; private set; }

    /// <summary>Loads a data set's SQLite file (read only) into a new in-memory DuckDB.</summary>
    public static DuckDbDashboards Load(string sqliteFile)
    {
        var started = Stopwatch.GetTimestamp();
        var connection = new DuckDBConnection("DataSource=:memory:");
        var duck = new DuckDbDashboards(connection);
        try
        {
            connection.Open();
            duck.Execute("SET threads=1");
            duck.Execute("""
                CREATE TABLE products (id UUID NOT NULL, sku VARCHAR NOT NULL, name VARCHAR NOT NULL);
                CREATE TABLE customers (id UUID NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT NULL);
                CREATE TABLE orders (id UUID NOT NULL, customer_id UUID NOT NULL, currency VARCHAR NOT NULL, status VARCHAR NOT NULL,
                    order_date DATE NOT NULL, total_minor BIGINT NOT NULL);
                CREATE TABLE order_lines (order_id UUID NOT NULL, product_id UUID NOT NULL, quantity BIGINT NOT NULL, line_total_minor BIGINT NOT NULL);
                CREATE TABLE order_status_changes (order_id UUID NOT NULL, "from" VARCHAR, "to" VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL);
                """);
            using var sqlite = new SqliteConnection($"Data Source={sqliteFile};Mode=ReadOnly;Pooling=False");
            sqlite.Open();
            duck.Copy(sqlite, "SELECT id, sku, name FROM products", "products", (r, row) =>
                row.AppendValue(r.GetGuid(0)).AppendValue(r.GetString(1)).AppendValue(r.GetString(2)));
            duck.Copy(sqlite, "SELECT id, code, name FROM customers", "customers", (r, row) =>
                row.AppendValue(r.GetGuid(0)).AppendValue(r.GetString(1)).AppendValue(r.GetString(2)));
            duck.Orders = duck.Copy(sqlite, "SELECT id, customer_id, currency, status, order_date, total_minor FROM sales_orders", "orders", (r, row) =>
                row.AppendValue(r.GetGuid(0)).AppendValue(r.GetGuid(1)).AppendValue(r.GetString(2)).AppendValue(r.GetString(3))
                    .AppendValue(r.GetFieldValue<DateOnly>(4)).AppendValue(r.GetInt64(5)));
            duck.Lines = duck.Copy(sqlite, "SELECT order_id, product_id, quantity, line_total_minor FROM order_lines", "order_lines", (r, row) =>
                row.AppendValue(r.GetGuid(0)).AppendValue(r.GetGuid(1)).AppendValue(r.GetInt64(2)).AppendValue(r.GetInt64(3)));
            duck.Changes = duck.Copy(sqlite, "SELECT order_id, \"from\", \"to\", at FROM order_status_changes", "order_status_changes", (r, row) =>
                row.AppendValue(r.GetGuid(0)).AppendValue(r.IsDBNull(1) ? null : r.GetString(1)).AppendValue(r.GetString(2))
                    .AppendValue(DateTime.SpecifyKind(r.GetDateTime(3), DateTimeKind.Unspecified)));
            duck.LoadTime = Stopwatch.GetElapsedTime(started);
            return duck;
        }
        catch
        {
            duck.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The SQL equivalent of each dashboard endpoint, keyed like the phase's list: revenue by day over
    /// [<paramref name="revenueFrom"/>, <paramref name="today"/>], top products and customers and the funnel over the
    /// 30 days ending <paramref name="today"/>. The funnel is two statements (counts per status, stage times).
    /// </summary>
    public static IReadOnlyList<string[]> Queries(DateOnly revenueFrom, DateOnly today, int days = 30, int limit = 10)
    {
        var first = today.AddDays(1 - days);
        string D(DateOnly d) => $"DATE '{d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";

        // Stage times: each change ends the stay in the status it leaves, which began at the order's previous change;
        // the stay counts on the business day the change was made. Only orders with a change in the period are walked.
        var fromUtc = $"(CAST({D(first)} AS TIMESTAMP) - INTERVAL {ZoneHours} HOUR)";
        var toUtc = $"(CAST({D(today.AddDays(1))} AS TIMESTAMP) - INTERVAL {ZoneHours} HOUR)";
        return
        [
            [$"""
                SELECT order_date, count(*) AS orders, sum(total_minor) AS value_minor FROM orders
                WHERE order_date BETWEEN {D(revenueFrom)} AND {D(today)} AND currency = 'CNY' AND status IN {Counted}
                GROUP BY order_date ORDER BY order_date
                """],
            [$"""
                WITH top AS (
                    SELECT l.product_id, sum(l.quantity) AS quantity, sum(l.line_total_minor) AS value_minor
                    FROM order_lines l JOIN orders o ON o.id = l.order_id
                    WHERE o.order_date BETWEEN {D(first)} AND {D(today)} AND o.currency = 'CNY' AND o.status IN {Counted}
                    GROUP BY l.product_id ORDER BY value_minor DESC, l.product_id LIMIT {limit})
                SELECT t.product_id, p.sku, p.name, t.quantity, t.value_minor FROM top t LEFT JOIN products p ON p.id = t.product_id
                ORDER BY t.value_minor DESC, t.product_id
                """],
            [$"""
                WITH top AS (
                    SELECT customer_id, count(*) AS orders, sum(total_minor) AS value_minor FROM orders
                    WHERE order_date BETWEEN {D(first)} AND {D(today)} AND currency = 'CNY' AND status IN {Counted}
                    GROUP BY customer_id ORDER BY value_minor DESC, customer_id LIMIT {limit})
                SELECT t.customer_id, c.code, c.name, t.orders, t.value_minor FROM top t LEFT JOIN customers c ON c.id = t.customer_id
                ORDER BY t.value_minor DESC, t.customer_id
                """],
            [
                "SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY status",
                $"""
                WITH walked AS (
                    SELECT h."from", h.changed_at, lag(h.changed_at) OVER (PARTITION BY h.order_id ORDER BY h.changed_at) AS entered
                    FROM order_status_changes h
                    WHERE h.order_id IN (SELECT order_id FROM order_status_changes
                                         WHERE "from" IS NOT NULL AND changed_at >= {fromUtc} AND changed_at < {toUtc}))
                SELECT "from" AS status, count(*) AS exits, sum(epoch_ms(changed_at) - epoch_ms(entered)) AS total_ms FROM walked
                WHERE "from" IS NOT NULL AND entered IS NOT NULL AND changed_at >= {fromUtc} AND changed_at < {toUtc}
                GROUP BY "from" ORDER BY "from"
                """,
            ],
        ];
    }

    /// <summary>Runs one dashboard's statements and reads every row; returns the rows read.</summary>
    public long Run(string[] statements)
    {
        var rows = 0L;
        foreach (var sql in statements)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    _ = reader.GetValue(i);
                }

                rows++;
            }
        }

        return rows;
    }

    /// <summary>Runs one dashboard's statements and returns their rows, for checking that both sides agree.</summary>
    public List<List<object?[]>> Answer(string[] statements)
    {
        var answers = new List<List<object?[]>>();
        foreach (var sql in statements)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            answers.Add(rows);
        }

        return answers;
    }

    public void Dispose() => _connection.Dispose();

    private long Copy(SqliteConnection sqlite, string select, string table, Action<SqliteDataReader, IDuckDBAppenderRow> append)
    {
        using var command = sqlite.CreateCommand();
        command.CommandText = select;
        using var reader = command.ExecuteReader();
        using var appender = _connection.CreateAppender(table);
        var rows = 0L;
        while (reader.Read())
        {
            var row = appender.CreateRow();
            append(reader, row);
            row.EndRow();
            rows++;
        }

        appender.Close();
        return rows;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
