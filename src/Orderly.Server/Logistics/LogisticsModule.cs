using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Platform;

namespace Orderly.Server.Logistics;

/// <summary>Carriers, tracking through Kuaidi100 (query, subscription push, polling job) and delay detection.</summary>
public sealed class LogisticsModule : IOrderlyModule
{
    public string Name => "Logistics";

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<LogisticsOptions>(LogisticsOptions.Section);
        capability.Services.AddHttpClient<Kuaidi100Client>(c => c.Timeout = TimeSpan.FromSeconds(15));
        capability.Services.AddHttpClient<SfExpressClient>(c => c.Timeout = TimeSpan.FromSeconds(15));
        capability.Services.AddScoped<TrackingService>();
        capability.AddEventHandler<TrackingSubscriber>();
        capability.Services.AddScoped<TrackingQueries>();
        capability.Services.AddOrderlyJob<TrackingJob>(capability.Configuration, TrackingJob.Name, TrackingJob.DefaultSchedule);
    }

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/shipments/late", "LateShipments", Identity.Policies.Read, 280, NavigationGroups.Inventory, MatchPrefix: true),
    ];

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapLogisticsEndpoints();
}
