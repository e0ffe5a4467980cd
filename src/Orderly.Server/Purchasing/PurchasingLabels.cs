namespace Orderly.Server.Purchasing;

/// <summary>Marker for the purchasing pages' own strings (Resources/Purchasing/PurchasingLabels.resx).</summary>
public sealed class PurchasingLabels;
