using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Purchasing;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// The portal pages read through <see cref="PurchasingQueries"/>, not the portal API: the same guarantees, tested on
/// their own. A supplier's login lists and opens its own sent purchase orders only, without our list prices; another
/// supplier's order, or a draft of its own, reads as nothing; a Supplier login tied to no supplier is refused.
/// </summary>
public abstract class PortalQueriesTests(SupplyApp app)
{
    [Fact]
    public async Task PortalQueries_ShowTheCallersSuppliersSentOrdersOnly_WithoutListPrices()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var mine = await SupplierAsync(admin, product);
        var theirs = await SupplierAsync(admin, product);
        (await admin.PutAsync($"/api/suppliers/{mine}/prices", new { prices = new[] { new { productId = product, minQuantity = 0m, unitPrice = 8m } } }, ifMatch: null))
            .Expect(HttpStatusCode.OK);
        var sent = await PurchaseOrderAsync(admin, mine, warehouse, product, send: true);
        var draft = await PurchaseOrderAsync(admin, mine, warehouse, product, send: false);
        var other = await PurchaseOrderAsync(admin, theirs, warehouse, product, send: true);
        var (userId, client) = await app.PersonAsync($"{TestData.Unique("q")}@supplier.test", "Supplier");
        client.Dispose();
        var (loneId, lone) = await app.PersonAsync($"{TestData.Unique("lone")}@supplier.test", "Supplier");
        lone.Dispose();
        (await admin.PostAsync($"/api/suppliers/{mine}/users", new { userId })).Expect(HttpStatusCode.NoContent);

        var (list, own, foreign, drafted) = await AsAsync(userId, async q => (
            await q.PortalOrdersAsync(0, 50, CancellationToken.None), await q.PortalOrderAsync(sent, CancellationToken.None),
            await q.PortalOrderAsync(other, CancellationToken.None), await q.PortalOrderAsync(draft, CancellationToken.None)));
        Assert.Equal([sent], list.Items.Select(r => r.Id));
        Assert.Equal(1, list.Total);
        Assert.NotNull(own);
        Assert.Null(own.Detail.Order.Lines[0].ListPrice);
        Assert.Null(own.Detail.Order.SalesOrderId);
        Assert.Equal(8m, own.Detail.Order.Lines[0].UnitPrice);
        Assert.Null(foreign);
        Assert.Null(drafted);

        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(loneId, q => q.PortalOrdersAsync(0, 50, CancellationToken.None)));
    }

    private async Task<T> AsAsync<T>(Guid userId, Func<PurchasingQueries, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString()), new Claim(ClaimTypes.Role, Roles.Supplier)], "test"));
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(user);
        return await work(scope.ServiceProvider.GetRequiredService<PurchasingQueries>());
    }

    private static async Task<Guid> SupplierAsync(HttpClient admin, Guid product) =>
        (await admin.PostAsync("/api/suppliers", new { code = TestData.Unique("SUP"), name = "供应商 " + TestData.Unique("n"), leadTimeDays = 5, products = new[] { new { productId = product, dropShip = false } } }))
            .Expect(HttpStatusCode.Created).Id();

    private static async Task<Guid> PurchaseOrderAsync(HttpClient admin, Guid supplierId, Guid warehouse, Guid product, bool send)
    {
        var id = (await admin.PostAsync("/api/purchase-orders", new { supplierId, warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 5m, unitPrice = 8m } } }))
            .Expect(HttpStatusCode.Created).Id();
        if (send)
        {
            (await admin.PostAsync($"/api/purchase-orders/{id}/approve")).Expect(HttpStatusCode.OK);
            (await admin.PostAsync($"/api/purchase-orders/{id}/send")).Expect(HttpStatusCode.OK);
        }

        return id;
    }
}

public sealed class PortalQueriesTests_Sqlite(SupplySqliteApp app) : PortalQueriesTests(app), IClassFixture<SupplySqliteApp>;

public sealed class PortalQueriesTests_Postgres(SupplyPostgresApp app) : PortalQueriesTests(app), IClassFixture<SupplyPostgresApp>;
