using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Durability;

/// <summary>
/// Several units of work per SQLite transaction (<see cref="SqliteWriteBatches"/>): units that queue while a batch
/// runs share its transaction, each under its own savepoint; a failing unit rolls back alone; every acknowledged
/// unit is committed; a context goes back to its own connection afterwards. Batches here may run 1 s (25 ms by
/// default), so on a loaded machine slow units still share one and the counts below do not depend on timing.
/// </summary>
public sealed class WriteBatchTests(WriteBatchTests.LongBatchApp app) : IClassFixture<WriteBatchTests.LongBatchApp>
{
    [Fact]
    public async Task ConcurrentPlacedOrders_ShareTransactions_AndEveryOneIsWhole()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var products = new[] { await data.ProductAsync(listPrice: 10m), await data.ProductAsync(listPrice: 4m) };
        var customer = await data.CustomerAsync();
        foreach (var product in products)
        {
            await data.ReceiveAsync(warehouse, product, 10_000m);
        }

        var batches = app.Services.GetRequiredService<SqliteWriteBatches>();
        var (batchesBefore, unitsBefore) = (batches.Batches, batches.Units);

        const int Orders = 40;
        var answers = await Task.WhenAll(Enumerable.Range(0, Orders).Select(async i =>
        {
            using var client = await app.AdminAsync();
            var placed = await client.PostAsync("/api/orders", new
            {
                customerId = customer,
                submit = true,
                lines = new[] { new { productId = products[0], quantity = 1 + (i % 3) }, new { productId = products[1], quantity = 2 } },
            });
            return (placed.Status, Number: placed.Body?["number"]?.GetValue<string>());
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Equal(Orders, answers.Select(a => a.Number).Distinct().Count());
        var units = batches.Units - unitsBefore;
        var transactions = batches.Batches - batchesBefore;
        // A unit that finds the gate free commits on its own (at least the first order's), so not every order is in a
        // batch; the others queued behind it and shared transactions.
        Assert.True(units >= 2, $"{units} units ran in batches: the concurrent orders never queued");
        Assert.True(transactions < units, $"{transactions} transactions for {units} units: no two units shared one");

        // Whole: every order confirmed with both lines reserved, and the stock moved by exactly the sum of them.
        var (confirmed, lines, reserved) = await app.WithDbAsync(async db =>
        {
            var ids = await db.SalesOrders.Where(o => o.CustomerId == customer && o.Status == Domain.Orders.OrderStatus.Confirmed).Select(o => o.Id).ToListAsync();
            var lineCount = await db.OrderLines.CountAsync(l => ids.Contains(l.OrderId));
            var held = await db.StockBalances.Where(b => b.ProductId == products[0]).SumAsync(b => b.Reserved);
            return (ids.Count, lineCount, held);
        });
        Assert.Equal(Orders, confirmed);
        Assert.Equal(2 * Orders, lines);
        Assert.Equal(Enumerable.Range(0, Orders).Sum(i => 1 + (i % 3)), reserved);

        var verification = await app.WithDbAsync(db => Orderly.Server.Audit.AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);
    }

    [Fact]
    public async Task AFailingUnit_RollsBackAlone_WhileTheUnitsBesideItCommit()
    {
        var tag = TestData.Unique("BAT");
        var gate = app.Services.GetRequiredService<WriteGate>();
        var batches = app.Services.GetRequiredService<SqliteWriteBatches>();
        var batchesBefore = batches.Batches;
        Task<string> Unit(int i, bool fail) => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
            var writes = scope.ServiceProvider.GetRequiredService<Writes>();
            var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
            try
            {
                await writes.RunAsync(async token =>
                {
                    db.Products.Add(new Product(new ProductDetails($"{tag}-{i}", "批次 测试", "pcs", 1m), DateTimeOffset.UtcNow));
                    // Written to the database before the failure, so the savepoint has something to undo.
                    await db.SaveChangesAsync(token);
                    if (fail)
                    {
                        throw new InvalidOperationException("refused on purpose");
                    }
                }, default);
            }
            catch (InvalidOperationException e) when (e.Message == "refused on purpose")
            {
                return "failed";
            }

            // The context is back on a connection of its own and reads as usual.
            return await db.Products.AnyAsync(p => p.Sku == $"{tag}-{i}") ? "committed" : "missing";
        });

        // Hold the gate until the nine units have queued, so they run in one batch once it opens.
        Task<string>[] units;
        using (await gate.EnterAsync(default))
        {
            units = [.. Enumerable.Range(0, 9).Select(i => Unit(i, fail: i % 3 == 1))];
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (batches.Waiting < 9 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.True(batches.Waiting >= 9, $"only {batches.Waiting} units queued");
        }

        var outcomes = await Task.WhenAll(units);
        for (var i = 0; i < outcomes.Length; i++)
        {
            Assert.Equal(i % 3 == 1 ? "failed" : "committed", outcomes[i]);
        }

        var skus = await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).Select(p => p.Sku).ToListAsync());
        Assert.Equal(Enumerable.Range(0, 9).Where(i => i % 3 != 1).Select(i => $"{tag}-{i}").Order(), skus.Order());
        // One batch for the nine (16 units fit), and perhaps one for a unit of the server's own that queued meanwhile.
        Assert.InRange(batches.Batches - batchesBefore, 1, 2);
    }

    [Fact]
    public async Task AUnitCancelledWhileQueued_IsSkipped_AndWritesNothing()
    {
        var tag = TestData.Unique("CAN");
        var gate = app.Services.GetRequiredService<WriteGate>();
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        var writes = scope.ServiceProvider.GetRequiredService<Writes>();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        using var cancel = new CancellationTokenSource();
        Task queued;
        using (await gate.EnterAsync(default))
        {
            queued = writes.RunAsync(_ =>
            {
                db.Products.Add(new Product(new ProductDetails($"{tag}-1", "取消", "pcs", 1m), DateTimeOffset.UtcNow));
                return Task.CompletedTask;
            }, cancel.Token);
            await Task.Delay(100);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        }

        Assert.False(await app.WithDbAsync(d => d.Products.AnyAsync(p => p.Sku.StartsWith(tag))));
        // The batches go on: the next unit commits.
        await writes.RunAsync(_ =>
        {
            db.ChangeTracker.Clear();
            db.Products.Add(new Product(new ProductDetails($"{tag}-2", "取消后", "pcs", 1m), DateTimeOffset.UtcNow));
            return Task.CompletedTask;
        }, default);
        Assert.True(await app.WithDbAsync(d => d.Products.AnyAsync(p => p.Sku == $"{tag}-2")));
    }

    public sealed class LongBatchApp() : OrderlyApp(TestDatabase.For("sqlite"))
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Database:SqliteBatchMilliseconds", "1000");
        }
    }
}

/// <summary>With Database:SqliteBatchUnits=1 every unit commits alone, as before the batches.</summary>
public sealed class UnbatchedWriteTests(UnbatchedWriteTests.UnbatchedApp app) : IClassFixture<UnbatchedWriteTests.UnbatchedApp>
{
    [Fact]
    public async Task WithoutBatches_OrdersArePlacedAndNoBatcherIsRegistered()
    {
        Assert.Null(app.Services.GetService<SqliteWriteBatches>());
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 100m);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var client = await app.AdminAsync();
            return (await client.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 1 } } })).Status;
        }));
        Assert.All(answers, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(8m, await app.WithDbAsync(db => db.StockBalances.Where(b => b.ProductId == product).SumAsync(b => b.Reserved)));
    }

    public sealed class UnbatchedApp() : OrderlyApp(TestDatabase.For("sqlite"))
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Database:SqliteBatchUnits", "1");
        }
    }
}
