using System.Diagnostics;
using Npgsql;
using Orderly.Domain.Common;

namespace Orderly.Bench;

/// <summary>
/// The PostgreSQL limit for the API's order writes on the place path: the same rows as <see cref="RawSqliteOrders"/>
/// (order, lines, conditional reservations, reservation and ledger rows, allocation decisions, status changes) with
/// the order number from a sequence and one hash-chained audit record appended to the order's chain under the
/// same per-chain advisory lock the server takes; one transaction and one round trip per order (an Npgsql batch
/// runs as one implicit transaction), from many connections at once.
/// </summary>
public sealed class RawPostgresOrders(NpgsqlDataSource data, Guid warehouse, IReadOnlyList<Guid> products, IReadOnlyList<Guid> customers)
{
    private const int AuditChainLock = 74_280_001;
    private const int AuditChains = 64;

    public async Task<(double PerSecond, long Orders)> RunAsync(int clients, TimeSpan duration, int seed, CancellationToken ct)
    {
        var info = new List<(Guid Id, string Sku, string Name, long Price)>();
        await using (var read = data.CreateCommand("SELECT id, sku, name, list_price_minor FROM products WHERE id = ANY($1)"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = products.ToArray() });
            await using var rows = await read.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                info.Add((rows.GetGuid(0), rows.GetString(1), rows.GetString(2), rows.GetInt64(3)));
            }
        }

        await using (var sequence = data.CreateCommand("CREATE SEQUENCE IF NOT EXISTS raw_order_numbers"))
        {
            await sequence.ExecuteNonQueryAsync(ct);
        }

        long orders = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed + client);
            await using var connection = await data.OpenConnectionAsync(ct);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await using var batch = Batch(connection, random, info);
                await batch.ExecuteNonQueryAsync(ct);
                Interlocked.Increment(ref orders);
            }
        }, ct)));
        return (orders / Stopwatch.GetElapsedTime(started).TotalSeconds, orders);
    }

    private NpgsqlBatch Batch(NpgsqlConnection connection, Random random, List<(Guid Id, string Sku, string Name, long Price)> info)
    {
        var batch = new NpgsqlBatch(connection);
        void Add(string sql, params object?[] values)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            batch.BatchCommands.Add(command);
        }

        var now = DateTime.UtcNow;
        var order = Ids.New();
        var picked = new HashSet<int>();
        while (picked.Count < Fixture.LinesPerOrder)
        {
            picked.Add(random.Next(info.Count));
        }

        var lines = picked.Select((p, n) => (Id: Ids.New(), Number: n + 1, Product: info[p], Quantity: random.Next(1, 6) * 1000L)).OrderBy(l => l.Product.Id).ToList();
        var total = lines.Sum(l => l.Product.Price * l.Quantity / 1000);
        Add("""
            INSERT INTO sales_orders (id, number, customer_id, currency, status, order_date, total_minor, created_at, updated_at, submitted_at, confirmed_at, version, entry_warnings)
            SELECT $1, 'RAW-' || nextval('raw_order_numbers'), $2, 'CNY', 'Confirmed', $3, $4, $5, $5, $5, $5, 2, '[]'
            """, order, customers[random.Next(customers.Count)], DateOnly.FromDateTime(now), total, now);
        foreach (var line in lines)
        {
            Add("""
                INSERT INTO order_lines (id, order_id, line_number, product_id, sku, product_name, unit, quantity, currency, unit_price_minor, list_price_minor,
                    discount_percent, line_total_minor, reserved, drop_ship, backordered, shipped, delivered, returned, invoiced)
                VALUES ($1, $2, $3, $4, $5, $6, 'pcs', $7, 'CNY', $8, $8, 0, $9, $7, 0, 0, 0, 0, 0, 0)
                """, line.Id, order, line.Number, line.Product.Id, line.Product.Sku, line.Product.Name, line.Quantity, line.Product.Price,
                line.Product.Price * line.Quantity / 1000);
            Add("UPDATE stock_balances SET reserved = reserved + $1 WHERE product_id = $2 AND warehouse_id = $3 AND on_hand - reserved >= $1",
                line.Quantity, line.Product.Id, warehouse);
            Add("INSERT INTO stock_reservations (id, order_id, order_line_id, product_id, warehouse_id, quantity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                Ids.New(), order, line.Id, line.Product.Id, warehouse, line.Quantity, now);
            Add("""
                INSERT INTO stock_ledger (id, product_id, warehouse_id, kind, on_hand_delta, reserved_delta, cause_type, cause_id, at)
                VALUES ($1, $2, $3, 'Reserved', 0, $4, 'SalesOrder', $5, $6)
                """, Ids.New(), line.Product.Id, warehouse, line.Quantity, order, now);
            Add("""
                INSERT INTO allocation_decisions (id, order_id, order_line_id, policy, summary, candidates, allocations, decided_at)
                VALUES ($1, $2, $3, 'ShipPartial', 'reserved in the single warehouse', $4, $5, $6)
                """, Ids.New(), order, line.Id, $$"""[{"warehouseId":"{{warehouse}}","available":1000000}]""",
                $$"""[{"kind":"Warehouse","sourceId":"{{warehouse}}","quantity":{{line.Quantity / 1000}}}]""", now);
        }

        foreach (var (from, to) in new[] { ((string?)null, "Draft"), ("Draft", "Confirmed") })
        {
            Add("INSERT INTO order_status_changes (id, order_id, \"from\", \"to\", at) VALUES ($1, $2, $3, $4, $5)", Ids.New(), order, from, to, now);
        }

        // The order's audit chain: under the server's lock of that chain, the record hashes the chain's head, in SQL.
        var chain = ChainOf("SalesOrder", order.ToString());
        Add("SELECT pg_advisory_xact_lock($1, $2)", AuditChainLock, chain);
        Add("""
            INSERT INTO audit_records (at, action, entity_type, entity_id, changes, previous_hash, hash, chain)
            SELECT $1, 'Create', 'SalesOrder', $2, $3, h.hash, encode(sha256(convert_to(h.hash || '|' || $2 || '|' || $3, 'UTF8')), 'hex'), $4
            FROM (SELECT coalesce((SELECT hash FROM audit_records WHERE chain = $4 ORDER BY id DESC LIMIT 1), repeat('0', 64)) AS hash) AS h
            """, now, order.ToString(), """[{"field":"status","old":null,"new":"Confirmed"}]""", chain);

        return batch;
    }

    /// <summary>The server's chain of an aggregate (Audit/AuditChains.cs): FNV-1a of "type/id" modulo the chain count.</summary>
    private static int ChainOf(string type, string id)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes($"{type}/{id}"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % AuditChains);
    }
}
