using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Inventory;

namespace Orderly.Server.Tests.Concurrency;

/// <summary>One (product, warehouse) balance as a snapshot saw it.</summary>
public sealed record BalanceSnapshot(Guid ProductId, Guid WarehouseId, decimal OnHand, decimal Reserved)
{
    public decimal Available => OnHand - Reserved;
}

/// <summary>What one consistent read of the stock tables showed, and every invariant it broke.</summary>
public sealed record StockSnapshot(IReadOnlyList<string> Violations, IReadOnlyList<BalanceSnapshot> Balances, int LedgerEntries, int OrderLines)
{
    public string Describe() => Violations.Count == 0 ? "ok" : string.Join(Environment.NewLine, Violations);
}

/// <summary>
/// Reads the stock tables inside ONE read transaction and checks the invariants of DESIGN.md section 3:
/// on hand = sum of ledger on-hand deltas; reserved = sum of ledger reserved deltas = sum of open reservations;
/// no negative bucket; and per order line: reserved = its open reservations, reserved + shipped &lt;= ordered,
/// reserved + backordered + shipped = ordered once confirmed, nothing reserved on a draft, pending, cancelled or
/// rejected order.
/// </summary>
/// <remarks>
/// How the snapshot is taken:
/// PostgreSQL: a REPEATABLE READ transaction, whose snapshot is fixed by its first statement.
/// SQLite: Microsoft.Data.Sqlite (and so EF's BeginTransaction, at any isolation level) starts transactions with
/// BEGIN IMMEDIATE, which takes the database's write lock: the server's writers would queue behind the reader
/// (and the reader behind them). Instead the connection is opened by hand and a DEFERRED transaction is started
/// (<c>BeginTransaction(deferred: true)</c>): in WAL mode its read snapshot is fixed by the first SELECT and held
/// until it ends, while writers go on committing. <see cref="InvariantSnapshotTests"/> checks both properties.
/// </remarks>
public static class StockInvariants
{
    /// <summary>Checks the stock of the given products (all products when none are given) on one snapshot.</summary>
    /// <remarks>Tests in one class share a database: naming its products keeps a test from reporting another's breakage.</remarks>
    public static Task<StockSnapshot> TakeAsync(OrderlyApp app, params Guid[] products) => app.WithDbAsync(async db =>
    {
        await using var snapshot = await ReadSnapshot.BeginAsync(app, db);
        var snap = await ReadAsync(db, products);
        await snapshot.EndAsync();
        return snap;
    });

    public static async Task<StockSnapshot> ReadAsync(OrderlyDbContext db, Guid[] products)
    {
        var all = products.Length == 0;
        var balances = await db.StockBalances.AsNoTracking().Where(b => all || products.Contains(b.ProductId))
            .Select(b => new BalanceSnapshot(b.ProductId, b.WarehouseId, b.OnHand, b.Reserved)).ToListAsync();
        var ledger = await db.StockLedger.AsNoTracking().Where(e => all || products.Contains(e.ProductId))
            .Select(e => new { e.ProductId, e.WarehouseId, e.Kind, e.OnHandDelta, e.ReservedDelta, e.CauseType, e.CauseId }).ToListAsync();
        var reservations = await db.StockReservations.AsNoTracking().Where(r => all || products.Contains(r.ProductId))
            .Select(r => new { r.OrderId, r.OrderLineId, r.ProductId, r.WarehouseId, r.Quantity }).ToListAsync();
        var lines = await db.OrderLines.AsNoTracking().Where(l => all || products.Contains(l.ProductId))
            .Join(db.SalesOrders.AsNoTracking(), l => l.OrderId, o => o.Id,
                (l, o) => new { l.Id, l.OrderId, o.Number, o.Status, l.LineNumber, l.Quantity, l.Reserved, l.Backordered, l.Shipped })
            .ToListAsync();

        var violations = new List<string>();
        var ledgerBy = ledger.ToLookup(e => (e.ProductId, e.WarehouseId));
        var reservedBy = reservations.ToLookup(r => (r.ProductId, r.WarehouseId));
        var balanceKeys = balances.Select(b => (b.ProductId, b.WarehouseId)).ToHashSet();
        foreach (var b in balances)
        {
            var key = (b.ProductId, b.WarehouseId);
            var name = $"balance {b.ProductId:N}/{b.WarehouseId:N}";
            var ledgerOnHand = ledgerBy[key].Sum(e => e.OnHandDelta);
            var ledgerReserved = ledgerBy[key].Sum(e => e.ReservedDelta);
            var open = reservedBy[key].Sum(r => r.Quantity);
            Check(violations, b.OnHand == ledgerOnHand, $"{name}: on hand {b.OnHand} != sum of ledger on-hand deltas {ledgerOnHand}");
            Check(violations, b.Reserved == ledgerReserved, $"{name}: reserved {b.Reserved} != sum of ledger reserved deltas {ledgerReserved}");
            Check(violations, b.Reserved == open, $"{name}: reserved {b.Reserved} != sum of open reservations {open}");
            Check(violations, b.Reserved >= 0, $"{name}: reserved {b.Reserved} is negative");
            Check(violations, b.OnHand >= 0, $"{name}: on hand {b.OnHand} is negative");
            Check(violations, b.Available >= 0, $"{name}: available {b.Available} is negative (on hand {b.OnHand}, reserved {b.Reserved})");
        }

        foreach (var orphan in ledgerBy.Select(g => g.Key).Concat(reservedBy.Select(g => g.Key)).Distinct().Where(k => !balanceKeys.Contains(k)))
        {
            var onHand = ledgerBy[orphan].Sum(e => e.OnHandDelta);
            var reserved = reservedBy[orphan].Sum(r => r.Quantity);
            Check(violations, onHand == 0 && reserved == 0,
                $"ledger/reservations of {orphan.ProductId:N}/{orphan.WarehouseId:N} (on hand {onHand}, reserved {reserved}) have no balance row");
        }

        foreach (var r in reservations.Where(r => r.Quantity < 0))
        {
            violations.Add($"reservation of line {r.OrderLineId:N} has negative quantity {r.Quantity}");
        }

        var reservedByLine = reservations.ToLookup(r => r.OrderLineId);
        foreach (var l in lines)
        {
            var name = $"{l.Number} line {l.LineNumber} ({l.Status})";
            var open = reservedByLine[l.Id].Sum(r => r.Quantity);
            Check(violations, l.Reserved == open, $"{name}: reserved {l.Reserved} != its open reservations {open}");
            Check(violations, l.Reserved >= 0 && l.Backordered >= 0 && l.Shipped >= 0,
                $"{name}: negative bucket (reserved {l.Reserved}, backordered {l.Backordered}, shipped {l.Shipped})");
            Check(violations, l.Reserved + l.Shipped <= l.Quantity, $"{name}: reserved {l.Reserved} + shipped {l.Shipped} > ordered {l.Quantity}");
            switch (l.Status)
            {
                case OrderStatus.Draft or OrderStatus.PendingApproval or OrderStatus.Cancelled or OrderStatus.Rejected:
                    Check(violations, l.Reserved == 0, $"{name}: {l.Reserved} reserved on an order that holds no stock");
                    break;
                case OrderStatus.Confirmed or OrderStatus.PartiallyShipped or OrderStatus.Shipped or OrderStatus.Delivered:
                    Check(violations, l.Reserved + l.Backordered + l.Shipped == l.Quantity,
                        $"{name}: reserved {l.Reserved} + backordered {l.Backordered} + shipped {l.Shipped} != ordered {l.Quantity}");
                    break;
            }
        }

        var orderLedger = ledger.Where(e => e.CauseType == StockService.OrderCause).ToLookup(e => e.CauseId);
        var reservationsByOrder = reservations.ToLookup(r => r.OrderId);
        foreach (var order in lines.GroupBy(l => (l.OrderId, l.Number)))
        {
            var entries = orderLedger[order.Key.OrderId].ToList();
            var ledgerReserved = entries.Sum(e => e.ReservedDelta);
            var open = reservationsByOrder[order.Key.OrderId].Sum(r => r.Quantity);
            var shipped = order.Sum(l => l.Shipped);
            Check(violations, ledgerReserved == open, $"{order.Key.Number}: ledger reserved deltas {ledgerReserved} != open reservations {open}");
            Check(violations, -entries.Sum(e => e.OnHandDelta) == shipped,
                $"{order.Key.Number}: ledger on-hand deltas {entries.Sum(e => e.OnHandDelta)} do not match {shipped} shipped");
        }

        return new StockSnapshot(violations, balances, ledger.Count, lines.Count);
    }

    private static void Check(List<string> violations, bool holds, string violation)
    {
        if (!holds)
        {
            violations.Add(violation);
        }
    }
}

/// <summary>A read-only transaction giving every query in it the same snapshot, without blocking the server's writers.</summary>
public sealed class ReadSnapshot : IAsyncDisposable
{
    private readonly IDbContextTransaction _transaction;
    private readonly DbTransaction? _owned;

    private ReadSnapshot(IDbContextTransaction transaction, DbTransaction? owned)
    {
        _transaction = transaction;
        _owned = owned;
    }

    public static async Task<ReadSnapshot> BeginAsync(OrderlyApp app, OrderlyDbContext db)
    {
        if (app.Provider == "postgres")
        {
            return new ReadSnapshot(await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead), null);
        }

        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var deferred = connection.BeginTransaction(deferred: true);
        var transaction = await db.Database.UseTransactionAsync(deferred)
            ?? throw new InvalidOperationException("EF did not take the SQLite transaction.");
        return new ReadSnapshot(transaction, deferred);
    }

    /// <summary>Ends the read transaction (nothing was written, so a rollback is the cheapest end).</summary>
    public async Task EndAsync()
    {
        await _transaction.RollbackAsync();
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }
}
