using Orderly.Server.Ui;

namespace Orderly.Server.Components.Pages.Orders;

/// <summary>One line as the clerk types it, before the server prices and checks it.</summary>
public sealed class EntryLine(ProductOption product, decimal quantity)
{
    public ProductOption Product { get; } = product;

    public decimal Quantity { get; set; } = quantity;

    public decimal UnitPrice { get; set; } = product.ListPrice;

    public decimal DiscountPercent { get; set; }

    public LineAvailability? Availability { get; set; }

    public decimal Total(int digits) => Math.Round(Quantity * UnitPrice * (1 - (DiscountPercent / 100m)), digits, MidpointRounding.AwayFromZero);
}
