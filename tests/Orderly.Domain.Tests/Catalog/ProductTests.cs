using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Tests.Orders;

namespace Orderly.Domain.Tests.Catalog;

public sealed class ProductTests
{
    private static readonly ProductDetails Valid = new("BOLT-M8", "Hex bolt M8", "pcs", 12.50m, "CNY", MinPrice: 10.00m, Cost: 6.20m);

    [Fact]
    public void Constructor_WithValidDetails_StoresPricesInMinorUnits()
    {
        var product = new Product(Valid, OrderBuilder.Start);

        Assert.Equal((1250L, 1000L, 620L), (product.ListPriceMinor, product.MinPriceMinor, product.CostMinor));
        Assert.Equal(new Money(12.50m, "CNY"), product.ListPrice);
        Assert.Equal(OrderBuilder.Start, product.CreatedAt);
        Assert.Equal(OrderBuilder.Start, product.UpdatedAt);
        Assert.True(product.IsActive && product.IsWholeUnit);
    }

    [Fact]
    public void Constructor_WithoutMinPrice_UsesTheListPrice()
    {
        var product = new Product(Valid with { MinPrice = null }, OrderBuilder.Start);

        Assert.Equal(product.ListPrice, product.MinPrice);
    }

    [Fact]
    public void Constructor_WithoutCurrency_UsesTheDefault()
    {
        var product = new Product(Valid with { Currency = null }, OrderBuilder.Start);

        Assert.Equal("CNY", product.Currency);
    }

    [Fact]
    public void Constructor_NormalizesNamesToNfc()
    {
        var product = new Product(Valid with { Name = "  Cafe\u0301 grinder " }, OrderBuilder.Start);

        Assert.Equal("Caf\u00e9 grinder", product.Name);
    }

    [Fact]
    public void Constructor_MinPriceAboveListPrice_ReportsMinPrice()
    {
        var error = Assert.Throws<RuleViolationException>(() => new Product(Valid with { MinPrice = 12.51m }, OrderBuilder.Start));

        AssertOnly(error, "minPrice", "MinPriceAboveListPrice");
    }

    [Fact]
    public void Constructor_NegativeMinPrice_ReportsMinPrice()
    {
        var error = Assert.Throws<RuleViolationException>(() => new Product(Valid with { MinPrice = -0.01m }, OrderBuilder.Start));

        AssertOnly(error, "minPrice", "NegativePrice");
    }

    [Fact]
    public void Constructor_NegativeCost_ReportsCost()
    {
        var error = Assert.Throws<RuleViolationException>(() => new Product(Valid with { Cost = -5m }, OrderBuilder.Start));

        AssertOnly(error, "cost", "NegativePrice");
    }

    [Fact]
    public void Constructor_NegativeListPrice_ReportsItAndTheMinPriceDefaultedFromIt()
    {
        var error = Assert.Throws<RuleViolationException>(
            () => new Product(Valid with { ListPrice = -1m, MinPrice = null }, OrderBuilder.Start));

        Assert.Equal([("listPrice", "NegativePrice"), ("minPrice", "NegativePrice")], error.Violations.Select(v => (v.Field, v.Code)));
    }

    [Fact]
    public void Constructor_JpyPriceWithDecimals_ReportsTooManyDecimals()
    {
        var details = new ProductDetails("SAKE-1", "Junmai sake", "btl", 1500.5m, "JPY");

        var error = Assert.Throws<RuleViolationException>(() => new Product(details, OrderBuilder.Start));

        Assert.Contains(error.Violations, v => (v.Field, v.Code) == ("listPrice", "TooManyDecimals"));
    }

    [Fact]
    public void Constructor_WholeYenPrice_IsAccepted()
    {
        var product = new Product(new ProductDetails("SAKE-1", "Junmai sake", "btl", 1500m, "JPY"), OrderBuilder.Start);

        Assert.Equal(1500L, product.ListPriceMinor);
        Assert.Equal(new Money(1500m, "JPY"), product.ListPrice);
    }

    [Fact]
    public void Constructor_KwdPriceWithThreeDecimals_IsAccepted()
    {
        var product = new Product(new ProductDetails("OIL-1", "Lubricant", "l", 1.125m, "KWD", IsWholeUnit: false), OrderBuilder.Start);

        Assert.Equal(1125L, product.ListPriceMinor);
        Assert.False(product.IsWholeUnit);
    }

    [Fact]
    public void Constructor_UnknownCurrency_ReportsCurrency()
    {
        var error = Assert.Throws<RuleViolationException>(() => new Product(Valid with { Currency = "RMB" }, OrderBuilder.Start));

        AssertOnly(error, "currency", "UnknownCurrency");
    }

    [Fact]
    public void Constructor_PriceTooLarge_ReportsOutOfRange()
    {
        var details = Valid with { ListPrice = 1_000_000_000_000.01m };

        var error = Assert.Throws<RuleViolationException>(() => new Product(details, OrderBuilder.Start));

        Assert.Contains(error.Violations, v => (v.Field, v.Code) == ("listPrice", "OutOfRange"));
    }

    [Fact]
    public void Constructor_SeveralProblems_ReportsEachField()
    {
        var details = new ProductDetails("", new string('n', Product.NameMaxLength + 1), "pcs", 10m, "CNY", MinPrice: 12m, Cost: 1.001m);

        var error = Assert.Throws<RuleViolationException>(() => new Product(details, OrderBuilder.Start));

        Assert.Equal(
            [("sku", "Required"), ("name", "TooLong"), ("cost", "TooManyDecimals"), ("minPrice", "MinPriceAboveListPrice")],
            error.Violations.Select(v => (v.Field, v.Code)));
    }

    [Fact]
    public void Constructor_InvalidListPrice_DoesNotAlsoReportMinPriceAboveListPrice()
    {
        var details = Valid with { ListPrice = 12.505m, MinPrice = 10.00m };

        var error = Assert.Throws<RuleViolationException>(() => new Product(details, OrderBuilder.Start));

        AssertOnly(error, "listPrice", "TooManyDecimals");
    }

    [Fact]
    public void Constructor_SkuLengthIsCountedInCharacters()
    {
        var sku = string.Concat(Enumerable.Repeat("货", Product.SkuMaxLength));

        Assert.Equal(sku, new Product(Valid with { Sku = sku }, OrderBuilder.Start).Sku);
        var error = Assert.Throws<RuleViolationException>(() => new Product(Valid with { Sku = sku + "货" }, OrderBuilder.Start));
        AssertOnly(error, "sku", "TooLong");
    }

    [Fact]
    public void Update_WithInvalidDetails_LeavesTheProductUnchanged()
    {
        var product = new Product(Valid, OrderBuilder.Start);

        Assert.Throws<RuleViolationException>(() => product.Update(Valid with { Name = "Renamed", ListPrice = -1m }, OrderBuilder.Start.AddDays(1)));

        Assert.Equal("Hex bolt M8", product.Name);
        Assert.Equal(1250L, product.ListPriceMinor);
        Assert.Equal(OrderBuilder.Start, product.UpdatedAt);
    }

    private static void AssertOnly(RuleViolationException error, string field, string code)
    {
        var violation = Assert.Single(error.Violations);
        Assert.Equal((field, code), (violation.Field, violation.Code));
    }
}
