namespace Orderly.Server.Platform;

/// <summary>
/// Every capability of Orderly, in the order they register. This list is the only place a new capability is
/// named: its module does the rest (services, options, routes, permissions, audit, navigation, event handlers).
/// </summary>
public static class OrderlyModules
{
    public static readonly IReadOnlyList<IOrderlyModule> All =
    [
        new PlatformModule(),
        new Events.EventsModule(),
        new Identity.IdentityModule(),
        new Audit.AuditModule(),
        new Catalog.CatalogModule(),
        new Customers.CustomersModule(),
        new Inventory.InventoryModule(),
        new Orders.OrdersModule(),
        new Allocation.AllocationModule(),
        new Fulfillment.FulfillmentModule(),
        new Purchasing.PurchasingModule(),
        new Logistics.LogisticsModule(),
        new Analytics.AnalyticsModule(),
        new Integration.IntegrationModule(),
        new Communication.CommunicationModule(),
        new Billing.BillingModule(),
        new Documents.DocumentsModule(),
        new Demo.DemoModule(),
        new Ui.UiModule(),
    ];
}
