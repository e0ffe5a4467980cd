using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Purchasing;
using Orderly.Server.Tests.Concurrency;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// Receipts and cancellations of the same purchase order line at once, and receipts racing each other: whatever
/// wins, the accepted quantity never exceeds what was ordered (no tolerance configured), the stock on hand equals
/// what the purchase order's receipts accepted, and the stock invariants hold.
/// </summary>
public abstract class PurchaseOrderRaceTests(OrderlyApp app)
{
    [Fact]
    public async Task TwoReceiptsRacing_ForMoreThanIsOpen_OnlyOneIsBooked()
    {
        for (var round = 0; round < 3; round++)
        {
            var (data, product, warehouse, poId, lineId) = await SentOrderAsync(10m);
            var clients = await Race.AdminClientsAsync(app, 2);
            Outcome[] outcomes;
            try
            {
                outcomes = await Race.RunAsync(2, i => clients[i].CallAsync("receive", HttpMethod.Post, $"/api/purchase-orders/{poId}/receipts",
                    new { lines = new[] { new { lineId, quantity = 6m, rejected = i == 0 ? 1m : 0m, reason = "破损" } } }));
            }
            finally
            {
                Race.DisposeAll(clients);
            }

            var booked = outcomes.Where(o => o.Status == HttpStatusCode.Created).ToList();
            var refused = outcomes.Where(o => o.Status != HttpStatusCode.Created).ToList();
            Assert.True(booked.Count >= 1, string.Join("; ", outcomes.Select(o => o.ToString())));
            Assert.All(refused, o => Assert.Equal("OverReceipt", o.Code));
            await AssertConsistentAsync(data, product, warehouse, poId);
        }
    }

    [Fact]
    public async Task ReceiveAndCancel_TheSameLineAtOnce_StayConsistent()
    {
        for (var round = 0; round < 4; round++)
        {
            var (data, product, warehouse, poId, lineId) = await SentOrderAsync(8m);
            var clients = await Race.AdminClientsAsync(app, 2);
            Outcome[] outcomes;
            try
            {
                outcomes = await Race.RunAsync(2, i => i == 0
                    ? clients[i].CallAsync("receive", HttpMethod.Post, $"/api/purchase-orders/{poId}/receipts", new { lines = new[] { new { lineId, quantity = 5m } } })
                    : clients[i].CallAsync("cancel", HttpMethod.Post, $"/api/purchase-orders/{poId}/cancel", new { reason = "供应商缺货" }));
            }
            finally
            {
                Race.DisposeAll(clients);
            }

            Assert.All(outcomes, o => Assert.True(o.Status is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, o.ToString()));
            Assert.Equal(HttpStatusCode.OK, outcomes[1].Status);
            var po = await app.WithDbAsync(db => db.Set<PurchaseOrder>().AsNoTracking().SingleAsync(o => o.Id == poId));
            // Received first: the cancel closes the rest. Cancelled first: the receipt is refused (409).
            Assert.Equal(outcomes[0].Status == HttpStatusCode.Created ? PurchaseOrderStatus.Closed : PurchaseOrderStatus.Cancelled, po.Status);
            Assert.Equal(0m, po.Lines.Single().Open);
            await AssertConsistentAsync(data, product, warehouse, poId);
        }
    }

    private async Task AssertConsistentAsync(TestData data, Guid product, Guid warehouse, Guid poId)
    {
        var po = await app.WithDbAsync(db => db.Set<PurchaseOrder>().AsNoTracking().SingleAsync(o => o.Id == poId));
        var line = po.Lines.Single();
        var receipts = await app.WithDbAsync(db => db.Set<PurchaseReceipt>().AsNoTracking().Where(r => r.PurchaseOrderId == poId).ToListAsync());
        Assert.True(line.Accepted <= line.Quantity, $"accepted {line.Accepted} > ordered {line.Quantity}");
        Assert.Equal(line.Accepted, receipts.SelectMany(r => r.Lines).Sum(l => l.Accepted));
        Assert.Equal(line.Rejected, receipts.SelectMany(r => r.Lines).Sum(l => l.Rejected));
        var stock = await data.StockAsync(product, warehouse);
        Assert.Equal(line.Accepted, stock["onHand"].Dec());
        var snapshot = await StockInvariants.TakeAsync(app, product);
        Assert.True(snapshot.Violations.Count == 0, snapshot.Describe());
    }

    private async Task<(TestData Data, Guid Product, Guid Warehouse, Guid PoId, Guid LineId)> SentOrderAsync(decimal quantity)
    {
        var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        await data.ReceiveAsync(warehouse, product, 1m);
        (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Damage", lines = new[] { new { productId = product, quantity = -1m } } }))
            .Expect(HttpStatusCode.Created);
        var supplier = (await admin.PostAsync("/api/suppliers", new { code = TestData.Unique("SUP"), name = "竞速供应商", leadTimeDays = 3 })).Expect(HttpStatusCode.Created).Id();
        var po = (await admin.PostAsync("/api/purchase-orders", new { supplierId = supplier, warehouseId = warehouse, lines = new[] { new { productId = product, quantity, unitPrice = 5m } } }))
            .Expect(HttpStatusCode.Created);
        var poId = po.Id();
        (await admin.PostAsync($"/api/purchase-orders/{poId}/approve")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/purchase-orders/{poId}/send")).Expect(HttpStatusCode.OK);
        return (data, product, warehouse, poId, po["lines"]![0]!.Id());
    }
}

public sealed class PurchaseOrderRaceTests_Sqlite(SqliteApp app) : PurchaseOrderRaceTests(app), IClassFixture<SqliteApp>;

public sealed class PurchaseOrderRaceTests_Postgres(PostgresApp app) : PurchaseOrderRaceTests(app), IClassFixture<PostgresApp>;
