namespace Orderly.Server.Integration;

/// <summary>Marker for the Integration pages' strings (Resources/Integration/IntegrationLabels.resx and .zh-CN.resx).</summary>
public sealed class IntegrationLabels;
