namespace Orderly.Server.Tests.Billing;

/// <summary>Short steps of the billing road through the API, shared by the billing tests.</summary>
public sealed class BillingRoad(HttpClient admin)
{
    public TestData Data { get; } = new(admin);

    /// <summary>A confirmed order of the given lines from fresh stock; answers the order and its line ids in order.</summary>
    public async Task<(Guid OrderId, Guid[] Lines)> ConfirmedOrderAsync(Guid customer, params (Guid Product, decimal Quantity)[] lines)
    {
        var warehouse = await Data.WarehouseAsync();
        foreach (var (product, quantity) in lines)
        {
            await Data.ReceiveAsync(warehouse, product, quantity);
        }

        var order = await Data.OrderAsync(customer, lines);
        var confirmed = (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", confirmed["status"].Str());
        return (order.Id(), [.. confirmed["lines"]!.AsArray().OrderBy(l => l!["lineNumber"]!.GetValue<int>()).Select(l => l!.Id())]);
    }

    /// <summary>A quotation, sent and accepted: the order it creates, submitted and confirmed, with its line ids.</summary>
    public async Task<(Guid QuotationId, Guid OrderId, Guid[] Lines)> QuotedOrderAsync(Guid customer, params (Guid Product, decimal Quantity)[] lines)
    {
        var warehouse = await Data.WarehouseAsync();
        foreach (var (product, quantity) in lines)
        {
            await Data.ReceiveAsync(warehouse, product, quantity);
        }

        var quotation = (await admin.PostAsync("/api/quotations", new { customerId = customer, lines = lines.Select(l => new { productId = l.Product, quantity = l.Quantity }) }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("Draft", quotation["status"].Str());
        Assert.Equal("Sent", (await admin.PostAsync($"/api/quotations/{quotation.Id()}/send")).Expect(HttpStatusCode.OK)["status"].Str());
        var accepted = (await admin.PostAsync($"/api/quotations/{quotation.Id()}/accept")).Expect(HttpStatusCode.Created);
        var orderId = accepted["orderId"]!.GetValue<Guid>();
        Assert.Equal("Accepted", accepted["quotation"]!["status"].Str());
        Assert.Equal(orderId, accepted["quotation"]!["orderId"]!.GetValue<Guid>());
        (await admin.PostAsync($"/api/quotations/{quotation.Id()}/accept")).Expect(HttpStatusCode.Conflict);
        var confirmed = (await admin.PostAsync($"/api/orders/{orderId}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", confirmed["status"].Str());
        Assert.Equal(quotation["total"].Dec(), confirmed["total"].Dec());
        return (quotation.Id(), orderId, [.. confirmed["lines"]!.AsArray().OrderBy(l => l!["lineNumber"]!.GetValue<int>()).Select(l => l!.Id())]);
    }

    public async Task ShipAsync(Guid orderId, params (Guid LineId, decimal Quantity)[] lines) =>
        (await admin.PostAsync($"/api/orders/{orderId}/shipments", new { lines = lines.Select(l => new { lineId = l.LineId, quantity = l.Quantity }) }))
            .Expect(HttpStatusCode.Created);

    public async Task<JsonNode> InvoiceAsync(Guid orderId, object? lines = null) =>
        (await admin.PostAsync("/api/invoices", lines is null ? new { orderId } : new { orderId, lines })).Expect(HttpStatusCode.Created);

    public async Task<JsonNode> IssueAsync(Guid invoiceId) => (await admin.PostAsync($"/api/invoices/{invoiceId}/issue")).Expect(HttpStatusCode.OK);

    public async Task<JsonNode> PayAsync(Guid customer, decimal amount, params (Guid Invoice, decimal Amount)[] allocations) =>
        (await admin.PostAsync("/api/payments", new
        {
            customerId = customer, amount, currency = "CNY", method = "BankTransfer", receivedOn = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)),
            reference = "银行回单 " + TestData.Unique("R"), allocations = allocations.Select(a => new { invoiceId = a.Invoice, amount = a.Amount }),
        })).Expect(HttpStatusCode.Created);

    public Task SetVatAsync(Guid product, decimal percent, bool exempt = false) =>
        admin.PutAsync($"/api/billing/tax-rates/{product}", new { vatPercent = percent, exempt }, null).ContinueWith(t => t.Result.Expect(HttpStatusCode.OK));
}
