namespace Orderly.Server.Logistics;

/// <summary>Marker for the shipment tracking pages' own strings (Resources/Logistics/LogisticsLabels.resx).</summary>
public sealed class LogisticsLabels;
