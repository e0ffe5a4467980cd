using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Audit;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Platform;

namespace Orderly.Server.Analytics;

/// <summary>Rollups kept in the order transaction and the dashboards read from them.</summary>
public sealed class AnalyticsModule : IOrderlyModule
{
    public string Name => "Analytics";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/analytics/orders", "AnalyticsOrders", Identity.Policies.ReadAnalytics, 410, Icon: MudBlazor.Icons.Material.Filled.Insights),
        new("/analytics/bottlenecks", "AnalyticsBottlenecks", Identity.Policies.ReadAnalytics, 420, Icon: MudBlazor.Icons.Material.Filled.Timer),
        new("/analytics/customers", "AnalyticsCustomers", Identity.Policies.ReadAnalytics, 430, Icon: MudBlazor.Icons.Material.Filled.Groups),
        new("/analytics/demand", "AnalyticsDemand", AnalyticsPolicies.ReadDemand, 440, Icon: MudBlazor.Icons.Material.Filled.ShowChart),
    ];

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.ReadAnalytics, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.SalesRep, Identity.Roles.Finance],
            "revenue by day and top customers (`/api/analytics/revenue`, `/top-customers`), the order, bottleneck and customer (RFM) analyses (`/api/analytics/orders`, `/bottlenecks`, `/customers/rfm`, `/customers/{id}/preferences`); a rep's figures cover their customers"),
        new(Identity.Policies.ReadCompanyAnalytics, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.Finance],
            "company-wide figures: top products and the order funnel (`/api/analytics/top-products`, `/funnel`)"),
        new(AnalyticsPolicies.ReadDemand, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.Purchasing, Identity.Roles.Warehouse, Identity.Roles.Finance],
            "demand forecasts and their accuracy, inventory analysis (`/api/forecasts`, `/api/analytics/inventory`); product-level, company-wide"),
        new(AnalyticsPolicies.ReadDemandSignals, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.SalesRep, Identity.Roles.Purchasing, Identity.Roles.Warehouse, Identity.Roles.Finance],
            "demand spikes and drops against the forecast (`/api/analytics/demand-signals`); product-level with no customer data, so reps see every product's"),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.Services.AddScoped<AnalyticsQueries>();
        capability.Services.AddScoped<AnalyticsScope>();
        capability.Services.AddScoped<RollupRebuild>();
        capability.Services.AddSingleton<IInterceptor, RollupInterceptor>();
        capability.AddOptions<AnalyticsOptions>(AnalyticsOptions.Section);
        capability.AddOptions<ForecastOptions>(ForecastOptions.Section);
        capability.Services.AddSingleton<OrderFacts>();
        capability.Services.AddSingleton<SalesProjection>();
        capability.Services.AddSingleton<AnalysisDimensions>();
        capability.Services.AddSingleton<CustomerCosts>();
        capability.Services.AddSingleton<RfmWindows>();
        capability.Services.AddSingleton<ForecastCache>();
        capability.Services.AddSingleton<InventoryCache>();
        capability.Services.AddScoped<OrdersAnalysis>();
        capability.Services.AddScoped<Bottlenecks>();
        capability.Services.AddScoped<CustomerAnalysis>();
        capability.Services.AddScoped<InventoryAnalysis>();
        capability.Services.AddScoped<WeeklyDemand>();
        capability.Services.AddScoped<ForecastService>();
        capability.Services.AddScoped<Inventory.IDemandForecastSource, ForecastDemandSource>();
        capability.Services.AddScoped<DemandSignalService>();
        capability.Services.AddScoped<Inventory.IDemandSignalSource>(s => s.GetRequiredService<DemandSignalService>());
        capability.Services.AddOrderlyJob<DemandSignalJob>(capability.Configuration, DemandSignalJob.Name, DemandSignalJob.DefaultSchedule);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapAnalyticsEndpoints();
        app.MapAnalysisEndpoints();
        app.MapForecastEndpoints();
        app.MapAnalyticsExportEndpoints();
        app.MapDemandSignalEndpoints();
    }

    /// <summary>Builds the rollups once for a database that has orders but none yet (e.g. after an upgrade).</summary>
    public Task PrepareAsync(ModuleStart start, CancellationToken ct) => start.Services.GetRequiredService<RollupRebuild>().EnsureAsync(ct);

    public void ConfigureAudit(AuditMap audit) => audit
        .Exclude<DailySalesRow>("rollup derived from audited orders; rebuildable")
        .Exclude<DailyProductSalesRow>("rollup derived from audited orders; rebuildable")
        .Exclude<DailyCustomerSalesRow>("rollup derived from audited orders; rebuildable")
        .Exclude<StatusCountRow>("rollup derived from audited orders; rebuildable")
        .Exclude<StageTimeRow>("rollup derived from audited orders; rebuildable")
        .Exclude<Domain.Analytics.DemandSignal>("written only by the weekly demand-signal job from the demand history, never edited; each is announced by its outbox event");
}
