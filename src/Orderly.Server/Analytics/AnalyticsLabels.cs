namespace Orderly.Server.Analytics;

/// <summary>Marker for the Analytics pages' own strings (Resources/Analytics/AnalyticsLabels.resx).</summary>
public sealed class AnalyticsLabels;
