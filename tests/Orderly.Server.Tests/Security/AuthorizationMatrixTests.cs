using System.Reflection;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Identity;
using Orderly.Server.Platform;

namespace Orderly.Server.Tests.Security;

/// <summary>
/// S1: the authorization matrix, generated from the running app's endpoint list. Every /api endpoint is either
/// anonymous by design or names documented policies; every endpoint x role x {own record, another rep's record,
/// anonymous} cell is called and judged against the policy table of docs/security.md.
/// </summary>
public abstract partial class AuthorizationMatrixTests(OrderlyApp app)
{
    /// <summary>The permission table the capabilities declare (policy -> roles that hold it), as the server builds it.</summary>
    public static readonly PermissionTable Table = new(OrderlyModules.All.SelectMany(m => m.Permissions));

    public static readonly IReadOnlyDictionary<string, string[]> PolicyRoles =
        Table.All.ToDictionary(p => p.Policy, p => Table.RolesFor(p.Policy).ToArray());

    private static readonly string[] AnonymousByDesign = ["POST /api/auth/token", "POST /api/auth/login", "POST /api/integrations/fxiaoke/callback", "POST /api/integrations/kuaidi100/callback", "POST /api/integrations/yonyou/callback", "POST /api/integrations/zoho-crm/notify", "GET /api/integrations/wecom/callback", "POST /api/integrations/wecom/callback"];

    /// <summary>Anonymous routes that prove themselves with the vendor's signature or token (tests/…/Integration/ConnectorPushTests signs them).</summary>
    private static readonly HashSet<string> VendorPushes = ["POST /api/integrations/fxiaoke/callback", "POST /api/integrations/yonyou/callback", "POST /api/integrations/zoho-crm/notify", "GET /api/integrations/wecom/callback", "POST /api/integrations/wecom/callback"];

    /// <summary>Roles that see only their own (and their team's) customers and orders.</summary>
    private static readonly string[] ScopedRoles = ["SalesRep", "SalesManager"];

    /// <summary>The endpoints whose bodies and ids this test supplies, so every answer of theirs is judged in full.</summary>
    private static readonly HashSet<string> KnownEndpoints =
    [
        "POST /api/auth/token", "POST /api/auth/login", "POST /api/auth/logout",
        "POST /api/users", "GET /api/users", "GET /api/users/{id}", "PUT /api/users/{id}", "POST /api/users/{id}/disable",
        "POST /api/users/{id}/enable", "POST /api/users/{id}/reset-password",
        "POST /api/api-keys", "GET /api/api-keys", "POST /api/api-keys/{id}/revoke",
        "POST /api/products", "GET /api/products", "GET /api/products/{id}", "PUT /api/products/{id}",
        "POST /api/customers", "GET /api/customers", "GET /api/customers/{id}", "PUT /api/customers/{id}",
        "POST /api/warehouses", "GET /api/warehouses", "GET /api/warehouses/{id}", "PUT /api/warehouses/{id}",
        "POST /api/suppliers", "GET /api/suppliers", "GET /api/suppliers/{id}", "PUT /api/suppliers/{id}",
        "POST /api/inventory/receipts", "GET /api/inventory/stock", "GET /api/inventory/ledger",
        "POST /api/orders", "POST /api/orders/check", "GET /api/orders", "GET /api/orders/{id}", "PUT /api/orders/{id}",
        "POST /api/orders/{id}/submit", "POST /api/orders/{id}/approve", "POST /api/orders/{id}/reject", "POST /api/orders/{id}/hold",
        "POST /api/orders/{id}/release", "POST /api/orders/{id}/cancel", "POST /api/orders/{id}/deliver", "POST /api/orders/{id}/shipments",
        "GET /api/audit",
        "GET /api/analytics/revenue", "GET /api/analytics/top-customers", "GET /api/analytics/top-products", "GET /api/analytics/funnel",
    ];

    private static readonly string[] ViewerRole = ["Viewer"];
    private static readonly string[] SalesRepRole = ["SalesRep"];

    /// <summary>The roles the full matrix runs for on this database.</summary>
    protected abstract IReadOnlyList<string> MatrixRoles { get; }

    [Fact]
    public async Task EveryApiEndpoint_IsAnonymousByDesign_OrNamesOnlyExistingDocumentedPolicies()
    {
        var provider = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var endpoints = Endpoints();
        Assert.True(endpoints.Count >= 40, $"Only {endpoints.Count} /api endpoints found in the endpoint data source.");
        var wrong = new List<string>();
        foreach (var e in endpoints)
        {
            if (AnonymousByDesign.Contains(e.Key))
            {
                if (!e.AllowsAnonymous)
                {
                    wrong.Add($"{e.Key}: should allow anonymous callers");
                }

                continue;
            }

            if (e.AllowsAnonymous)
            {
                wrong.Add($"{e.Key}: allows anonymous callers but is not one of {string.Join(", ", AnonymousByDesign)}");
            }

            if (e.AuthorizeData.Count == 0)
            {
                wrong.Add($"{e.Key}: names no policy, so it falls to the fallback policy");
            }

            foreach (var data in e.AuthorizeData)
            {
                if (data.Policy is null)
                {
                    wrong.Add($"{e.Key}: an authorization requirement without a policy name (roles '{data.Roles}')");
                }
                else if (await provider.GetPolicyAsync(data.Policy) is null)
                {
                    wrong.Add($"{e.Key}: policy '{data.Policy}' is not registered");
                }
                else if (!PolicyRoles.ContainsKey(data.Policy))
                {
                    wrong.Add($"{e.Key}: policy '{data.Policy}' is declared by no capability's permission table");
                }

                if (data.Roles is not null || data.AuthenticationSchemes is not null)
                {
                    wrong.Add($"{e.Key}: names roles or schemes directly instead of a policy");
                }
            }
        }

        foreach (var key in AnonymousByDesign.Concat(KnownEndpoints))
        {
            if (!endpoints.Any(e => e.Key == key))
            {
                wrong.Add($"{key}: not mapped");
            }
        }

        Assert.True(wrong.Count == 0, "Endpoints with a wrong authorization setup:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task FallbackPolicy_RefusesEveryRole_SoAForgottenPolicyIsClosed()
    {
        var provider = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var authorization = app.Services.GetRequiredService<IAuthorizationService>();
        var fallback = await provider.GetFallbackPolicyAsync();
        Assert.NotNull(fallback);
        foreach (var role in SecurityKit.AllRoles)
        {
            Assert.False((await authorization.AuthorizeAsync(Principal(role), null, fallback)).Succeeded, $"the fallback policy lets {role} in");
        }

        Assert.False((await authorization.AuthorizeAsync(Principal([.. SecurityKit.AllRoles]), null, fallback)).Succeeded);
    }

    [Fact]
    public async Task PolicyTable_OfTheDocs_IsWhatTheRegisteredPoliciesEnforce()
    {
        var declared = typeof(Policies).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.All(declared, name => Assert.True(PolicyRoles.ContainsKey(name), $"{name} is named in Policies but no capability declares it"));
        Assert.Equal(Table.All.Select(p => p.Policy), app.Services.GetRequiredService<PermissionTable>().All.Select(p => p.Policy));

        var documented = DocumentedPolicyTable();
        Assert.True(documented == Table.ToMarkdown(),
            "docs/security.md's permission table differs from the capabilities' declarations; between its markers it should read:\n" + Table.ToMarkdown());

        var authorization = app.Services.GetRequiredService<IAuthorizationService>();
        var wrong = new List<string>();
        foreach (var (policy, roles) in PolicyRoles)
        {
            foreach (var role in SecurityKit.AllRoles)
            {
                var allowed = (await authorization.AuthorizeAsync(Principal(role), null, policy)).Succeeded;
                if (allowed != roles.Contains(role))
                {
                    wrong.Add($"{policy} x {role}: enforced {allowed}, documented {roles.Contains(role)}");
                }
            }

            if ((await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), null, policy)).Succeeded)
            {
                wrong.Add($"{policy} lets an anonymous principal in");
            }
        }

        Assert.True(wrong.Count == 0, "Policies differ from docs/security.md:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task EveryEndpoint_ForEveryRole_OnOwnAndAnothersRecord_AndAnonymously_AnswersAsThePolicyTableSays()
    {
        var world = await BuildWorldAsync();
        var endpoints = Endpoints();
        var wrong = new List<string>();
        var cells = 0;
        try
        {
            foreach (var e in endpoints)
            {
                foreach (var role in MatrixRoles)
                {
                    foreach (var kind in e.HasAnotherRecord ? new[] { "own", "another" } : ["own"])
                    {
                        var target = kind == "own" ? world.Own[role] : world.Another;
                        // Logging out ends the session of the token used, so it gets a token of its own.
                        using var session = e.Key == "POST /api/auth/logout" ? await FreshSessionAsync(world.Emails[role]) : null;
                        var (status, body) = await CallAsync(session ?? world.Clients[role], e, world, role, target);
                        cells++;
                        if (Judge(e, role, kind, status, body) is { } problem)
                        {
                            wrong.Add($"{e.Key} as {role} on {kind} record -> {(int)status}: {problem} {Short(body)}");
                        }
                    }
                }

                using var anonymous = app.Anonymous();
                var (anonymousStatus, anonymousBody) = await CallAsync(anonymous, e, world, "Admin", world.Another, asAdminCredentials: true);
                cells++;
                var expected = VendorPushes.Contains(e.Key) ? (int)anonymousStatus is 400 or 401 or 403
                    : e.AllowsAnonymous ? (int)anonymousStatus is >= 200 and < 300 : anonymousStatus == HttpStatusCode.Unauthorized;
                if (!expected)
                {
                    wrong.Add($"{e.Key} anonymously -> {(int)anonymousStatus}: expected {(VendorPushes.Contains(e.Key) ? "400, 401 or 403" : e.AllowsAnonymous ? "2xx" : "401")} {Short(anonymousBody)}");
                }
            }
        }
        finally
        {
            foreach (var client in world.Clients.Values)
            {
                client.Dispose();
            }
        }

        var expectedCells = endpoints.Sum(e => (MatrixRoles.Count * (e.HasAnotherRecord ? 2 : 1)) + 1);
        Assert.Equal(expectedCells, cells);
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cells} cells of the authorization matrix are wrong:\n" + string.Join("\n", wrong));
    }

    private async Task<HttpClient> FreshSessionAsync(string email)
    {
        using var anonymous = app.Anonymous();
        var token = (await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword })).Expect(HttpStatusCode.OK)["accessToken"].Str();
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string? Judge(ApiEndpoint e, string role, string kind, HttpStatusCode status, JsonNode? body)
    {
        var code = (int)status;
        if (code >= 500)
        {
            return "server error";
        }

        if (e.AllowsAnonymous && VendorPushes.Contains(e.Key))
        {
            // The matrix cannot sign as the vendor: an unsigned push must be refused (400 malformed, 401 bad signature, 403 not enabled).
            return code is 400 or 401 or 403 ? null : "expected an unsigned vendor push to be refused with 400, 401 or 403";
        }

        if (e.AllowsAnonymous)
        {
            return code is >= 200 and < 300 ? null : "expected 2xx from an anonymous-by-design endpoint";
        }

        var has = e.Policies.All(p => PolicyRoles.TryGetValue(p, out var roles) && roles.Contains(role));
        if (!has)
        {
            return status == HttpStatusCode.Forbidden ? null : $"expected 403: {role} lacks {string.Join("+", e.Policies)}";
        }

        // Approving an order whose customer you own is refused by separation of duties, not by the policy.
        if (kind == "own" && status == HttpStatusCode.Forbidden && e.Key == "POST /api/orders/{id}/approve"
            && body?["code"]?.GetValue<string>() == "SeparationOfDuties")
        {
            return null;
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return $"expected access: {role} holds {string.Join("+", e.Policies)}";
        }

        // Entering or checking an order for another rep's customer: to a rep or manager that customer does not exist.
        if (kind == "another" && e.TakesCustomerInBody && ScopedRoles.Contains(role))
        {
            var unknown = e.Key == "POST /api/orders"
                ? status == HttpStatusCode.UnprocessableEntity && body is not null && body.Codes().Contains("UnknownCustomer")
                : status == HttpStatusCode.OK && body?["isValid"]?.GetValue<bool>() == false
                    && body["errors"] is JsonArray errors && errors.Any(x => x?["code"]?.GetValue<string>() == "UnknownCustomer");
            return unknown ? null : "expected UnknownCustomer: another rep's customer is out of scope";
        }

        var outOfScope = kind == "another" && e.IsScoped && ScopedRoles.Contains(role);
        if (!KnownEndpoints.Contains(e.Key))
        {
            // An endpoint added after this table: its body and ids are guesses, so beyond access only this is judged:
            // another rep's record must not answer with success.
            return outOfScope && code is >= 200 and < 300 ? "another rep's customer or order answered with success" : null;
        }

        if (outOfScope)
        {
            return status == HttpStatusCode.NotFound ? null : "expected 404: another rep's customer or order is out of scope";
        }

        if (status == HttpStatusCode.NotFound)
        {
            return "expected the record to be found";
        }

        return e.Method == "GET" && status != HttpStatusCode.OK ? "expected 200 for a read" : null;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(
        HttpClient client, ApiEndpoint e, World world, string role, Target target, bool asAdminCredentials = false)
    {
        var url = RouteParameter().Replace(e.Path, m => m.Groups["constraint"].Value.StartsWith(":int", StringComparison.Ordinal)
            ? "1"
            : IdFor(e.Path, world, target).ToString());
        var email = asAdminCredentials ? OrderlyApp.AdminEmail : world.Emails[role];
        var body = BodyFor(e, world, target, role, email);
        try
        {
            var result = await client.SendAsync(new HttpMethod(e.Method), url, body, r =>
            {
                if (e.Method == "PUT")
                {
                    r.Headers.TryAddWithoutValidation("If-Match", "*");
                }
            });
            result.Response.Dispose();
            return (result.Status, result.Body);
        }
        catch (HttpRequestException failed)
        {
            // The server failed after it had started the answer (a streamed body): a server error all the same.
            return (HttpStatusCode.InternalServerError, new JsonObject { ["exception"] = failed.InnerException?.InnerException?.Message ?? failed.Message });
        }
    }

    private static Guid IdFor(string path, World world, Target target) => path switch
    {
        _ when path.StartsWith("/api/customers/", StringComparison.Ordinal) => target.CustomerId,
        _ when path.StartsWith("/api/orders/", StringComparison.Ordinal) => target.OrderId,
        _ when path.StartsWith("/api/products/", StringComparison.Ordinal) => world.ProductId,
        _ when path.StartsWith("/api/warehouses/", StringComparison.Ordinal) => world.WarehouseId,
        _ when path.StartsWith("/api/users/", StringComparison.Ordinal) => target.UserId,
        _ when path.StartsWith("/api/api-keys/", StringComparison.Ordinal) => target.KeyId,
        _ when path.StartsWith("/api/suppliers/", StringComparison.Ordinal) => world.SupplierId,
        _ => Guid.NewGuid(),
    };

    /// <summary>A minimal valid body per write endpoint; an endpoint this table does not know gets "{}".</summary>
    private static object? BodyFor(ApiEndpoint e, World world, Target target, string role, string email)
    {
        var line = new[] { new { productId = world.ProductId, quantity = 1m } };
        return e.Key switch
        {
            "POST /api/auth/token" or "POST /api/auth/login" => new { email, password = OrderlyApp.AdminPassword },
            "POST /api/users" => new { email = $"{TestData.Unique("new")}@matrix.test", password = OrderlyApp.AdminPassword, displayName = "矩阵", roles = SecurityKit.Roles("Viewer") },
            "PUT /api/users/{id}" => new { displayName = "矩阵用户", roles = target.UserRoles, managerId = (Guid?)null },
            "POST /api/users/{id}/reset-password" => new { newPassword = OrderlyApp.AdminPassword },
            "POST /api/api-keys" => new { name = TestData.Unique("key"), roles = SecurityKit.Roles("Viewer") },
            "POST /api/products" => new { sku = TestData.Unique("SKU"), name = "矩阵产品", unit = "pcs", listPrice = 10m },
            "PUT /api/products/{id}" => new { sku = world.ProductSku, name = "矩阵产品", unit = "pcs", listPrice = 100m, minPrice = 80m, cost = 50m },
            "POST /api/customers" => new { code = TestData.Unique("C"), name = "矩阵新客户" },
            "PUT /api/customers/{id}" => new
            {
                code = target.CustomerCode, name = target.CustomerName, ownerUserId = ScopedRoles.Contains(role) ? null : (Guid?)target.OwnerId,
            },
            "POST /api/warehouses" => new { code = TestData.Unique("WH"), name = "矩阵仓库" },
            "PUT /api/warehouses/{id}" => new { code = world.WarehouseCode, name = "矩阵仓库" },
            "POST /api/suppliers" => new { code = TestData.Unique("SUP"), name = "矩阵供应商", leadTimeDays = 5 },
            "PUT /api/suppliers/{id}" => new { code = world.SupplierCode, name = "矩阵供应商", leadTimeDays = 5 },
            "POST /api/inventory/receipts" => new { warehouseId = world.WarehouseId, lines = line },
            "POST /api/orders" or "POST /api/orders/check" => new { customerId = target.CustomerId, lines = line },
            "PUT /api/orders/{id}" => new { customerId = target.CustomerId, lines = new[] { new { productId = world.ProductId, quantity = 2m } } },
            "POST /api/orders/{id}/reject" or "POST /api/orders/{id}/hold" or "POST /api/orders/{id}/cancel" => new { reason = "矩阵测试" },
            "POST /api/orders/{id}/shipments" => new { lines = new[] { new { lineId = target.OrderLineId, quantity = 1m } } },
            "POST /api/orders/{id}/submit" or "POST /api/orders/{id}/approve" or "POST /api/orders/{id}/release"
                or "POST /api/orders/{id}/deliver" or "POST /api/users/{id}/disable" or "POST /api/users/{id}/enable"
                or "POST /api/api-keys/{id}/revoke" or "POST /api/auth/logout" => null,
            _ when e.Method is "POST" or "PUT" or "PATCH" => "{}",
            _ => null,
        };
    }

    /// <summary>
    /// For every role: a user with that role, a customer they own and a draft order for it. Another rep owns
    /// one more customer and order. A spare user and two API keys stand as the "own" and "another's" records
    /// of the user and key routes.
    /// </summary>
    private async Task<World> BuildWorldAsync()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouseCode = TestData.Unique("WH");
        var warehouseId = await data.WarehouseAsync(code: warehouseCode);
        var productSku = TestData.Unique("SKU");
        var productId = (await admin.PostAsync("/api/products", new { sku = productSku, name = "矩阵产品", unit = "pcs", listPrice = 100m, minPrice = 80m, cost = 50m }))
            .Expect(HttpStatusCode.Created).Id();
        await data.ReceiveAsync(warehouseId, productId, 100_000);

        const string spareEmail = "matrix-spare@orderly.test";
        (await app.UserAsync(spareEmail, "Viewer")).Dispose();
        var spareId = await app.UserIdAsync(spareEmail);
        var ownKey = (await admin.PostAsync("/api/api-keys", new { name = "matrix own", roles = ViewerRole })).Expect(HttpStatusCode.Created)["key"]!.Id();
        var otherKey = (await admin.PostAsync("/api/api-keys", new { name = "matrix other", roles = ViewerRole })).Expect(HttpStatusCode.Created)["key"]!.Id();

        var supplierCode = TestData.Unique("SUP");
        var supplierId = (await admin.PostAsync("/api/suppliers", new { code = supplierCode, name = "矩阵供应商", leadTimeDays = 5 }))
            .Expect(HttpStatusCode.Created).Id();

        var world = new World(productId, productSku, warehouseId, warehouseCode, supplierId, supplierCode);
        foreach (var role in MatrixRoles)
        {
            var email = $"matrix-{role.ToLowerInvariant()}@orderly.test";
            world.Emails[role] = email;
            world.Clients[role] = await app.UserAsync(email, role);
            var userId = await app.UserIdAsync(email);
            world.Own[role] = await TargetAsync(admin, $"矩阵客户 {role}", userId, productId, spareId, ViewerRole, ownKey);
        }

        const string otherEmail = "matrix-other-rep@orderly.test";
        (await app.UserAsync(otherEmail, "SalesRep")).Dispose();
        var otherId = await app.UserIdAsync(otherEmail);
        world.Another = await TargetAsync(admin, "矩阵他人客户", otherId, productId, otherId, SalesRepRole, otherKey);
        return world;
    }

    private static async Task<Target> TargetAsync(HttpClient admin, string name, Guid ownerId, Guid productId, Guid userId, string[] userRoles, Guid keyId)
    {
        var customer = await SecurityKit.CustomerAsync(admin, name, ownerId);
        Assert.Equal(ownerId, customer["ownerUserId"]!.GetValue<Guid>());
        var order = await SecurityKit.OrderAsync(admin, customer.Id(), productId);
        return new Target(customer.Id(), customer["code"].Str(), customer["name"].Str(), ownerId, order.Id(), order["lines"]![0]!.Id(), userId, userRoles, keyId);
    }

    private List<ApiEndpoint> Endpoints() =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw == "/api" || raw.StartsWith("/api/", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new ApiEndpoint(
                method,
                e.RoutePattern.RawText!,
                [.. e.Metadata.GetOrderedMetadata<IAuthorizeData>()],
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .DistinctBy(e => e.Key)
            .OrderBy(e => e.Key, StringComparer.Ordinal)];

    private static ClaimsPrincipal Principal(params string[] roles) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

    /// <summary>The permission table of docs/security.md, read from the file.</summary>
    /// <summary>The text of docs/security.md between its permission-table markers.</summary>
    private static string DocumentedPolicyTable()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "security.md")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, "docs", "security.md")).ReplaceLineEndings("\n");
        var start = text.IndexOf(TableStart, StringComparison.Ordinal);
        var end = text.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/security.md has no {TableStart} ... {TableEnd} section");
        return text[(start + TableStart.Length)..end].TrimStart('\n');
    }

    private const string TableStart = "<!-- permission-table:start (generated from the modules; AuthorizationMatrixTests checks it) -->";
    private const string TableEnd = "<!-- permission-table:end -->";

    private static string Short(JsonNode? body)
    {
        var text = body?.ToJsonString() ?? "";
        return text.Length > 200 ? text[..200] + "..." : text;
    }

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<constraint>(:[^}?=]+)*)(=[^}]*)?\??\}")]
    private static partial Regex RouteParameter();

    private sealed record ApiEndpoint(string Method, string Pattern, IReadOnlyList<IAuthorizeData> AuthorizeData, bool AllowsAnonymous)
    {
        /// <summary>The route without a trailing slash, as requests use it.</summary>
        public string Path => Pattern.Length > 1 ? Pattern.TrimEnd('/') : Pattern;

        /// <summary>METHOD and path with every route parameter written {id}.</summary>
        public string Key => $"{Method} {RouteParameter().Replace(Path, "{id}")}";

        public IReadOnlyList<string> Policies => [.. AuthorizeData.Select(d => d.Policy ?? "(none)").Distinct()];

        public bool HasRouteParameters => Path.Contains('{', StringComparison.Ordinal);

        /// <summary>Order entry and its check name a customer in the body, which may be another rep's.</summary>
        public bool TakesCustomerInBody => Key is "POST /api/orders" or "POST /api/orders/check";

        /// <summary>Whether the "another rep's record" column applies: an id in the route or a customer in the body.</summary>
        public bool HasAnotherRecord => HasRouteParameters || TakesCustomerInBody;

        /// <summary>Routes of one customer or order, which the data scope answers with 404 when out of scope.</summary>
        public bool IsScoped => HasRouteParameters
            && (Path.StartsWith("/api/customers/", StringComparison.Ordinal) || Path.StartsWith("/api/orders/", StringComparison.Ordinal));
    }

    private sealed record Target(
        Guid CustomerId, string CustomerCode, string CustomerName, Guid OwnerId, Guid OrderId, Guid OrderLineId,
        Guid UserId, string[] UserRoles, Guid KeyId);

    private sealed class World(Guid productId, string productSku, Guid warehouseId, string warehouseCode, Guid supplierId, string supplierCode)
    {
        public Guid SupplierId { get; } = supplierId;
        public string SupplierCode { get; } = supplierCode;
        public Guid ProductId { get; } = productId;
        public string ProductSku { get; } = productSku;
        public Guid WarehouseId { get; } = warehouseId;
        public string WarehouseCode { get; } = warehouseCode;
        public Dictionary<string, HttpClient> Clients { get; } = [];
        public Dictionary<string, string> Emails { get; } = [];
        public Dictionary<string, Target> Own { get; } = [];
        public Target Another { get; set; } = null!;
    }
}

/// <summary>The full matrix: every role.</summary>
public sealed class AuthorizationMatrixTests_Sqlite(SqliteApp app) : AuthorizationMatrixTests(app), IClassFixture<SqliteApp>
{
    protected override IReadOnlyList<string> MatrixRoles => SecurityKit.AllRoles;
}

/// <summary>A reduced sample on PostgreSQL: the two scoped roles, one holding most policies and one few.</summary>
public sealed class AuthorizationMatrixTests_Postgres(PostgresApp app) : AuthorizationMatrixTests(app), IClassFixture<PostgresApp>
{
    protected override IReadOnlyList<string> MatrixRoles => ["SalesManager", "SalesRep"];
}
