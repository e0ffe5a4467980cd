namespace Orderly.Server.Analytics;

/// <summary>The Analytics capability's own policy names (the dashboards' two are in Identity.Policies, from before modules).</summary>
public static class AnalyticsPolicies
{
    /// <summary>Demand forecasts and inventory analysis: product-level, company-wide figures with no customer in them.</summary>
    public const string ReadDemand = "ReadDemandAnalytics";

    /// <summary>Demand spikes and drops against the forecast: product-level, no customer data, so sales reps see them too.</summary>
    public const string ReadDemandSignals = "ReadDemandSignals";
}
