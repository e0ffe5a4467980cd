using System.Globalization;
using Orderly.Domain.Catalog;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

/// <summary>
/// The world an order is entered in: a CNY customer, four products and plenty of stock. Tests vary it with <c>with</c>,
/// e.g. <c>Given.Context() with { CustomerPoAlreadyUsed = true }</c>.
/// </summary>
public sealed class EntryScenario
{
    public static readonly Guid MissingProductId = new("0195f3a0-0000-7000-8000-0000000dead0");

    public Customer Customer { get; } = OrderBuilder.ACustomer();

    /// <summary>Counted in whole pieces; list 12.50, minimum 10.00.</summary>
    public Product Bolt { get; } = OrderBuilder.AProduct("BOLT-M8", listPrice: 12.50m, minPrice: 10.00m);

    /// <summary>Sold by the metre, so fractional quantities are allowed; list 3.20.</summary>
    public Product Cable { get; } = OrderBuilder.AProduct("CABLE-2.5", listPrice: 3.20m, wholeUnit: false, unit: "m");

    public Product Retired { get; } = OrderBuilder.AProduct("OLD-1", active: false);

    /// <summary>Priced in USD, so it cannot go on a CNY order.</summary>
    public Product Imported { get; } = OrderBuilder.AProduct("US-VALVE", listPrice: 40.00m, currency: "USD");

    public EntryContext Context(Customer? customer = null) => new()
    {
        Customer = customer ?? Customer,
        Products = new[] { Bolt, Cable, Retired, Imported }.ToDictionary(p => p.Id),
        Today = OrderBuilder.Today,
        Available = new Dictionary<Guid, decimal> { [Bolt.Id] = 1_000m, [Cable.Id] = 1_000m, [Retired.Id] = 1_000m, [Imported.Id] = 1_000m },
    };

    public OrderRequest Request(params OrderLineRequest[] lines) => new(Customer.Id, null, null, null, lines);

    public static OrderLineRequest Line(Product product, decimal quantity, decimal? unitPrice = null, decimal? discount = null) =>
        new(product.Id, quantity, unitPrice, discount);

    public static RecentOrder Recent(string number, params (Product Product, decimal Quantity)[] lines) =>
        new(number, lines.ToDictionary(l => l.Product.Id, l => l.Quantity));

    public static decimal Dec(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);

    public static decimal? Parse(string? value) => value is null ? null : Dec(value);

    public static void AssertOnlyError(EntryCheck check, string field, string code)
    {
        Assert.False(check.IsValid);
        var error = Assert.Single(check.Errors);
        Assert.Equal((field, code), (error.Field, error.Code));
    }

    public static EntryWarning AssertOnlyWarning(EntryCheck check, string code, string? field)
    {
        var warning = Assert.Single(check.Warnings);
        Assert.Equal((code, field), (warning.Code, warning.Field));
        return warning;
    }
}
