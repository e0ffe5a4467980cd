using Microsoft.EntityFrameworkCore;
using Orderly.Server.Audit;

namespace Orderly.Server.Tests.Audit;

/// <summary>
/// The audit trail as several hash chains: concurrent writers of different aggregates append to different chains
/// (PostgreSQL) or to the one chain (SQLite), every aggregate's records stay in one chain in order, and the
/// verifier finds every chain intact.
/// </summary>
public abstract class AuditChainTests(OrderlyApp app)
{
    [Fact]
    public async Task ConcurrentWriters_KeepEveryChainIntact_AndEachAggregateInOneChain()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 5m);
        await data.ReceiveAsync(warehouse, product, 10_000);

        var customers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => data.CustomerAsync(name: $"并发客户 {i}")));
        var placed = await Task.WhenAll(customers.SelectMany(c => Enumerable.Range(0, 2)).Select(async (c, i) =>
            (await admin.PostAsync("/api/orders", new { customerId = customers[i % customers.Length], submit = true, lines = new[] { new { productId = product, quantity = 1 } } }))
                .Expect(HttpStatusCode.Created).Id()));
        Assert.Equal(48, placed.Distinct().Count());

        var verification = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);

        var records = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().Select(a => new { a.EntityType, a.EntityId, a.Chain }).ToListAsync());
        Assert.All(records.GroupBy(r => (r.EntityType, r.EntityId)), g => Assert.Single(g.Select(r => r.Chain).Distinct()));
        var chains = records.Select(r => r.Chain).Distinct().Count();
        if (app.Provider == "postgres")
        {
            Assert.True(chains > 8, $"72 aggregates over 64 chains should use many chains, used {chains}");
            Assert.All(records, r => Assert.Equal(AuditChains.Of(r.EntityType, r.EntityId, 64), r.Chain));
        }
        else
        {
            Assert.Equal(1, chains);
        }
    }

    [Fact]
    public void ChainOfAnAggregate_IsStable_AndSpreads()
    {
        Assert.Equal(AuditChains.Of("SalesOrder", "0193a1b2-0000-7000-8000-000000000001", 64), AuditChains.Of("SalesOrder", "0193a1b2-0000-7000-8000-000000000001", 64));
        Assert.Equal(0, AuditChains.Of("SalesOrder", "anything", 1));
        var used = Enumerable.Range(0, 1000).Select(i => AuditChains.Of("SalesOrder", Guid.NewGuid().ToString(), 64)).Distinct().Count();
        Assert.Equal(64, used);
    }
}

public sealed class AuditChainTests_Sqlite(SqliteApp app) : AuditChainTests(app), IClassFixture<SqliteApp>;

public sealed class AuditChainTests_Postgres(PostgresApp app) : AuditChainTests(app), IClassFixture<PostgresApp>;
