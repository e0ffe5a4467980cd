using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Server.Tests.Security;

/// <summary>
/// S2: a sales rep sees only their own customers and those customers' orders; a manager their team's; other roles
/// everything. Out of scope answers exactly as "does not exist" and gives away none of the other rep's data.
/// </summary>
public abstract class DataScopingTests(OrderlyApp app)
{
    [Fact]
    public async Task RepB_WalkingRepAsCustomerAndOrderIds_GetsNotFoundEverywhere_AndNoneOfTheirData()
    {
        var world = await WorldAsync("walk");
        using var repB = await app.UserAsync(world.RepBEmail, "SalesRep");
        var a = world.A;
        var wrong = new List<string>();
        var bodies = new List<(string Label, string Text)>();

        async Task ProbeAsync(string label, HttpMethod method, string urlWithA, string urlWithRandom, object? body, string? ifMatch,
            HttpStatusCode expected, Guid echoedA, Guid echoedRandom)
        {
            var withA = await repB.SendAsync(method, urlWithA, body, r => AddIfMatch(r, ifMatch));
            var withRandom = await repB.SendAsync(method, urlWithRandom, body, r => AddIfMatch(r, ifMatch));
            if (withA.Status != expected)
            {
                wrong.Add($"{label}: expected {(int)expected}, got {(int)withA.Status} {withA.Body?.ToJsonString()}");
            }

            var seenA = SecurityKit.Comparable(withA.Body, echoedA.ToString());
            var seenRandom = SecurityKit.Comparable(withRandom.Body, echoedRandom.ToString());
            if (withA.Status != withRandom.Status || seenA != seenRandom)
            {
                wrong.Add($"{label}: A's id answers differently from an id that does not exist: {(int)withA.Status} {seenA} vs {(int)withRandom.Status} {seenRandom}");
            }

            bodies.Add((label, seenA));
        }

        var random = Guid.NewGuid();
        var customerBody = new { code = TestData.Unique("C"), name = "改名 by B" };
        await ProbeAsync("GET customer", HttpMethod.Get, $"/api/customers/{a.CustomerId}", $"/api/customers/{random}", null, null, HttpStatusCode.NotFound, a.CustomerId, random);
        await ProbeAsync("PUT customer", HttpMethod.Put, $"/api/customers/{a.CustomerId}", $"/api/customers/{random}", customerBody, $"\"{a.CustomerVersion}\"", HttpStatusCode.NotFound, a.CustomerId, random);

        var orderLines = new[] { new { productId = world.ProductId, quantity = 1m } };
        foreach (var order in a.Orders)
        {
            var n = order.Number;
            var lines = new { lines = new[] { new { lineId = order.LineId, quantity = 1m } } };
            await ProbeAsync($"GET order {n}", HttpMethod.Get, $"/api/orders/{order.Id}", $"/api/orders/{random}", null, null, HttpStatusCode.NotFound, order.Id, random);
            await ProbeAsync($"PUT order {n}", HttpMethod.Put, $"/api/orders/{order.Id}", $"/api/orders/{random}",
                new { customerId = a.CustomerId, lines = orderLines }, "\"1\"", HttpStatusCode.NotFound, order.Id, random);
            await ProbeAsync($"submit {n}", HttpMethod.Post, $"/api/orders/{order.Id}/submit", $"/api/orders/{random}/submit", null, null, HttpStatusCode.NotFound, order.Id, random);
            await ProbeAsync($"cancel {n}", HttpMethod.Post, $"/api/orders/{order.Id}/cancel", $"/api/orders/{random}/cancel", new { reason = "B 取消" }, null, HttpStatusCode.NotFound, order.Id, random);

            // A rep holds neither ApproveOrders nor Fulfil: refused by policy, and exactly as for an id that does not exist.
            foreach (var action in new[] { "approve", "release", "deliver" })
            {
                await ProbeAsync($"{action} {n}", HttpMethod.Post, $"/api/orders/{order.Id}/{action}", $"/api/orders/{random}/{action}", null, null, HttpStatusCode.Forbidden, order.Id, random);
            }

            foreach (var action in new[] { "reject", "hold" })
            {
                await ProbeAsync($"{action} {n}", HttpMethod.Post, $"/api/orders/{order.Id}/{action}", $"/api/orders/{random}/{action}", new { reason = "B" }, null, HttpStatusCode.Forbidden, order.Id, random);
            }

            await ProbeAsync($"ship {n}", HttpMethod.Post, $"/api/orders/{order.Id}/shipments", $"/api/orders/{random}/shipments", lines, null, HttpStatusCode.Forbidden, order.Id, random);
        }

        // Entering an order for A's customer: the customer does not exist, to B.
        var entered = await repB.PostAsync("/api/orders", new { customerId = a.CustomerId, lines = orderLines });
        if (entered.Status != HttpStatusCode.UnprocessableEntity || !entered.Body!.Codes().Contains("UnknownCustomer"))
        {
            wrong.Add($"POST /api/orders for A's customer: expected 422 UnknownCustomer, got {(int)entered.Status} {entered.Body?.ToJsonString()}");
        }

        bodies.Add(("POST /api/orders", SecurityKit.Scrub(entered.Body?.ToJsonString() ?? "", a.CustomerId.ToString())));
        var check = await repB.PostAsync("/api/orders/check", new { customerId = a.CustomerId, customerPo = a.Orders[0].CustomerPo, lines = orderLines });
        var checkCodes = check.Body?["errors"] is JsonArray errors ? errors.Select(x => x!["code"].Str()).ToList() : [];
        if (check.Status != HttpStatusCode.OK || check.Body!["isValid"]!.GetValue<bool>() || !checkCodes.Contains("UnknownCustomer"))
        {
            wrong.Add($"POST /api/orders/check for A's customer: expected 200 invalid with UnknownCustomer, got {(int)check.Status} {check.Body?.ToJsonString()}");
        }

        bodies.Add(("POST /api/orders/check", SecurityKit.Scrub(check.Body?.ToJsonString() ?? "", a.CustomerId.ToString())));

        // Lists, every filter and search: B's own data shows, A's never does.
        var lists = new[]
        {
            "/api/customers?limit=200", $"/api/customers?q={Esc(a.CustomerName)}", $"/api/customers?q={Esc(a.CustomerCode)}",
            $"/api/customers?ownerUserId={world.RepAId}", "/api/customers?region=East", "/api/customers?active=true", "/api/customers?blocked=false",
            "/api/orders?limit=200", $"/api/orders?customerId={a.CustomerId}", $"/api/orders?q={Esc(a.CustomerName)}", $"/api/orders?q={Esc(a.CustomerCode)}",
            $"/api/orders?q={Esc(a.Orders[0].Number)}", $"/api/orders?q={Esc(a.Orders[0].CustomerPo)}",
            "/api/orders?status=Draft", "/api/orders?status=PendingApproval", "/api/orders?status=Confirmed", "/api/orders?status=Cancelled",
            $"/api/orders?from={DateTime.UtcNow.AddDays(-2):yyyy-MM-dd}&to={DateTime.UtcNow.AddDays(2):yyyy-MM-dd}",
        };
        foreach (var url in lists)
        {
            var page = await repB.GetJsonAsync(url);
            if (page.Status != HttpStatusCode.OK)
            {
                wrong.Add($"GET {url}: expected 200, got {(int)page.Status}");
                continue;
            }

            bodies.Add(($"GET {url}", page.Body!.ToJsonString()));
        }

        var ownList = (await repB.GetJsonAsync("/api/orders?limit=200")).Expect(HttpStatusCode.OK);
        Assert.Contains(world.B.Orders[0].Id, ownList["items"]!.AsArray().Select(o => o!.Id()));
        var ownCustomers = (await repB.GetJsonAsync($"/api/customers?q={Esc(world.B.CustomerName)}")).Expect(HttpStatusCode.OK);
        Assert.Equal([world.B.CustomerId], ownCustomers["items"]!.AsArray().Select(c => c!.Id()));
        var ownDrafts = (await repB.GetJsonAsync($"/api/orders?status=Draft&customerId={world.B.CustomerId}")).Expect(HttpStatusCode.OK);
        Assert.Single(ownDrafts["items"]!.AsArray());

        foreach (var (label, text) in bodies)
        {
            var leaked = SecurityKit.LeakedIn(text, a.Secrets);
            if (leaked.Count > 0)
            {
                wrong.Add($"{label}: shows rep A's {string.Join(", ", leaked)}");
            }
        }

        Assert.True(wrong.Count == 0, "Rep B reached rep A's data:\n" + string.Join("\n", wrong));

        // Nothing B tried changed A's records.
        using var repA = await app.UserAsync(world.RepAEmail, "SalesRep");
        var customer = (await repA.GetJsonAsync($"/api/customers/{a.CustomerId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(a.CustomerName, customer["name"].Str());
        Assert.Equal(a.CustomerVersion, customer["version"]!.GetValue<int>());
        Assert.Equal(["Draft", "Confirmed", "PendingApproval"], a.Orders.Select(o => o.Status));
        foreach (var order in a.Orders)
        {
            Assert.Equal(order.Status, (await repA.GetJsonAsync($"/api/orders/{order.Id}")).Expect(HttpStatusCode.OK)["status"].Str());
        }
    }

    [Fact]
    public async Task Manager_SeesTheTeamsCustomersAndOrders_ButNotAnotherReps_WhileAnOrderClerkSeesAll()
    {
        var world = await WorldAsync("team");
        using var admin = await app.AdminAsync();
        const string managerEmail = "scope-team-manager@orderly.test";
        using var manager = await app.UserAsync(managerEmail, "SalesManager");
        var managerId = await app.UserIdAsync(managerEmail);

        // Before A joins the team the manager sees neither rep's customers.
        (await manager.GetJsonAsync($"/api/customers/{world.A.CustomerId}")).Expect(HttpStatusCode.NotFound);
        await SecurityKit.SetManagerAsync(admin, world.RepAId, managerId, "Rep A", "SalesRep");

        (await manager.GetJsonAsync($"/api/customers/{world.A.CustomerId}")).Expect(HttpStatusCode.OK);
        (await manager.GetJsonAsync($"/api/orders/{world.A.Orders[0].Id}")).Expect(HttpStatusCode.OK);
        (await manager.GetJsonAsync($"/api/customers/{world.B.CustomerId}")).Expect(HttpStatusCode.NotFound);
        (await manager.GetJsonAsync($"/api/orders/{world.B.Orders[0].Id}")).Expect(HttpStatusCode.NotFound);

        var customers = (await manager.GetJsonAsync("/api/customers?limit=200")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(c => c!.Id()).ToList();
        Assert.Contains(world.A.CustomerId, customers);
        Assert.DoesNotContain(world.B.CustomerId, customers);
        var orders = (await manager.GetJsonAsync("/api/orders?limit=200")).Expect(HttpStatusCode.OK);
        var orderIds = orders["items"]!.AsArray().Select(o => o!.Id()).ToList();
        Assert.All(world.A.Orders, o => Assert.Contains(o.Id, orderIds));
        Assert.All(world.B.Orders, o => Assert.DoesNotContain(o.Id, orderIds));
        Assert.Empty(SecurityKit.LeakedIn(orders.ToJsonString(), world.B.Secrets));
        Assert.Empty((await manager.GetJsonAsync($"/api/orders?q={Esc(world.B.CustomerName)}")).Expect(HttpStatusCode.OK)["items"]!.AsArray());

        // Every write on another rep's order is, to the manager, a write on an order that does not exist.
        var bOrder = world.B.Orders[0];
        var shipLines = new { lines = new[] { new { lineId = bOrder.LineId, quantity = 1m } } };
        var reason = new { reason = "经理" };
        var writes = new (string Action, object? Body)[]
        {
            ("submit", null), ("approve", null), ("reject", reason), ("hold", reason), ("release", null), ("cancel", reason), ("deliver", null), ("shipments", shipLines),
        };
        foreach (var (action, body) in writes)
        {
            var answer = await manager.PostAsync($"/api/orders/{bOrder.Id}/{action}", body);
            Assert.True(answer.Status == HttpStatusCode.NotFound, $"{action} on another rep's order: {(int)answer.Status} {answer.Body?.ToJsonString()}");
            Assert.Empty(SecurityKit.LeakedIn(SecurityKit.Scrub(answer.Body?.ToJsonString() ?? "", bOrder.Id.ToString()), world.B.Secrets));
        }

        (await manager.PutAsync($"/api/orders/{bOrder.Id}", new { customerId = world.B.CustomerId, lines = new[] { new { productId = world.ProductId, quantity = 3m } } }, "*"))
            .Expect(HttpStatusCode.NotFound);
        (await manager.PutAsync($"/api/customers/{world.B.CustomerId}", new { code = world.B.CustomerCode, name = "经理改名" }, "*")).Expect(HttpStatusCode.NotFound);
        using (var repB = await app.UserAsync(world.RepBEmail, "SalesRep"))
        {
            var untouched = (await repB.GetJsonAsync($"/api/orders/{bOrder.Id}")).Expect(HttpStatusCode.OK);
            Assert.Equal("Draft", untouched["status"].Str());
            Assert.Equal(1m, untouched["lines"]![0]!["quantity"].Dec());
            Assert.Equal(world.B.CustomerName, (await repB.GetJsonAsync($"/api/customers/{world.B.CustomerId}")).Expect(HttpStatusCode.OK)["name"].Str());
        }

        // The manager enters orders for the team's customers, not for another rep's.
        (await manager.PostAsync("/api/orders", new { customerId = world.A.CustomerId, lines = new[] { new { productId = world.ProductId, quantity = 1m } } }))
            .Expect(HttpStatusCode.Created);
        (await manager.PostAsync("/api/orders", new { customerId = world.B.CustomerId, lines = new[] { new { productId = world.ProductId, quantity = 1m } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);

        using var clerk = await app.UserAsync("scope-team-clerk@orderly.test", "OrderClerk");
        (await clerk.GetJsonAsync($"/api/customers/{world.A.CustomerId}")).Expect(HttpStatusCode.OK);
        (await clerk.GetJsonAsync($"/api/customers/{world.B.CustomerId}")).Expect(HttpStatusCode.OK);
        (await clerk.GetJsonAsync($"/api/orders/{world.B.Orders[0].Id}")).Expect(HttpStatusCode.OK);
        var all = (await clerk.GetJsonAsync("/api/customers?limit=200")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(c => c!.Id()).ToList();
        Assert.Contains(world.A.CustomerId, all);
        Assert.Contains(world.B.CustomerId, all);

        // Leaving the team ends the manager's view again.
        await SecurityKit.SetManagerAsync(admin, world.RepAId, null, "Rep A", "SalesRep");
        (await manager.GetJsonAsync($"/api/customers/{world.A.CustomerId}")).Expect(HttpStatusCode.NotFound);
    }

    /// <summary>
    /// Every list, search and export the app maps (GET /api routes without an id, taken from the endpoint list) read by
    /// rep B: none shows rep A's customer or orders. The stock ledger does today: each reservation entry carries the
    /// order's id (causeId) and number (note), in the JSON list and in the CSV export alike; and the replenishment
    /// requests list the order id and number of every backordered line.
    /// </summary>
    [Fact]
    public async Task RepB_EveryListAndExport_ShowsNoneOfRepAsData()
    {
        var world = await WorldAsync("lists", withBackorder: true);
        using var repB = await app.UserAsync(world.RepBEmail, "SalesRep");
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api/", StringComparison.Ordinal) && !raw.Contains('{', StringComparison.Ordinal)
                && (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? false))
            .Select(e => e.RoutePattern.RawText!.TrimEnd('/'))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("/api/inventory/ledger", routes);
        Assert.Contains("/api/orders", routes);

        var leaks = new List<string>();
        foreach (var route in routes)
        {
            string text;
            int status;
            try
            {
                using var response = await repB.GetAsync(route.Contains("ledger", StringComparison.Ordinal) ? $"{route}?productId={world.ProductId}" : route);
                text = await response.Content.ReadAsStringAsync();
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException failed)
            {
                leaks.Add($"GET {route} failed: {failed.InnerException?.InnerException?.Message ?? failed.Message}");
                continue;
            }

            if (status >= 500)
            {
                leaks.Add($"GET {route} -> {status}");
            }

            var leaked = SecurityKit.LeakedIn(text, world.A.Secrets);
            if (leaked.Count > 0)
            {
                leaks.Add($"GET {route} ({status}) shows rep A's {string.Join(", ", leaked)}");
            }
        }

        Assert.True(leaks.Count == 0, "Rep B reads rep A's data:\n" + string.Join("\n", leaks));
    }

    /// <summary>
    /// GET /api/audit is open to sales managers (ReadAudit) but not scoped: a manager reads the names and changes of
    /// customers and orders outside the team, which everywhere else answer 404.
    /// </summary>
    [Fact]
    public async Task Manager_AuditTrail_ShowsNothingOfCustomersAndOrdersOutsideTheTeam()
    {
        var world = await WorldAsync("audit");
        using var manager = await app.UserAsync("scope-audit-manager@orderly.test", "SalesManager");
        (await manager.GetJsonAsync($"/api/customers/{world.B.CustomerId}")).Expect(HttpStatusCode.NotFound);

        var byCustomer = (await manager.GetJsonAsync($"/api/audit?entityType=Customer&entityId={world.B.CustomerId}")).Expect(HttpStatusCode.OK);
        var byOrder = (await manager.GetJsonAsync($"/api/audit?entityType=SalesOrder&entityId={world.B.Orders[0].Id}")).Expect(HttpStatusCode.OK);
        var recent = (await manager.GetJsonAsync("/api/audit?limit=200")).Expect(HttpStatusCode.OK);
        Assert.Empty(byCustomer["items"]!.AsArray());
        Assert.Empty(byOrder["items"]!.AsArray());
        Assert.Empty(SecurityKit.LeakedIn(recent.ToJsonString(), [world.B.CustomerName, world.B.CustomerCode, world.B.Orders[0].Number]));
    }

    private static void AddIfMatch(HttpRequestMessage request, string? ifMatch)
    {
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);

    /// <summary>
    /// Reps A and B (new ones per prefix) each create a customer and orders as themselves: A a draft, a confirmed
    /// and a pending order with a customer PO; B one draft.
    /// </summary>
    private async Task<World> WorldAsync(string prefix, bool withBackorder = false)
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var product = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, product, 1000);

        var repAEmail = $"scope-{prefix}-rep-a@orderly.test";
        var repBEmail = $"scope-{prefix}-rep-b@orderly.test";
        using var repA = await app.UserAsync(repAEmail, "SalesRep");
        using var repB = await app.UserAsync(repBEmail, "SalesRep");
        var repAId = await app.UserIdAsync(repAEmail);

        var aCustomer = await SecurityKit.CustomerAsync(repA, $"甲方独有客户 {TestData.Unique(prefix)}");
        Assert.Equal(repAId, aCustomer["ownerUserId"]!.GetValue<Guid>());
        aCustomer = await SecurityKit.GrantCreditAsync(admin, aCustomer, 1_000_000m);
        var aOrders = new List<OrderFacts>();
        foreach (var (discount, submit) in new[] { ((decimal?)null, false), (null, true), (15m, true) })
        {
            var po = TestData.Unique("PO-A");
            var order = await SecurityKit.OrderAsync(repA, aCustomer.Id(), product, 2, discount, po);
            var status = submit ? (await repA.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK)["status"].Str() : "Draft";
            aOrders.Add(new OrderFacts(order.Id(), order["number"].Str(), order["lines"]![0]!.Id(), po, status));
        }

        if (withBackorder)
        {
            // A product with no stock at all: the order is confirmed with the line backordered.
            var unstocked = await data.ProductAsync(listPrice: 10m);
            var po = TestData.Unique("PO-A");
            var order = await SecurityKit.OrderAsync(repA, aCustomer.Id(), unstocked, 3, customerPo: po);
            var submitted = (await repA.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
            Assert.Equal(3m, submitted["lines"]![0]!["backordered"].Dec());
            aOrders.Add(new OrderFacts(order.Id(), order["number"].Str(), order["lines"]![0]!.Id(), po, submitted["status"].Str()));
        }

        var bCustomer = await SecurityKit.CustomerAsync(repB, $"乙方客户 {TestData.Unique(prefix)}");
        var bOrder = await SecurityKit.OrderAsync(repB, bCustomer.Id(), product, 1);
        var a = new RepData(aCustomer.Id(), aCustomer["code"].Str(), aCustomer["name"].Str(), aCustomer["version"]!.GetValue<int>(), aOrders);
        var b = new RepData(bCustomer.Id(), bCustomer["code"].Str(), bCustomer["name"].Str(), bCustomer["version"]!.GetValue<int>(),
            [new OrderFacts(bOrder.Id(), bOrder["number"].Str(), bOrder["lines"]![0]!.Id(), "", "Draft")]);
        return new World(repAEmail, repBEmail, repAId, product, a, b);
    }

    private sealed record OrderFacts(Guid Id, string Number, Guid LineId, string CustomerPo, string Status);

    private sealed record RepData(Guid CustomerId, string CustomerCode, string CustomerName, int CustomerVersion, IReadOnlyList<OrderFacts> Orders)
    {
        /// <summary>Everything that identifies the rep's data: names, codes, numbers, POs and ids.</summary>
        public IReadOnlyList<string> Secrets =>
        [
            CustomerId.ToString(), CustomerCode, CustomerName,
            .. Orders.SelectMany(o => new[] { o.Id.ToString(), o.Number, o.LineId.ToString(), o.CustomerPo }),
        ];
    }

    private sealed record World(string RepAEmail, string RepBEmail, Guid RepAId, Guid ProductId, RepData A, RepData B);
}

public sealed class DataScopingTests_Sqlite(SqliteApp app) : DataScopingTests(app), IClassFixture<SqliteApp>;

public sealed class DataScopingTests_Postgres(PostgresApp app) : DataScopingTests(app), IClassFixture<PostgresApp>;
