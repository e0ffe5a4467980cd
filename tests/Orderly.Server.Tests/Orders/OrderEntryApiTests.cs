using Microsoft.EntityFrameworkCore;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Orders;

/// <summary>
/// Order entry through POST /api/orders: every blocking error is a 422 naming the field and the rule and saves
/// nothing; warnings travel with the saved order; /check answers the same without saving; drafts edit with If-Match.
/// </summary>
public abstract class OrderEntryApiTests(OrderlyApp app)
{
    private static DateOnly TodayInShanghai => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

    [Fact]
    public async Task UnknownCustomer_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        await RefusedAsync(admin, Order(Guid.NewGuid(), Line(product, 1)), ("customerId", "UnknownCustomer"));
    }

    [Fact]
    public async Task InactiveCustomer_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "停用客户", isActive = false })).Expect(HttpStatusCode.Created).Id();
        await RefusedAsync(admin, Order(customer, Line(product, 1)), ("customerId", "CustomerInactive"));
    }

    [Fact]
    public async Task BlockedCustomer_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(isBlocked: true);
        await RefusedAsync(admin, Order(customer, Line(product, 1)), ("customerId", "CustomerBlocked"));
    }

    [Fact]
    public async Task UnknownProduct_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer, Line(product, 1), Line(Guid.NewGuid(), 1)), ("lines[1].productId", "UnknownProduct"));
    }

    [Fact]
    public async Task InactiveProduct_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(isActive: false);
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer, Line(product, 1)), ("lines[0].productId", "ProductInactive"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task QuantityNotAboveZero_IsRefused(int quantity)
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer, Line(product, quantity)), ("lines[0].quantity", "QuantityNotPositive"));
    }

    [Fact]
    public async Task FractionalQuantity_OfAWholePieceProduct_IsRefused_ButAllowedForKilograms()
    {
        var (admin, data) = await SetUpAsync();
        var pieces = await data.ProductAsync(isWholeUnit: true);
        var kilos = await data.ProductAsync(isWholeUnit: false, listPrice: 20m);
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer, Line(kilos, 1.5m), Line(pieces, 2.5m)), ("lines[1].quantity", "FractionalQuantity"));

        var created = (await admin.PostAsync("/api/orders", Order(customer, Line(kilos, 1.25m)))).Expect(HttpStatusCode.Created);
        Assert.Equal(25m, created["total"].Dec());
    }

    [Fact]
    public async Task UnitPriceBelowTheMinimum_IsRefused_AlsoWhenADiscountTakesItThere()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 100m, minPrice: 80m);
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer, Line(product, 1, unitPrice: 79.99m)), ("lines[0].unitPrice", "PriceBelowMinimum"));
        await RefusedAsync(admin, Order(customer, Line(product, 1, discountPercent: 25m)), ("lines[0].unitPrice", "PriceBelowMinimum"));
        await RefusedAsync(admin, Order(customer, Line(product, 1, unitPrice: 90m, discountPercent: 12m)), ("lines[0].unitPrice", "PriceBelowMinimum"));

        var atMinimum = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 2, discountPercent: 20m)))).Expect(HttpStatusCode.Created);
        Assert.Equal(160m, atMinimum["total"].Dec());
    }

    [Fact]
    public async Task CurrencyOtherThanTheCustomers_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(currency: "CNY");
        var before = await CountAsync();
        (await admin.PostAsync("/api/orders", Order(customer, Line(product, 1)) with { Currency = "USD" }))
            .ExpectViolations(("currency", "CurrencyMismatch"));
        (await admin.PostAsync("/api/orders", Order(customer, Line(product, 1)) with { Currency = "XYZ" }))
            .ExpectViolations(("currency", "UnknownCurrency"));
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task RequestedDeliveryDateInThePast_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer, Line(product, 1)) with { RequestedDeliveryDate = TodayInShanghai.AddDays(-1) },
            ("requestedDeliveryDate", "DeliveryDateInPast"));

        var future = TodayInShanghai.AddDays(7);
        var created = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 1)) with { RequestedDeliveryDate = future })).Expect(HttpStatusCode.Created);
        Assert.Equal(future, DateOnly.Parse(created["requestedDeliveryDate"].Str(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CustomerPoAlreadyUsedByTheCustomer_IsRefused_ButAnotherCustomerMayUseIt()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var other = await data.CustomerAsync();
        var po = TestData.Unique("PO");
        (await admin.PostAsync("/api/orders", Order(customer, Line(product, 1)) with { CustomerPo = po })).Expect(HttpStatusCode.Created);

        await RefusedAsync(admin, Order(customer, Line(product, 5)) with { CustomerPo = po }, ("customerPo", "DuplicateCustomerPo"));
        await RefusedAsync(admin, Order(customer, Line(product, 5)) with { CustomerPo = $"  {po} " }, ("customerPo", "DuplicateCustomerPo"));
        (await admin.PostAsync("/api/orders", Order(other, Line(product, 1)) with { CustomerPo = po })).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task NoLines_IsRefused()
    {
        var (admin, data) = await SetUpAsync();
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer), ("lines", "NoLines"));
    }

    [Fact]
    public async Task FiveHundredLines_AreAccepted_FiveHundredAndOne_Refused()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 1m, minPrice: 1m);
        var customer = await data.CustomerAsync();
        await RefusedAsync(admin, Order(customer, [.. Enumerable.Range(0, 501).Select(_ => Line(product, 1))]), ("lines", "TooManyLines"));

        var created = (await admin.PostAsync("/api/orders", Order(customer, [.. Enumerable.Range(0, 500).Select(_ => Line(product, 1))]))).Expect(HttpStatusCode.Created);
        Assert.Equal(500, created["lines"]!.AsArray().Count);
        Assert.Equal(500m, created["total"].Dec());
    }

    [Fact]
    public async Task SeveralErrors_AreAllListed_EachWithItsFieldAndRule()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 100m, minPrice: 80m);
        var customer = await data.CustomerAsync(isBlocked: true);
        var body = Order(customer,
            Line(Guid.NewGuid(), 1),
            Line(product, 0),
            Line(product, 1.5m),
            Line(product, 1, unitPrice: 50m),
            Line(product, 1, discountPercent: 100m)) with { RequestedDeliveryDate = TodayInShanghai.AddDays(-30) };

        await RefusedAsync(admin, body,
            ("customerId", "CustomerBlocked"),
            ("requestedDeliveryDate", "DeliveryDateInPast"),
            ("lines[0].productId", "UnknownProduct"),
            ("lines[1].quantity", "QuantityNotPositive"),
            ("lines[2].quantity", "FractionalQuantity"),
            ("lines[3].unitPrice", "PriceBelowMinimum"),
            ("lines[4].discountPercent", "DiscountOutOfRange"));
    }

    [Fact]
    public async Task TotalBeyondWhatMoneyCanStore_IsRefusedWith422_Not500()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 1_000_000_000_000m, minPrice: 1m);
        var customer = await data.CustomerAsync();
        var before = await CountAsync();

        var response = await admin.PostAsync("/api/orders", Order(customer, Line(product, 1_000_000_000m)));

        Assert.True(response.Status == HttpStatusCode.UnprocessableEntity, $"1e9 x 1e12 CNY got {(int)response.Status}: {response.Body?.ToJsonString()}");
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task HugeQuantitiesOfOneProductOnTwoLines_AreRefusedWith400NamingTheField_Not500()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();

        // decimal.MaxValue does not fit a decimal(18,4) column: refused as it is read (issue #12, point 6).
        var response = await admin.PostAsync("/api/orders", Order(customer, Line(product, decimal.MaxValue), Line(product, decimal.MaxValue)));

        Assert.True(response.Status == HttpStatusCode.BadRequest, $"two lines of decimal.MaxValue got {(int)response.Status}: {response.Body?.ToJsonString()}");
        Assert.Contains("(at $.lines[0].quantity)", response.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuantityAboveUsual_WarnsAfterThreeOrdersOfAboutTen()
    {
        var (admin, data) = await SetUpAsync();
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 1000);
        foreach (var quantity in new[] { 10, 11, 9 })
        {
            var id = (await data.OrderAsync(customer, (product, quantity))).Id();
            Assert.Equal("Confirmed", (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK)["status"].Str());
        }

        var usual = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 40)))).Expect(HttpStatusCode.Created);
        Assert.DoesNotContain("QuantityAboveUsual", Codes(usual));

        var unusual = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 100)))).Expect(HttpStatusCode.Created);
        var warning = Assert.Single(unusual["warnings"]!.AsArray(), w => w!["code"].Str() == "QuantityAboveUsual")!;
        Assert.Equal("lines[0].quantity", warning["field"].Str());
        Assert.False(string.IsNullOrWhiteSpace(warning["message"].Str()));
        Assert.Contains("QuantityAboveUsual", Codes((await admin.GetJsonAsync($"/api/orders/{unusual.Id()}")).Expect(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task QuantityAboveUsual_NeedsThreeEarlierOrders()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        var customer = await data.CustomerAsync();
        foreach (var quantity in new[] { 10, 10 })
        {
            var id = (await data.OrderAsync(customer, (product, quantity))).Id();
            (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        }

        var created = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 100)))).Expect(HttpStatusCode.Created);
        Assert.DoesNotContain("QuantityAboveUsual", Codes(created));
    }

    [Fact]
    public async Task ProbableDuplicate_WarnsOnTheSameLinesTwiceWithin24Hours()
    {
        var (admin, data) = await SetUpAsync();
        var a = await data.ProductAsync();
        var b = await data.ProductAsync();
        var customer = await data.CustomerAsync();

        var first = (await admin.PostAsync("/api/orders", Order(customer, Line(a, 3), Line(b, 2)))).Expect(HttpStatusCode.Created);
        Assert.DoesNotContain("ProbableDuplicate", Codes(first));
        var different = (await admin.PostAsync("/api/orders", Order(customer, Line(a, 3), Line(b, 1)))).Expect(HttpStatusCode.Created);
        Assert.DoesNotContain("ProbableDuplicate", Codes(different));

        var again = (await admin.PostAsync("/api/orders", Order(customer, Line(b, 2), Line(a, 3)))).Expect(HttpStatusCode.Created);
        var warning = Assert.Single(again["warnings"]!.AsArray(), w => w!["code"].Str() == "ProbableDuplicate")!;
        Assert.Contains(first["number"].Str(), warning["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PriceOffList_WarnsWhenTheNetPriceDiffersFromTheList()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 100m, minPrice: 80m);
        var customer = await data.CustomerAsync();

        Assert.DoesNotContain("PriceOffList", Codes((await admin.PostAsync("/api/orders", Order(customer, Line(product, 1)))).Expect(HttpStatusCode.Created)));
        Assert.DoesNotContain("PriceOffList", Codes((await admin.PostAsync("/api/orders", Order(customer, Line(product, 2, unitPrice: 100m)))).Expect(HttpStatusCode.Created)));
        foreach (var line in new[] { Line(product, 3, unitPrice: 90m), Line(product, 4, unitPrice: 120m), Line(product, 5, discountPercent: 5m) })
        {
            var created = (await admin.PostAsync("/api/orders", Order(customer, line))).Expect(HttpStatusCode.Created);
            var warning = Assert.Single(created["warnings"]!.AsArray(), w => w!["code"].Str() == "PriceOffList")!;
            Assert.Equal("lines[0].unitPrice", warning["field"].Str());
        }
    }

    [Fact]
    public async Task StockShort_WarnsWhenTheOrderAsksMoreThanIsAvailable_CountingEveryLineOfTheProduct()
    {
        var (admin, data) = await SetUpAsync();
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 5);

        Assert.DoesNotContain("StockShort", Codes((await admin.PostAsync("/api/orders", Order(customer, Line(product, 5)))).Expect(HttpStatusCode.Created)));
        var short1 = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 8)))).Expect(HttpStatusCode.Created);
        Assert.Equal("lines[0].quantity", Assert.Single(short1["warnings"]!.AsArray(), w => w!["code"].Str() == "StockShort")!["field"].Str());
        var split = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 3), Line(product, 3)))).Expect(HttpStatusCode.Created);
        Assert.Equal("lines[1].quantity", Assert.Single(split["warnings"]!.AsArray(), w => w!["code"].Str() == "StockShort")!["field"].Str());
    }

    [Fact]
    public async Task CreditWarnings_CountSubmittedOrdersAndThisOne_AgainstTheLimit()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        var customer = await data.CustomerAsync(creditLimit: 1_000m);

        var small = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 8)))).Expect(HttpStatusCode.Created);
        Assert.DoesNotContain(Codes(small), c => c.StartsWith("Credit", StringComparison.Ordinal));
        var near = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 9)))).Expect(HttpStatusCode.Created);
        Assert.Contains("CreditNearLimit", Codes(near));
        var over = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 11)))).Expect(HttpStatusCode.Created);
        Assert.Contains("CreditOverLimit", Codes(over));
        Assert.DoesNotContain("CreditNearLimit", Codes(over));

        (await admin.PostAsync($"/api/orders/{near.Id()}/submit")).Expect(HttpStatusCode.OK);
        var nearAgain = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 1)))).Expect(HttpStatusCode.Created);
        Assert.Contains("CreditNearLimit", Codes(nearAgain));
        var overAgain = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 2)))).Expect(HttpStatusCode.Created);
        Assert.Contains("CreditOverLimit", Codes(overAgain));

        var unlimited = await data.CustomerAsync(creditLimit: null);
        Assert.DoesNotContain(Codes((await admin.PostAsync("/api/orders", Order(unlimited, Line(product, 1_000)))).Expect(HttpStatusCode.Created)),
            c => c.StartsWith("Credit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_ReportsErrorsAndWarnings_WithoutSaving()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 100m, minPrice: 80m);
        var customer = await data.CustomerAsync(creditLimit: 500m);
        var before = await CountAsync();

        var invalid = (await admin.PostAsync("/api/orders/check", Order(customer, Line(product, 0), Line(Guid.NewGuid(), 1)))).Expect(HttpStatusCode.OK);
        Assert.False(invalid["isValid"]!.GetValue<bool>());
        Assert.Equal(
            new[] { ("lines[0].quantity", "QuantityNotPositive"), ("lines[1].productId", "UnknownProduct") }.Order(),
            invalid["errors"]!.AsArray().Select(e => (e!["field"].Str(), e["code"].Str())).Order());

        var warned = (await admin.PostAsync("/api/orders/check", Order(customer, Line(product, 6, unitPrice: 95m)))).Expect(HttpStatusCode.OK);
        Assert.True(warned["isValid"]!.GetValue<bool>());
        Assert.Empty(warned["errors"]!.AsArray());
        Assert.Equal(570m, warned["total"].Dec());
        Assert.Equal("CNY", warned["currency"].Str());
        var codes = warned["warnings"]!.AsArray().Select(w => w!["code"].Str()).ToList();
        Assert.Contains("PriceOffList", codes);
        Assert.Contains("StockShort", codes);
        Assert.Contains("CreditOverLimit", codes);

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Draft_CanBeEditedWithIfMatch_AndTheTotalFollows()
    {
        var (admin, data) = await SetUpAsync();
        var a = await data.ProductAsync(listPrice: 100m);
        var b = await data.ProductAsync(listPrice: 12.34m, minPrice: 10m);
        var customer = await data.CustomerAsync();
        var created = await admin.PostAsync("/api/orders", Order(customer, Line(a, 2)));
        var id = created.Expect(HttpStatusCode.Created).Id();
        Assert.Equal(200m, created.Body!["total"].Dec());
        var etag = (await admin.GetJsonAsync($"/api/orders/{id}")).Response.Headers.ETag!.ToString();
        var change = Order(customer, Line(a, 3), Line(b, 5)) with { CustomerPo = "改单-1" };

        (await admin.PutAsync($"/api/orders/{id}", change, null)).ExpectProblem(HttpStatusCode.PreconditionRequired);
        (await admin.PutAsync($"/api/orders/{id}", change, "\"999\"")).ExpectProblem(HttpStatusCode.PreconditionFailed);

        var edited = await admin.PutAsync($"/api/orders/{id}", change, etag);
        Assert.Equal(361.70m, edited.Expect(HttpStatusCode.OK)["total"].Dec());
        var read = (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(361.70m, read["total"].Dec());
        Assert.Equal("改单-1", read["customerPo"].Str());
        Assert.Equal([3m, 5m], read["lines"]!.AsArray().Select(l => l!["quantity"].Dec()));
        Assert.Equal([300m, 61.70m], read["lines"]!.AsArray().Select(l => l!["lineTotal"].Dec()));
        Assert.Equal("Draft", read["status"].Str());

        (await admin.PutAsync($"/api/orders/{id}", Order(customer, Line(a, 1)), etag)).ExpectProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(361.70m, (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK)["total"].Dec());
    }

    [Fact]
    public async Task Draft_EditWithBlockingErrors_IsRefused_AndKeepsItsLines()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        var customer = await data.CustomerAsync();
        var other = await data.CustomerAsync();
        var id = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 2)))).Expect(HttpStatusCode.Created).Id();
        var etag = (await admin.GetJsonAsync($"/api/orders/{id}")).Response.Headers.ETag!.ToString();

        (await admin.PutAsync($"/api/orders/{id}", Order(customer, Line(product, 0)), etag)).ExpectViolations(("lines[0].quantity", "QuantityNotPositive"));
        (await admin.PutAsync($"/api/orders/{id}", Order(other, Line(product, 1)), etag)).ExpectViolations(("customerId", "CustomerFixed"));
        var read = (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(200m, read["total"].Dec());
        Assert.Equal(etag, (await admin.GetJsonAsync($"/api/orders/{id}")).Response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task SubmittedOrder_CannotBeEdited()
    {
        var (admin, data) = await SetUpAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        var customer = await data.CustomerAsync();
        var id = (await admin.PostAsync("/api/orders", Order(customer, Line(product, 2)))).Expect(HttpStatusCode.Created).Id();
        var submitted = await admin.PostAsync($"/api/orders/{id}/submit");
        Assert.Equal("Confirmed", submitted.Expect(HttpStatusCode.OK)["status"].Str());
        var etag = submitted.Response.Headers.ETag!.ToString();

        var refused = (await admin.PutAsync($"/api/orders/{id}", Order(customer, Line(product, 7)), etag)).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("IllegalTransition", refused["code"].Str());
        var read = (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(200m, read["total"].Dec());
        Assert.Equal("Confirmed", read["status"].Str());
    }

    private async Task<(HttpClient Admin, TestData Data)> SetUpAsync()
    {
        var admin = await app.AdminAsync();
        return (admin, new TestData(admin));
    }

    /// <summary>Asserts a 422 listing exactly these violations, the same errors from /check, and no order saved.</summary>
    private async Task RefusedAsync(HttpClient client, OrderBody body, params (string Field, string Code)[] expected)
    {
        var before = await CountAsync();
        var problem = (await client.PostAsync("/api/orders", body)).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(expected.Order(), problem.Violations().Order());
        Assert.All(problem["violations"]!.AsArray(), v => Assert.False(string.IsNullOrWhiteSpace(v!["message"].Str())));

        var check = (await client.PostAsync("/api/orders/check", body)).Expect(HttpStatusCode.OK);
        Assert.False(check["isValid"]!.GetValue<bool>());
        Assert.Equal(expected.Order(), check["errors"]!.AsArray().Select(e => (e!["field"].Str(), e["code"].Str())).Order());
        Assert.Equal(before, await CountAsync());
    }

    private Task<int> CountAsync() => app.WithDbAsync(db => db.SalesOrders.CountAsync());

    private static List<string> Codes(JsonNode order) => [.. order["warnings"]!.AsArray().Select(w => w!["code"].Str())];

    private static OrderBody Order(Guid customerId, params LineBody[] lines) => new(customerId, lines);

    private static LineBody Line(Guid productId, decimal quantity, decimal? unitPrice = null, decimal? discountPercent = null) =>
        new(productId, quantity, unitPrice, discountPercent);

    /// <summary>The POST /api/orders body, as a client sends it (camelCase on the wire).</summary>
    private sealed record OrderBody(Guid CustomerId, LineBody[] Lines, string? Currency = null, DateOnly? RequestedDeliveryDate = null, string? CustomerPo = null);

    private sealed record LineBody(Guid ProductId, decimal Quantity, decimal? UnitPrice, decimal? DiscountPercent);
}

public sealed class OrderEntryApiTests_Sqlite(SqliteApp app) : OrderEntryApiTests(app), IClassFixture<SqliteApp>;

public sealed class OrderEntryApiTests_Postgres(PostgresApp app) : OrderEntryApiTests(app), IClassFixture<PostgresApp>;
