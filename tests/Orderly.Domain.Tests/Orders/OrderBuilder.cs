using Microsoft.Extensions.Time.Testing;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

/// <summary>
/// Short setup for domain tests: products, customers, priced lines and sales orders in any status.
/// Every step of <see cref="Build(OrderStatus)"/> advances <see cref="Clock"/> by an hour, so history rows have distinct times.
/// </summary>
public sealed class OrderBuilder
{
    public const string HoldReason = "Awaiting prepayment";

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 30, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 3, 2);
    public static readonly Guid Clerk = new("0195f3a0-0000-7000-8000-00000000c1e4");
    public static readonly Guid Manager = new("0195f3a0-0000-7000-8000-0000000a9a9e");
    public static readonly Guid CustomerId = new("0195f3a0-0000-7000-8000-0000000c0570");

    private readonly List<(decimal Quantity, decimal UnitPrice, decimal DiscountPercent)> _simpleLines = [];
    private readonly List<PricedLine> _pricedLines = [];
    private string _currency = Currency.Default;

    public OrderBuilder(FakeTimeProvider? clock = null) => Clock = clock ?? new FakeTimeProvider(Start);

    public FakeTimeProvider Clock { get; }

    public DateTimeOffset Now => Clock.GetUtcNow();

    public static Product AProduct(
        string sku = "BOLT-M8",
        decimal listPrice = 12.50m,
        string currency = Currency.Default,
        decimal? minPrice = null,
        bool wholeUnit = true,
        bool active = true,
        string unit = "pcs") =>
        new(new ProductDetails(sku, $"Product {sku}", unit, listPrice, currency, MinPrice: minPrice, IsWholeUnit: wholeUnit, IsActive: active), Start);

    public static Customer ACustomer(
        string code = "C-0001",
        string currency = Currency.Default,
        decimal? creditLimit = null,
        bool active = true,
        bool blocked = false) =>
        new(new CustomerDetails(code, "上海华联贸易有限公司", Currency: currency, CreditLimit: creditLimit, IsActive: active, IsBlocked: blocked), Start);

    /// <summary>A line for <paramref name="product"/> at its list price unless another price is given.</summary>
    public static PricedLine LineOf(Product product, decimal quantity, decimal? unitPrice = null, decimal discountPercent = 0m) =>
        new(product.Id, product.Sku, product.Name, product.Unit, quantity,
            unitPrice is { } price ? new Money(price, product.Currency) : product.ListPrice, product.ListPrice, discountPercent);

    /// <summary>A line for an anonymous product whose list price is the unit price.</summary>
    public static PricedLine LineOf(decimal quantity, Money unitPrice, decimal discountPercent = 0m) =>
        new(Guid.NewGuid(), "SKU", "Anonymous product", "pcs", quantity, unitPrice, unitPrice, discountPercent);

    public OrderBuilder InCurrency(string currency)
    {
        _currency = currency;
        return this;
    }

    public OrderBuilder WithLine(decimal quantity, decimal unitPrice, decimal discountPercent = 0m)
    {
        _simpleLines.Add((quantity, unitPrice, discountPercent));
        return this;
    }

    public OrderBuilder WithLines(IEnumerable<PricedLine> lines)
    {
        _pricedLines.AddRange(lines);
        return this;
    }

    /// <summary>A draft; without lines given it has 10 x 12.50 and 4 x 99.99 (total 524.96 in CNY).</summary>
    public SalesOrder Build()
    {
        var lines = _pricedLines
            .Concat(_simpleLines.Select(l => LineOf(l.Quantity, new Money(l.UnitPrice, _currency), l.DiscountPercent)))
            .ToList();
        if (lines.Count == 0)
        {
            lines = [LineOf(10m, new Money(12.50m, _currency)), LineOf(4m, new Money(99.99m, _currency))];
        }

        return SalesOrder.Create("SO-2026-000123", CustomerId, _currency, Today, null, null, lines, Now, Clerk);
    }

    /// <summary>
    /// An order brought to <paramref name="status"/> through the public methods. Confirmed and OnHold orders have every
    /// line fully reserved; a PartiallyShipped order has shipped half of its first line and keeps the rest reserved.
    /// </summary>
    public SalesOrder Build(OrderStatus status)
    {
        var order = Build();
        switch (status)
        {
            case OrderStatus.Draft:
                break;
            case OrderStatus.PendingApproval:
                order.Submit([ApprovalPolicy.OrderTotalAboveThreshold], Next(), Clerk);
                break;
            case OrderStatus.Confirmed:
                Confirm(order);
                break;
            case OrderStatus.PartiallyShipped:
                Confirm(order);
                order.RecordShipment([(order.Lines[0].Id, order.Lines[0].Quantity / 2)], Next(), Clerk);
                break;
            case OrderStatus.Shipped:
                Confirm(order);
                ShipAllReserved(order, Next());
                break;
            case OrderStatus.Delivered:
                Confirm(order);
                ShipAllReserved(order, Next());
                order.RecordDelivery(Next(), Clerk);
                break;
            case OrderStatus.Cancelled:
                order.Cancel("Customer withdrew the order", Next(), Clerk);
                break;
            case OrderStatus.Rejected:
                order.Submit([ApprovalPolicy.OrderTotalAboveThreshold], Next(), Clerk);
                order.Reject("Margin too low", Next(), Manager);
                break;
            case OrderStatus.OnHold:
                Confirm(order);
                order.Hold(HoldReason, Next(), Manager);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, "No recipe for this status.");
        }

        Clock.Advance(TimeSpan.FromHours(1));
        return order;
    }

    public static void ReserveAll(SalesOrder order)
    {
        foreach (var line in order.Lines)
        {
            var unreserved = line.Quantity - line.Reserved - line.Shipped;
            if (unreserved > 0)
            {
                order.RecordReservation(line.Id, unreserved);
            }
        }
    }

    public static void ShipAllReserved(SalesOrder order, DateTimeOffset at) =>
        order.RecordShipment([.. order.Lines.Where(l => l.Reserved > 0).Select(l => (l.Id, l.Reserved))], at, Clerk);

    private void Confirm(SalesOrder order)
    {
        order.Submit([], Next(), Clerk);
        ReserveAll(order);
    }

    private DateTimeOffset Next()
    {
        Clock.Advance(TimeSpan.FromHours(1));
        return Now;
    }
}
