using Microsoft.Extensions.Options;
using Orderly.Domain.Integration;
using Orderly.Server.Audit;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Platform;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Integration;

/// <summary>
/// Orderly's ties to outside systems: file imports and exports, the event sinks configured by the operator, and
/// the CRM and ERP connectors.
/// </summary>
public sealed class IntegrationModule : IOrderlyModule
{
    public string Name => "Integration";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(IntegrationPolicies.Import, Name,
            [Roles.Admin, Roles.SalesManager, Roles.SalesRep, Roles.Finance, Roles.Purchasing, Roles.Warehouse],
            "upload, commit and cancel imports and read one's own (state, error report, templates); each kind also needs the permission that manages its data (products, prices and suppliers: ManageCatalog; customers: ManageCustomers; stock: ManageStock)"),
        new(IntegrationPolicies.ManageConnectors, Name, [Roles.Admin], "configure, test and sync the CRM and ERP connectors; read the connectors' settings and sync log"),
    ];

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/integration/imports", "Imports", IntegrationPolicies.Import, 380, NavigationGroups.MasterData),
        new("/integration/connectors", "Connectors", IntegrationPolicies.ManageConnectors, 390, NavigationGroups.MasterData),
        new("/integration/connectors/mappings", "ConnectorMappings", IntegrationPolicies.ManageConnectors, 391, NavigationGroups.MasterData),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<EventSinkOptions>(EventSinkOptions.Section);
        capability.AddOptions<ImportOptions>(ImportOptions.Section);
        capability.Services.AddHttpClient(nameof(HttpEventSink));
        capability.Services.AddSingleton<ImportJobs>();
        capability.Services.AddSingleton<CheckedRows>();
        capability.Services.AddScoped<ImportRunner>();
        capability.Services.AddScoped<ImportService>();
        capability.Services.AddHostedService<ImportWorker>();
        capability.Services.AddExportLists();
        capability.AddOptions<ConnectorRetryOptions>(ConnectorRetryOptions.Section);
        capability.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ConnectorRetryOptions>>().Value);
        capability.Services.AddSingleton<ConnectorTokenCache>();
        capability.Services.AddScoped<ConnectorService>();
        capability.Services.AddScoped<ConnectorInbound>();
        capability.Services.AddScoped<ConnectorPushes>();
        capability.Services.AddOrderlyJob<ConnectorSyncJob>(capability.Configuration, ConnectorSyncJob.Name, ConnectorSyncJob.DefaultSchedule);
        capability.Services.AddScoped<ErpStocks>();
        capability.Services.AddScoped<ZohoChannels>();
        capability.Services.AddOrderlyJob<ConnectorChannelJob>(capability.Configuration, ConnectorChannelJob.Name, ConnectorChannelJob.DefaultSchedule);
        // Sessions (Kingdee's cookie) are the client's to carry per tenant, never a handler-wide cookie jar shared by connectors.
        capability.Services.AddHttpClient("connectors").ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false });
        foreach (var kind in ConnectorKinds.All)
        {
            // One subscriber per connector, each with its own inbox name: a vendor that is down never holds back the others.
            capability.Services.AddScoped<IEventSubscriber>(sp => ActivatorUtilities.CreateInstance<ConnectorOrderPush>(sp, kind));
            capability.Services.AddScoped<IEventSubscriber>(sp => ActivatorUtilities.CreateInstance<ConnectorPushSync>(sp, kind));
        }
        // One handler per configured sink, each with its own inbox name, so a slow or failing sink never
        // re-sends to the others.
        var sinks = capability.Configuration.GetSection(EventSinkOptions.Section).Get<EventSinkOptions>()?.EventSinks ?? [];
        for (var i = 0; i < sinks.Count; i++)
        {
            var index = i;
            capability.Services.AddScoped<IEventSubscriber>(sp => new HttpEventSink(
                sp.GetRequiredService<IOptions<EventSinkOptions>>().Value.EventSinks[index], sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapImportEndpoints();
        app.MapExportEndpoints();
        app.MapConnectorEndpoints();
        app.MapConnectorPushEndpoints();
    }

    public void ConfigureAudit(AuditMap audit) => audit
        .Exclude<ImportJob>("the bookkeeping of a file import; every row it writes is audited on its own entity")
        .Exclude<ImportFileChunk>("the uploaded file itself, kept only so any node can run the import")
        .Exclude<ImportRowError>("the refused rows of an import run, replaced by the next run")
        .Exclude<ConnectorConfig>("holds the encrypted connector secrets, which must not be copied into the audit trail; changes to connector settings are not audited yet (see issue #16)")
        .Exclude<ExternalLink>("the external-id map of the connectors; the records it links are audited on their own entities")
        .Exclude<ConnectorPush>("the record of vendor pushes accepted, kept to drop the vendor's repeats; what they change is audited on its own entities")
        .Exclude<SyncLogEntry>("the connectors' sync log is itself a log of outcomes")
        .Exclude<SyncCursor>("where a connector's keyset sweep got to; the records it applies are audited on their own entities")
        .Exclude<ErpStockSnapshot>("a read of the ERP's stock kept for the reconciliation report; it changes nothing of Orderly's stock")
        .Exclude<ErpStockLevel>("the ERP's stock figures of a snapshot, replaced by the next read; Orderly's ledger is not touched")
        .Exclude<ConnectorChannel>("the vendor's notification channel and its expiry, renewed by a job; each renewal is in the sync log");
}
