using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Orders;

/// <summary>
/// The dedicated place path: <c>"submit": true</c> on <c>POST /api/orders</c> creates and submits in one request
/// and one transaction, answered with the submitted order; a refused submit leaves no draft behind.
/// </summary>
public abstract class PlaceAndSubmitTests(OrderlyApp app)
{
    [Fact]
    public async Task SubmitTrue_PlacesAndConfirms_InOneRequest_WithStockReserved()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 20m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 50);

        var placed = (await admin.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 12 } } }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("Confirmed", placed["status"].Str());
        Assert.Equal(12m, placed["lines"]![0]!["reserved"].Dec());
        Assert.Equal(["Draft", "Confirmed"], placed["statusHistory"]!.AsArray().Select(h => h!["to"].Str()).ToArray());
        Assert.Equal(38m, (await data.StockAsync(product, warehouse))["available"].Dec());

        // The reply is what a later read gives.
        var read = (await admin.GetJsonAsync($"/api/orders/{placed.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(placed["status"].Str(), read["status"].Str());
        Assert.Equal(placed["version"]!.ToJsonString(), read["version"]!.ToJsonString());

        // Both events of the road are in the outbox, written by the same transaction.
        var types = await app.WithDbAsync(db => db.Set<Orderly.Server.Platform.Events.OutboxMessage>()
            .Where(m => m.AggregateId == placed.Id().ToString()).Select(m => m.Type).ToListAsync());
        Assert.Contains("OrderCreated", types);
        Assert.Contains("OrderSubmitted", types);
        Assert.Contains("OrderConfirmed", types);
    }

    [Fact]
    public async Task SubmitTrue_WhenARuleAsks_WaitsForApproval_WithoutReserving()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);

        var placed = (await admin.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 1, discountPercent = 15 } } }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("PendingApproval", placed["status"].Str());
        Assert.Contains("DiscountNeedsApproval", placed["approvalReasons"]!.AsArray().Select(r => r.Str()));
        Assert.Equal(0m, (await data.StockAsync(product, warehouse))["reserved"].Dec());
    }

    [Fact]
    public async Task SubmitTrue_WhenEntryIsInvalid_LeavesNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var before = await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer));

        var refused = (await admin.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = -3 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("lines", refused.ToJsonString());
        Assert.Equal(before, await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer)));
    }

    [Fact]
    public async Task SubmitTrue_WithIdempotencyKey_PlacesOnce_AndReplaysTheSubmittedOrder()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 9m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var body = $$"""{"customerId":"{{customer}}","submit":true,"lines":[{"productId":"{{product}}","quantity":4}]}""";
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(admin, body, key);
        var second = await SendAsync(admin, body, key);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("Confirmed", JsonNode.Parse(first.Body)!["status"].Str());
        Assert.Equal(1, await app.WithDbAsync(db => db.SalesOrders.CountAsync(o => o.CustomerId == customer)));
        Assert.Equal(4m, (await data.StockAsync(product, warehouse))["reserved"].Dec());
    }

    [Fact]
    public async Task SubmitTrue_OnADraftUpdate_IsRefused()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var draft = await data.OrderAsync(customer, (product, 2));
        var etag = (await admin.GetJsonAsync($"/api/orders/{draft.Id()}")).Response.Headers.ETag!.ToString();
        var problem = (await admin.PutAsync($"/api/orders/{draft.Id()}", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 3 } } }, etag))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("SubmitOnlyOnCreate", problem.ToJsonString());
        Assert.Equal("Draft", (await admin.GetJsonAsync($"/api/orders/{draft.Id()}")).Expect(HttpStatusCode.OK)["status"].Str());
    }

    /// <summary>
    /// The create reply is built from what the unit of work wrote, not read back: it must be exactly what a read
    /// gives, byte for byte, for a draft, an order waiting for approval and a confirmed order whose lines are split
    /// across warehouses, with and without an Idempotency-Key.
    /// </summary>
    [Fact]
    public async Task TheCreateReply_IsByteForByte_WhatAReadOfTheOrderGives()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var east = await data.WarehouseAsync("East");
        var west = await data.WarehouseAsync("West");
        var split = await data.ProductAsync(listPrice: 12.5m);
        var plain = await data.ProductAsync(listPrice: 3.3m, isWholeUnit: false);
        var customer = await data.CustomerAsync();
        // 8 units asked of a product with 4 in each warehouse: every confirmed order's first line is split.
        await data.ReceiveAsync(east, split, 4);
        await data.ReceiveAsync(west, split, 4);
        await data.ReceiveAsync(east, plain, 20);
        var lines = new[] { new { productId = split, quantity = 8m, discountPercent = 0m }, new { productId = plain, quantity = 2.5m, discountPercent = 0m } };

        var bodies = new object[]
        {
            new { customerId = customer, lines },
            new { customerId = customer, submit = true, lines },
            new { customerId = customer, submit = true, lines = new[] { new { productId = plain, quantity = 1m, discountPercent = 15m } } },
        };
        foreach (var body in bodies)
        {
            var placed = await admin.PostAsync("/api/orders", body);
            var reply = placed.Expect(HttpStatusCode.Created);
            var read = (await admin.GetJsonAsync($"/api/orders/{reply.Id()}")).Expect(HttpStatusCode.OK);
            Assert.Equal(read.ToJsonString(), reply.ToJsonString());
        }

        await data.ReceiveAsync(east, split, 4);
        await data.ReceiveAsync(west, split, 4);
        var keyed = await SendAsync(admin, System.Text.Json.JsonSerializer.Serialize(bodies[1], Api.Json), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, keyed.Status);
        var order = JsonNode.Parse(keyed.Body)!;
        Assert.Equal(2, order["lines"]![0]!["reservations"]!.AsArray().Count);
        Assert.Equal((await admin.GetJsonAsync($"/api/orders/{order.Id()}")).Expect(HttpStatusCode.OK).ToJsonString(), order.ToJsonString());
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

public sealed class PlaceAndSubmitTests_Sqlite(SqliteApp app) : PlaceAndSubmitTests(app), IClassFixture<SqliteApp>;

public sealed class PlaceAndSubmitTests_Postgres(PostgresApp app) : PlaceAndSubmitTests(app), IClassFixture<PostgresApp>;
