using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Allocation;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Demo;

public sealed record DemoSeedOptions(int Orders = 600, int Seed = 20261127);

public sealed record DemoProgress(string Stage, int Done, int Total);

/// <summary>
/// Realistic bilingual demo data: three warehouses, about 280 products, 43 customers with contacts, the demo staff
/// logins, and a year of orders in every status with their full status history, reservations, shipments and stock
/// ledger, deterministic for a given seed. On a database that already holds the demo master data it reuses it and
/// adds orders, so it can run again (e.g. <c>seed-demo --orders 100000</c> after the first start).
/// </summary>
public sealed class DemoSeeder(
    OrderlyDbContext db, TimeProvider time, BusinessCalendar calendar, UserAccounts accounts,
    IOptionsMonitor<ApprovalRules> approvalRules, IOptionsMonitor<AllocationOptions> allocationOptions)
{
    public const string MasterDataStage = "Master data";
    public const string StockStage = "Stock";

    public async Task SeedAsync(DemoSeedOptions options, IProgress<DemoProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Orders);
        var now = time.GetUtcNow();
        var orderRandom = new Random(unchecked((options.Seed * 7919) + 17));
        var timeline = new DemoTimeline(orderRandom, now, calendar.Zone);
        var entryTimes = timeline.EntryTimes(options.Orders);
        progress?.Report(new DemoProgress(MasterDataStage, 0, 3));
        var firstNumbers = await ReserveOrderNumbersAsync(entryTimes, timeline, ct);

        // One transaction: nobody sees a half-seeded history whose balances disagree with its ledger.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var world = await new DemoMasterData(db, accounts).EnsureAsync(new Random(options.Seed), now, options.Orders / (decimal)new DemoSeedOptions().Orders, ct);
        progress?.Report(new DemoProgress(MasterDataStage, 2, 3));

        var rules = approvalRules.CurrentValue;
        var supply = new DemoSupply(world, now, orderRandom);
        var planner = new DemoOrderPlanner(world, timeline, supply, rules, orderRandom);
        var plans = planner.Plan(entryTimes);
        supply.EstimateDemand(plans);
        progress?.Report(new DemoProgress(MasterDataStage, 3, 3));

        var stock = new DemoStockBook(world);
        var writer = new DemoWriter(new DemoBulkInsert(db), stock, progress, options.Orders);
        await new DemoSimulation(world, supply, stock, timeline, planner.Habits, rules, allocationOptions.CurrentValue, writer, firstNumbers, orderRandom)
            .RunAsync(plans, ct);
        await WriteBalancesAsync(world, stock, progress, ct);
        // The bulk insert bypassed SaveChanges, which keeps the rollups; rebuilding them also covers earlier orders.
        await new Analytics.RollupRebuild(db, calendar).RunAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Takes a block of numbers per year from the counter rows, committed at once, so orders entered through the API
    /// meanwhile or later continue after the demo's; a failed seed only leaves a gap, which order numbers may have.
    /// </summary>
    private async Task<Dictionary<int, long>> ReserveOrderNumbersAsync(DateTimeOffset[] entryTimes, DemoTimeline timeline, CancellationToken ct)
    {
        var first = new Dictionary<int, long>();
        foreach (var year in entryTimes.GroupBy(t => timeline.LocalDate(t).Year).OrderBy(g => g.Key))
        {
            first[year.Key] = await DocumentNumbers.ReserveOrderNumbersAsync(db, year.Key, year.Count(), ct);
        }

        return first;
    }

    /// <summary>Adds the simulated sums to the balances: a balance stays the sum of its ledger even when some history was there before.</summary>
    private async Task WriteBalancesAsync(DemoWorld world, DemoStockBook stock, IProgress<DemoProgress>? progress, CancellationToken ct)
    {
        var balances = stock.Balances().ToList();
        for (var i = 0; i < balances.Count; i++)
        {
            var (product, warehouse, onHand, reserved) = balances[i];
            var productId = world.Products[product].Entity.Id;
            var warehouseId = world.Warehouses[warehouse].Id;
            var storedOnHand = Quantity.ToStored(onHand);
            var storedReserved = Quantity.ToStored(reserved);
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO stock_balances (product_id, warehouse_id, on_hand, reserved) VALUES ({productId}, {warehouseId}, {storedOnHand}, {storedReserved}) ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = stock_balances.on_hand + excluded.on_hand, reserved = stock_balances.reserved + excluded.reserved",
                ct);
            if (i % 100 == 99 || i == balances.Count - 1)
            {
                progress?.Report(new DemoProgress(StockStage, i + 1, balances.Count));
            }
        }
    }
}
