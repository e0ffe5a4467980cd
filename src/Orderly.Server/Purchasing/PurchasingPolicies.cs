namespace Orderly.Server.Purchasing;

/// <summary>The authorization policies the Purchasing capability declares (<see cref="PurchasingModule.Permissions"/>).</summary>
public static class PurchasingPolicies
{
    public const string ManagePurchasing = "ManagePurchasing";
    public const string ApprovePurchaseOrders = "ApprovePurchaseOrders";
    public const string ReceivePurchaseOrders = "ReceivePurchaseOrders";
    public const string SupplierPortal = "SupplierPortal";
}
