using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

public static class ReplenishmentSetup
{
    /// <summary>Safety stock, reorder points and stock alerts: options, services and the scheduled job.</summary>
    public static IServiceCollection AddReplenishment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReplenishmentOptions>()
            .Bind(configuration.GetSection(ReplenishmentOptions.Section))
            .Validate(o => o.IsValid(), $"{ReplenishmentOptions.Section} has a value out of range.")
            .ValidateOnStart();
        services.AddScoped<JobLeases>();
        services.AddScoped<ReplenishmentDemand>();
        services.AddScoped<ReplenishmentService>();
        services.AddScoped<StockAlertsService>();
        services.AddHostedService<ReplenishmentJob>();
        return services;
    }
}
