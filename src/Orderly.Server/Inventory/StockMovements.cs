using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>
/// Adjustments, cycle counts and transfers between warehouses. Like <see cref="StockService"/>, every balance change
/// is one conditional statement (never read-then-write) plus an immutable ledger entry, all in one unit of work;
/// balances are touched in (product, warehouse) order. Whatever raises on hand somewhere then lets the backorder
/// run reserve the arrived stock for waiting orders, in the same transaction.
/// </summary>
public sealed class StockMovements(OrderlyDbContext db, Writes writes, BackorderService backorders, BusinessCalendar calendar)
{
    public const string AdjustmentCause = "Adjustment";
    public const string CountCause = "Count";
    public const string TransferCause = "Transfer";

    private const int CountAttempts = 3;

    public Task<StockAdjustment> AdjustAsync(
        Guid warehouseId, AdjustmentReason reason, string? note, IReadOnlyList<(Guid ProductId, decimal Quantity)> lines, Guid? actor,
        Func<StockAdjustment, CancellationToken, Task>? beforeCommit, CancellationToken ct) =>
        writes.RunAsync(async token =>
        {
            var at = calendar.Now;
            var number = await NumberAsync("ADJ", at, token);
            var adjustment = StockAdjustment.Adjust(number, warehouseId, reason, note, lines, at, actor);
            db.StockAdjustments.Add(adjustment);
            var refused = new List<(int Index, RuleViolation Violation)>();
            foreach (var (line, index) in adjustment.Lines.Select((l, i) => (l, i)).OrderBy(x => x.l.ProductId))
            {
                if (!await ChangeOnHandAsync(line.ProductId, warehouseId, line.Quantity, token))
                {
                    refused.Add((index, await InsufficientAsync($"lines[{index}].quantity", line.ProductId, warehouseId, -line.Quantity, token)));
                    continue;
                }

                db.StockLedger.Add(new StockLedgerEntry(line.ProductId, warehouseId, StockMovementKind.Adjustment, line.Quantity, 0m,
                    AdjustmentCause, adjustment.Id, at, actor, adjustment.LedgerNote));
            }

            // Throwing rolls back the lines that did go through: an adjustment is booked whole or not at all.
            Refuse(refused);
            await backorders.FillAsync([.. adjustment.Lines.Where(l => l.Quantity > 0).Select(l => l.ProductId)], at, actor, token);
            await (beforeCommit?.Invoke(adjustment, token) ?? Task.CompletedTask);
            return adjustment;
        }, ct);

    /// <summary>
    /// Books a cycle count: each product's on hand becomes the counted quantity. The book quantity is read, then
    /// replaced only if it is still the same (compare-and-set); a concurrent movement makes us read it again.
    /// </summary>
    public Task<StockAdjustment> CountAsync(
        Guid warehouseId, string? note, IReadOnlyList<(Guid ProductId, decimal CountedQuantity)> lines, Guid? actor,
        Func<StockAdjustment, CancellationToken, Task>? beforeCommit, CancellationToken ct) =>
        writes.RunAsync(async token =>
        {
            var at = calendar.Now;
            var number = await NumberAsync("CNT", at, token);
            var counted = new CountedLine[lines.Count];
            var refused = new List<(int Index, RuleViolation Violation)>();
            foreach (var (line, index) in lines.Select((l, i) => (l, i)).OrderBy(x => x.l.ProductId))
            {
                var (booked, violation) = await SetCountedAsync(line.ProductId, warehouseId, line.CountedQuantity, $"lines[{index}].countedQuantity", token);
                counted[index] = new CountedLine(line.ProductId, booked, line.CountedQuantity);
                if (violation is not null)
                {
                    refused.Add((index, violation));
                }
            }

            Refuse(refused);
            var count = StockAdjustment.Count(number, warehouseId, note, counted, at, actor);
            db.StockAdjustments.Add(count);
            foreach (var line in count.Lines.Where(l => l.Quantity != 0))
            {
                db.StockLedger.Add(new StockLedgerEntry(line.ProductId, warehouseId, StockMovementKind.Adjustment, line.Quantity, 0m,
                    CountCause, count.Id, at, actor, count.LedgerNote));
            }

            await backorders.FillAsync([.. count.Lines.Where(l => l.Quantity > 0).Select(l => l.ProductId)], at, actor, token);
            await (beforeCommit?.Invoke(count, token) ?? Task.CompletedTask);
            return count;
        }, ct);

    /// <summary>Sends stock on its way: it leaves the source's shelf now and is incoming at the destination.</summary>
    public Task<StockTransfer> SendAsync(
        Guid fromWarehouseId, Guid toWarehouseId, DateOnly? expectedArrival, string? note, IReadOnlyList<StockTransferLine> lines, Guid? actor,
        Func<StockTransfer, CancellationToken, Task>? beforeCommit, CancellationToken ct) =>
        writes.RunAsync(async token =>
        {
            var at = calendar.Now;
            var transfer = new StockTransfer(await NumberAsync("TR", at, token), fromWarehouseId, toWarehouseId, expectedArrival, note, lines,
                calendar.DateOf(at), at, actor);
            db.StockTransfers.Add(transfer);
            var refused = new List<(int Index, RuleViolation Violation)>();
            foreach (var (line, index) in transfer.Lines.Select((l, i) => (l, i)).OrderBy(x => x.l.ProductId))
            {
                foreach (var warehouseId in new[] { fromWarehouseId, toWarehouseId }.Order())
                {
                    if (warehouseId == toWarehouseId)
                    {
                        // A balance row at the destination, so that stock lists show the incoming quantity there.
                        await db.Database.ExecuteSqlAsync(
                            $"INSERT INTO stock_balances (product_id, warehouse_id, on_hand, reserved) VALUES ({line.ProductId}, {toWarehouseId}, 0, 0) ON CONFLICT (product_id, warehouse_id) DO NOTHING",
                            token);
                    }
                    else if (await ChangeOnHandAsync(line.ProductId, fromWarehouseId, -line.Quantity, token))
                    {
                        db.StockLedger.Add(new StockLedgerEntry(line.ProductId, fromWarehouseId, StockMovementKind.TransferOut, -line.Quantity, 0m,
                            TransferCause, transfer.Id, at, actor, transfer.Number));
                    }
                    else
                    {
                        refused.Add((index, await InsufficientAsync($"lines[{index}].quantity", line.ProductId, fromWarehouseId, line.Quantity, token)));
                    }
                }
            }

            Refuse(refused);
            await (beforeCommit?.Invoke(transfer, token) ?? Task.CompletedTask);
            return transfer;
        }, ct);

    /// <summary>The goods arrived: on the destination's shelf, and waiting backorders get them.</summary>
    public Task<StockTransfer> ReceiveAsync(Guid id, Action<StockTransfer>? precondition, Guid? actor, CancellationToken ct) =>
        writes.RunAsync(async token =>
        {
            var transfer = await LoadAsync(id, token);
            precondition?.Invoke(transfer);
            var at = calendar.Now;
            transfer.Receive(at, actor);
            await ReturnToShelfAsync(transfer, transfer.ToWarehouseId, transfer.Number, at, actor, token);
            return transfer;
        }, ct);

    /// <summary>The goods go back on the source's shelf.</summary>
    public Task<StockTransfer> CancelAsync(Guid id, string? reason, Action<StockTransfer>? precondition, Guid? actor, CancellationToken ct) =>
        writes.RunAsync(async token =>
        {
            var transfer = await LoadAsync(id, token);
            precondition?.Invoke(transfer);
            var at = calendar.Now;
            transfer.Cancel(reason, at, actor);
            await ReturnToShelfAsync(transfer, transfer.FromWarehouseId, $"{transfer.Number} cancelled", at, actor, token);
            return transfer;
        }, ct);

    private async Task ReturnToShelfAsync(StockTransfer transfer, Guid warehouseId, string note, DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        foreach (var line in transfer.Lines.OrderBy(l => l.ProductId))
        {
            await ChangeOnHandAsync(line.ProductId, warehouseId, line.Quantity, ct);
            db.StockLedger.Add(new StockLedgerEntry(line.ProductId, warehouseId, StockMovementKind.TransferIn, line.Quantity, 0m,
                TransferCause, transfer.Id, at, actor, note));
        }

        await backorders.FillAsync([.. transfer.Lines.Select(l => l.ProductId)], at, actor, ct);
    }

    private async Task<StockTransfer> LoadAsync(Guid id, CancellationToken ct) =>
        await db.StockTransfers.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Stock transfer", id);

    /// <summary>
    /// Adds to or takes from on hand in one statement. An increase creates the balance row when there is none; a
    /// decrease applies only while on hand stays at or above what is reserved, and says whether it did.
    /// </summary>
    private async Task<bool> ChangeOnHandAsync(Guid productId, Guid warehouseId, decimal delta, CancellationToken ct)
    {
        if (delta > 0)
        {
            var stored = Quantity.ToStored(delta);
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO stock_balances (product_id, warehouse_id, on_hand, reserved) VALUES ({productId}, {warehouseId}, {stored}, 0) ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = stock_balances.on_hand + {stored}",
                ct);
            return true;
        }

        var updated = await db.StockBalances
            .Where(b => b.ProductId == productId && b.WarehouseId == warehouseId && b.OnHand + delta >= b.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.OnHand, b => b.OnHand + delta), ct);
        return updated == 1;
    }

    /// <summary>Sets on hand to the counted quantity if the book quantity read is still current; returns the book quantity replaced.</summary>
    private async Task<(decimal Book, RuleViolation? Violation)> SetCountedAsync(Guid productId, Guid warehouseId, decimal counted, string field, CancellationToken ct)
    {
        for (var attempt = 0; attempt < CountAttempts; attempt++)
        {
            var balance = await db.StockBalances.AsNoTracking()
                .Where(b => b.ProductId == productId && b.WarehouseId == warehouseId)
                .Select(b => new { b.OnHand, b.Reserved })
                .FirstOrDefaultAsync(ct);
            var book = balance?.OnHand ?? 0m;
            var reserved = balance?.Reserved ?? 0m;
            if (counted < reserved)
            {
                return (book, new RuleViolation(field, "CountBelowReserved",
                    $"{reserved} are reserved for orders here, more than the {counted} counted: those goods are promised. Cancel or re-allocate the orders first, then count again."));
            }

            if (counted == book)
            {
                return (book, null);
            }

            var storedCounted = Quantity.ToStored(counted);
            var storedBook = Quantity.ToStored(book);
            var updated = await db.Database.ExecuteSqlAsync(
                $"INSERT INTO stock_balances (product_id, warehouse_id, on_hand, reserved) VALUES ({productId}, {warehouseId}, {storedCounted}, 0) ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = excluded.on_hand WHERE stock_balances.on_hand = {storedBook} AND stock_balances.reserved <= excluded.on_hand",
                ct);
            if (updated == 1)
            {
                return (book, null);
            }
        }

        throw new ConflictException("StockChanging", "The stock of a counted product kept changing while the count was booked; try again.");
    }

    private async Task<RuleViolation> InsufficientAsync(string field, Guid productId, Guid warehouseId, decimal wanted, CancellationToken ct)
    {
        var balance = await db.StockBalances.AsNoTracking()
            .Where(b => b.ProductId == productId && b.WarehouseId == warehouseId)
            .Select(b => new { b.OnHand, b.Reserved })
            .FirstOrDefaultAsync(ct);
        var free = balance is null ? 0m : balance.OnHand - balance.Reserved;
        return new RuleViolation(field, "InsufficientStock",
            $"Only {free} can leave this warehouse (on hand {balance?.OnHand ?? 0m}, reserved for orders {balance?.Reserved ?? 0m}), not {wanted}.");
    }

    private static void Refuse(List<(int Index, RuleViolation Violation)> refused)
    {
        if (refused.Count > 0)
        {
            throw new RuleViolationException([.. refused.OrderBy(r => r.Index).Select(r => r.Violation)]);
        }
    }

    private async Task<string> NumberAsync(string prefix, DateTimeOffset at, CancellationToken ct)
    {
        var year = calendar.DateOf(at).Year;
        return $"{prefix}-{year}-{await DocumentNumbers.NextAsync(db, $"{prefix}-{year}", ct):000000}";
    }
}
