using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Orderly.Domain.Common;

namespace Orderly.Bench;

/// <summary>
/// Which of the place path's rows a raw-SQL run folds into fewer rows (issue #18, "fewer rows per order"); the
/// row-variants phase measures each against <see cref="Baseline"/>.
/// </summary>
[Flags]
public enum RowVariant
{
    /// <summary>Today's rows.</summary>
    Baseline = 0,

    /// <summary>The reservation row is the ledger entry of its reserved move: no stock_ledger row per reserved line.</summary>
    ReservationIsLedger = 1,

    /// <summary>The allocation decision is one JSON column on its order line: no allocation_decisions row per line.</summary>
    DecisionOnLine = 2,

    /// <summary>
    /// An order placed confirmed records one status change (none to Confirmed) instead of two (none to Draft, Draft
    /// to Confirmed), so its rollups have no zero-length Draft stay either.
    /// </summary>
    OneStatusChange = 4,

    /// <summary>
    /// The order's Create audit record carries the created values as one JSON object ({"field": value}) instead of a
    /// {"field","old":null,"new"} entry per field: the same record, hash and chain, fewer bytes.
    /// </summary>
    CompactCreateAudit = 8,
}

/// <summary>
/// The physical limit for the API's order writes: the same rows Orderly writes to place and confirm a 10-line
/// order (order, lines, number counter, conditional stock reservation per line, reservation and ledger rows,
/// allocation decisions, two status changes, one hash-chained audit record, the outbox's events and the analytics
/// rollups' upserts: the place path's one transaction), written with prepared statements
/// on one connection in the same database file format, WAL with synchronous=FULL. Either one commit per order or
/// group commit: many orders per commit, each in its own savepoint. A <see cref="RowVariant"/> leaves rows out
/// (and may add a column to the copy it writes to: never run one on a database anything else uses).
/// </summary>
public sealed class RawSqliteOrders : IDisposable
{
    private const int RollupShards = 8;

    private readonly SqliteConnection _connection;
    private readonly List<(string Id, string Sku, string Name, string Unit, long PriceMinor)> _products;
    private readonly List<string> _customers;
    private readonly string _warehouse;
    private readonly Dictionary<string, SqliteCommand> _commands = [];
    private readonly RowVariant _variant;
    private string _previousHash = new('0', 64);

    public RawSqliteOrders(string file, string warehouseId, IEnumerable<Guid> products, IEnumerable<Guid> customers, RowVariant variant = RowVariant.Baseline)
    {
        _variant = variant;
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
        if (variant.HasFlag(RowVariant.DecisionOnLine))
        {
            Execute("ALTER TABLE order_lines ADD COLUMN allocation TEXT");
        }
        if (_products.Count < Fixture.LinesPerOrder || _customers.Count == 0)
        {
            throw new InvalidOperationException($"The raw-SQL copy has {_products.Count} bench products and {_customers.Count} customers.");
        }
    }

    /// <summary>Statements executed so far (one per row written or upserted, plus the number counter).</summary>
    public long Statements { get; private set; }

    /// <summary>Rows the statements inserted or updated so far (SQLite's change count: trigger rows such as the search index's are not in it).</summary>
    public long RowsChanged { get; private set; }

    /// <summary>Orders written so far.</summary>
    public long Orders { get; private set; }

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
        var orderGuid = Ids.New(now);
        var orderId = Text(orderGuid);
        var customer = _customers[random.Next(_customers.Count)];
        var date = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var number = Scalar("seq", "INSERT INTO number_sequences (name, last_value) VALUES ('RAW', 1) ON CONFLICT (name) DO UPDATE SET last_value = number_sequences.last_value + 1 RETURNING last_value");
        var picked = new HashSet<int>();
        while (picked.Count < Fixture.LinesPerOrder)
        {
            picked.Add(random.Next(_products.Count));
        }

        var lines = picked.Select((p, n) => (Id: Text(Ids.New(now)), Number: n + 1, Product: _products[p], Quantity: random.Next(1, 6) * 1000L)).ToList();
        var total = lines.Sum(l => l.Product.PriceMinor * l.Quantity / 1000);
        Run("order", """
            INSERT INTO sales_orders (id, number, customer_id, currency, status, order_date, total_minor, created_at, updated_at, submitted_at, confirmed_at, version, entry_warnings)
            VALUES ($id, $number, $customer, 'CNY', 'Confirmed', $date, $total, $at, $at, $at, $at, 2, '[]')
            """, ("$id", orderId), ("$number", $"RAW-{number:0000000}"), ("$customer", customer),
            ("$date", date), ("$total", total), ("$at", at));
        var decisionOnLine = _variant.HasFlag(RowVariant.DecisionOnLine);
        foreach (var line in lines)
        {
            (string, object)[] values =
            [
                ("$id", line.Id), ("$order", orderId), ("$n", line.Number), ("$product", line.Product.Id), ("$sku", line.Product.Sku),
                ("$name", line.Product.Name), ("$unit", line.Product.Unit), ("$q", line.Quantity), ("$price", line.Product.PriceMinor),
                ("$total", line.Product.PriceMinor * line.Quantity / 1000),
            ];
            if (decisionOnLine)
            {
                // The whole decision (policy, summary, candidates, allocations, when) as one JSON value on the line.
                Run("line", """
                    INSERT INTO order_lines (id, order_id, line_number, product_id, sku, product_name, unit, quantity, currency, unit_price_minor, list_price_minor,
                        discount_percent, line_total_minor, reserved, drop_ship, backordered, shipped, delivered, returned, invoiced, allocation)
                    VALUES ($id, $order, $n, $product, $sku, $name, $unit, $q, 'CNY', $price, $price, '0', $total, $q, 0, 0, 0, 0, 0, 0, $allocation)
                    """, [.. values, ("$allocation", $$"""{"policy":"ShipPartial","summary":"reserved in the single warehouse","candidates":{{Candidates()}},"allocations":{{Allocations(line.Quantity)}},"decidedAt":"{{at}}"}""")]);
            }
            else
            {
                Run("line", """
                    INSERT INTO order_lines (id, order_id, line_number, product_id, sku, product_name, unit, quantity, currency, unit_price_minor, list_price_minor,
                        discount_percent, line_total_minor, reserved, drop_ship, backordered, shipped, delivered, returned, invoiced)
                    VALUES ($id, $order, $n, $product, $sku, $name, $unit, $q, 'CNY', $price, $price, '0', $total, $q, 0, 0, 0, 0, 0, 0)
                    """, values);
            }
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
                ("$id", Text(Ids.New(now))), ("$o", orderId), ("$l", line.Id), ("$p", line.Product.Id), ("$w", _warehouse), ("$q", line.Quantity), ("$at", at));
            if (!_variant.HasFlag(RowVariant.ReservationIsLedger))
            {
                Run("ledger", """
                    INSERT INTO stock_ledger (id, product_id, warehouse_id, kind, on_hand_delta, reserved_delta, cause_type, cause_id, at)
                    VALUES ($id, $p, $w, 'Reserved', 0, $q, 'SalesOrder', $o, $at)
                    """, ("$id", Text(Ids.New(now))), ("$p", line.Product.Id), ("$w", _warehouse), ("$q", line.Quantity), ("$o", orderId), ("$at", at));
            }

            if (!decisionOnLine)
            {
                Run("decision", """
                    INSERT INTO allocation_decisions (id, order_id, order_line_id, policy, summary, candidates, allocations, decided_at)
                    VALUES ($id, $o, $l, 'ShipPartial', 'reserved in the single warehouse', $c, $a, $at)
                    """, ("$id", Text(Ids.New(now))), ("$o", orderId), ("$l", line.Id), ("$c", Candidates()), ("$a", Allocations(line.Quantity)), ("$at", at));
            }
        }

        var oneStatusChange = _variant.HasFlag(RowVariant.OneStatusChange);
        (string? From, string To)[] statusChanges = oneStatusChange ? [(null, "Confirmed")] : [(null, "Draft"), ("Draft", "Confirmed")];
        foreach (var (from, to) in statusChanges)
        {
            Run("status", "INSERT INTO order_status_changes (id, order_id, \"from\", \"to\", at) VALUES ($id, $o, $f, $t, $at)",
                ("$id", Text(Ids.New(now))), ("$o", orderId), ("$f", (object?)from ?? DBNull.Value), ("$t", to), ("$at", at));
        }

        WriteRollups(orderGuid, customer, date, total, lines.Select(l => (l.Product.Id, l.Quantity, l.Product.PriceMinor * l.Quantity / 1000)), !oneStatusChange);
        WriteOutbox(orderId, $"RAW-{number:0000000}", customer, total, at, lines.Select(l => (l.Id, l.Product.Id, l.Quantity)));

        var changes = _variant.HasFlag(RowVariant.CompactCreateAudit)
            ? CompactCreateChanges(orderId, at, customer, date, total, lines.Select(l => (l.Id, l.Number, l.Product, l.Quantity)))
            : CreateChanges(orderId, at, customer, date, total, lines.Select(l => (l.Id, l.Number, l.Product, l.Quantity)));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_previousHash + "|" + at + "|SalesOrder|" + orderId + "|" + changes)));
        Run("audit", """
            INSERT INTO audit_records (at, actor_id, actor_name, source_address, correlation_id, action, operation, entity_type, entity_id, customer_id, changes, previous_hash, hash)
            VALUES ($at, $actor, 'bench-admin@orderly.local', '127.0.0.1', $corr, 'Create', 'CreateOrder', 'SalesOrder', $o, $customer, $c, $prev, $hash)
            """, ("$at", at), ("$actor", Actor), ("$corr", Correlation(orderId)), ("$o", orderId.ToLowerInvariant()), ("$customer", customer), ("$c", changes),
            ("$prev", _previousHash), ("$hash", hash));
        _previousHash = hash;
        Orders++;
    }

    private string Candidates() => $$"""[{"warehouseId":"{{_warehouse}}","available":1000000,"reason":"whole order"}]""";

    /// <summary>The bench administrator the API's orders are placed as (actor of the audit record and the events).</summary>
    private const string Actor = "01A249D2-7F38-74D4-ACB6-5AA732E5462A";

    private static string Correlation(string order) => order.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    private static IEnumerable<(string Field, string Value)> CreatedFields(
        string order, string at, string customer, string date, long total, IEnumerable<(string Id, int Number, (string Id, string Sku, string Name, string Unit, long PriceMinor) Product, long Quantity)> lines)
    {
        (string, string)[] header =
        [
            ("id", order.ToLowerInvariant()), ("confirmedAt", at), ("createdAt", at), ("createdBy", Actor.ToLowerInvariant()), ("currency", "CNY"),
            ("customerId", customer.ToLowerInvariant()), ("number", "RAW"), ("orderDate", date), ("status", "Confirmed"), ("submittedAt", at),
            ("totalMinor", total.ToString(CultureInfo.InvariantCulture)), ("entryWarnings", "[]"),
        ];
        foreach (var field in header)
        {
            yield return field;
        }

        foreach (var (id, number, product, quantity) in lines)
        {
            var units = (quantity / 1000).ToString(CultureInfo.InvariantCulture);
            var price = product.PriceMinor.ToString(CultureInfo.InvariantCulture);
            (string, string)[] line =
            [
                ("id", id.ToLowerInvariant()), ("backordered", "0"), ("backorderedAtCancel", "0"), ("currency", "CNY"), ("delivered", "0"), ("discountPercent", "0"),
                ("dropShip", "0"), ("invoiced", "0"), ("lineNumber", number.ToString(CultureInfo.InvariantCulture)),
                ("lineTotalMinor", (product.PriceMinor * quantity / 1000).ToString(CultureInfo.InvariantCulture)), ("listPriceMinor", price),
                ("orderId", order.ToLowerInvariant()), ("productId", product.Id.ToLowerInvariant()), ("productName", product.Name), ("quantity", units),
                ("reserved", units), ("returned", "0"), ("shipped", "0"), ("sku", product.Sku), ("unit", product.Unit), ("unitPriceMinor", price),
            ];
            foreach (var (field, value) in line)
            {
                yield return ($"lines[{number}].{field}", value);
            }
        }
    }

    /// <summary>The server's Create record: one {"field","old":null,"new"} entry per field of the order and of each line (222 for 10 lines, ~13 KB).</summary>
    private static string CreateChanges(
        string order, string at, string customer, string date, long total, IEnumerable<(string Id, int Number, (string Id, string Sku, string Name, string Unit, long PriceMinor) Product, long Quantity)> lines) =>
        System.Text.Json.JsonSerializer.Serialize(CreatedFields(order, at, customer, date, total, lines).Select(f => new ChangeEntry(f.Field, null, f.Value)), ChangeJson);

    /// <summary>A Create record as one object of the created values (a create has no old values): the same facts, about half the bytes.</summary>
    private static string CompactCreateChanges(
        string order, string at, string customer, string date, long total, IEnumerable<(string Id, int Number, (string Id, string Sku, string Name, string Unit, long PriceMinor) Product, long Quantity)> lines) =>
        System.Text.Json.JsonSerializer.Serialize(CreatedFields(order, at, customer, date, total, lines).ToDictionary(f => f.Field, f => f.Value), ChangeJson);

    private sealed record ChangeEntry(string Field, string? Old, string New);

    private static readonly System.Text.Json.JsonSerializerOptions ChangeJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private string Allocations(long quantity) => $$"""[{"kind":"Warehouse","sourceId":"{{_warehouse}}","quantity":{{quantity / 1000}}}]""";

    /// <summary>
    /// The rollups' upserts of an order placed confirmed (Analytics/Rollups.cs): its day's sales shard, its customer's
    /// day, each product's day, the Confirmed count, and (with a Draft status change) the Draft stage's exit.
    /// </summary>
    private void WriteRollups(Guid order, string customer, string day, long total, IEnumerable<(string Product, long Quantity, long Minor)> lines, bool draftStage)
    {
        var bytes = order.ToByteArray(bigEndian: true);
        var shard = bytes[15] & (RollupShards - 1);
        var lineList = lines.OrderBy(l => l.Product, StringComparer.Ordinal).ToList();
        Run("rollup-sales", """
            INSERT INTO analytics_daily_sales AS r (day, currency, shard, orders, value_minor, changes) VALUES ($d, 'CNY', $s, 1, $v, 1)
            ON CONFLICT (day, currency, shard) DO UPDATE SET orders = r.orders + excluded.orders, value_minor = r.value_minor + excluded.value_minor, changes = r.changes + excluded.changes
            """, ("$d", day), ("$s", shard), ("$v", total));
        Run("rollup-customer", """
            INSERT INTO analytics_daily_customers AS r (day, customer_id, currency, orders, value_minor, lines) VALUES ($d, $c, 'CNY', 1, $v, $n)
            ON CONFLICT (day, customer_id, currency) DO UPDATE SET orders = r.orders + excluded.orders, value_minor = r.value_minor + excluded.value_minor, lines = r.lines + excluded.lines
            """, ("$d", day), ("$c", customer), ("$v", total), ("$n", lineList.Count));
        foreach (var (product, quantity, minor) in lineList)
        {
            Run("rollup-product", """
                INSERT INTO analytics_daily_products AS r (day, product_id, currency, quantity_thousandths, value_minor, lines) VALUES ($d, $p, 'CNY', $q, $v, 1)
                ON CONFLICT (day, product_id, currency) DO UPDATE SET quantity_thousandths = r.quantity_thousandths + excluded.quantity_thousandths,
                    value_minor = r.value_minor + excluded.value_minor, lines = r.lines + excluded.lines
                """, ("$d", day), ("$p", product), ("$q", quantity), ("$v", minor));
        }

        Run("rollup-status", """
            INSERT INTO analytics_status_counts AS r (status, shard, orders) VALUES ('Confirmed', $s, 1)
            ON CONFLICT (status, shard) DO UPDATE SET orders = r.orders + excluded.orders
            """, ("$s", shard));
        if (draftStage)
        {
            Run("rollup-stage", """
                INSERT INTO analytics_stage_times AS r (day, status, shard, exits, total_milliseconds) VALUES ($d, 'Draft', $s, 1, 0)
                ON CONFLICT (day, status, shard) DO UPDATE SET exits = r.exits + excluded.exits, total_milliseconds = r.total_milliseconds + excluded.total_milliseconds
                """, ("$d", day), ("$s", shard));
        }
    }

    /// <summary>The outbox rows of an order placed confirmed (Platform/Events/OutboxInterceptor.cs): created, submitted, confirmed, stock reserved.</summary>
    private void WriteOutbox(string order, string number, string customer, long total, string at, IEnumerable<(string Line, string Product, long Quantity)> lines)
    {
        var reserved = string.Join(",", lines.Select(l => $$"""{"lineId":"{{l.Line.ToLowerInvariant()}}","productId":"{{l.Product.ToLowerInvariant()}}","warehouseId":"{{_warehouse.ToLowerInvariant()}}","quantity":{{l.Quantity / 1000}}}"""));
        var id = order.ToLowerInvariant();
        var who = customer.ToLowerInvariant();
        var amount = (total / 100m).ToString(CultureInfo.InvariantCulture);
        var by = Actor.ToLowerInvariant();
        foreach (var (type, payload) in new[]
        {
            ("OrderCreated", $$"""{"orderId":"{{id}}","number":"{{number}}","customerId":"{{who}}","total":{{amount}},"currency":"CNY","lines":10,"by":"{{by}}"}"""),
            ("OrderSubmitted", $$"""{"orderId":"{{id}}","number":"{{number}}","customerId":"{{who}}","total":{{amount}},"currency":"CNY","approvalReasons":[],"by":"{{by}}"}"""),
            ("OrderConfirmed", $$"""{"orderId":"{{id}}","number":"{{number}}","customerId":"{{who}}","total":{{amount}},"currency":"CNY","by":"{{by}}"}"""),
            ("StockReserved", $$"""{"orderId":"{{id}}","orderNumber":"{{number}}","customerId":"{{who}}","reserved":[{{reserved}}],"backordered":[]}"""),
        })
        {
            Run("outbox", """
                INSERT INTO outbox (id, type, aggregate_type, aggregate_id, customer_id, payload, payload_version, occurred_at, actor_id, actor_name, correlation_id, state, attempts, available_at)
                VALUES ($id, $type, 'SalesOrder', $o, $c, $payload, 1, $at, $actor, 'bench-admin@orderly.local', $corr, 'Pending', 0, $at)
                """, ("$id", Text(Ids.New())), ("$type", type), ("$o", id), ("$c", customer), ("$payload", payload), ("$at", at), ("$actor", Actor),
                ("$corr", Correlation(order)));
        }
    }

    private int Run(string name, string sql, params (string Name, object Value)[] parameters)
    {
        var command = Prepare(name, sql, parameters);
        var changed = command.ExecuteNonQuery();
        Statements++;
        RowsChanged += changed;
        return changed;
    }

    private long Scalar(string name, string sql)
    {
        Statements++;
        RowsChanged++;
        return (long)Prepare(name, sql, []).ExecuteScalar()!;
    }

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
