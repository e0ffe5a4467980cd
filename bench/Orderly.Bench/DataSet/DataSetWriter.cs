using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orderly.Bench.DataSet;

/// <summary>
/// Fills a freshly migrated SQLite file: one warehouse, products with ample stock (receipt, reservations and shipments
/// in the ledger add up to the balances), customers, and a year of 10-line orders in realistic statuses (older ones
/// delivered, some cancelled or rejected after submission, recent ones shipped, awaiting approval or still drafts),
/// each with its status history, and the analytics rollups of them all. Orders, histories and rollups go through
/// prepared statements in one transaction; the lines are derived from the orders by one INSERT ... SELECT with the
/// same formulas this class prices the orders with. Durability is off only while building.
/// </summary>
public sealed class DataSetWriter(string file, int orderCount)
{
    public const int ProductCount = 2_000;
    public const int CustomerCount = 5_000;
    public const int LinesPerOrder = 10;
    private const int Days = 365;
    private const long ReceivedUnits = 1_000_000_000;
    private static readonly TimeSpan Zone = TimeSpan.FromHours(8);

    private readonly Dictionary<(DateOnly, string), (long, long)> _stages = [];
    private readonly Dictionary<(DateOnly, int), (long Orders, long Minor)> _customers = [];
    private readonly Dictionary<(DateOnly, int), (long Units, long Minor, long Lines)> _products = [];
    private readonly Dictionary<DateOnly, (long Orders, long Minor)> _days = [];
    private readonly Dictionary<string, long> _statuses = [];
    private readonly long[] _shippedUnits = new long[ProductCount];

    /// <summary>Product of line k (0-9) of order i: ten distinct products per order.</summary>
    public static int ProductOf(long order, int line) => (int)(((order * 7919) + (line * (ProductCount / LinesPerOrder))) % ProductCount);

    public static int UnitsOf(long order, int line) => 1 + (int)((order + line) % 5);

    public static long PriceOf(int product) => 1_000 + ((product % 50) * 100);

    public long Write()
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-400000;");
        var indexes = DropIndexes(connection, ["sales_orders", "order_lines", "order_status_changes"]);
        using (var transaction = connection.BeginTransaction())
        {
            var now = DateTimeOffset.UtcNow;
            var created = now.AddDays(-Days - 2);
            var warehouse = Id(created);
            var products = Enumerable.Range(0, ProductCount).Select(i => Id(created.AddMilliseconds(i + 1))).ToArray();
            var customers = Enumerable.Range(0, CustomerCount).Select(i => Id(created.AddMilliseconds(ProductCount + i + 1))).ToArray();
            WriteMasterData(connection, transaction, created, warehouse, products, customers);
            WriteOrders(connection, transaction, now, customers);
            WriteLines(connection, transaction, products);
            WriteStock(connection, transaction, created, warehouse, products);
            WriteRollups(connection, transaction, products, customers);
            transaction.Commit();
        }

        foreach (var index in indexes)
        {
            Execute(connection, index);
        }

        // Left in WAL mode, as the server keeps its databases (and as it finds them on start).
        Execute(connection, "PRAGMA journal_mode=WAL;");
        return (long)orderCount * LinesPerOrder;
    }

    private static void WriteMasterData(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset at, string warehouse, string[] products, string[] customers)
    {
        var time = Time(at);
        using (var command = Command(connection, transaction, "INSERT INTO warehouses (id, code, name, region, is_active, created_at, version) VALUES ($1, 'BIG-01', '压测大仓', 'East', 1, $2, 1)"))
        {
            Run(command, warehouse, time);
        }

        using (var command = Command(connection, transaction,
            "INSERT INTO products (id, sku, name, unit, is_whole_unit, currency, list_price_minor, min_price_minor, cost_minor, category, is_active, allow_backorder, created_at, updated_at, version) " +
            "VALUES ($1, $2, $3, 'pcs', 1, 'CNY', $4, $5, $6, 'Bench', 1, 0, $7, $7, 1)"))
        {
            for (var i = 0; i < products.Length; i++)
            {
                var price = PriceOf(i);
                Run(command, products[i], $"BIG-{i:00000}", $"压测商品 {i}", price, price / 2, price / 3, time);
            }
        }

        using (var command = Command(connection, transaction,
            "INSERT INTO customers (id, code, name, region, currency, payment_terms_days, tier, reservation_policy, is_active, is_blocked, created_at, updated_at, version) " +
            "VALUES ($1, $2, $3, 'East', 'CNY', 30, 'Standard', $4, 1, 0, $5, $5, 1)"))
        {
            for (var i = 0; i < customers.Length; i++)
            {
                Run(command, customers[i], $"BIG-C{i:00000}", $"压测客户 {i} 有限公司", i == customers.Length - 1 ? "NoBackorder" : "ShipPartial", time);
            }
        }
    }

    private void WriteOrders(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now, string[] customers)
    {
        using var order = Command(connection, transaction,
            "INSERT INTO sales_orders (id, number, customer_id, currency, status, order_date, total_minor, approval_reasons, status_reason, created_at, updated_at, submitted_at, confirmed_at, version, entry_warnings) " +
            "VALUES ($1, $2, $3, 'CNY', $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, '[]')");
        using var history = Command(connection, transaction,
            "INSERT INTO order_status_changes (id, order_id, \"from\", \"to\", at, reason) VALUES ($1, $2, $3, $4, $5, $6)");
        var today = DateOnly.FromDateTime(now.ToOffset(Zone).DateTime);
        var first = new DateTimeOffset(today.AddDays(-Days).ToDateTime(TimeOnly.MinValue), Zone);
        var step = TimeSpan.FromDays(Days).Ticks / orderCount;
        var sequences = new Dictionary<int, long>();
        var random = new Random(20261127);
        for (long i = 0; i < orderCount; i++)
        {
            var at = first.AddTicks(i * step).ToUniversalTime();
            var date = DateOnly.FromDateTime(at.ToOffset(Zone).DateTime);
            var age = today.DayNumber - date.DayNumber;
            var total = 0L;
            for (var k = 0; k < LinesPerOrder; k++)
            {
                total += UnitsOf(i, k) * PriceOf(ProductOf(i, k));
            }

            var roll = random.NextDouble();
            string[] road = age switch
            {
                <= 1 when roll < 0.3 => ["Draft"],
                <= 1 => ["Draft", "PendingApproval"],
                <= 4 => ["Draft", "Confirmed", "Shipped"],
                _ when roll < 0.06 => ["Draft", "PendingApproval", "Cancelled"],
                _ when roll < 0.10 => ["Draft", "PendingApproval", "Rejected"],
                _ => ["Draft", "Confirmed", "Shipped", "Delivered"],
            };
            var status = road[^1];
            var id = Id(at);
            var customer = (int)(((i * 7) + (i / 13)) % (CustomerCount - 1));
            sequences[date.Year] = sequences.GetValueOrDefault(date.Year) + 1;
            var number = $"SO-{date.Year}-{sequences[date.Year]:000000}";
            DateTimeOffset[] times = [at, at.AddMinutes(5 + random.Next(60)), at.AddHours(20 + random.Next(30)), at.AddHours(60 + random.Next(48))];
            var submitted = road.Length > 1 ? Time(times[1]) : null;
            var confirmed = road.Length > 1 && road[1] == "Confirmed" ? Time(times[1]) : null;
            Run(order, id, number, customers[customer], status, Date(date), total, status is "PendingApproval" or "Rejected" or "Cancelled" ? "OrderTotalAboveThreshold" : null,
                status is "Cancelled" ? "客户撤单" : status is "Rejected" ? "超出信用" : null, Time(at), Time(times[road.Length - 1]), submitted, confirmed);
            for (var s = 0; s < road.Length; s++)
            {
                Run(history, Id(times[s]), id, s == 0 ? null : road[s - 1], road[s], Time(times[s]), null);
                if (s > 0)
                {
                    var left = DateOnly.FromDateTime(times[s].ToOffset(Zone).DateTime);
                    var (exits, ms) = _stages.GetValueOrDefault((left, road[s - 1]));
                    _stages[(left, road[s - 1])] = (exits + 1, ms + (times[s].ToUnixTimeMilliseconds() - times[s - 1].ToUnixTimeMilliseconds()));
                }
            }

            _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
            if (status is "Draft" or "Cancelled" or "Rejected")
            {
                continue;
            }

            var (orders, minor) = _days.GetValueOrDefault(date);
            _days[date] = (orders + 1, minor + total);
            var (customerOrders, customerMinor) = _customers.GetValueOrDefault((date, customer));
            _customers[(date, customer)] = (customerOrders + 1, customerMinor + total);
            for (var k = 0; k < LinesPerOrder; k++)
            {
                var product = ProductOf(i, k);
                var units = UnitsOf(i, k);
                var (productUnits, productMinor, productLines) = _products.GetValueOrDefault((date, product));
                _products[(date, product)] = (productUnits + units, productMinor + (units * PriceOf(product)), productLines + 1);
                if (status is "Shipped" or "Delivered")
                {
                    _shippedUnits[product] += units;
                }
            }
        }

        using var numbers = Command(connection, transaction, "INSERT INTO number_sequences (name, last_value) VALUES ($1, $2)");
        foreach (var (year, last) in sequences)
        {
            Run(numbers, $"SO-{year}", last);
        }
    }

    /// <summary>Ten lines per order in one statement, with the formulas of <see cref="ProductOf"/>, <see cref="UnitsOf"/> and <see cref="PriceOf"/>.</summary>
    private static void WriteLines(SqliteConnection connection, SqliteTransaction transaction, string[] products)
    {
        Execute(connection, "CREATE TEMP TABLE bench_products (n INTEGER PRIMARY KEY, id TEXT NOT NULL, sku TEXT NOT NULL, name TEXT NOT NULL)", transaction);
        using (var command = Command(connection, transaction, "INSERT INTO bench_products (n, id, sku, name) VALUES ($1, $2, $3, $4)"))
        {
            for (var i = 0; i < products.Length; i++)
            {
                Run(command, i, products[i], $"BIG-{i:00000}", $"压测商品 {i}");
            }
        }

        Execute(connection, $"""
            INSERT INTO order_lines (id, order_id, line_number, product_id, sku, product_name, unit, quantity, currency, unit_price_minor,
                list_price_minor, discount_percent, line_total_minor, reserved, drop_ship, backordered, shipped, delivered, returned, invoiced)
            WITH lines(k) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)),
                 numbered AS (SELECT rowid - 1 AS i, id, status FROM sales_orders)
            SELECT substr(o.id, 1, 24) || printf('%012X', o.i * 16 + l.k), o.id, l.k + 1, p.id, p.sku, p.name, 'pcs',
                   (1 + (o.i + l.k) % 5) * 1000, 'CNY', 1000 + (p.n % 50) * 100, 1000 + (p.n % 50) * 100, '0.0',
                   (1 + (o.i + l.k) % 5) * (1000 + (p.n % 50) * 100), 0, 0, 0,
                   CASE WHEN o.status IN ('Shipped', 'Delivered') THEN (1 + (o.i + l.k) % 5) * 1000 ELSE 0 END,
                   CASE WHEN o.status = 'Delivered' THEN (1 + (o.i + l.k) % 5) * 1000 ELSE 0 END, 0, 0
            FROM numbered o CROSS JOIN lines l
            JOIN bench_products p ON p.n = (o.i * 7919 + l.k * {ProductCount / LinesPerOrder}) % {ProductCount}
            ORDER BY o.i, l.k
            """, transaction);
        Execute(connection, "DROP TABLE bench_products", transaction);
    }

    private void WriteStock(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset at, string warehouse, string[] products)
    {
        using var receipt = Command(connection, transaction, "INSERT INTO stock_receipts (id, warehouse_id, reference, received_at) VALUES ($1, $2, 'bench', $3)");
        var receiptId = Id(at);
        Run(receipt, receiptId, warehouse, Time(at));
        using var receiptLine = Command(connection, transaction, "INSERT INTO stock_receipt_lines (product_id, quantity, receipt_id) VALUES ($1, $2, $3)");
        using var ledger = Command(connection, transaction,
            "INSERT INTO stock_ledger (id, product_id, warehouse_id, kind, on_hand_delta, reserved_delta, cause_type, cause_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        using var balance = Command(connection, transaction, "INSERT INTO stock_balances (product_id, warehouse_id, on_hand, reserved) VALUES ($1, $2, $3, 0)");
        for (var i = 0; i < products.Length; i++)
        {
            var received = ReceivedUnits * 1000;
            var shipped = _shippedUnits[i] * 1000;
            Run(receiptLine, products[i], received, receiptId);
            Run(ledger, Id(at.AddTicks(i * 3)), products[i], warehouse, "Receipt", received, 0L, "Receipt", receiptId, Time(at));
            // A year of reservations and shipments, one summary entry each: the ledger still adds up to the balance.
            Run(ledger, Id(at.AddTicks((i * 3) + 1)), products[i], warehouse, "Reservation", 0L, shipped, "Bench", receiptId, Time(at));
            Run(ledger, Id(at.AddTicks((i * 3) + 2)), products[i], warehouse, "Shipment", -shipped, -shipped, "Bench", receiptId, Time(at));
            Run(balance, products[i], warehouse, received - shipped);
        }
    }

    private void WriteRollups(SqliteConnection connection, SqliteTransaction transaction, string[] products, string[] customers)
    {
        using (var command = Command(connection, transaction, "INSERT INTO analytics_daily_sales (day, currency, shard, orders, value_minor) VALUES ($1, 'CNY', 0, $2, $3)"))
        {
            foreach (var (day, (orders, minor)) in _days)
            {
                Run(command, Date(day), orders, minor);
            }
        }

        using (var command = Command(connection, transaction, "INSERT INTO analytics_daily_customers (day, customer_id, currency, orders, value_minor, lines) VALUES ($1, $2, 'CNY', $3, $4, $5)"))
        {
            foreach (var ((day, customer), (orders, minor)) in _customers.OrderBy(c => c.Key))
            {
                Run(command, Date(day), customers[customer], orders, minor, orders * LinesPerOrder);
            }
        }

        using (var command = Command(connection, transaction, "INSERT INTO analytics_daily_products (day, product_id, currency, quantity_thousandths, value_minor, lines) VALUES ($1, $2, 'CNY', $3, $4, $5)"))
        {
            foreach (var ((day, product), (units, minor, lines)) in _products.OrderBy(p => p.Key))
            {
                Run(command, Date(day), products[product], units * 1000, minor, lines);
            }
        }

        using (var command = Command(connection, transaction, "INSERT INTO analytics_status_counts (status, shard, orders) VALUES ($1, 0, $2)"))
        {
            foreach (var (status, orders) in _statuses)
            {
                Run(command, status, orders);
            }
        }

        using (var command = Command(connection, transaction, "INSERT INTO analytics_stage_times (day, status, shard, exits, total_milliseconds) VALUES ($1, $2, 0, $3, $4)"))
        {
            foreach (var ((day, status), (exits, ms)) in _stages)
            {
                Run(command, Date(day), status, exits, ms);
            }
        }
    }

    /// <summary>Drops the secondary indexes of the big tables (rebuilt by sorting once at the end, far faster than row by row).</summary>
    private static List<string> DropIndexes(SqliteConnection connection, string[] tables)
    {
        var indexes = new List<(string Name, string Sql)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))})";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            Execute(connection, $"DROP INDEX \"{name}\"");
        }

        return indexes.ConvertAll(i => i.Sql);
    }

    private static string Id(DateTimeOffset at) => Guid.CreateVersion7(at).ToString().ToUpperInvariant();

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var count = System.Text.RegularExpressions.Regex.Matches(sql, @"\$(\d+)").Max(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        for (var i = 1; i <= count; i++)
        {
            command.Parameters.Add(new SqliteParameter($"${i}", null));
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
