using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.Security;

/// <summary>
/// S4: every write body with fields the client must not set (price, cost, status, owner, approver, id, version,
/// creator, totals, reservations) is refused with 400, and nothing changes; where an endpoint takes no body, what
/// is sent is ignored.
/// </summary>
public abstract class MassAssignmentTests(OrderlyApp app)
{
    private static readonly (string Field, JsonNode Value)[] Extras =
    [
        ("price", JsonValue.Create(0.01m)), ("cost", JsonValue.Create(0m)), ("status", JsonValue.Create("Delivered")),
        ("ownerUserId", JsonValue.Create(Guid.NewGuid())), ("approvedBy", JsonValue.Create(Guid.NewGuid())), ("id", JsonValue.Create(Guid.NewGuid())),
        ("version", JsonValue.Create(99)), ("createdBy", JsonValue.Create(Guid.NewGuid())), ("totalMinor", JsonValue.Create(1L)),
        ("reserved", JsonValue.Create(1000m)),
    ];

    private static readonly (string Field, JsonNode Value)[] UserExtras =
    [
        ("isDisabled", JsonValue.Create(true)), ("passwordHash", JsonValue.Create("x")), ("emailConfirmed", JsonValue.Create(false)),
        ("lockoutEnd", JsonValue.Create("2099-01-01T00:00:00Z")), ("securityStamp", JsonValue.Create("x")),
    ];

    private static readonly (string Field, JsonNode Value)[] KeyExtras =
    [
        ("keyHash", JsonValue.Create(new string('0', 64))), ("keyId", JsonValue.Create("000000000000")), ("revokedAt", JsonValue.Create("2000-01-01T00:00:00Z")),
        ("createdAt", JsonValue.Create("2000-01-01T00:00:00Z")), ("apiKey", JsonValue.Create("ok_000000000000_x")),
    ];

    [Fact]
    public async Task EveryWriteBody_WithFieldsTheClientMustNotSet_Is400_AndNothingChanges()
    {
        using var admin = await app.AdminAsync();
        var world = await WorldAsync(admin);
        var cases = Cases(world);
        var before = await SnapshotAsync(admin, world);
        var wrong = new List<string>();
        var sent = 0;

        foreach (var c in cases)
        {
            var extras = Extras.Concat(c.MoreExtras).Where(x => !c.RealFields.Contains(x.Field)).ToList();
            foreach (var (field, value) in extras)
            {
                foreach (var nested in c.NestedArray is null ? new[] { false } : [false, true])
                {
                    var body = c.Body.DeepClone().AsObject();
                    var target = nested ? body[c.NestedArray!]![0]!.AsObject() : body;
                    if (nested && c.NestedRealFields.Contains(field))
                    {
                        continue;
                    }

                    target[field] = value.DeepClone();
                    var answer = await admin.SendAsync(c.Method, c.Url, body.ToJsonString(), r => AddIfMatch(r, c.IfMatch));
                    sent++;
                    var where = nested ? $"{c.NestedArray}[0].{field}" : field;
                    if (answer.Status != HttpStatusCode.BadRequest)
                    {
                        wrong.Add($"{c.Method} {c.Label} + {where}: expected 400, got {(int)answer.Status} {answer.Body?.ToJsonString()}");
                    }
                    else if (answer.Body?["detail"]?.GetValue<string>() is not { } detail || !detail.Contains(field, StringComparison.OrdinalIgnoreCase))
                    {
                        wrong.Add($"{c.Method} {c.Label} + {where}: the 400 does not name the unknown field: {answer.Body?.ToJsonString()}");
                    }
                }
            }
        }

        Assert.True(sent >= 150, $"only {sent} bodies were sent");
        Assert.True(wrong.Count == 0, "Extra fields were not refused:\n" + string.Join("\n", wrong));
        Assert.Equal(before, await SnapshotAsync(admin, world));

        // The same bodies without the extras bind: the 400s above were for the extra fields alone.
        foreach (var c in cases)
        {
            var answer = await admin.SendAsync(c.Method, c.Url, c.Body.ToJsonString(), r => AddIfMatch(r, c.IfMatch));
            Assert.True(answer.Status != HttpStatusCode.BadRequest, $"{c.Method} {c.Label}: the valid body itself is refused: {answer.Body?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task BodylessTransitions_IgnoreWhatIsSent_StatusAndQuantitiesFollowTheRulesOnly()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var product = await data.ProductAsync(listPrice: 100m);
        var customer = await data.CustomerAsync(region: "East");
        await data.ReceiveAsync(warehouse, product, 50);
        var id = (await data.OrderAsync(customer, (product, 3))).Id();
        var forged = new { status = "Delivered", reserved = 1000m, shipped = 1000m, approvedBy = Guid.NewGuid(), totalMinor = 1L, version = 99 };

        var submitted = (await admin.PostAsync($"/api/orders/{id}/submit", forged)).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", submitted["status"].Str());
        Assert.Equal(3m, submitted["lines"]![0]!["reserved"].Dec());
        Assert.Equal(300m, submitted["total"].Dec());
        Assert.NotEqual(99, submitted["version"]!.GetValue<int>());
        Assert.Equal(3m, (await data.StockAsync(product, warehouse))["reserved"].Dec());

        var lineId = submitted["lines"]![0]!.Id();
        (await admin.PostAsync($"/api/orders/{id}/shipments", new { lines = new[] { new { lineId, quantity = 3m } } })).Expect(HttpStatusCode.Created);
        var delivered = (await admin.PostAsync($"/api/orders/{id}/deliver", new { status = "Cancelled", delivered = 1000m })).Expect(HttpStatusCode.OK);
        Assert.Equal("Delivered", delivered["status"].Str());
        Assert.Equal(3m, delivered["lines"]![0]!["delivered"].Dec());
    }

    private static void AddIfMatch(HttpRequestMessage request, string? ifMatch)
    {
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
    }

    private static JsonObject Obj(object value) => JsonSerializer.SerializeToNode(value, Api.Json)!.AsObject();

    private static List<WriteCase> Cases(World w)
    {
        var line = new[] { new { productId = w.ProductId, quantity = 1m } };
        var reason = Obj(new { reason = "批量赋值测试" });
        return
        [
            new("customers", HttpMethod.Post, "/api/customers", Obj(new { code = TestData.Unique("C"), name = "新客户" }), RealFields: ["ownerUserId"]),
            new("customers/{id}", HttpMethod.Put, $"/api/customers/{w.CustomerId}", Obj(new { code = w.CustomerCode, name = "改名客户" }), w.CustomerETag, ["ownerUserId"]),
            new("products", HttpMethod.Post, "/api/products", Obj(new { sku = TestData.Unique("SKU"), name = "新产品", unit = "pcs", listPrice = 10m }), RealFields: ["cost"]),
            new("products/{id}", HttpMethod.Put, $"/api/products/{w.ProductId}", Obj(new { sku = w.ProductSku, name = "改名产品", unit = "pcs", listPrice = 100m, minPrice = 50m }), w.ProductETag, ["cost"]),
            new("warehouses", HttpMethod.Post, "/api/warehouses", Obj(new { code = TestData.Unique("WH"), name = "新仓库" })),
            new("warehouses/{id}", HttpMethod.Put, $"/api/warehouses/{w.WarehouseId}", Obj(new { code = w.WarehouseCode, name = "改名仓库" }), w.WarehouseETag),
            new("inventory/receipts", HttpMethod.Post, "/api/inventory/receipts", Obj(new { warehouseId = w.WarehouseId, lines = line }), NestedArray: "lines"),
            new("orders", HttpMethod.Post, "/api/orders", Obj(new { customerId = w.CustomerId, lines = line }), NestedArray: "lines"),
            new("orders/check", HttpMethod.Post, "/api/orders/check", Obj(new { customerId = w.CustomerId, lines = line }), NestedArray: "lines"),
            new("orders/{draft}", HttpMethod.Put, $"/api/orders/{w.DraftId}", Obj(new { customerId = w.CustomerId, lines = new[] { new { productId = w.ProductId, quantity = 5m } } }),
                w.DraftETag, NestedArray: "lines"),
            new("orders/{confirmed}/shipments", HttpMethod.Post, $"/api/orders/{w.ConfirmedId}/shipments",
                Obj(new { lines = new[] { new { lineId = w.ConfirmedLineId, quantity = 1m } } }), NestedArray: "lines"),
            new("orders/{pending}/approve", HttpMethod.Post, $"/api/orders/{w.PendingId}/approve", reason),
            new("orders/{pending}/reject", HttpMethod.Post, $"/api/orders/{w.PendingId}/reject", reason),
            new("orders/{confirmed}/hold", HttpMethod.Post, $"/api/orders/{w.ConfirmedId}/hold", reason),
            new("orders/{held}/release", HttpMethod.Post, $"/api/orders/{w.HeldId}/release", reason),
            new("orders/{draft}/cancel", HttpMethod.Post, $"/api/orders/{w.DraftId}/cancel", reason),
            new("users", HttpMethod.Post, "/api/users", Obj(new { email = $"{TestData.Unique("ma")}@orderly.test", password = OrderlyApp.AdminPassword, displayName = "新用户", roles = SecurityKit.Roles("Viewer") }),
                MoreExtras: [.. UserExtras, ("managerId", JsonValue.Create(Guid.NewGuid()))]),
            new("users/{id}", HttpMethod.Put, $"/api/users/{w.UserId}", Obj(new { displayName = "改名用户", roles = SecurityKit.Roles("Viewer"), managerId = (Guid?)null }),
                MoreExtras: [.. UserExtras, ("email", JsonValue.Create("other@orderly.test"))]),
            new("users/{id}/reset-password", HttpMethod.Post, $"/api/users/{w.UserId}/reset-password", Obj(new { newPassword = OrderlyApp.AdminPassword }), MoreExtras: UserExtras),
            new("api-keys", HttpMethod.Post, "/api/api-keys", Obj(new { name = "批量赋值", roles = SecurityKit.Roles("Viewer") }), MoreExtras: KeyExtras),
            new("auth/token", HttpMethod.Post, "/api/auth/token", Obj(new { email = OrderlyApp.AdminEmail, password = OrderlyApp.AdminPassword }),
                MoreExtras: [("roles", new JsonArray("Admin")), ("expiresAt", JsonValue.Create("2099-01-01T00:00:00Z"))]),
        ];
    }

    /// <summary>Row counts and the full state of every record the cases aim at.</summary>
    private async Task<string> SnapshotAsync(HttpClient admin, World w)
    {
        var counts = await app.WithDbAsync(async db => string.Join(",",
            await db.Customers.CountAsync(), await db.Products.CountAsync(), await db.Warehouses.CountAsync(), await db.StockReceipts.CountAsync(),
            await db.SalesOrders.CountAsync(), await db.OrderLines.CountAsync(), await db.OrderStatusChanges.CountAsync(), await db.Shipments.CountAsync(),
            await db.Users.CountAsync(), await db.ApiKeys.CountAsync(), await db.AuditRecords.CountAsync(), await db.StockLedger.CountAsync(),
            await db.StockReservations.CountAsync(), await db.StockBalances.SumAsync(b => b.OnHand), await db.StockBalances.SumAsync(b => b.Reserved)));
        var state = new List<string> { counts };
        foreach (var url in new[]
        {
            $"/api/customers/{w.CustomerId}", $"/api/products/{w.ProductId}", $"/api/warehouses/{w.WarehouseId}", $"/api/users/{w.UserId}",
            $"/api/orders/{w.DraftId}", $"/api/orders/{w.PendingId}", $"/api/orders/{w.ConfirmedId}", $"/api/orders/{w.HeldId}", "/api/api-keys",
        })
        {
            var answer = await admin.GetJsonAsync(url);
            state.Add($"{url} {(int)answer.Status} {answer.Body?.ToJsonString()}");
        }

        var passwordHash = await app.WithDbAsync(db => db.Users.Where(u => u.Id == w.UserId).Select(u => u.PasswordHash + u.SecurityStamp + u.IsDisabled).SingleAsync());
        state.Add(passwordHash);
        return string.Join("\n", state);
    }

    private async Task<World> WorldAsync(HttpClient admin)
    {
        var data = new TestData(admin);
        var warehouseCode = TestData.Unique("WH");
        var warehouse = await data.WarehouseAsync("East", warehouseCode);
        var productSku = TestData.Unique("SKU");
        var product = (await admin.PostAsync("/api/products", new { sku = productSku, name = "批量产品", unit = "pcs", listPrice = 100m, minPrice = 50m })).Expect(HttpStatusCode.Created).Id();
        var customer = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "批量客户", region = "East" })).Expect(HttpStatusCode.Created);
        await data.ReceiveAsync(warehouse, product, 100);

        var draft = (await data.OrderAsync(customer.Id(), (product, 2))).Id();
        var pending = (await admin.PostAsync("/api/orders", new { customerId = customer.Id(), lines = new[] { new { productId = product, quantity = 1m, discountPercent = 15m } } }))
            .Expect(HttpStatusCode.Created).Id();
        Assert.Equal("PendingApproval", (await admin.PostAsync($"/api/orders/{pending}/submit")).Expect(HttpStatusCode.OK)["status"].Str());
        var confirmed = (await admin.PostAsync($"/api/orders/{(await data.OrderAsync(customer.Id(), (product, 2))).Id()}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", confirmed["status"].Str());
        var held = (await data.OrderAsync(customer.Id(), (product, 1))).Id();
        (await admin.PostAsync($"/api/orders/{held}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{held}/hold", new { reason = "待定" })).Expect(HttpStatusCode.OK);

        const string email = "mass-assignment-target@orderly.test";
        (await app.UserAsync(email, "Viewer")).Dispose();

        return new World(
            warehouse, warehouseCode, await ETagAsync(admin, $"/api/warehouses/{warehouse}"),
            product, productSku, await ETagAsync(admin, $"/api/products/{product}"),
            customer.Id(), customer["code"].Str(), await ETagAsync(admin, $"/api/customers/{customer.Id()}"),
            draft, await ETagAsync(admin, $"/api/orders/{draft}"), pending, confirmed.Id(), confirmed["lines"]![0]!.Id(), held,
            await app.UserIdAsync(email));
    }

    private static async Task<string> ETagAsync(HttpClient client, string url)
    {
        var answer = await client.GetJsonAsync(url);
        answer.Expect(HttpStatusCode.OK);
        return answer.Response.Headers.ETag!.ToString();
    }

    private sealed record WriteCase(
        string Label, HttpMethod Method, string Url, JsonObject Body, string? IfMatch = null, string[]? RealFields = null,
        string? NestedArray = null, (string Field, JsonNode Value)[]? MoreExtras = null)
    {
        public string[] RealFields { get; } = RealFields ?? [];

        public (string Field, JsonNode Value)[] MoreExtras { get; } = MoreExtras ?? [];

        /// <summary>Fields that exist on the nested line items (unit price, discount) and so are not extras there.</summary>
        public string[] NestedRealFields { get; } = ["unitPrice", "discountPercent"];
    }

    private sealed record World(
        Guid WarehouseId, string WarehouseCode, string WarehouseETag, Guid ProductId, string ProductSku, string ProductETag,
        Guid CustomerId, string CustomerCode, string CustomerETag, Guid DraftId, string DraftETag, Guid PendingId,
        Guid ConfirmedId, Guid ConfirmedLineId, Guid HeldId, Guid UserId);
}

public sealed class MassAssignmentTests_Sqlite(SqliteApp app) : MassAssignmentTests(app), IClassFixture<SqliteApp>;

public sealed class MassAssignmentTests_Postgres(PostgresApp app) : MassAssignmentTests(app), IClassFixture<PostgresApp>;
