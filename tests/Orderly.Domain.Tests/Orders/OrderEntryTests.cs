using System.Globalization;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

public sealed class OrderEntryTests
{
    private static readonly Guid MissingProductId = new("0195f3a0-0000-7000-8000-0000000dead0");

    private readonly Customer _customer = OrderBuilder.ACustomer();
    private readonly Product _bolt = OrderBuilder.AProduct("BOLT-M8", listPrice: 12.50m, minPrice: 10.00m);
    private readonly Product _cable = OrderBuilder.AProduct("CABLE-2.5", listPrice: 3.20m, wholeUnit: false, unit: "m");
    private readonly Product _retired = OrderBuilder.AProduct("OLD-1", active: false);
    private readonly Product _imported = OrderBuilder.AProduct("US-VALVE", listPrice: 40.00m, currency: "USD");

    [Fact]
    public void Check_CleanOrder_IsValidWithoutWarnings()
    {
        var customer = OrderBuilder.ACustomer(creditLimit: 100_000m);
        var context = Context(customer) with
        {
            UsualQuantities = new Dictionary<Guid, decimal> { [_bolt.Id] = 10m },
            RecentOrders = [new RecentOrder("SO-2026-000041", new Dictionary<Guid, decimal> { [_bolt.Id] = 10m })],
        };

        var check = OrderEntry.Check(Request(Line(_bolt, 10m), Line(_cable, 2.5m)), context);

        Assert.True(check.IsValid);
        Assert.Empty(check.Errors);
        Assert.Empty(check.Warnings);
        Assert.Equal("CNY", check.Currency);
        Assert.Equal([_bolt.ListPrice, _cable.ListPrice], check.Lines.Select(l => l.UnitPrice));
        Assert.Equal(new Money(133.00m, "CNY"), check.Total);
    }

    [Fact]
    public void Check_UnknownCustomer_ReportsCustomerId()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m)), Context() with { Customer = null });

        AssertOnlyError(check, "customerId", "UnknownCustomer");
    }

    [Fact]
    public void Check_InactiveCustomer_ReportsInactiveEvenWhenAlsoBlocked()
    {
        var customer = OrderBuilder.ACustomer(active: false, blocked: true);

        var check = OrderEntry.Check(Request(Line(_bolt, 1m)), Context(customer));

        AssertOnlyError(check, "customerId", "CustomerInactive");
    }

    [Fact]
    public void Check_BlockedCustomer_ReportsBlocked()
    {
        var customer = OrderBuilder.ACustomer(blocked: true);

        var check = OrderEntry.Check(Request(Line(_bolt, 1m)), Context(customer));

        AssertOnlyError(check, "customerId", "CustomerBlocked");
    }

    [Fact]
    public void Check_UnknownProduct_ReportsThePathOfItsLine()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m), new OrderLineRequest(MissingProductId, 1m)), Context());

        AssertOnlyError(check, "lines[1].productId", "UnknownProduct");
        Assert.Single(check.Lines);
    }

    [Fact]
    public void Check_InactiveProduct_ReportsProductInactive()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m), Line(_retired, 1m)), Context());

        AssertOnlyError(check, "lines[1].productId", "ProductInactive");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Check_QuantityNotPositive_ReportsQuantity(int quantity)
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m), Line(_bolt, quantity)), Context());

        AssertOnlyError(check, "lines[1].quantity", "QuantityNotPositive");
    }

    [Fact]
    public void Check_QuantityAboveTheMaximum_ReportsQuantityTooLarge()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, Quantity.Max + 1)), Context());

        AssertOnlyError(check, "lines[0].quantity", "QuantityTooLarge");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("2.0001")]
    public void Check_FractionalQuantityOfAWholePieceProduct_ReportsFractionalQuantity(string quantity)
    {
        var check = OrderEntry.Check(Request(Line(_bolt, Dec(quantity))), Context());

        AssertOnlyError(check, "lines[0].quantity", "FractionalQuantity");
    }

    [Fact]
    public void Check_FractionalQuantityOfAMeasuredProduct_IsAccepted()
    {
        var check = OrderEntry.Check(Request(Line(_cable, 2.125m)), Context());

        Assert.True(check.IsValid);
        Assert.Equal(2.125m, Assert.Single(check.Lines).Quantity);
    }

    [Fact]
    public void Check_QuantityWithMoreThanThreeDecimals_ReportsTooManyDecimals()
    {
        var check = OrderEntry.Check(Request(Line(_cable, 2.1255m)), Context());

        AssertOnlyError(check, "lines[0].quantity", "TooManyDecimals");
    }

    [Theory]
    [InlineData("9.99")]
    [InlineData("0")]
    public void Check_UnitPriceBelowTheMinimum_ReportsPriceBelowMinimum(string price)
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m, Dec(price))), Context());

        AssertOnlyError(check, "lines[0].unitPrice", "PriceBelowMinimum");
    }

    [Fact]
    public void Check_DiscountTakingTheNetPriceBelowTheMinimum_ReportsPriceBelowMinimum()
    {
        // 12.50 less 20.1% is 9.98875, which rounds to 9.99, one fen under the 10.00 minimum.
        var check = OrderEntry.Check(Request(Line(_bolt, 1m, discount: 20.1m)), Context());

        AssertOnlyError(check, "lines[0].unitPrice", "PriceBelowMinimum");
    }

    [Fact]
    public void Check_DiscountDownToExactlyTheMinimum_IsAccepted()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m, discount: 20m)), Context());

        Assert.True(check.IsValid);
        Assert.Equal(new Money(10.00m, "CNY"), check.Total);
    }

    [Theory]
    [InlineData("-12.50")]
    [InlineData("12.505")]
    [InlineData("1000000000000.01")]
    public void Check_InvalidUnitPrice_ReportsInvalidPrice(string price)
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m, Dec(price))), Context());

        AssertOnlyError(check, "lines[0].unitPrice", "InvalidPrice");
    }

    [Fact]
    public void Check_OrderCurrencyDifferentFromTheCustomers_ReportsCurrencyMismatch()
    {
        var check = OrderEntry.Check(Request(Line(_imported, 1m)) with { Currency = "USD" }, Context());

        AssertOnlyError(check, "currency", "CurrencyMismatch");
    }

    [Fact]
    public void Check_ProductPricedInAnotherCurrency_ReportsPriceListCurrency()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m), Line(_imported, 1m)), Context());

        AssertOnlyError(check, "lines[1].productId", "PriceListCurrency");
    }

    [Fact]
    public void Check_UnknownCurrency_ReportsCurrencyAndChecksNoLines()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m)) with { Currency = "XYZ" }, Context());

        AssertOnlyError(check, "currency", "UnknownCurrency");
        Assert.Empty(check.Lines);
    }

    [Fact]
    public void Check_DeliveryDateBeforeToday_ReportsDeliveryDateInPast()
    {
        var request = Request(Line(_bolt, 1m)) with { RequestedDeliveryDate = OrderBuilder.Today.AddDays(-1) };

        var check = OrderEntry.Check(request, Context());

        AssertOnlyError(check, "requestedDeliveryDate", "DeliveryDateInPast");
    }

    [Fact]
    public void Check_DeliveryDateToday_IsAccepted()
    {
        var request = Request(Line(_bolt, 1m)) with { RequestedDeliveryDate = OrderBuilder.Today };

        Assert.True(OrderEntry.Check(request, Context()).IsValid);
    }

    [Fact]
    public void Check_CustomerPoAlreadyUsed_ReportsDuplicateCustomerPo()
    {
        var request = Request(Line(_bolt, 1m)) with { CustomerPo = "PO-2026-0042" };

        var check = OrderEntry.Check(request, Context() with { CustomerPoAlreadyUsed = true });

        AssertOnlyError(check, "customerPo", "DuplicateCustomerPo");
    }

    [Fact]
    public void Check_CustomerPoLongerThanTheLimit_ReportsTooLong()
    {
        var request = Request(Line(_bolt, 1m)) with { CustomerPo = new string('P', SalesOrder.CustomerPoMaxLength + 1) };

        var check = OrderEntry.Check(request, Context());

        AssertOnlyError(check, "customerPo", "TooLong");
    }

    [Fact]
    public void Check_NoLines_ReportsNoLines()
    {
        var check = OrderEntry.Check(Request(), Context());

        AssertOnlyError(check, "lines", "NoLines");
    }

    [Fact]
    public void Check_501Lines_ReportsTooManyLines()
    {
        var lines = Enumerable.Range(0, SalesOrder.MaxLines + 1).Select(_ => Line(_bolt, 1m)).ToArray();

        var check = OrderEntry.Check(Request(lines), Context());

        AssertOnlyError(check, "lines", "TooManyLines");
        Assert.Empty(check.Lines);
    }

    [Fact]
    public void Check_500Lines_IsAccepted()
    {
        var lines = Enumerable.Range(0, SalesOrder.MaxLines).Select(_ => Line(_bolt, 1m)).ToArray();

        var check = OrderEntry.Check(Request(lines), Context());

        Assert.True(check.IsValid);
        Assert.Equal(SalesOrder.MaxLines, check.Lines.Count);
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("100")]
    [InlineData("150")]
    public void Check_DiscountOutOfRange_ReportsDiscountPercent(string discount)
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m, discount: Dec(discount))), Context());

        AssertOnlyError(check, "lines[0].discountPercent", "DiscountOutOfRange");
    }

    [Fact]
    public void Check_SeveralProblems_ReportsEveryOneOfThem()
    {
        var customer = OrderBuilder.ACustomer(blocked: true);
        var request = new OrderRequest(
            customer.Id, null, OrderBuilder.Today.AddDays(-2), "PO-1",
            [Line(_bolt, 0m), new OrderLineRequest(MissingProductId, 1m), Line(_bolt, 1m, discount: 150m), Line(_cable, 1.0001m)]);

        var check = OrderEntry.Check(request, Context(customer) with { CustomerPoAlreadyUsed = true });

        Assert.Equal(
            [
                ("customerId", "CustomerBlocked"),
                ("requestedDeliveryDate", "DeliveryDateInPast"),
                ("customerPo", "DuplicateCustomerPo"),
                ("lines[0].quantity", "QuantityNotPositive"),
                ("lines[1].productId", "UnknownProduct"),
                ("lines[2].discountPercent", "DiscountOutOfRange"),
                ("lines[3].quantity", "TooManyDecimals"),
            ],
            check.Errors.Select(e => (e.Field, e.Code)));
        Assert.Empty(check.Lines);
    }

    [Fact]
    public void Check_QuantityOverFiveTimesTheUsual_WarnsQuantityAboveUsual()
    {
        var context = Context() with { UsualQuantities = new Dictionary<Guid, decimal> { [_bolt.Id] = 10m } };

        var check = OrderEntry.Check(Request(Line(_bolt, 51m)), context);

        Assert.True(check.IsValid);
        AssertOnlyWarning(check, "QuantityAboveUsual", "lines[0].quantity");
    }

    [Fact]
    public void Check_QuantityAtExactlyFiveTimesTheUsual_DoesNotWarn()
    {
        var context = Context() with { UsualQuantities = new Dictionary<Guid, decimal> { [_bolt.Id] = 10m } };

        var check = OrderEntry.Check(Request(Line(_bolt, 50m)), context);

        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void Check_SameProductsAndQuantitiesAsARecentOrder_WarnsProbableDuplicate()
    {
        var context = Context() with { RecentOrders = [Recent("SO-2026-000041", (_bolt, 10m), (_cable, 2.5m))] };

        var check = OrderEntry.Check(Request(Line(_cable, 2.5m), Line(_bolt, 10m)), context);

        var warning = AssertOnlyWarning(check, "ProbableDuplicate", null);
        Assert.Contains("SO-2026-000041", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SameProductSplitOverTwoLines_StillWarnsProbableDuplicate()
    {
        var context = Context() with { RecentOrders = [Recent("SO-2026-000041", (_bolt, 10m))] };

        var check = OrderEntry.Check(Request(Line(_bolt, 6m), Line(_bolt, 4m)), context);

        AssertOnlyWarning(check, "ProbableDuplicate", null);
    }

    [Fact]
    public void Check_OneQuantityDifferentFromTheRecentOrder_DoesNotWarnProbableDuplicate()
    {
        var context = Context() with { RecentOrders = [Recent("SO-2026-000041", (_bolt, 10m), (_cable, 2.5m))] };

        var check = OrderEntry.Check(Request(Line(_bolt, 10m), Line(_cable, 3m)), context);

        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void Check_RecentOrderWithAnExtraProduct_DoesNotWarnProbableDuplicate()
    {
        var context = Context() with { RecentOrders = [Recent("SO-2026-000041", (_bolt, 10m), (_cable, 2.5m))] };

        var check = OrderEntry.Check(Request(Line(_bolt, 10m)), context);

        Assert.Empty(check.Warnings);
    }

    [Theory]
    [InlineData("13.00", null, "above")]
    [InlineData("11.00", null, "below")]
    [InlineData(null, "5", "below")]
    public void Check_PriceOffTheList_WarnsPriceOffList(string? price, string? discount, string direction)
    {
        var line = Line(_bolt, 1m, Parse(price), Parse(discount));

        var check = OrderEntry.Check(Request(line), Context());

        Assert.True(check.IsValid);
        var warning = AssertOnlyWarning(check, "PriceOffList", "lines[0].unitPrice");
        Assert.Contains($" is {direction} the list price", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ListPriceTypedWithExtraZeros_DoesNotWarnPriceOffList()
    {
        var check = OrderEntry.Check(Request(Line(_bolt, 1m, 12.500m)), Context());

        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void Check_QuantityAboveAvailableStock_WarnsStockShortWithTheBackorder()
    {
        var context = Context() with { Available = new Dictionary<Guid, decimal> { [_bolt.Id] = 5m } };

        var check = OrderEntry.Check(Request(Line(_bolt, 6m)), context);

        Assert.True(check.IsValid);
        var warning = AssertOnlyWarning(check, "StockShort", "lines[0].quantity");
        Assert.Contains("1 will be backordered", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_QuantityEqualToAvailableStock_DoesNotWarnStockShort()
    {
        var context = Context() with { Available = new Dictionary<Guid, decimal> { [_bolt.Id] = 6m } };

        Assert.Empty(OrderEntry.Check(Request(Line(_bolt, 6m)), context).Warnings);
    }

    [Fact]
    public void Check_NegativeAvailableStock_BackordersTheWholeQuantity()
    {
        var context = Context() with { Available = new Dictionary<Guid, decimal> { [_bolt.Id] = -3m } };

        var check = OrderEntry.Check(Request(Line(_bolt, 6m)), context);

        var warning = AssertOnlyWarning(check, "StockShort", "lines[0].quantity");
        Assert.Contains("6 will be backordered", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SameProductOnTwoLinesExceedingStockTogether_WarnsStockShort()
    {
        var context = Context() with { Available = new Dictionary<Guid, decimal> { [_bolt.Id] = 10m } };

        var check = OrderEntry.Check(Request(Line(_bolt, 6m), Line(_bolt, 6m)), context);

        Assert.Contains(check.Warnings, w => w.Code == "StockShort");
    }

    [Theory]
    [InlineData(77_500, "CreditNearLimit")]
    [InlineData(87_500, "CreditNearLimit")]
    [InlineData(87_501, "CreditOverLimit")]
    public void Check_ExposureNearOrOverTheCreditLimit_Warns(long openExposureMinor, string code)
    {
        // The order itself is 10 x 12.50 = 125.00 against a limit of 1 000.00.
        var customer = OrderBuilder.ACustomer(creditLimit: 1_000m);
        var context = Context(customer) with { OpenExposureMinor = openExposureMinor };

        var check = OrderEntry.Check(Request(Line(_bolt, 10m)), context);

        Assert.True(check.IsValid);
        AssertOnlyWarning(check, code, null);
    }

    [Fact]
    public void Check_ExposureJustUnderNinetyPercentOfTheLimit_DoesNotWarn()
    {
        var customer = OrderBuilder.ACustomer(creditLimit: 1_000m);
        var context = Context(customer) with { OpenExposureMinor = 77_499 };

        Assert.Empty(OrderEntry.Check(Request(Line(_bolt, 10m)), context).Warnings);
    }

    [Fact]
    public void Check_CustomerWithoutCreditLimit_NeverWarnsCredit()
    {
        var context = Context() with { OpenExposureMinor = 9_000_000_000 };

        Assert.Empty(OrderEntry.Check(Request(Line(_bolt, 10m)), context).Warnings);
    }

    [Fact]
    public void Check_WithErrors_SkipsOrderLevelWarnings()
    {
        var customer = OrderBuilder.ACustomer(creditLimit: 100m);
        var context = Context(customer) with { RecentOrders = [Recent("SO-2026-000041", (_bolt, 10m))] };

        var check = OrderEntry.Check(Request(Line(_bolt, 10m)) with { RequestedDeliveryDate = OrderBuilder.Today.AddDays(-1) }, context);

        Assert.False(check.IsValid);
        Assert.DoesNotContain(check.Warnings, w => w.Code is "ProbableDuplicate" or "CreditOverLimit");
    }

    private EntryContext Context(Customer? customer = null) => new()
    {
        Customer = customer ?? _customer,
        Products = new[] { _bolt, _cable, _retired, _imported }.ToDictionary(p => p.Id),
        Today = OrderBuilder.Today,
        Available = new Dictionary<Guid, decimal> { [_bolt.Id] = 1_000m, [_cable.Id] = 1_000m, [_retired.Id] = 1_000m, [_imported.Id] = 1_000m },
    };

    private OrderRequest Request(params OrderLineRequest[] lines) => new(_customer.Id, null, null, null, lines);

    private static OrderLineRequest Line(Product product, decimal quantity, decimal? unitPrice = null, decimal? discount = null) =>
        new(product.Id, quantity, unitPrice, discount);

    private static RecentOrder Recent(string number, params (Product Product, decimal Quantity)[] lines) =>
        new(number, lines.ToDictionary(l => l.Product.Id, l => l.Quantity));

    private static decimal Dec(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);

    private static decimal? Parse(string? value) => value is null ? null : Dec(value);

    private static void AssertOnlyError(EntryCheck check, string field, string code)
    {
        Assert.False(check.IsValid);
        var error = Assert.Single(check.Errors);
        Assert.Equal((field, code), (error.Field, error.Code));
    }

    private static EntryWarning AssertOnlyWarning(EntryCheck check, string code, string? field)
    {
        var warning = Assert.Single(check.Warnings);
        Assert.Equal((code, field), (warning.Code, warning.Field));
        return warning;
    }
}
