namespace Orderly.Server.Billing;

/// <summary>Marker for Billing's UI strings (Resources/Billing/BillingLabels.resx and .zh-CN.resx).</summary>
public sealed class BillingLabels;
