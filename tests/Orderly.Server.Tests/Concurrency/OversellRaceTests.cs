using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Inventory;

namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// R1 at small scale: 32 clients enter and submit orders of 1-3 units for one product that has far fewer units than
/// they ask for, and cancel about one in ten while the others are still submitting. Nothing may be oversold, no
/// bucket goes negative, the balance, the open reservations and the ledger agree, and a short line is confirmed
/// with a backorder rather than failing.
/// </summary>
public abstract class OversellRaceTests(OrderlyApp app)
{
    private const int Clients = 32;
    private const int OrdersPerClient = 3;
    private const double CancelShare = 0.1;

    [Fact]
    public Task OneWarehouse_32ClientsRaceFor60Units_NothingOversold() => RaceAsync(seed: 601, stock: [60m]);

    [Fact]
    public Task TwoWarehouses_32ClientsRaceFor60Units_NothingOversold() => RaceAsync(seed: 602, stock: [35m, 25m]);

    private async Task RaceAsync(int seed, decimal[] stock)
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 20m);
        var customer = await data.CustomerAsync();
        var warehouses = new List<Guid>();
        foreach (var quantity in stock)
        {
            var warehouse = await data.WarehouseAsync("East");
            await data.ReceiveAsync(warehouse, product, quantity);
            warehouses.Add(warehouse);
        }

        var totalStock = stock.Sum();
        var clients = await Race.AdminClientsAsync(app, Clients);
        var problems = new ConcurrentQueue<string>();
        var placed = new ConcurrentBag<(Guid Id, decimal Quantity, bool Cancelled)>();
        try
        {
            await Race.RunAsync(Clients, async i =>
            {
                var random = new Random(seed * 1000 + i);
                for (var n = 0; n < OrdersPerClient; n++)
                {
                    var quantity = random.Next(1, 4);
                    var cancel = random.NextDouble() < CancelShare;
                    var created = await clients[i].CallAsync("create", HttpMethod.Post, "/api/orders",
                        new { customerId = customer, lines = new[] { new { productId = product, quantity } } });
                    if (created.Status != HttpStatusCode.Created)
                    {
                        problems.Enqueue(created.ToString());
                        continue;
                    }

                    var id = created.Body!.Id();
                    var submitted = await clients[i].CallAsync("submit", HttpMethod.Post, $"/api/orders/{id}/submit");
                    if (submitted.Status != HttpStatusCode.OK)
                    {
                        problems.Enqueue(submitted.ToString());
                        continue;
                    }

                    var line = submitted.Body!["lines"]![0]!;
                    if (submitted.Body["status"].Str() != "Confirmed"
                        || line["reserved"].Dec() + line["backordered"].Dec() != quantity
                        || line["reserved"].Dec() < 0 || line["backordered"].Dec() < 0)
                    {
                        problems.Enqueue($"submit of {quantity} answered {submitted.Body.ToJsonString()}");
                    }

                    if (cancel)
                    {
                        var cancelled = await clients[i].CallAsync("cancel", HttpMethod.Post, $"/api/orders/{id}/cancel", new { reason = "客户取消" });
                        if (cancelled.Status != HttpStatusCode.OK || cancelled.Body!["status"].Str() != "Cancelled"
                            || cancelled.Body["lines"]![0]!["reserved"].Dec() != 0)
                        {
                            problems.Enqueue(cancelled.ToString());
                        }
                    }

                    placed.Add((id, quantity, cancel));
                }

                return true;
            });
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        Assert.True(problems.IsEmpty, "Unexpected answers (every answer must be 2xx, a short line confirmed with a backorder):"
            + Environment.NewLine + string.Join(Environment.NewLine, problems.Take(20)));
        Assert.Equal(Clients * OrdersPerClient, placed.Count);
        Assert.Contains(placed, p => p.Cancelled);

        var snapshot = await StockInvariants.TakeAsync(app, product);
        Assert.True(snapshot.Violations.Count == 0, snapshot.Describe());
        var balances = snapshot.Balances.Where(b => b.ProductId == product).ToList();
        Assert.Equal(warehouses.Order(), balances.Select(b => b.WarehouseId).Order());
        Assert.Equal(totalStock, balances.Sum(b => b.OnHand));
        var reserved = balances.Sum(b => b.Reserved);
        Assert.True(reserved <= totalStock, $"{reserved} reserved of {totalStock} in stock: oversold");
        Assert.All(balances, b => Assert.True(b.Available >= 0, $"available {b.Available} in {b.WarehouseId}"));

        // The orders' own ledger agrees with the stock side: what open orders hold is what the balances hold,
        // cancelled orders hold nothing, and every line is reserved or backordered in full.
        var orders = await app.WithDbAsync(db => db.SalesOrders.AsNoTracking().Include(o => o.Lines)
            .Where(o => o.CustomerId == customer).ToListAsync());
        Assert.Equal(placed.Count, orders.Count);
        Assert.All(orders, o => Assert.Contains(o.Status, new[] { OrderStatus.Confirmed, OrderStatus.Cancelled }));
        var expectedCancelled = placed.Where(p => p.Cancelled).Select(p => p.Id).ToHashSet();
        Assert.Equal(expectedCancelled.Order(), orders.Where(o => o.Status == OrderStatus.Cancelled).Select(o => o.Id).Order());
        var open = orders.Where(o => o.Status == OrderStatus.Confirmed).SelectMany(o => o.Lines).ToList();
        Assert.Equal(reserved, open.Sum(l => l.Reserved));
        Assert.All(open, l => Assert.Equal(l.Quantity, l.Reserved + l.Backordered));

        // Demand is about three times the stock, so some lines went short, and every unit was reserved at some
        // point: what is left unreserved at the end was given back by cancellations, never skipped.
        Assert.Contains(open, l => l.Backordered > 0);
        var movements = await app.WithDbAsync(db => db.StockLedger.AsNoTracking()
            .Where(e => e.ProductId == product && e.CauseType == StockService.OrderCause)
            .Select(e => new { e.Kind, e.ReservedDelta }).ToListAsync());
        var reservedEver = movements.Where(e => e.Kind == StockMovementKind.Reservation).Sum(e => e.ReservedDelta);
        var released = -movements.Where(e => e.Kind == StockMovementKind.Release).Sum(e => e.ReservedDelta);
        Assert.Equal(reserved, reservedEver - released);
        Assert.True(reservedEver >= totalStock,
            $"only {reservedEver} of {totalStock} units were ever reserved although orders asked for about three times as many");
    }
}

public sealed class OversellRaceTests_Sqlite(SqliteApp app) : OversellRaceTests(app), IClassFixture<SqliteApp>;

public sealed class OversellRaceTests_Postgres(PostgresApp app) : OversellRaceTests(app), IClassFixture<PostgresApp>;
