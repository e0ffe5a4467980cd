using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// R9 at small scale: order numbers come from a counter bumped in the creating transaction, so many clients
/// creating at once get distinct numbers, consecutive within the year, and a creation that fails leaves no gap.
/// Every test here keeps the whole database's numbers gapless, so each ends by checking all of them.
/// </summary>
public abstract partial class OrderNumberTests(OrderlyApp app)
{
    private const int Clients = 16;
    private const int Orders = 200;

    [Fact]
    public async Task TwoHundredConcurrentCreations_GetDistinctConsecutiveNumbers()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        // A customer per client: the entry checks look at the customer's recent orders, which is not what is raced here.
        var customers = new Guid[Clients];
        for (var i = 0; i < Clients; i++)
        {
            customers[i] = await data.CustomerAsync();
        }

        var clients = await Race.AdminClientsAsync(app, Clients);
        Outcome[][] outcomes;
        try
        {
            outcomes = await Race.RunAsync(Clients, async i =>
            {
                var random = new Random(900 + i);
                var mine = new List<Outcome>();
                // 200 orders over 16 clients: the first eight enter 13, the others 12.
                for (var n = 0; n < Orders / Clients + (i < Orders % Clients ? 1 : 0); n++)
                {
                    mine.Add(await clients[i].CallAsync("create", HttpMethod.Post, "/api/orders",
                        new { customerId = customers[i], lines = new[] { new { productId = product, quantity = random.Next(1, 10) } } }));
                }

                return mine.ToArray();
            });
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        var all = outcomes.SelectMany(o => o).ToList();
        Assert.Equal(Orders, all.Count);
        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.Created, o.ToString()));
        var numbers = all.Select(o => o.Body!["number"].Str()).ToList();
        Assert.Equal(Orders, numbers.Distinct().Count());
        var parsed = numbers.Select(Parse).ToList();
        Assert.Single(parsed.Select(p => p.Year).Distinct());
        var sequence = parsed.Select(p => p.Sequence).Order().ToList();
        Assert.Equal(Enumerable.Range((int)sequence[0], Orders).Select(n => (long)n), sequence);

        await AssertOrderNumbersAsync();
    }

    /// <summary>
    /// Concurrent entries with the same customer PO: one is saved, the others are refused (422 or 409), never a
    /// 500, and the refused ones take no number with them.
    /// </summary>
    [Fact]
    public async Task ConcurrentEntriesWithOneCustomerPo_OneSaved_NoNumberLost()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var clients = await Race.AdminClientsAsync(app, Clients);
        Outcome[] outcomes;
        try
        {
            outcomes = await Race.RunAsync(Clients, i => clients[i].CallAsync("create", HttpMethod.Post, "/api/orders",
                new { customerId = customer, customerPo = "PO-2026-赵-001", lines = new[] { new { productId = product, quantity = 1 + i } } }));
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        Assert.Equal(1, outcomes.Count(o => o.Status == HttpStatusCode.Created));
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.Created), o => Assert.True(
            o.Status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict && o.IsProblem, o.ToString()));
        var saved = await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer));
        Assert.Equal(1, saved);

        await AssertOrderNumbersAsync();
    }

    /// <summary>
    /// Every order number in the database, per year, is unique. On SQLite (a counter row bumped in the order's own
    /// transaction) they are 1..N with no gap; on PostgreSQL they come from a sequence (architecture.md: no row
    /// locked to commit), so a refused entry leaves a gap, and the numbers are 1..M with no repeat.
    /// </summary>
    private async Task AssertOrderNumbersAsync()
    {
        var numbers = await app.WithDbAsync(db => db.SalesOrders.AsNoTracking().Select(o => o.Number).ToListAsync());
        Assert.Equal(numbers.Count, numbers.Distinct().Count());

        foreach (var year in numbers.Select(Parse).GroupBy(p => p.Year))
        {
            var sequence = year.Select(p => p.Sequence).Order().ToList();
            if (app.Provider == "postgres")
            {
                Assert.All(sequence, n => Assert.InRange(n, 1, long.MaxValue));
            }
            else
            {
                Assert.Equal(Enumerable.Range(1, sequence.Count).Select(n => (long)n), sequence);
            }
        }
    }

    private static (int Year, long Sequence) Parse(string number)
    {
        var match = NumberPattern().Match(number);
        Assert.True(match.Success, $"'{number}' is not SO-yyyy-nnnnnn");
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^SO-(\d{4})-(\d{6,})$")]
    private static partial Regex NumberPattern();
}

public sealed class OrderNumberTests_Sqlite(SqliteApp app) : OrderNumberTests(app), IClassFixture<SqliteApp>;

public sealed class OrderNumberTests_Postgres(PostgresApp app) : OrderNumberTests(app), IClassFixture<PostgresApp>;
