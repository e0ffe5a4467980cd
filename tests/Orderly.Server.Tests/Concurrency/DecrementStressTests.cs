namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// QUALITY.md R2 at test scale: 8 workers, each running jobs of reservations of 5 units, drain a product's stock
/// to exactly zero through order entry and submit, with no error and no unit lost or sold twice.
/// </summary>
public abstract class DecrementStressTests(OrderlyApp app)
{
    private const int Workers = 8;
    private const int JobsPerWorker = 4;
    private const int ReservationsPerJob = 8;
    private const decimal Each = 5m;

    [Fact]
    public async Task EightWorkers_ReservingFiveAtATime_DrainTheStockToExactlyZero()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        const decimal stock = Workers * JobsPerWorker * ReservationsPerJob * Each;
        await data.ReceiveAsync(warehouse, product, stock);

        var results = await Race.RunAsync(Workers, async _ =>
        {
            using var client = await app.AdminAsync();
            var statuses = new List<HttpStatusCode>();
            var reserved = 0m;
            for (var job = 0; job < JobsPerWorker; job++)
            {
                for (var r = 0; r < ReservationsPerJob; r++)
                {
                    var created = await client.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = Each } } });
                    statuses.Add(created.Status);
                    var submitted = await client.PostAsync($"/api/orders/{created.Body!.Id()}/submit");
                    statuses.Add(submitted.Status);
                    reserved += submitted.Body?["lines"]?[0]?["reserved"]?.GetValue<decimal>() ?? 0m;
                }
            }

            return (Statuses: statuses, Reserved: reserved);
        });

        Assert.All(results.SelectMany(r => r.Statuses), s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.OK, $"Got {(int)s}"));
        Assert.Equal(stock, results.Sum(r => r.Reserved));
        var snapshot = await StockInvariants.TakeAsync(app, product);
        Assert.Empty(snapshot.Violations);
        var balance = Assert.Single(snapshot.Balances);
        Assert.Equal(stock, balance.Reserved);
        Assert.Equal(0m, balance.OnHand - balance.Reserved);
    }
}

public sealed class DecrementStressTests_Sqlite(SqliteApp app) : DecrementStressTests(app), IClassFixture<SqliteApp>;

public sealed class DecrementStressTests_Postgres(PostgresApp app) : DecrementStressTests(app), IClassFixture<PostgresApp>;
