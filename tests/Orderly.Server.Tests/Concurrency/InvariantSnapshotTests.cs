using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// R3 at small scale: the stock invariants hold not only after a run but on every snapshot taken DURING a mixed
/// workload of receipts, order entry and submission, cancellations and shipments.
/// </summary>
public abstract class InvariantSnapshotTests(OrderlyApp app)
{
    private const int Workers = 8;
    private const int MinSnapshots = 20;
    private const int MinOperationsPerWorker = 8;
    private const int MaxOperationsPerWorker = 60;

    [Fact]
    public async Task Invariants_HoldOnEverySnapshot_TakenDuringAMixedWorkload()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var products = new[] { await data.ProductAsync(10m), await data.ProductAsync(25m), await data.ProductAsync(40m) };
        var warehouses = new[] { await data.WarehouseAsync("East"), await data.WarehouseAsync("West") };
        var customers = new[] { await data.CustomerAsync(region: "East"), await data.CustomerAsync(region: "West") };
        foreach (var product in products)
        {
            await data.ReceiveAsync(warehouses[0], product, 15);
        }

        var clients = await Race.AdminClientsAsync(app, Workers);
        var problems = new ConcurrentQueue<string>();
        var operations = new ConcurrentDictionary<string, int>();
        var snapshots = new List<StockSnapshot>();
        var snapshotsDuringWork = 0;
        var workDone = false;
        try
        {
            var workload = Race.RunAsync(Workers, async i =>
            {
                var random = new Random(3_000 + i);
                // Each worker goes on until the snapshot loop has had its share of the run, within a bound.
                for (var n = 0; n < MaxOperationsPerWorker && (n < MinOperationsPerWorker || Volatile.Read(ref snapshotsDuringWork) < MinSnapshots); n++)
                {
                    await OneOperationAsync(clients[i], random, products, warehouses, customers, problems, operations);
                }

                return true;
            });

            while (!workload.IsCompleted)
            {
                var snapshot = await StockInvariants.TakeAsync(app, products);
                snapshots.Add(snapshot);
                if (!workload.IsCompleted)
                {
                    Interlocked.Increment(ref snapshotsDuringWork);
                }

                // Leave the two cores to the workload between snapshots; how often they come is not what is tested.
                await Task.Delay(10);
            }

            await workload;
            workDone = true;
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        Assert.True(workDone);
        Assert.True(snapshotsDuringWork >= MinSnapshots, $"only {snapshotsDuringWork} snapshots were taken during the workload");
        var broken = snapshots.Select((s, n) => (s, n)).Where(x => x.s.Violations.Count > 0).ToList();
        var failures = new List<string>();
        if (broken.Count > 0)
        {
            failures.Add($"{broken.Count} of {snapshots.Count} snapshots broke an invariant; the first (#{broken[0].n}):{Environment.NewLine}{broken[0].s.Describe()}");
        }

        if (!problems.IsEmpty)
        {
            failures.Add($"{problems.Count} unexpected answers during the workload (every operation must succeed):{Environment.NewLine}"
                + string.Join(Environment.NewLine, problems.Take(10)));
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
        // The snapshots saw the workload move, not one state over and over.
        Assert.True(snapshots.Select(s => s.LedgerEntries).Distinct().Count() >= 2, "every snapshot saw the same ledger");
        foreach (var kind in new[] { "receipt", "submit", "cancel", "ship" })
        {
            Assert.True(operations.GetValueOrDefault(kind) > 0, $"the workload made no {kind}: {string.Join(", ", operations)}");
        }

        var final = await StockInvariants.TakeAsync(app, products);
        Assert.True(final.Violations.Count == 0, final.Describe());

        // The API's stock view is the same as the database's.
        foreach (var balance in final.Balances)
        {
            var item = await data.StockAsync(balance.ProductId, balance.WarehouseId);
            Assert.Equal(balance.OnHand, item["onHand"].Dec());
            Assert.Equal(balance.Reserved, item["reserved"].Dec());
        }
    }

    /// <summary>
    /// Checks the snapshot itself: a write committed while the snapshot is open neither waits for it nor shows up
    /// in it, and shows up in the next one. Without this, "100% of snapshots hold" could be an artefact of reads
    /// that block the writers or of reads that mix states.
    /// </summary>
    [Fact]
    public async Task Snapshot_IsStable_AndDoesNotBlockWriters()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var warehouse = await data.WarehouseAsync();
        await data.ReceiveAsync(warehouse, product, 5);

        var (before, inside, fresh) = await app.WithDbAsync(async db =>
        {
            await using var snapshot = await ReadSnapshot.BeginAsync(app, db);
            var before = await db.StockLedger.CountAsync(e => e.ProductId == product);
            // A receipt through the API commits on another connection while this read transaction is open.
            await data.ReceiveAsync(warehouse, product, 7);
            var inside = await db.StockBalances.AsNoTracking().Where(b => b.ProductId == product).Select(b => b.OnHand).SingleAsync();
            var insideCount = await db.StockLedger.CountAsync(e => e.ProductId == product);
            await snapshot.EndAsync();
            Assert.Equal(before, insideCount);
            var fresh = await db.StockBalances.AsNoTracking().Where(b => b.ProductId == product).Select(b => b.OnHand).SingleAsync();
            return (before, inside, fresh);
        });

        Assert.Equal(1, before);
        Assert.Equal(5m, inside);
        Assert.Equal(12m, fresh);
    }

    private static async Task OneOperationAsync(
        HttpClient client, Random random, Guid[] products, Guid[] warehouses, Guid[] customers,
        ConcurrentQueue<string> problems, ConcurrentDictionary<string, int> operations)
    {
        void Expect(Outcome outcome, HttpStatusCode status)
        {
            operations.AddOrUpdate(outcome.Operation, 1, (_, n) => n + 1);
            if (outcome.Status != status)
            {
                problems.Enqueue(outcome.ToString());
            }
        }

        if (random.NextDouble() < 0.2)
        {
            var receipt = await client.CallAsync("receipt", HttpMethod.Post, "/api/inventory/receipts", new
            {
                warehouseId = warehouses[random.Next(warehouses.Length)],
                lines = new[] { new { productId = products[random.Next(products.Length)], quantity = random.Next(1, 8) } },
            });
            Expect(receipt, HttpStatusCode.Created);
            return;
        }

        var lines = products.Where(_ => random.NextDouble() < 0.6).DefaultIfEmpty(products[0])
            .Select(p => new { productId = p, quantity = random.Next(1, 5) }).ToArray();
        var created = await client.CallAsync("create", HttpMethod.Post, "/api/orders", new { customerId = customers[random.Next(customers.Length)], lines });
        Expect(created, HttpStatusCode.Created);
        if (created.Status != HttpStatusCode.Created)
        {
            return;
        }

        var id = created.Body!.Id();
        var submitted = await client.CallAsync("submit", HttpMethod.Post, $"/api/orders/{id}/submit");
        Expect(submitted, HttpStatusCode.OK);
        if (submitted.Status != HttpStatusCode.OK)
        {
            return;
        }

        var roll = random.NextDouble();
        if (roll < 0.25)
        {
            Expect(await client.CallAsync("cancel", HttpMethod.Post, $"/api/orders/{id}/cancel", new { reason = "取消" }), HttpStatusCode.OK);
            return;
        }

        if (roll < 0.7)
        {
            var shippable = submitted.Body!["lines"]!.AsArray()
                .Where(l => l!["reserved"].Dec() > 0)
                .Select(l => new { lineId = l!.Id(), quantity = (decimal)random.Next(1, (int)l!["reserved"].Dec() + 1) })
                .ToArray();
            if (shippable.Length > 0)
            {
                Expect(await client.CallAsync("ship", HttpMethod.Post, $"/api/orders/{id}/shipments", new { lines = shippable, carrier = "顺丰" }), HttpStatusCode.Created);
            }
        }
    }
}

public sealed class InvariantSnapshotTests_Sqlite(SqliteApp app) : InvariantSnapshotTests(app), IClassFixture<SqliteApp>;

public sealed class InvariantSnapshotTests_Postgres(PostgresApp app) : InvariantSnapshotTests(app), IClassFixture<PostgresApp>;
