using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Durability;

/// <summary>
/// SQLite group commit: commits run with synchronous=NORMAL and are acknowledged only after a shared fsync of the
/// WAL; concurrent writers share fsyncs. Power loss itself is exercised by the bench's kill -9 phase (R5).
/// </summary>
public sealed class GroupCommitTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Connections_RunInWalWithSynchronousNormal_AndTheGroupFsyncIsRegistered()
    {
        var (journal, synchronous) = await app.WithDbAsync(PragmasAsync);
        Assert.Equal("wal", journal);
        Assert.Equal(1L, synchronous);
        Assert.NotNull(app.Services.GetService<SqliteGroupCommit>());
    }

    [Fact]
    public async Task ANewDatabase_IsCreatedWithSqlitesDefaultPages()
    {
        Assert.Equal(4_096L, await app.WithDbAsync(PageSizeAsync));
    }

    [Fact]
    public async Task ConcurrentOrders_AreAllCommitted_AndShareFsyncs_NeverSkippingOne()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10_000m);
        var group = app.Services.GetRequiredService<SqliteGroupCommit>();
        var before = group.Flushes;
        var unsharedBefore = group.UnsharedRequests;
        var requestsBefore = group.Requests;

        const int Orders = 24;
        var answers = await Task.WhenAll(Enumerable.Range(0, Orders).Select(async i =>
        {
            using var client = await app.AdminAsync();
            var created = await client.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1 + (i % 3) } } });
            return created.Status == HttpStatusCode.Created ? (await client.PostAsync($"/api/orders/{created.Body!.Id()}/submit")).Status : created.Status;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        var committed = await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer && o.Status == Domain.Orders.OrderStatus.Confirmed));
        Assert.Equal(Orders, committed);
        var flushes = group.Flushes - before;
        var requests = group.Requests - requestsBefore;
        // Every acknowledged write waited for an fsync: the 48 order writes (create + submit) and whatever the event
        // handlers wrote meanwhile. Concurrent writers share fsyncs, so there are fewer fsyncs than writes waiting;
        // the dispatcher's own requests (a batch claimed while no writer syncs) are counted apart.
        Assert.True(requests >= 2 * Orders, $"{requests} writes waited for an fsync, expected at least {2 * Orders}");
        Assert.InRange(flushes, 1, requests - 1 + (group.UnsharedRequests - unsharedBefore));
    }

    [Fact]
    public async Task UnitsCommittedBeforeTheyAreDurable_AreVisibleAtOnce_AndDurableWaitsForAnFsyncAfterThem()
    {
        var group = app.Services.GetRequiredService<SqliteGroupCommit>();
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        var writes = scope.ServiceProvider.GetRequiredService<Writes>();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        var tag = TestData.Unique("DUR");
        for (var i = 1; i <= 3; i++)
        {
            var sku = $"{tag}-{i}";
            await writes.RunBeforeDurableAsync(_ =>
            {
                db.Products.Add(new Product(new ProductDetails(sku, "耐久 批次", "pcs", 1m), DateTimeOffset.UtcNow));
                return Task.CompletedTask;
            }, default);
            Assert.Equal(i, await app.WithDbAsync(d => d.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        }

        var flushes = group.Flushes;
        await writes.DurableAsync();
        Assert.True(group.Flushes > flushes, "DurableAsync returned before an fsync that started after it finished");
    }

    internal static async Task<long> PageSizeAsync(OrderlyDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA page_size";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    internal static async Task<(string Journal, long Synchronous)> PragmasAsync(OrderlyDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var journal = connection.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode";
            await using var synchronous = connection.CreateCommand();
            synchronous.CommandText = "PRAGMA synchronous";
            return ((string)(await journal.ExecuteScalarAsync())!, (long)(await synchronous.ExecuteScalarAsync())!);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>With group commit switched off every commit syncs on its own (synchronous=FULL); a configured page size shapes the new database.</summary>
public sealed class FullSyncTests(FullSyncTests.FullSyncApp app) : IClassFixture<FullSyncTests.FullSyncApp>
{
    [Fact]
    public async Task WithoutGroupCommit_ConnectionsRunWithSynchronousFull()
    {
        var (journal, synchronous) = await app.WithDbAsync(GroupCommitTests.PragmasAsync);
        Assert.Equal("wal", journal);
        Assert.Equal(2L, synchronous);
        Assert.Null(app.Services.GetService<SqliteGroupCommit>());
    }

    [Fact]
    public async Task TheConfiguredPageSize_ShapesANewDatabase()
    {
        Assert.Equal(16_384L, await app.WithDbAsync(GroupCommitTests.PageSizeAsync));
    }

    public sealed class FullSyncApp() : OrderlyApp(TestDatabase.For("sqlite"))
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Database:SqliteGroupCommit", "false");
            builder.UseSetting("Database:SqlitePageSize", "16384");
        }
    }
}

/// <summary>The fsync coalescer on its own, against a real file.</summary>
public sealed class GroupFsyncTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orderly-fsync-").FullName;

    [Fact]
    public async Task ManyConcurrentWaiters_AreAllServed_ByNoMoreFsyncsThanWaiters()
    {
        var group = NewGroup();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(group.FlushAsync)));
        Assert.InRange(group.Flushes, 1, 64);
    }

    [Fact]
    public async Task AWaiterArrivingAfterAFlush_GetsAFreshFsync()
    {
        var group = NewGroup();
        for (var i = 1; i <= 5; i++)
        {
            await group.FlushAsync();
            Assert.Equal(i, group.Flushes);
        }
    }

    [Fact]
    public async Task WithoutAWal_TheDatabaseFileIsSynced()
    {
        var group = NewGroup(wal: false);
        await group.FlushAsync();
        Assert.Equal(1, group.Flushes);
    }

    private SqliteGroupCommit NewGroup(bool wal = true)
    {
        var file = Path.Combine(_folder, $"{Guid.NewGuid():N}.db");
        File.WriteAllBytes(file, [1, 2, 3]);
        if (wal)
        {
            File.WriteAllBytes(file + "-wal", [4, 5, 6]);
        }

        return new SqliteGroupCommit($"Data Source={file}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
