namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// Two server nodes (two hosts, each with its own write gate and caches) on one database, as when Orderly runs
/// behind a load balancer: clients racing through both for the last units never oversell, numbers never
/// collide, and the ledger invariants hold (issue 3 item 7; QUALITY.md R1 and R9 across nodes).
/// </summary>
public abstract class TwoNodeTests(TwoNodes nodes)
{
    [Fact]
    public async Task ClientsRacingThroughTwoNodes_ForTheLastUnits_NeverOversell()
    {
        using var admin = await nodes.A.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 50);
        using var adminB = await nodes.B.AdminAsync();
        var random = new Random(20261127);
        var quantities = Enumerable.Range(0, 40).Select(_ => random.Next(1, 4)).ToArray();

        var outcomes = await Race.RunAsync(quantities.Length, async i =>
        {
            var client = i % 2 == 0 ? admin : adminB;
            var created = await client.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = quantities[i] } } });
            if (created.Status != HttpStatusCode.Created)
            {
                return (created.Status, Reserved: 0m, Number: "");
            }

            var submitted = await client.PostAsync($"/api/orders/{created.Body!.Id()}/submit");
            var reserved = submitted.Status == HttpStatusCode.OK ? submitted.Body!["lines"]![0]!["reserved"].Dec() : 0m;
            return (submitted.Status, Reserved: reserved, Number: created.Body!["number"].Str());
        });

        Assert.All(outcomes, o => Assert.Equal(HttpStatusCode.OK, o.Status));
        Assert.Equal(50m, outcomes.Sum(o => o.Reserved));
        Assert.Equal(outcomes.Length, outcomes.Select(o => o.Number).Distinct().Count());
        var snapshot = await StockInvariants.TakeAsync(nodes.A, product);
        Assert.Empty(snapshot.Violations);
        var balance = Assert.Single(snapshot.Balances);
        Assert.Equal(50m, balance.OnHand);
        Assert.Equal(50m, balance.Reserved);
    }

    [Fact]
    public async Task OneOrder_ApprovedAndCancelledThroughBothNodes_MovesOnce()
    {
        using var clerk = await nodes.A.UserAsync("clerk@two-nodes.test", "OrderClerk");
        using var adminA = await nodes.A.AdminAsync();
        using var adminB = await nodes.B.AdminAsync();
        var data = new TestData(adminA);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 100m, minPrice: 50m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var id = (await clerk.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 4, discountPercent = 15 } } }))
            .Expect(HttpStatusCode.Created).Id();
        (await clerk.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);

        var outcomes = await Race.RunAsync(20, i => (i % 2 == 0 ? adminA : adminB).PostAsync(
            i % 4 < 2 ? $"/api/orders/{id}/approve" : $"/api/orders/{id}/reject", i % 4 < 2 ? null : new { reason = "race" }));

        Assert.Equal(1, outcomes.Count(o => o.Status == HttpStatusCode.OK));
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.Equal(HttpStatusCode.Conflict, o.Status));
        var order = (await adminA.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        var reserved = order["status"].Str() == "Confirmed" ? 4m : 0m;
        Assert.Equal(reserved, order["lines"]![0]!["reserved"].Dec());
        var snapshot = await StockInvariants.TakeAsync(nodes.B, product);
        Assert.Empty(snapshot.Violations);
        Assert.Equal(reserved, Assert.Single(snapshot.Balances).Reserved);
    }
}

/// <summary>A node of the pair: the real app on a database the pair shares; the pair owns the database's life.</summary>
public sealed class NodeApp(TestDatabase shared) : OrderlyApp(TestDatabase.Borrowed(shared));

public abstract class TwoNodes(TestDatabase database) : IAsyncLifetime, IDisposable
{
    private NodeApp? _a;
    private NodeApp? _b;

    public NodeApp A => _a ?? throw new InvalidOperationException("Not started.");

    public NodeApp B => _b ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await database.CreateAsync();
        _a = new NodeApp(database);
        _b = new NodeApp(database);
        // Node A migrates and creates the admin first; node B then starts on the same, ready database.
        _ = _a.Services;
        _ = _b.Services;
    }

    public async Task DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        await database.DropAsync();
    }

    public void Dispose()
    {
        _b?.Dispose();
        _a?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteTwoNodes() : TwoNodes(TestDatabase.For("sqlite"));

public sealed class PostgresTwoNodes() : TwoNodes(TestDatabase.For("postgres"));

public sealed class TwoNodeTests_Sqlite(SqliteTwoNodes nodes) : TwoNodeTests(nodes), IClassFixture<SqliteTwoNodes>;

public sealed class TwoNodeTests_Postgres(PostgresTwoNodes nodes) : TwoNodeTests(nodes), IClassFixture<PostgresTwoNodes>;
