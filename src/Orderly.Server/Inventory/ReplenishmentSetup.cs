using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Scheduling;

namespace Orderly.Server.Inventory;

public static class ReplenishmentSetup
{
    /// <summary>Safety stock, reorder points and stock alerts: options, services and the scheduled job.</summary>
    public static IServiceCollection AddReplenishment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReplenishmentOptions>()
            .Bind(configuration.GetSection(ReplenishmentOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<JobLeases>();
        services.AddScoped<ReplenishmentDemand>();
        services.AddScoped<ReplenishmentService>();
        services.AddScoped<StockAlertsService>();
        services.AddOrderlyJob<ReplenishmentJob>(configuration, ReplenishmentJob.Name, ReplenishmentJob.DefaultSchedule);
        return services;
    }
}
