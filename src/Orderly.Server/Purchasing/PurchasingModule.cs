using Orderly.Domain.Purchasing;
using Orderly.Server.Audit;
using Orderly.Server.Identity;
using Orderly.Server.Inventory;
using Orderly.Server.Platform;

namespace Orderly.Server.Purchasing;

/// <summary>Suppliers and their terms, price lists and scorecards; purchase orders and receipts; the supplier portal.</summary>
public sealed class PurchasingModule : IOrderlyModule
{
    public string Name => "Purchasing";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(PurchasingPolicies.ManagePurchasing, Name, [Roles.Admin, Roles.Purchasing],
            "create, send, confirm, cancel and close purchase orders, create them from suggestions, shipping notices, supplier price lists and preferred suppliers"),
        new(PurchasingPolicies.ApprovePurchaseOrders, Name, [Roles.Admin, Roles.Purchasing, Roles.SalesManager],
            "approve purchase orders within the role's limit (Orderly:Purchasing:ApproverLimits)"),
        new(PurchasingPolicies.ReceivePurchaseOrders, Name, [Roles.Admin, Roles.Purchasing, Roles.Warehouse],
            "receive purchase orders (accepted goods enter stock, rejects do not)"),
        new(PurchasingPolicies.SupplierPortal, Name, [Roles.Supplier],
            "the supplier portal (`/api/portal`): read, confirm, propose dates for and post shipping notices of the caller's own supplier's purchase orders only"),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<PurchasingOptions>(PurchasingOptions.Section);
        var services = capability.Services;
        services.AddScoped<PurchaseOrderService>();
        services.AddScoped<ScorecardService>();
        services.AddScoped<BackorderDates>();
        services.AddScoped<IIncomingSupply, IncomingPurchases>();
        services.AddScoped<PurchasingQueries>();
        services.AddScoped<PurchaseOrderDocument>();
        services.AddScoped<Documents.IDocumentSource>(sp => sp.GetRequiredService<PurchaseOrderDocument>());
    }

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/portal", "SupplierPortal", PurchasingPolicies.SupplierPortal, 10, Icon: MudBlazor.Icons.Material.Filled.Storefront, MatchPrefix: true),
        new("/purchase-orders", "PurchaseOrders", Policies.Read, 270, NavigationGroups.Inventory, MatchPrefix: true),
        new("/suppliers", "Suppliers", Policies.Read, 340, NavigationGroups.MasterData, MatchPrefix: true),
    ];

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapSupplierEndpoints();
        app.MapPurchaseOrderEndpoints();
        app.MapPortalEndpoints();
    }

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<Supplier>("Supplier", s => s.Id)
        .Owned<SupplierProduct>("Supplier", "products[{0}].")
        .Owned<SupplierContact>("Supplier", "contacts[{0}].")
        .Root<SupplierPrice>("SupplierPrice", p => p.Id)
        .Root<PreferredSupplier>("PreferredSupplier", p => p.Id)
        .Root<SupplierUser>("SupplierUser", u => u.UserId)
        .Root<PurchaseOrder>("PurchaseOrder", o => o.Id)
        .Owned<PurchaseOrderLine>("PurchaseOrder", "lines[{0}].")
        .Root<PurchaseReceipt>("PurchaseReceipt", r => r.Id)
        .Owned<PurchaseReceiptLine>("PurchaseReceipt", "lines[{0}].")
        .Root<ShippingNotice>("ShippingNotice", n => n.Id)
        .Owned<ShippingNoticeLine>("ShippingNotice", "lines[{0}].");
}
