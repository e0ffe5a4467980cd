using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;

namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// Goods arriving at the same moment for a product that orders are waiting for: every receipt is booked (201),
/// none is refused because another receipt or order changed at the same time, and the stock ledger and the
/// waiting orders' reservations stay consistent.
/// </summary>
public abstract class ReceiptRaceTests(OrderlyApp app)
{
    private const int WaitingOrders = 8;
    private const int Receipts = 12;

    /// <summary>
    /// Receipts into two warehouses at once for a product that waiting orders have backordered: each receipt may
    /// reserve for the same waiting orders, and still every receipt is booked.
    /// </summary>
    [Fact]
    public async Task ConcurrentReceipts_OfABackorderedProduct_AreAllBooked()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var warehouses = new[] { await data.WarehouseAsync("East"), await data.WarehouseAsync("West") };
        var waiting = await WaitingOrdersAsync(admin, data, product, warehouses[0]);

        var clients = await Race.AdminClientsAsync(app, Receipts);
        Outcome[] outcomes;
        try
        {
            outcomes = await Race.RunAsync(Receipts, i => clients[i].CallAsync("receipt", HttpMethod.Post, "/api/inventory/receipts",
                new { warehouseId = warehouses[i % 2], reference = $"GRN-{i}", lines = new[] { new { productId = product, quantity = 1 } } }));
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        Assert.All(outcomes, o => Assert.True(o.Status == HttpStatusCode.Created, o.ToString()));
        var onHand = 0m;
        var reserved = 0m;
        foreach (var warehouse in warehouses)
        {
            var stock = await data.StockAsync(product, warehouse);
            onHand += stock["onHand"].Dec();
            reserved += stock["reserved"].Dec();
        }

        Assert.Equal(1m + Receipts, onHand);
        var snapshot = await StockInvariants.TakeAsync(app, product);
        Assert.True(snapshot.Violations.Count == 0, snapshot.Describe());
        var lines = await app.WithDbAsync(db => db.OrderLines.AsNoTracking().Where(l => waiting.Contains(l.OrderId)).ToListAsync());
        Assert.Equal(reserved, lines.Sum(l => l.Reserved));
        Assert.All(lines, l => Assert.Equal(l.Quantity, l.Reserved + l.Backordered));
    }

    /// <summary>
    /// Waiting orders are cancelled while receipts for their product arrive. Whatever wins each race, a
    /// cancelled order holds no stock afterwards, and the balances, reservations and ledger agree.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReceiptsRacingCancels_LeaveNoStockOnCancelledOrders(int round)
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var warehouses = new[] { await data.WarehouseAsync("East"), await data.WarehouseAsync("West") };
        var waiting = await WaitingOrdersAsync(admin, data, product, warehouses[0]);

        var clients = await Race.AdminClientsAsync(app, 2 * WaitingOrders);
        Outcome[] outcomes;
        try
        {
            outcomes = await Race.RunAsync(clients.Length, i => i % 2 == 0
                ? clients[i].CallAsync("cancel", HttpMethod.Post, $"/api/orders/{waiting[i / 2]}/cancel", new { reason = $"round {round}" })
                : clients[i].CallAsync("receipt", HttpMethod.Post, "/api/inventory/receipts",
                    new { warehouseId = warehouses[i / 2 % 2], lines = new[] { new { productId = product, quantity = 2 } } }));
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        // A cancel or a receipt that lost a race may be refused (409); nothing else, and never a 500.
        Assert.All(outcomes, o => Assert.True(
            o.Status is HttpStatusCode.OK or HttpStatusCode.Created || (o.Status == HttpStatusCode.Conflict && o.IsProblem), o.ToString()));
        var orders = await app.WithDbAsync(db => db.SalesOrders.AsNoTracking().Include(o => o.Lines).Where(o => waiting.Contains(o.Id)).ToListAsync());
        var leaked = orders.Where(o => o.Status == OrderStatus.Cancelled && o.Lines.Any(l => l.Reserved > 0)).Select(o => o.Number).ToList();
        Assert.True(leaked.Count == 0, $"cancelled orders still hold stock: {string.Join(", ", leaked)}");
        var open = await app.WithDbAsync(db => db.StockReservations.AsNoTracking()
            .Where(r => waiting.Contains(r.OrderId) && r.Quantity > 0).Select(r => r.OrderId).Distinct().ToListAsync());
        Assert.All(open, id => Assert.NotEqual(OrderStatus.Cancelled, orders.Single(o => o.Id == id).Status));
        var snapshot = await StockInvariants.TakeAsync(app, product);
        Assert.True(snapshot.Violations.Count == 0, snapshot.Describe());
    }

    /// <summary>Orders of 2 that are confirmed with their line backordered (one unit in stock goes to the first).</summary>
    private static async Task<List<Guid>> WaitingOrdersAsync(HttpClient admin, TestData data, Guid product, Guid warehouse)
    {
        await data.ReceiveAsync(warehouse, product, 1);
        var waiting = new List<Guid>();
        for (var i = 0; i < WaitingOrders; i++)
        {
            var id = (await data.OrderAsync(await data.CustomerAsync(), (product, 2))).Id();
            var submitted = (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
            Assert.Equal("Confirmed", submitted["status"].Str());
            Assert.True(submitted["lines"]![0]!["backordered"].Dec() > 0);
            waiting.Add(id);
        }

        return waiting;
    }
}

public sealed class ReceiptRaceTests_Sqlite(SqliteApp app) : ReceiptRaceTests(app), IClassFixture<SqliteApp>;

public sealed class ReceiptRaceTests_Postgres(PostgresApp app) : ReceiptRaceTests(app), IClassFixture<PostgresApp>;
