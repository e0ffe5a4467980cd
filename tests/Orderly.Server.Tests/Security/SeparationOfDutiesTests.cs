namespace Orderly.Server.Tests.Security;

/// <summary>
/// S3: nobody approves an order they entered or whose customer they own (403, state unchanged, the refusal
/// audited), and above an approver's limit a second, different approver is needed.
/// </summary>
public abstract class SeparationOfDutiesTests(OrderlyApp app)
{
    [Fact]
    public async Task Rep_CannotApproveOrRejectTheirOwnOrder_ByPolicy()
    {
        var (product, warehouse) = await StockedProductAsync(100m);
        using var rep = await app.UserAsync("sod-rep@orderly.test", "SalesRep");
        var customer = (await SecurityKit.CustomerAsync(rep, "职责分离客户 rep")).Id();
        var id = (await SecurityKit.OrderAsync(rep, customer, product, 3, discountPercent: 15m)).Id();
        var pending = (await rep.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", pending["status"].Str());
        Assert.Contains("DiscountNeedsApproval", pending["approvalReasons"]!.AsArray().Select(r => r.Str()));

        var approve = await rep.PostAsync($"/api/orders/{id}/approve");
        Assert.Equal(HttpStatusCode.Forbidden, approve.Status);
        Assert.NotEqual("SeparationOfDuties", approve.Body?["code"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync($"/api/orders/{id}/reject", new { reason = "自己拒绝" })).Status);

        var after = (await rep.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", after["status"].Str());
        Assert.Equal(pending["version"]!.GetValue<int>(), after["version"]!.GetValue<int>());
        Assert.Equal(0m, after["lines"]![0]!["reserved"].Dec());
        Assert.Equal(0m, (await StockAsync(product, warehouse))["reserved"].Dec());
    }

    [Fact]
    public async Task ManagerWhoOwnsTheCustomer_CannotApprove_StateIsUnchanged_AndTheDenialIsAudited()
    {
        var (product, warehouse) = await StockedProductAsync(100m);
        const string managerEmail = "sod-owner-manager@orderly.test";
        using var manager = await app.UserAsync(managerEmail, "SalesManager");
        var managerId = await app.UserIdAsync(managerEmail);
        var customer = await SecurityKit.CustomerAsync(manager, "经理自己的客户");
        Assert.Equal(managerId, customer["ownerUserId"]!.GetValue<Guid>());

        // Entered and submitted by a clerk, so the manager's only tie to the order is owning its customer.
        using var clerk = await app.UserAsync("sod-clerk@orderly.test", "OrderClerk");
        var id = (await SecurityKit.OrderAsync(clerk, customer.Id(), product, 4, discountPercent: 15m)).Id();
        var pending = (await clerk.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", pending["status"].Str());
        var auditBefore = await app.LastAuditIdAsync();

        var refused = (await manager.PostAsync($"/api/orders/{id}/approve", new { reason = "我批准" })).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("SeparationOfDuties", refused["code"].Str());

        var after = (await manager.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", after["status"].Str());
        Assert.Equal(pending["version"]!.GetValue<int>(), after["version"]!.GetValue<int>());
        Assert.Equal(pending["statusHistory"]!.AsArray().Count, after["statusHistory"]!.AsArray().Count);
        Assert.Equal(0m, after["lines"]![0]!["reserved"].Dec());
        Assert.Empty(after["lines"]![0]!["reservations"]!.AsArray());
        Assert.Equal(0m, (await StockAsync(product, warehouse))["reserved"].Dec());

        // The refusal, and nothing else, reached the audit trail.
        var written = await app.AuditAfterAsync(auditBefore);
        var deny = Assert.Single(written);
        Assert.Equal("Deny", deny.Action);
        Assert.Equal("SalesOrder", deny.EntityType);
        Assert.Equal(id.ToString(), deny.EntityId);
        Assert.Equal(managerId, deny.ActorId);
        using var admin = await app.AdminAsync();
        var audit = (await admin.GetJsonAsync($"/api/audit?entityType=SalesOrder&entityId={id}")).Expect(HttpStatusCode.OK);
        var denial = Assert.Single(audit["items"]!.AsArray(), i => i!["action"].Str() == "Deny")!;
        Assert.Equal(managerEmail, denial["actor"].Str());
        Assert.Equal(id.ToString(), denial["entityId"].Str());
        Assert.NotEmpty(denial["changes"]!.AsArray());

        // Someone without a tie to the order may approve it, and then stock is reserved.
        var approved = (await admin.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", approved["status"].Str());
        Assert.Equal(4m, approved["lines"]![0]!["reserved"].Dec());
    }

    [Fact]
    public async Task ManagerWhoEnteredTheOrder_CannotApproveIt_AnotherManagerCan()
    {
        var (product, _) = await StockedProductAsync(100m);
        using var admin = await app.AdminAsync();
        const string enteringEmail = "sod-entering-manager@orderly.test";
        const string otherEmail = "sod-other-manager@orderly.test";
        const string repEmail = "sod-team-rep@orderly.test";
        using var entering = await app.UserAsync(enteringEmail, "SalesManager");
        using var other = await app.UserAsync(otherEmail, "SalesManager");
        using var rep = await app.UserAsync(repEmail, "SalesRep");
        var enteringId = await app.UserIdAsync(enteringEmail);
        var otherId = await app.UserIdAsync(otherEmail);
        var repId = await app.UserIdAsync(repEmail);
        await SecurityKit.SetManagerAsync(admin, repId, enteringId, "Team rep", "SalesRep");
        var customer = (await SecurityKit.CustomerAsync(rep, "团队客户")).Id();

        // The manager enters and submits an order for the team's customer; approving it is refused.
        var entered = (await SecurityKit.OrderAsync(entering, customer, product, 2, discountPercent: 15m)).Id();
        Assert.Equal(enteringId, (await entering.GetJsonAsync($"/api/orders/{entered}")).Expect(HttpStatusCode.OK)["createdBy"]!.GetValue<Guid>());
        (await entering.PostAsync($"/api/orders/{entered}/submit")).Expect(HttpStatusCode.OK);
        var refused = (await entering.PostAsync($"/api/orders/{entered}/approve")).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("SeparationOfDuties", refused["code"].Str());
        Assert.Equal("PendingApproval", (await entering.GetJsonAsync($"/api/orders/{entered}")).Expect(HttpStatusCode.OK)["status"].Str());
        var audit = (await admin.GetJsonAsync($"/api/audit?entityType=SalesOrder&entityId={entered}&actor={enteringId}")).Expect(HttpStatusCode.OK);
        Assert.Contains(audit["items"]!.AsArray(), i => i!["action"].Str() == "Deny");

        // The same manager approves an order the rep entered for the rep's own customer: no tie, so allowed.
        var repsOrder = (await SecurityKit.OrderAsync(rep, customer, product, 1, discountPercent: 15m)).Id();
        (await rep.PostAsync($"/api/orders/{repsOrder}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", (await entering.PostAsync($"/api/orders/{repsOrder}/approve")).Expect(HttpStatusCode.OK)["status"].Str());

        // Another manager, once the rep is in their team, approves the first order.
        (await other.PostAsync($"/api/orders/{entered}/approve")).Expect(HttpStatusCode.NotFound);
        await SecurityKit.SetManagerAsync(admin, repId, otherId, "Team rep", "SalesRep");
        var approved = (await other.PostAsync($"/api/orders/{entered}/approve")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", approved["status"].Str());
        Assert.Equal(otherId, approved["statusHistory"]!.AsArray().Last()!["by"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task AboveTheManagersLimit_TwoDifferentApproversAreNeeded()
    {
        var (product, warehouse) = await StockedProductAsync(600_000m);
        using var admin = await app.AdminAsync();
        const string firstEmail = "sod-limit-m1@orderly.test";
        const string secondEmail = "sod-limit-m2@orderly.test";
        const string repEmail = "sod-limit-rep@orderly.test";
        using var first = await app.UserAsync(firstEmail, "SalesManager");
        using var second = await app.UserAsync(secondEmail, "SalesManager");
        using var rep = await app.UserAsync(repEmail, "SalesRep");
        var firstId = await app.UserIdAsync(firstEmail);
        var secondId = await app.UserIdAsync(secondEmail);
        var repId = await app.UserIdAsync(repEmail);
        await SecurityKit.SetManagerAsync(admin, repId, firstId, "Limit rep", "SalesRep");
        var customer = (await SecurityKit.CustomerAsync(rep, "大额订单客户")).Id();
        var order = await SecurityKit.OrderAsync(rep, customer, product, 2);
        Assert.Equal(1_200_000m, order["total"].Dec());
        var id = order.Id();
        var pending = (await rep.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Contains("OrderTotalAboveThreshold", pending["approvalReasons"]!.AsArray().Select(r => r.Str()));

        var once = (await first.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", once["status"].Str());
        var firstApproval = once["statusHistory"]!.AsArray().Last()!;
        Assert.Equal("PendingApproval", firstApproval["from"].Str());
        Assert.Equal("PendingApproval", firstApproval["to"].Str());
        Assert.Equal(firstId, firstApproval["by"]!.GetValue<Guid>());
        Assert.Equal(0m, (await StockAsync(product, warehouse))["reserved"].Dec());

        var again = (await first.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("SecondApproverMustDiffer", again.Codes().Append(again["code"]?.GetValue<string>() ?? ""));
        var still = (await first.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", still["status"].Str());
        Assert.Equal(once["version"]!.GetValue<int>(), still["version"]!.GetValue<int>());

        await SecurityKit.SetManagerAsync(admin, repId, secondId, "Limit rep", "SalesRep");
        var confirmed = (await second.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", confirmed["status"].Str());
        Assert.Equal(secondId, confirmed["statusHistory"]!.AsArray().Last()!["by"]!.GetValue<Guid>());
        Assert.Equal(2m, (await StockAsync(product, warehouse))["reserved"].Dec());
    }

    [Fact]
    public async Task AnApiKey_ActingForTheUserWhoEnteredTheOrder_CannotApproveIt()
    {
        var (product, _) = await StockedProductAsync(100m);
        using var admin = await app.AdminAsync();

        // The key holds SalesManager, so it sees the admin's team: a rep of that team owns the customer.
        const string repEmail = "sod-admin-team-rep@orderly.test";
        (await app.UserAsync(repEmail, "SalesRep")).Dispose();
        var repId = await app.UserIdAsync(repEmail);
        await SecurityKit.SetManagerAsync(admin, repId, await app.UserIdAsync(OrderlyApp.AdminEmail), "Admin's rep", "SalesRep");
        var customer = (await SecurityKit.CustomerAsync(admin, "管理员团队客户", repId)).Id();
        var id = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1m, discountPercent = 15m } } }))
            .Expect(HttpStatusCode.Created).Id();
        (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);

        var key = (await admin.PostAsync("/api/api-keys", new { name = "approver key", roles = SecurityKit.Roles("SalesManager") })).Expect(HttpStatusCode.Created)["apiKey"].Str();
        using var integration = app.Anonymous();
        integration.DefaultRequestHeaders.Add("X-Api-Key", key);
        var refused = (await integration.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("SeparationOfDuties", refused["code"].Str());
        Assert.Equal("PendingApproval", (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK)["status"].Str());
    }

    /// <summary>
    /// The reverse of the test above: an admin enters an order through a key they issued (the key acts on their
    /// behalf) and approves it with their own login. The creator recorded is the key, so the check misses the admin.
    /// </summary>
    [Fact]
    public async Task User_CannotApproveAnOrderTheyEnteredThroughTheirOwnApiKey()
    {
        var (product, _) = await StockedProductAsync(100m);
        using var admin = await app.AdminAsync();
        var customer = await new TestData(admin).CustomerAsync();
        var key = (await admin.PostAsync("/api/api-keys", new { name = "entry key", roles = SecurityKit.Roles("OrderClerk") })).Expect(HttpStatusCode.Created)["apiKey"].Str();
        using var integration = app.Anonymous();
        integration.DefaultRequestHeaders.Add("X-Api-Key", key);
        var id = (await integration.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1m, discountPercent = 15m } } }))
            .Expect(HttpStatusCode.Created).Id();
        Assert.Equal("PendingApproval", (await integration.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK)["status"].Str());

        var approve = await admin.PostAsync($"/api/orders/{id}/approve");
        Assert.True(approve.Status == HttpStatusCode.Forbidden, $"the admin approved an order entered with their own key: {(int)approve.Status}");
        Assert.Equal("SeparationOfDuties", approve.Body?["code"]?.GetValue<string>());
        Assert.Equal("PendingApproval", (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK)["status"].Str());
    }

    private async Task<(Guid Product, Guid Warehouse)> StockedProductAsync(decimal listPrice)
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var product = await data.ProductAsync(listPrice: listPrice);
        await data.ReceiveAsync(warehouse, product, 100);
        return (product, warehouse);
    }

    private async Task<JsonNode> StockAsync(Guid product, Guid warehouse)
    {
        using var admin = await app.AdminAsync();
        return await new TestData(admin).StockAsync(product, warehouse);
    }
}

public sealed class SeparationOfDutiesTests_Sqlite(SqliteApp app) : SeparationOfDutiesTests(app), IClassFixture<SqliteApp>;

public sealed class SeparationOfDutiesTests_Postgres(PostgresApp app) : SeparationOfDutiesTests(app), IClassFixture<PostgresApp>;
