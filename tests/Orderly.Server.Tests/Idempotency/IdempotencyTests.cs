using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Infrastructure;
using Orderly.Server.Tests.Concurrency;

namespace Orderly.Server.Tests.Idempotency;

/// <summary>
/// R4 at small scale: an Idempotency-Key makes POST /api/orders safe to retry. The same key and body create one
/// order, however often and however concurrently they are sent; every replay gets the first response byte for
/// byte; a retry while the first is still running gets 409; the key with another body gets 422; a failed request
/// frees its key; keys belong to one user.
/// </summary>
public abstract class IdempotencyTests(OrderlyApp app)
{
    private const int Concurrent = 50;
    private const int Sequential = 150;

    [Fact]
    public async Task SameKeyAndBody_Sent200Times_50Concurrently_CreateOneOrder_AndReplayTheFirstResponse()
    {
        using var admin = await app.AdminAsync();
        var (customer, body) = await OrderBodyAsync(admin);
        var key = $"retry-{Guid.NewGuid():N}";

        var clients = await Race.AdminClientsAsync(app, Concurrent);
        Answer[] concurrent;
        try
        {
            concurrent = await Race.RunAsync(Concurrent, i => PostAsync(clients[i], body, key));
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        var sequential = new List<Answer>();
        for (var i = 0; i < Sequential; i++)
        {
            sequential.Add(await PostAsync(admin, body, key));
        }

        Assert.All(concurrent, a => Assert.True(
            a.Status == HttpStatusCode.Created || (a.Status == HttpStatusCode.Conflict && a.IsProblem && a.Code == "IdempotentRequestInProgress"),
            a.ToString()));
        Assert.All(sequential, a => Assert.True(a.Status == HttpStatusCode.Created, a.ToString()));
        var created = concurrent.Concat(sequential).Where(a => a.Status == HttpStatusCode.Created).ToList();
        Assert.Contains(concurrent, a => a.Status == HttpStatusCode.Created);
        var first = created[0];
        Assert.All(created, a => Assert.True(a.Body.AsSpan().SequenceEqual(first.Body), $"a replay differs from the first response:{Environment.NewLine}{a.Text}{Environment.NewLine}{first.Text}"));
        Assert.All(created, a => Assert.Equal(created[0].Location, a.Location));

        var orders = await app.WithDbAsync(db => db.SalesOrders.AsNoTracking().Where(o => o.CustomerId == customer).Select(o => o.Id).ToListAsync());
        var order = Assert.Single(orders);
        Assert.Equal(order, first.Json!.Id());
        Assert.Equal($"/api/orders/{order}", first.Location);
        var record = await app.WithDbAsync(db => db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.Key == key));
        Assert.Equal(IdempotencyState.Completed, record.State);
        Assert.Equal(201, record.StatusCode);
    }

    [Fact]
    public async Task SameKey_WithAnotherBody_Gets422_AndCreatesNothing()
    {
        using var admin = await app.AdminAsync();
        var (customer, body) = await OrderBodyAsync(admin, quantity: 2);
        var (_, other) = await OrderBodyAsync(admin, quantity: 3, customer: customer);
        var key = $"reuse-{Guid.NewGuid():N}";

        var first = await PostAsync(admin, body, key);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var reused = await PostAsync(admin, other, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.True(reused.IsProblem, reused.ToString());
        Assert.Equal("IdempotencyKeyReused", reused.Code);

        var replay = await PostAsync(admin, body, key);
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(first.Body, replay.Body);
        Assert.Equal(1, await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer)));

        var tooLong = await PostAsync(admin, other, new string('k', Orderly.Server.Infrastructure.Idempotency.MaxKeyLength + 1));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.Status);
        Assert.True(tooLong.IsProblem, tooLong.ToString());
        Assert.Equal(1, await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer)));
    }

    [Fact]
    public async Task FailedFirstAttempt_FreesTheKey_ForTheCorrectedRequest()
    {
        using var admin = await app.AdminAsync();
        var (customer, body) = await OrderBodyAsync(admin);
        var wrong = $$"""{"customerId":"{{customer}}","lines":[{"productId":"{{Guid.NewGuid()}}","quantity":2}]}""";
        var key = $"fix-{Guid.NewGuid():N}";

        var failed = await PostAsync(admin, wrong, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.Status);
        Assert.True(failed.IsProblem, failed.ToString());
        Assert.Contains("UnknownProduct", failed.Json!.Codes());
        Assert.False(await app.WithDbAsync(db => db.IdempotencyRecords.AnyAsync(r => r.Key == key)), "the failed request kept its key");

        var corrected = await PostAsync(admin, body, key);
        Assert.True(corrected.Status == HttpStatusCode.Created, corrected.ToString());
        var replay = await PostAsync(admin, body, key);
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(corrected.Body, replay.Body);
        // The failed body is now "another body" for this key.
        Assert.Equal("IdempotencyKeyReused", (await PostAsync(admin, wrong, key)).Code);
        Assert.Equal(1, await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer)));
    }

    [Fact]
    public async Task Keys_ArePerUser()
    {
        using var admin = await app.AdminAsync();
        var (customer, body) = await OrderBodyAsync(admin);
        using var alice = await app.UserAsync($"alice-{Guid.NewGuid():N}@orderly.test", "OrderClerk");
        using var bob = await app.UserAsync($"bob-{Guid.NewGuid():N}@orderly.test", "OrderClerk");
        const string key = "same-key-for-everyone";

        var fromAlice = await PostAsync(alice, body, key);
        var fromBob = await PostAsync(bob, body, key);
        Assert.True(fromAlice.Status == HttpStatusCode.Created, fromAlice.ToString());
        Assert.True(fromBob.Status == HttpStatusCode.Created, fromBob.ToString());
        Assert.NotEqual(fromAlice.Json!.Id(), fromBob.Json!.Id());

        Assert.Equal(fromAlice.Body, (await PostAsync(alice, body, key)).Body);
        Assert.Equal(fromBob.Body, (await PostAsync(bob, body, key)).Body);
        Assert.Equal(2, await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer)));
    }

    /// <summary>
    /// A claim left behind by a request that died (older than the abandonment window) may be taken over by a
    /// retry, but by ONE retry: many retries arriving together still create one order between them. The race is
    /// run over several keys, since one round may happen to serialise.
    /// </summary>
    [Fact]
    public async Task AbandonedClaim_IsTakenOverByExactlyOneOfManyConcurrentRetries()
    {
        const int Rounds = 5;
        const int Retries = 20;
        using var admin = await app.AdminAsync();
        var (customer, body) = await OrderBodyAsync(admin);
        // A completed request with the same body gives the scope and body hash the server uses for this user.
        var template = $"template-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, body, template)).Status);
        var keys = Enumerable.Range(0, Rounds).Select(n => $"abandoned-{n}-{Guid.NewGuid():N}").ToList();
        await app.WithDbAsync(async db =>
        {
            var done = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.Key == template);
            foreach (var key in keys)
            {
                db.IdempotencyRecords.Add(new IdempotencyRecord
                {
                    Scope = done.Scope, Key = key, RequestHash = done.RequestHash, State = IdempotencyState.InProgress,
                    CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
                });
            }

            return await db.SaveChangesAsync();
        });

        var clients = await Race.AdminClientsAsync(app, Retries);
        var duplicated = new List<string>();
        try
        {
            foreach (var key in keys)
            {
                var answers = await Race.RunAsync(clients.Length, i => PostAsync(clients[i], body, key));
                Assert.All(answers, a => Assert.True(
                    a.Status == HttpStatusCode.Created || (a.Status == HttpStatusCode.Conflict && a.Code == "IdempotentRequestInProgress"), a.ToString()));
                var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
                Assert.NotEmpty(created);
                var ids = created.Select(a => a.Json!.Id()).Distinct().ToList();
                if (ids.Count > 1)
                {
                    duplicated.Add($"{key}: {ids.Count} orders");
                }

                var replay = await PostAsync(admin, body, key);
                Assert.Equal(HttpStatusCode.Created, replay.Status);
                Assert.Contains(replay.Json!.Id(), ids);
            }
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        Assert.True(duplicated.Count == 0, $"one Idempotency-Key created several orders: {string.Join("; ", duplicated)}");
        // One order for the template key, one per abandoned key.
        Assert.Equal(1 + Rounds, await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer)));
    }

    private static async Task<(Guid Customer, string Body)> OrderBodyAsync(HttpClient admin, int quantity = 2, Guid? customer = null)
    {
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 33.30m);
        var customerId = customer ?? await data.CustomerAsync();
        var body = $$"""{"customerId":"{{customerId}}","customerPo":null,"lines":[{"productId":"{{product}}","quantity":{{quantity}},"discountPercent":5}]}""";
        return (customerId, body);
    }

    private static async Task<Answer> PostAsync(HttpClient client, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new Answer(response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType, response.Headers.Location?.ToString());
    }

    /// <summary>A response kept byte for byte.</summary>
    private sealed record Answer(HttpStatusCode Status, byte[] Body, string? MediaType, string? Location)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public JsonNode? Json => Body.Length > 0 ? JsonNode.Parse(Body) : null;

        public bool IsProblem => MediaType == "application/problem+json";

        public string? Code => Json?["code"]?.GetValue<string>();

        public override string ToString() => $"{(int)Status} {MediaType} {Text}";
    }
}

public sealed class IdempotencyTests_Sqlite(SqliteApp app) : IdempotencyTests(app), IClassFixture<SqliteApp>;

public sealed class IdempotencyTests_Postgres(PostgresApp app) : IdempotencyTests(app), IClassFixture<PostgresApp>;
