using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Orderly.Bench;

/// <summary>
/// The physical limit for the API's order writes: the same rows Orderly writes to place and confirm a 10-line
/// order (order, lines, number counter, conditional stock reservation per line, reservation and ledger rows,
/// allocation decisions, two status changes, one hash-chained audit record: the place path's one transaction),
/// written with prepared statements
/// on one connection in the same database file format, WAL with synchronous=FULL. Either one commit per order or
/// group commit: many orders per commit, each in its own savepoint.
/// </summary>
public sealed class RawSqliteOrders : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<(string Id, string Sku, string Name, string Unit, long PriceMinor)> _products;
    private readonly List<string> _customers;
    private readonly string _warehouse;
    private readonly Dictionary<string, SqliteCommand> _commands = [];
    private string _previousHash = new('0', 64);
    private long _sequence;

    public RawSqliteOrders(string file, string warehouseId, IEnumerable<Guid> products, IEnumerable<Guid> customers)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;");
        _warehouse = warehouseId;
        var wanted = products.Select(Text).ToHashSet();
        _products = [];
        using (var read = _connection.CreateCommand())
        {
            read.CommandText = "SELECT id, sku, name, unit, list_price_minor FROM products";
            using var rows = read.ExecuteReader();
            while (rows.Read())
            {
                if (wanted.Contains(rows.GetString(0)))
                {
                    _products.Add((rows.GetString(0), rows.GetString(1), rows.GetString(2), rows.GetString(3), rows.GetInt64(4)));
                }
            }
        }

        _customers = [.. customers.Select(Text)];
        if (_products.Count < Fixture.LinesPerOrder || _customers.Count == 0)
        {
            throw new InvalidOperationException($"The raw-SQL copy has {_products.Count} bench products and {_customers.Count} customers.");
        }
    }

    /// <summary>Writes orders for the given time, one commit per order or <paramref name="groupSize"/> per commit; returns orders/s.</summary>
    public (double PerSecond, long Orders) Run(TimeSpan duration, int groupSize, int seed)
    {
        var random = new Random(seed);
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long orders = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            Execute("BEGIN IMMEDIATE");
            for (var i = 0; i < groupSize; i++)
            {
                if (groupSize > 1)
                {
                    Execute("SAVEPOINT o");
                }

                PlaceAndConfirm(random);
                if (groupSize > 1)
                {
                    Execute("RELEASE o");
                }
            }

            Execute("COMMIT");
            orders += groupSize;
        }

        return (orders / Stopwatch.GetElapsedTime(started).TotalSeconds, orders);
    }

    private void PlaceAndConfirm(Random random)
    {
        var now = DateTimeOffset.UtcNow;
        var at = now.ToString("O", CultureInfo.InvariantCulture);
        var orderId = Text(Guid.CreateVersion7(now));
        var number = Scalar("seq", "INSERT INTO number_sequences (name, last_value) VALUES ('RAW', 1) ON CONFLICT (name) DO UPDATE SET last_value = number_sequences.last_value + 1 RETURNING last_value");
        var picked = new HashSet<int>();
        while (picked.Count < Fixture.LinesPerOrder)
        {
            picked.Add(random.Next(_products.Count));
        }

        var lines = picked.Select((p, n) => (Id: Text(Guid.CreateVersion7(now)), Number: n + 1, Product: _products[p], Quantity: random.Next(1, 6) * 1000L)).ToList();
        var total = lines.Sum(l => l.Product.PriceMinor * l.Quantity / 1000);
        Run("order", """
            INSERT INTO sales_orders (id, number, customer_id, currency, status, order_date, total_minor, created_at, updated_at, submitted_at, confirmed_at, version, entry_warnings)
            VALUES ($id, $number, $customer, 'CNY', 'Confirmed', $date, $total, $at, $at, $at, $at, 2, '[]')
            """, ("$id", orderId), ("$number", $"RAW-{number:0000000}"), ("$customer", _customers[random.Next(_customers.Count)]),
            ("$date", now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("$total", total), ("$at", at));
        foreach (var line in lines)
        {
            Run("line", """
                INSERT INTO order_lines (id, order_id, line_number, product_id, sku, product_name, unit, quantity, currency, unit_price_minor, list_price_minor,
                    discount_percent, line_total_minor, reserved, drop_ship, backordered, shipped, delivered, returned, invoiced)
                VALUES ($id, $order, $n, $product, $sku, $name, $unit, $q, 'CNY', $price, $price, '0', $total, $q, 0, 0, 0, 0, 0, 0)
                """, ("$id", line.Id), ("$order", orderId), ("$n", line.Number), ("$product", line.Product.Id), ("$sku", line.Product.Sku),
                ("$name", line.Product.Name), ("$unit", line.Product.Unit), ("$q", line.Quantity), ("$price", line.Product.PriceMinor),
                ("$total", line.Product.PriceMinor * line.Quantity / 1000));
        }

        foreach (var line in lines.OrderBy(l => l.Product.Id, StringComparer.Ordinal))
        {
            var reserved = Run("reserve", "UPDATE stock_balances SET reserved = reserved + $q WHERE product_id = $p AND warehouse_id = $w AND on_hand - reserved >= $q",
                ("$q", line.Quantity), ("$p", line.Product.Id), ("$w", _warehouse));
            if (reserved != 1)
            {
                throw new InvalidOperationException("The raw-SQL stock ran out; give the bench products more stock.");
            }

            Run("reservation", "INSERT INTO stock_reservations (id, order_id, order_line_id, product_id, warehouse_id, quantity, created_at) VALUES ($id, $o, $l, $p, $w, $q, $at)",
                ("$id", Text(Guid.CreateVersion7(now))), ("$o", orderId), ("$l", line.Id), ("$p", line.Product.Id), ("$w", _warehouse), ("$q", line.Quantity), ("$at", at));
            Run("ledger", """
                INSERT INTO stock_ledger (id, product_id, warehouse_id, kind, on_hand_delta, reserved_delta, cause_type, cause_id, at)
                VALUES ($id, $p, $w, 'Reserved', 0, $q, 'SalesOrder', $o, $at)
                """, ("$id", Text(Guid.CreateVersion7(now))), ("$p", line.Product.Id), ("$w", _warehouse), ("$q", line.Quantity), ("$o", orderId), ("$at", at));
            Run("decision", """
                INSERT INTO allocation_decisions (id, order_id, order_line_id, policy, summary, candidates, allocations, decided_at)
                VALUES ($id, $o, $l, 'ShipPartial', 'reserved in the single warehouse', $c, $a, $at)
                """, ("$id", Text(Guid.CreateVersion7(now))), ("$o", orderId), ("$l", line.Id),
                ("$c", $$"""[{"warehouseId":"{{_warehouse}}","available":1000000,"reason":"whole order"}]"""),
                ("$a", $$"""[{"kind":"Warehouse","sourceId":"{{_warehouse}}","quantity":{{line.Quantity / 1000}}}]"""), ("$at", at));
        }

        foreach (var (from, to) in new[] { ((string?)null, "Draft"), ("Draft", "Confirmed") })
        {
            Run("status", "INSERT INTO order_status_changes (id, order_id, \"from\", \"to\", at) VALUES ($id, $o, $f, $t, $at)",
                ("$id", Text(Guid.CreateVersion7(now))), ("$o", orderId), ("$f", (object?)from ?? DBNull.Value), ("$t", to), ("$at", at));
        }

        var changes = """[{"field":"status","old":null,"new":"Confirmed"}]""";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_previousHash + "|" + at + "|SalesOrder|" + orderId + "|" + changes)));
        Run("audit", """
            INSERT INTO audit_records (at, action, entity_type, entity_id, customer_id, changes, previous_hash, hash)
            VALUES ($at, 'Create', 'SalesOrder', $o, NULL, $c, $prev, $hash)
            """, ("$at", at), ("$o", orderId), ("$c", changes), ("$prev", _previousHash), ("$hash", hash));
        _previousHash = hash;

        _sequence++;
    }

    private int Run(string name, string sql, params (string Name, object Value)[] parameters)
    {
        var command = Prepare(name, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private long Scalar(string name, string sql) => (long)Prepare(name, sql, []).ExecuteScalar()!;

    private SqliteCommand Prepare(string name, string sql, (string Name, object Value)[] parameters)
    {
        if (!_commands.TryGetValue(name, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (parameter, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = parameter });
            }

            command.Prepare();
            _commands[name] = command;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value;
        }

        return command;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static string Text(Guid id) => id.ToString().ToUpperInvariant();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }
}
