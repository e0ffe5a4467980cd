using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;

namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// R8: many parallel transitions of one order. Exactly one wins; the rest are refused with 409 (or 412 when they
/// named a version that is gone); the status history gains exactly the transitions that won; stock is reserved
/// or released exactly once.
/// </summary>
public abstract class TransitionRaceTests(OrderlyApp app)
{
    private const int Callers = 50;
    private const decimal LineQuantity = 7m;
    private const string Approver = "second-admin@orderly.test";

    /// <summary>
    /// Approve, cancel and reject racing, each caller naming the version it read (If-Match), as a UI does: only
    /// one can win, because every later one names a version that no longer exists.
    /// </summary>
    [Theory]
    [InlineData(81)]
    [InlineData(82)]
    [InlineData(83)]
    public async Task ApproveCancelReject_WithIfMatch_ExactlyOneWins(int seed)
    {
        var (admin, product, warehouse, id, etag) = await PendingOrderAsync();
        using var _ = admin;
        var operations = Shuffled(seed, Enumerable.Range(0, Callers).Select(i => (i % 3) switch { 0 => "approve", 1 => "cancel", _ => "reject" }));

        var outcomes = await RaceAsync(operations, id, etag);

        var winners = outcomes.Where(o => o.Status == HttpStatusCode.OK).ToList();
        Assert.True(winners.Count == 1, $"{winners.Count} transitions won: {string.Join("; ", winners)}");
        var losers = outcomes.Where(o => o.Status != HttpStatusCode.OK).ToList();
        Assert.All(losers, o => Assert.True(
            o.Status is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed && o.IsProblem
            && o.Code is "IllegalTransition" or "ConcurrencyConflict" or "StaleETag", o.ToString()));

        var expected = winners[0].Operation switch { "approve" => "Confirmed", "cancel" => "Cancelled", _ => "Rejected" };
        await AssertOrderAsync(id, product, warehouse, [expected], reservedAtEnd: expected == "Confirmed" ? LineQuantity : 0m,
            reservationsMade: expected == "Confirmed" ? 1 : 0);
    }

    /// <summary>Approve and reject are only legal from PendingApproval: without If-Match too, exactly one wins and the rest get 409.</summary>
    [Fact]
    public async Task ApproveReject_WithoutIfMatch_ExactlyOneWins()
    {
        var (admin, product, warehouse, id, _) = await PendingOrderAsync();
        using var __ = admin;
        var operations = Shuffled(84, Enumerable.Range(0, Callers).Select(i => i % 2 == 0 ? "approve" : "reject"));

        var outcomes = await RaceAsync(operations, id, etag: null);

        var winners = outcomes.Where(o => o.Status == HttpStatusCode.OK).ToList();
        Assert.True(winners.Count == 1, $"{winners.Count} transitions won: {string.Join("; ", winners)}");
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.True(
            o.Status == HttpStatusCode.Conflict && o.IsProblem && o.Code is "IllegalTransition" or "ConcurrencyConflict", o.ToString()));
        var approved = winners[0].Operation == "approve";
        await AssertOrderAsync(id, product, warehouse, [approved ? "Confirmed" : "Rejected"],
            reservedAtEnd: approved ? LineQuantity : 0m, reservationsMade: approved ? 1 : 0);
    }

    /// <summary>
    /// Approve, cancel and reject racing without If-Match. Confirmed -> Cancelled is a legal second step, so the
    /// outcome may be one transition or "approve, then one cancel"; never two approvals, two cancellations, or a
    /// reject after an approve; and the stock follows exactly the transitions that won.
    /// </summary>
    [Fact]
    public async Task ApproveCancelReject_WithoutIfMatch_EachTransitionHappensAtMostOnce()
    {
        var (admin, product, warehouse, id, _) = await PendingOrderAsync();
        using var __ = admin;
        var operations = Shuffled(85, Enumerable.Range(0, Callers).Select(i => (i % 3) switch { 0 => "approve", 1 => "cancel", _ => "reject" }));

        var outcomes = await RaceAsync(operations, id, etag: null);

        var won = outcomes.Where(o => o.Status == HttpStatusCode.OK).Select(o => o.Operation).Order().ToList();
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.True(
            o.Status == HttpStatusCode.Conflict && o.IsProblem && o.Code is "IllegalTransition" or "ConcurrencyConflict", o.ToString()));
        string[][] legal = [["approve"], ["cancel"], ["reject"], ["approve", "cancel"]];
        Assert.True(legal.Any(l => l.SequenceEqual(won)), $"the winning transitions {string.Join(", ", won)} are not a legal path");

        string[] path = won switch
        {
            ["approve"] => ["Confirmed"],
            ["approve", "cancel"] => ["Confirmed", "Cancelled"],
            ["cancel"] => ["Cancelled"],
            _ => ["Rejected"],
        };
        await AssertOrderAsync(id, product, warehouse, path,
            reservedAtEnd: path is ["Confirmed"] ? LineQuantity : 0m, reservationsMade: won.Contains("approve") ? 1 : 0);
    }

    [Fact]
    public async Task FiftyParallelSubmits_OfOneDraft_OneWinsAndReservesOnce()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var warehouse = await data.WarehouseAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 100);
        var id = (await data.OrderAsync(customer, (product, LineQuantity))).Id();

        var outcomes = await RaceAsync([.. Enumerable.Repeat("submit", Callers)], id, etag: null);

        Assert.Equal(1, outcomes.Count(o => o.Status == HttpStatusCode.OK));
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.True(
            o.Status == HttpStatusCode.Conflict && o.IsProblem && o.Code is "IllegalTransition" or "ConcurrencyConflict", o.ToString()));
        await AssertOrderAsync(id, product, warehouse, ["Confirmed"], reservedAtEnd: LineQuantity, reservationsMade: 1, pending: false);
    }

    /// <summary>Cancelling a confirmed order releases its stock once, however many cancel it at the same moment.</summary>
    [Fact]
    public async Task FiftyParallelCancels_OfAConfirmedOrder_OneWinsAndReleasesOnce()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var warehouse = await data.WarehouseAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 100);
        var id = (await data.OrderAsync(customer, (product, LineQuantity))).Id();
        (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);

        var outcomes = await RaceAsync([.. Enumerable.Repeat("cancel", Callers)], id, etag: null);

        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.True(
            o.Status == HttpStatusCode.Conflict && o.IsProblem && o.Code is "IllegalTransition" or "ConcurrencyConflict", o.ToString()));
        Assert.Equal(1, outcomes.Count(o => o.Status == HttpStatusCode.OK));
        await AssertOrderAsync(id, product, warehouse, ["Confirmed", "Cancelled"], reservedAtEnd: 0m, reservationsMade: 1, pending: false);
        var releases = await app.WithDbAsync(db => db.StockLedger.CountAsync(e => e.CauseId == id && e.Kind == StockMovementKind.Release));
        Assert.Equal(1, releases);
    }

    /// <summary>Shipping the whole reserved line from many callers at once ships it once; the rest are refused, never a 500.</summary>
    [Fact]
    public async Task ParallelShipmentsOfTheSameLine_ShipOnce()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var warehouse = await data.WarehouseAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 100);
        var id = (await data.OrderAsync(customer, (product, LineQuantity))).Id();
        var lineId = (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK)["lines"]![0]!.Id();

        var clients = await Race.AdminClientsAsync(app, 20);
        Outcome[] outcomes;
        try
        {
            outcomes = await Race.RunAsync(clients.Length, i => clients[i].CallAsync("ship", HttpMethod.Post, $"/api/orders/{id}/shipments",
                new { lines = new[] { new { lineId, quantity = LineQuantity } } }));
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.Created), o => Assert.True(
            o.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity && o.IsProblem, o.ToString()));
        Assert.Equal(1, outcomes.Count(o => o.Status == HttpStatusCode.Created));
        var stock = await data.StockAsync(product, warehouse);
        Assert.Equal(100m - LineQuantity, stock["onHand"].Dec());
        Assert.Equal(0m, stock["reserved"].Dec());
        var order = (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("Shipped", order["status"].Str());
        Assert.Equal(LineQuantity, order["lines"]![0]!["shipped"].Dec());
        var snapshot = await StockInvariants.TakeAsync(app, product);
        Assert.True(snapshot.Violations.Count == 0, snapshot.Describe());
    }

    private async Task<(HttpClient Admin, Guid Product, Guid Warehouse, Guid Id, string ETag)> PendingOrderAsync()
    {
        var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var warehouse = await data.WarehouseAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 100);
        var id = (await admin.PostAsync("/api/orders", new
        {
            customerId = customer,
            lines = new[] { new { productId = product, quantity = LineQuantity, discountPercent = 15m } },
        })).Expect(HttpStatusCode.Created).Id();
        var submitted = await admin.PostAsync($"/api/orders/{id}/submit");
        var pending = submitted.Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", pending["status"].Str());
        Assert.Contains("DiscountNeedsApproval", pending["approvalReasons"]!.AsArray().Select(r => r.Str()));
        var etag = submitted.Response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("submit sent no ETag");
        return (admin, product, warehouse, id, etag);
    }

    private async Task<Outcome[]> RaceAsync(string[] operations, Guid id, string? etag)
    {
        // The racing callers are another administrator than the one who entered the order: nobody approves an
        // order they entered (separation of duties), and that is not what is raced here.
        var clients = new HttpClient[operations.Length];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = await app.UserAsync(Approver, "Admin");
        }

        try
        {
            return await Race.RunAsync(operations.Length, i => operations[i] switch
            {
                "approve" => clients[i].CallAsync("approve", HttpMethod.Post, $"/api/orders/{id}/approve", new { reason = "ok" }, etag),
                "reject" => clients[i].CallAsync("reject", HttpMethod.Post, $"/api/orders/{id}/reject", new { reason = "折扣过高" }, etag),
                "cancel" => clients[i].CallAsync("cancel", HttpMethod.Post, $"/api/orders/{id}/cancel", new { reason = "客户取消" }, etag),
                _ => clients[i].CallAsync("submit", HttpMethod.Post, $"/api/orders/{id}/submit", null, etag),
            });
        }
        finally
        {
            Race.DisposeAll(clients);
        }
    }

    /// <summary>
    /// The order went Draft (-> PendingApproval) -> the given path and nothing else; its reservations, the stock
    /// ledger and the balance all show the reservation made exactly as often as expected.
    /// </summary>
    private async Task AssertOrderAsync(Guid id, Guid product, Guid warehouse, string[] path, decimal reservedAtEnd, int reservationsMade, bool pending = true)
    {
        var order = await app.WithDbAsync(db => db.SalesOrders.AsNoTracking().Include(o => o.Lines).Include(o => o.StatusHistory).SingleAsync(o => o.Id == id));
        string[] expectedHistory = [OrderStatus.Draft.ToString(), .. pending ? new[] { OrderStatus.PendingApproval.ToString() } : [], .. path];
        var history = order.StatusHistory.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => h.To.ToString()).ToArray();
        Assert.Equal(expectedHistory, history);
        Assert.Equal(path[^1], order.Status.ToString());
        Assert.Equal(reservedAtEnd, order.Lines.Single().Reserved);

        var (reservations, ledger, balance) = await app.WithDbAsync(async db => (
            await db.StockReservations.AsNoTracking().Where(r => r.OrderId == id).ToListAsync(),
            await db.StockLedger.AsNoTracking().Where(e => e.CauseId == id && e.Kind == StockMovementKind.Reservation).ToListAsync(),
            await db.StockBalances.AsNoTracking().SingleAsync(b => b.ProductId == product && b.WarehouseId == warehouse)));
        Assert.Equal(reservationsMade, reservations.Count);
        Assert.Equal(reservationsMade, ledger.Count);
        Assert.Equal(reservationsMade * LineQuantity, ledger.Sum(e => e.ReservedDelta));
        Assert.Equal(reservedAtEnd, reservations.Sum(r => r.Quantity));
        Assert.Equal(reservedAtEnd, balance.Reserved);
        Assert.Equal(100m, balance.OnHand);
    }

    private static string[] Shuffled(int seed, IEnumerable<string> items)
    {
        var array = items.ToArray();
        new Random(seed).Shuffle(array);
        return array;
    }
}

public sealed class TransitionRaceTests_Sqlite(SqliteApp app) : TransitionRaceTests(app), IClassFixture<SqliteApp>;

public sealed class TransitionRaceTests_Postgres(PostgresApp app) : TransitionRaceTests(app), IClassFixture<PostgresApp>;
