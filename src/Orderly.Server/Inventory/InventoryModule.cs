using Orderly.Domain.Inventory;
using Orderly.Server.Audit;
using Orderly.Server.Platform;

namespace Orderly.Server.Inventory;

/// <summary>Warehouses, the stock ledger, reservations, stock operations, safety stock and alerts.</summary>
public sealed class InventoryModule : IOrderlyModule
{
    public string Name => "Inventory";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/inventory", "StockByWarehouse", Identity.Policies.Read, 210, NavigationGroups.Inventory),
        new("/inventory/ledger", "StockLedger", Identity.Policies.Read, 220, NavigationGroups.Inventory),
        new("/inventory/alerts", "AlertBoard", Identity.Policies.Read, 230, NavigationGroups.Inventory),
        new("/inventory/receipts", "Receipts", Identity.Policies.ManageStock, 240, NavigationGroups.Inventory),
        new("/inventory/adjustments", "Adjustments", Identity.Policies.ManageStock, 250, NavigationGroups.Inventory),
        new("/inventory/transfers", "Transfers", Identity.Policies.Read, 260, NavigationGroups.Inventory),
        new("/warehouses", "Warehouses", Identity.Policies.Read, 330, NavigationGroups.MasterData),
    ];

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.ManageStock, Name, [Identity.Roles.Admin, Identity.Roles.Warehouse, Identity.Roles.Purchasing],
            "warehouses, receipts, adjustments, counts, transfers and their receive/cancel, stock policies and their recompute, alert evaluation"),
    ];

    public void AddServices(ModuleServices capability)
    {
        var services = capability.Services;
        services.AddScoped<StockService>();
        services.AddScoped<BackorderService>();
        services.AddScoped<StockMovements>();
        services.AddScoped<Availability>();
        services.AddScoped<StockOperations>();
        services.AddScoped<StockReceiving>();
        services.AddScoped<WarehouseService>();
        services.AddScoped<Reordering>();
        services.AddReplenishment(capability.Configuration);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapInventoryEndpoints();
        app.MapStockOperationsEndpoints();
        app.MapReplenishmentEndpoints();
        app.MapStockAlertEndpoints();
    }

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<Warehouse>("Warehouse", w => w.Id)
        .Root<StockPolicy>("StockPolicy", p => p.Id)
        .Owned<SafetyStockResult>("StockPolicy", "lastComputation.")
        .Root<StockReceipt>("StockReceipt", r => r.Id)
        .Owned<StockReceiptLine>("StockReceipt", "lines[{0}].")
        .Root<StockAdjustment>("StockAdjustment", a => a.Id)
        .Owned<StockAdjustmentLine>("StockAdjustment", "lines[{0}].")
        .Root<StockTransfer>("StockTransfer", t => t.Id)
        .Owned<StockTransferLine>("StockTransfer", "lines[{0}].")
        .Exclude<StockBalance>("derived from the ledger, whose entries name their cause")
        .Exclude<StockLedgerEntry>("an immutable ledger of its own; each entry names the document that caused it")
        .Exclude<StockReservation>("reservations follow the audited order lines; the ledger records each")
        .Exclude<StockAlert>("raised and cleared by the alert evaluation from stock figures");
}
