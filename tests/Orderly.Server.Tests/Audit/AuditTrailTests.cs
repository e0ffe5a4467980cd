using Microsoft.EntityFrameworkCore;
using Orderly.Server.Audit;
using Orderly.Server.Tests.Security;

namespace Orderly.Server.Tests.Audit;

/// <summary>
/// S8: every committed change writes exactly one audit record per changed aggregate (actor, time, entity, field
/// old -> new), a refused request writes none, the API filters and pages the trail, and the application cannot
/// change or remove a record.
/// </summary>
public abstract class AuditTrailTests(OrderlyApp app)
{
    [Fact]
    public async Task OrderRoad_WritesOneRecordPerChangedAggregate_WithActorTimeEntityAndChanges()
    {
        using var admin = await app.AdminAsync();
        var adminId = await app.UserIdAsync(OrderlyApp.AdminEmail);
        const string clerkEmail = "audit-road-clerk@orderly.test";
        const string pickerEmail = "audit-road-picker@orderly.test";
        using var clerk = await app.UserAsync(clerkEmail, "OrderClerk");
        using var picker = await app.UserAsync(pickerEmail, "Warehouse");
        var clerkId = await app.UserIdAsync(clerkEmail);
        var pickerId = await app.UserIdAsync(pickerEmail);
        var steps = new Steps(app);

        // Master data.
        var customerName = "审计客户 " + TestData.Unique("n");
        var customer = await steps.RunAsync("create customer", () => admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = customerName, region = "East" }), HttpStatusCode.Created);
        var customerId = customer.Body.Id();
        var created = steps.One("Customer", customerId, "Create", adminId, OrderlyApp.AdminEmail, "CreateCustomer");
        Assert.Contains(SecurityKit.ChangesOf(created), c => c.Field == "name" && c.Old is null && c.New == customerName);

        var renamed = customerName + " 改";
        var etag = (await admin.GetJsonAsync($"/api/customers/{customerId}")).Response.Headers.ETag!.ToString();
        await steps.RunAsync("rename customer", () => admin.PutAsync($"/api/customers/{customerId}", new { code = customer.Body["code"].Str(), name = renamed, region = "East" }, etag), HttpStatusCode.OK);
        var rename = steps.One("Customer", customerId, "Update", adminId, OrderlyApp.AdminEmail, "UpdateCustomer");
        var nameChange = Assert.Single(SecurityKit.ChangesOf(rename), c => c.Field == "name");
        Assert.Equal((customerName, renamed), (nameChange.Old, nameChange.New));
        Assert.DoesNotContain(SecurityKit.ChangesOf(rename), c => c.Field is "code" or "region");

        var product = await steps.RunAsync("create product", () => admin.PostAsync("/api/products", new { sku = TestData.Unique("SKU"), name = "审计产品", unit = "pcs", listPrice = 100m, minPrice = 50m }), HttpStatusCode.Created);
        var productId = product.Body.Id();
        steps.One("Product", productId, "Create", adminId, OrderlyApp.AdminEmail, "CreateProduct");
        var productETag = product.Response.Headers.ETag!.ToString();
        await steps.RunAsync("update product", () => admin.PutAsync($"/api/products/{productId}", new { sku = product.Body["sku"].Str(), name = "审计产品 新", unit = "pcs", listPrice = 120m, minPrice = 50m }, productETag), HttpStatusCode.OK);
        var productUpdate = steps.One("Product", productId, "Update", adminId, OrderlyApp.AdminEmail, "UpdateProduct");
        Assert.Contains(SecurityKit.ChangesOf(productUpdate), c => c.Field == "name" && c.Old == "审计产品" && c.New == "审计产品 新");
        Assert.Contains(SecurityKit.ChangesOf(productUpdate), c => c.Field.StartsWith("listPrice", StringComparison.Ordinal) && c.Old != c.New);

        var warehouse = await steps.RunAsync("create warehouse", () => admin.PostAsync("/api/warehouses", new { code = TestData.Unique("WH"), name = "审计仓库", region = "East" }), HttpStatusCode.Created);
        var warehouseId = warehouse.Body.Id();
        steps.One("Warehouse", warehouseId, "Create", adminId, OrderlyApp.AdminEmail, "CreateWarehouse");
        var receipt = await steps.RunAsync("receive stock", () => admin.PostAsync("/api/inventory/receipts", new { warehouseId, lines = new[] { new { productId, quantity = 50m } } }), HttpStatusCode.Created);
        steps.One("StockReceipt", receipt.Body.Id(), "Create", adminId, OrderlyApp.AdminEmail, "ReceiveStock");

        // The order road: a clerk enters and submits, the admin approves, holds and releases, the warehouse ships, the admin delivers.
        var order = await steps.RunAsync("create order", () => clerk.PostAsync("/api/orders", new { customerId, lines = new[] { new { productId, quantity = 5m, discountPercent = 15m } } }), HttpStatusCode.Created);
        var orderId = order.Body.Id();
        var orderCreate = steps.One("SalesOrder", orderId, "Create", clerkId, clerkEmail, "CreateOrder");
        Assert.Contains(SecurityKit.ChangesOf(orderCreate), c => c.Field == "number" && c.New == order.Body["number"].Str());
        Assert.Contains(SecurityKit.ChangesOf(orderCreate), c => c.Field.StartsWith("lines[", StringComparison.Ordinal));

        await steps.RunAsync("submit", () => clerk.PostAsync($"/api/orders/{orderId}/submit"), HttpStatusCode.OK);
        StatusChange(steps.One("SalesOrder", orderId, "Update", clerkId, clerkEmail, "SubmitOrder"), "Draft", "PendingApproval");
        await steps.RunAsync("approve", () => admin.PostAsync($"/api/orders/{orderId}/approve"), HttpStatusCode.OK);
        StatusChange(steps.One("SalesOrder", orderId, "Update", adminId, OrderlyApp.AdminEmail, "ApproveOrder"), "PendingApproval", "Confirmed");
        await steps.RunAsync("hold", () => admin.PostAsync($"/api/orders/{orderId}/hold", new { reason = "信用检查" }), HttpStatusCode.OK);
        StatusChange(steps.One("SalesOrder", orderId, "Update", adminId, OrderlyApp.AdminEmail, "HoldOrder"), "Confirmed", "OnHold");
        await steps.RunAsync("release", () => admin.PostAsync($"/api/orders/{orderId}/release"), HttpStatusCode.OK);
        StatusChange(steps.One("SalesOrder", orderId, "Update", adminId, OrderlyApp.AdminEmail, "ReleaseOrder"), "OnHold", "Confirmed");

        var lineId = (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK)["lines"]![0]!.Id();
        var shipped = await steps.RunAsync("ship", () => picker.PostAsync($"/api/orders/{orderId}/shipments", new { lines = new[] { new { lineId, quantity = 5m } } }), HttpStatusCode.Created, expectedRecords: 2);
        StatusChange(steps.One("SalesOrder", orderId, "Update", pickerId, pickerEmail, "ShipOrder"), "Confirmed", "Shipped");
        steps.One("Shipment", shipped.Body["shipments"]![0]!.Id(), "Create", pickerId, pickerEmail, "ShipOrder");
        await steps.RunAsync("deliver", () => admin.PostAsync($"/api/orders/{orderId}/deliver"), HttpStatusCode.OK);
        StatusChange(steps.One("SalesOrder", orderId, "Update", adminId, OrderlyApp.AdminEmail, "DeliverOrder"), "Shipped", "Delivered");

        var other = (await clerk.PostAsync("/api/orders", new { customerId, lines = new[] { new { productId, quantity = 1m } } })).Expect(HttpStatusCode.Created).Id();
        (await clerk.PostAsync($"/api/orders/{other}/submit")).Expect(HttpStatusCode.OK);
        await steps.RunAsync("cancel", () => clerk.PostAsync($"/api/orders/{other}/cancel", new { reason = "客户取消" }), HttpStatusCode.OK);
        StatusChange(steps.One("SalesOrder", other, "Update", clerkId, clerkEmail, "CancelOrder"), "Confirmed", "Cancelled");

        // The admin's whole history is there, by actor, and the chain is intact.
        var verification = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.True(verification.Checked >= steps.Count);
    }

    /// <summary>
    /// POST /api/users commits the user (UserManager.CreateAsync saves) and then, in a second commit, the role
    /// assignments (AddToRolesAsync saves again): one request, two audit records, and not atomic.
    /// </summary>
    [Fact]
    public async Task CreatingAUserWithRoles_WritesOneRecord()
    {
        using var admin = await app.AdminAsync();
        var adminId = await app.UserIdAsync(OrderlyApp.AdminEmail);
        var steps = new Steps(app);
        var email = $"{TestData.Unique("audit-user")}@orderly.test";

        var user = await steps.RunAsync("create user", () => admin.PostAsync("/api/users", new { email, password = OrderlyApp.AdminPassword, displayName = "审计用户", roles = SecurityKit.Roles("SalesRep") }), HttpStatusCode.Created);
        var create = steps.One("User", user.Body.Id(), "Create", adminId, OrderlyApp.AdminEmail, "CreateUser");
        Assert.Contains(SecurityKit.ChangesOf(create), c => c.Field == "email" && c.New == email);
        Assert.Contains(SecurityKit.ChangesOf(create), c => c.Field.StartsWith("roles", StringComparison.Ordinal));
        Assert.DoesNotContain(SecurityKit.ChangesOf(create), c => c.Field is "passwordHash" or "securityStamp");
        Assert.DoesNotContain("AQAAAA", create.Changes, StringComparison.Ordinal);
    }

    /// <summary>
    /// PUT /api/users/{id} saves the user, then removes roles, then adds roles, each through UserManager with its own
    /// commit: one request, up to three audit records, and a failure half-way leaves a half-applied change.
    /// </summary>
    [Fact]
    public async Task ChangingAUsersNameRolesAndTeam_WritesOneRecord()
    {
        using var admin = await app.AdminAsync();
        var adminId = await app.UserIdAsync(OrderlyApp.AdminEmail);
        const string managerEmail = "audit-users-manager@orderly.test";
        (await app.UserAsync(managerEmail, "SalesManager")).Dispose();
        var managerId = await app.UserIdAsync(managerEmail);
        var email = $"{TestData.Unique("audit-user")}@orderly.test";
        (await app.UserAsync(email, "SalesRep")).Dispose();
        var userId = await app.UserIdAsync(email);
        var steps = new Steps(app);

        await steps.RunAsync("update user", () => admin.PutAsync($"/api/users/{userId}", new { displayName = "审计用户 新", roles = SecurityKit.Roles("Viewer"), managerId }, null), HttpStatusCode.OK);
        var update = steps.One("User", userId, "Update", adminId, OrderlyApp.AdminEmail, "UpdateUser");
        Assert.Contains(SecurityKit.ChangesOf(update), c => c.Field == "displayName" && c.Old == email && c.New == "审计用户 新");
        Assert.Contains(SecurityKit.ChangesOf(update), c => c.Field == "managerId" && c.Old is null && c.New == managerId.ToString());
        Assert.Contains(SecurityKit.ChangesOf(update), c => c.Field.StartsWith("roles", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiKeys_CreateAndRevoke_AreAudited_WithoutTheSecret_AndActionsWithTheKeyNameTheKeyOnBehalfOfItsIssuer()
    {
        using var admin = await app.AdminAsync();
        var adminId = await app.UserIdAsync(OrderlyApp.AdminEmail);
        var steps = new Steps(app);

        var created = await steps.RunAsync("create key", () => admin.PostAsync("/api/api-keys", new { name = "审计集成", roles = SecurityKit.Roles("Finance") }), HttpStatusCode.Created);
        var keyId = created.Body["key"]!.Id();
        var secret = created.Body["apiKey"].Str();
        var record = steps.One("ApiKey", keyId, "Create", adminId, OrderlyApp.AdminEmail, "CreateApiKey");
        var keyHash = await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.KeyHash).SingleAsync());
        Assert.DoesNotContain(secret, record.Changes, StringComparison.Ordinal);
        // The secret part follows "ok_{keyId}_" and may itself contain '_' (base64url).
        var secretPart = secret["ok_".Length..][(secret["ok_".Length..].IndexOf('_', StringComparison.Ordinal) + 1)..];
        Assert.True(secretPart.Length >= 40, secretPart);
        Assert.DoesNotContain(secretPart, record.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain(keyHash, record.Changes, StringComparison.Ordinal);
        Assert.Contains(SecurityKit.ChangesOf(record), c => c.Field == "name" && c.New == "审计集成");

        using var integration = app.Anonymous();
        integration.DefaultRequestHeaders.Add("X-Api-Key", secret);
        var customer = await steps.RunAsync("customer by key", () => integration.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "集成客户" }), HttpStatusCode.Created);
        var byKey = steps.One("Customer", customer.Body.Id(), "Create", keyId, "api-key:审计集成", "CreateCustomer");
        Assert.Equal(adminId, byKey.OnBehalfOf);
        var audit = (await admin.GetJsonAsync($"/api/audit?actor={adminId}&entityType=Customer&entityId={customer.Body.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Single(audit["items"]!.AsArray());

        var revoked = await steps.RunAsync("revoke key", () => admin.PostAsync($"/api/api-keys/{keyId}/revoke"), HttpStatusCode.OK);
        var revoke = steps.One("ApiKey", keyId, "Update", adminId, OrderlyApp.AdminEmail, "RevokeApiKey");
        Assert.Contains(SecurityKit.ChangesOf(revoke), c => c.Field == "revokedAt" && c.Old is null && c.New is not null);
        Assert.NotNull(revoked.Body["revokedAt"]);
    }

    [Fact]
    public async Task RefusedRequests_WriteNoAuditRecord()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var order = await data.OrderAsync(customer, (product, 1));
        var orderId = order.Id();
        var productETag = (await admin.GetJsonAsync($"/api/products/{product}")).Response.Headers.ETag!.ToString();
        using var viewer = await app.UserAsync("audit-refused-viewer@orderly.test", "Viewer");
        var before = await app.LastAuditIdAsync();

        (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "  " })).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = -1m } } })).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsync($"/api/orders/{orderId}/cancel", new { reason = " " })).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsync($"/api/orders/{orderId}/deliver")).Expect(HttpStatusCode.Conflict);
        (await admin.PutAsync($"/api/products/{product}", new { sku = "X-" + TestData.Unique("S"), name = "stale", unit = "pcs", listPrice = 1m }, "\"12345\"")).Expect(HttpStatusCode.PreconditionFailed);
        (await admin.PutAsync($"/api/products/{product}", new { sku = "X-" + TestData.Unique("S"), name = "no etag", unit = "pcs", listPrice = 1m }, null)).Expect((HttpStatusCode)428);
        (await admin.PutAsync($"/api/products/{product}", new { sku = "X-" + TestData.Unique("S"), name = "bad price", unit = "pcs", listPrice = -1m }, productETag)).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsync("/api/users", new { email = $"{TestData.Unique("r")}@orderly.test", password = OrderlyApp.AdminPassword, displayName = "x", roles = SecurityKit.Roles("NoSuchRole") })).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsync("/api/users", new { email = $"{TestData.Unique("r")}@orderly.test", password = "short", displayName = "x", roles = SecurityKit.Roles("Viewer") })).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsync("/api/api-keys", new { name = "bad", roles = SecurityKit.Roles("NoSuchRole") })).Expect(HttpStatusCode.UnprocessableEntity);
        (await viewer.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "viewer" })).Expect(HttpStatusCode.Forbidden);

        Assert.Empty(await app.AuditAfterAsync(before));
        Assert.Equal("Draft", (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK)["status"].Str());
    }

    [Fact]
    public async Task AuditApi_FiltersByEntityActorAndTime_AndPagesByKeysetWithoutGapsOrRepeats()
    {
        const string financeEmail = "audit-browse-finance@orderly.test";
        using var finance = await app.UserAsync(financeEmail, "Finance");
        var financeId = await app.UserIdAsync(financeEmail);
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await finance.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = $"浏览客户 {i}" })).Expect(HttpStatusCode.Created).Id());
        }

        var records = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().Where(a => a.ActorId == financeId).OrderByDescending(a => a.Id).ToListAsync());
        Assert.Equal(7, records.Count);
        Assert.Equal(ids.AsEnumerable().Reverse().Select(i => i.ToString()), records.Select(r => r.EntityId));

        // Keyset paging, by actor id and by actor name, gives every record once, newest first.
        foreach (var actor in new[] { financeId.ToString(), financeEmail })
        {
            var seen = new List<long>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = (await finance.GetJsonAsync($"/api/audit?entityType=Customer&actor={Uri.EscapeDataString(actor)}&limit=3{(cursor is null ? "" : $"&cursor={cursor}")}"))
                    .Expect(HttpStatusCode.OK);
                var items = page["items"]!.AsArray();
                Assert.True(items.Count <= 3);
                seen.AddRange(items.Select(i => i!["id"]!.GetValue<long>()));
                cursor = page["nextCursor"]?.GetValue<string>();
                pages++;
            }
            while (cursor is not null && pages < 10);

            Assert.Equal(records.Select(r => r.Id), seen);
            Assert.Equal(3, pages);
        }

        // By entity: one record, with the contract's fields.
        var one = (await finance.GetJsonAsync($"/api/audit?entityType=Customer&entityId={ids[2]}")).Expect(HttpStatusCode.OK);
        var item = Assert.Single(one["items"]!.AsArray())!;
        Assert.Equal("Customer", item["entityType"].Str());
        Assert.Equal(ids[2].ToString(), item["entityId"].Str());
        Assert.Equal("Create", item["action"].Str());
        Assert.Equal(financeEmail, item["actor"].Str());
        Assert.NotNull(item["at"]);
        Assert.Contains(item["changes"]!.AsArray(), c => c!["field"].Str() == "name" && c["new"].Str() == "浏览客户 2");
        Assert.Empty((await finance.GetJsonAsync($"/api/audit?entityType=Product&entityId={ids[2]}")).Expect(HttpStatusCode.OK)["items"]!.AsArray());

        // By time: from is inclusive, to exclusive.
        var oldestFirst = records.AsEnumerable().Reverse().ToList();
        var from = oldestFirst[2].At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        var to = oldestFirst[5].At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        var window = (await finance.GetJsonAsync($"/api/audit?actor={financeId}&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}")).Expect(HttpStatusCode.OK);
        Assert.Equal(oldestFirst.Skip(2).Take(3).Select(r => r.Id).Reverse(), window["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));

        (await finance.GetJsonAsync("/api/audit?cursor=not-a-cursor")).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.True((await finance.GetJsonAsync("/api/audit?limit=1000000")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Count <= 200);
    }

    [Fact]
    public async Task ARecordWrittenWithOldNull_AndOneWithoutIt_ReadTheSameThroughTheApi_AndBothVerify()
    {
        using var admin = await app.AdminAsync();
        var adminId = await app.UserIdAsync(OrderlyApp.AdminEmail);

        // A record as the trail wrote a new row's fields before 2026-12-06: every field with "old": null.
        var earlier = Guid.NewGuid().ToString();
        await app.WithDbAsync(async db =>
        {
            db.AuditRecords.Add(new AuditRecord
            {
                At = DateTimeOffset.UtcNow, ActorId = adminId, ActorName = OrderlyApp.AdminEmail, Action = "Create", EntityType = "Customer", EntityId = earlier,
                Changes = """[{"field":"code","old":null,"new":"EARLY"},{"field":"name","old":null,"new":"早期格式"}]""", PreviousHash = "", Hash = "",
            });
            return await db.SaveChangesAsync();
        });

        // A record the trail writes now for a new row: no "old" at all.
        var code = TestData.Unique("C");
        var now = (await admin.PostAsync("/api/customers", new { code, name = "早期格式" })).Expect(HttpStatusCode.Created).Id();
        var stored = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.EntityType == "Customer" && a.EntityId == now.ToString()));
        Assert.DoesNotContain("\"old\"", stored.Changes, StringComparison.Ordinal);
        Assert.Contains("""{"field":"name","new":"早期格式"}""", stored.Changes, StringComparison.Ordinal);

        // Through the API both carry "old": null and the new value.
        foreach (var (id, expectedCode) in new[] { (earlier, "EARLY"), (now.ToString(), code) })
        {
            var item = Assert.Single((await admin.GetJsonAsync($"/api/audit?entityType=Customer&entityId={id}")).Expect(HttpStatusCode.OK)["items"]!.AsArray())!;
            var changes = item["changes"]!.AsArray();
            foreach (var (field, value) in new[] { ("code", expectedCode), ("name", "早期格式") })
            {
                var change = Assert.Single(changes, c => c!["field"].Str() == field)!.AsObject();
                Assert.True(change.ContainsKey("old"), $"{id} {field}: {change.ToJsonString()}");
                Assert.Null(change["old"]);
                Assert.Equal(value, change["new"].Str());
            }
        }

        var verification = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);
    }

    [Fact]
    public async Task TheApplicationCannotUpdateOrDeleteAuditRecords_AndAnUntouchedTrailVerifies()
    {
        using var admin = await app.AdminAsync();
        await new TestData(admin).CustomerAsync();
        await new TestData(admin).CustomerAsync();
        var before = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().OrderBy(a => a.Id).ToListAsync());
        var last = before[^1].Id;

        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db =>
            db.Database.ExecuteSqlAsync($"UPDATE audit_records SET changes = '[]' WHERE id = {last}")));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE audit_records SET actor_name = 'someone else'")));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db =>
            db.Database.ExecuteSqlAsync($"DELETE FROM audit_records WHERE id = {last}")));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_records")));
        if (app.Provider == "postgres")
        {
            await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("TRUNCATE audit_records")));
        }

        // Through the change tracker too.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => app.WithDbAsync(async db =>
        {
            var record = await db.AuditRecords.SingleAsync(a => a.Id == last);
            record.Changes = "[]";
            return await db.SaveChangesAsync();
        }));
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => app.WithDbAsync(async db =>
        {
            db.AuditRecords.Remove(await db.AuditRecords.SingleAsync(a => a.Id == last));
            return await db.SaveChangesAsync();
        }));

        var after = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().Where(a => a.Id <= last).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(before.Select(r => (r.Id, r.Changes, r.ActorName, r.Hash)), after.Select(r => (r.Id, r.Changes, r.ActorName, r.Hash)));
        var verification = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Null(verification.BrokenAtId);
        Assert.True(verification.Checked >= before.Count);
    }

    private static void StatusChange(AuditRecord record, string from, string to)
    {
        var status = Assert.Single(SecurityKit.ChangesOf(record), c => c.Field == "status");
        Assert.Equal((from, to), (status.Old, status.New));
    }

    /// <summary>Runs one request and keeps the audit records it wrote, checking their number and their time.</summary>
    private sealed class Steps(OrderlyApp app)
    {
        private List<AuditRecord> _written = [];
        private string _label = "";

        public int Count { get; private set; }

        public async Task<(JsonNode Body, HttpResponseMessage Response)> RunAsync(
            string label, Func<Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)>> request, HttpStatusCode expected, int expectedRecords = 1)
        {
            var before = await app.LastAuditIdAsync();
            var start = DateTimeOffset.UtcNow.AddSeconds(-1);
            var result = await request();
            var body = result.Expect(expected);
            var end = DateTimeOffset.UtcNow.AddSeconds(1);
            // Event handlers (the system actors "events:<handler>") write their own records after the request, on
            // their own schedule: a status link made for a notification, say. They are not this request's changes.
            _written = [.. (await app.AuditAfterAsync(before)).Where(r => r.ActorName?.StartsWith("events:", StringComparison.Ordinal) != true)];
            _label = label;
            Assert.True(_written.Count == expectedRecords,
                $"{label}: expected {expectedRecords} audit record(s), got {_written.Count}: {string.Join(" | ", _written.Select(r => $"{r.EntityType} {r.Action} {r.Changes}"))}");
            Assert.All(_written, r => Assert.InRange(r.At, start, end));
            Count += _written.Count;
            return (body, result.Response);
        }

        /// <summary>The one record of this entity from the last step, with its actor and operation.</summary>
        public AuditRecord One(string entityType, Guid entityId, string action, Guid actorId, string actorName, string operation)
        {
            var record = Assert.Single(_written, r => r.EntityType == entityType && r.EntityId == entityId.ToString());
            Assert.True(record.Action == action, $"{_label}: action {record.Action}, expected {action}");
            Assert.Equal(actorId, record.ActorId);
            Assert.Equal(actorName, record.ActorName);
            Assert.Equal(operation, record.Operation);
            Assert.NotEmpty(SecurityKit.ChangesOf(record));
            return record;
        }
    }
}

public sealed class AuditTrailTests_Sqlite(SqliteApp app) : AuditTrailTests(app), IClassFixture<SqliteApp>;

public sealed class AuditTrailTests_Postgres(PostgresApp app) : AuditTrailTests(app), IClassFixture<PostgresApp>;
