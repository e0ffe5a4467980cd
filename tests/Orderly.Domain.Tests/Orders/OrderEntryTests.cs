using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using static Orderly.Domain.Tests.Orders.EntryScenario;

namespace Orderly.Domain.Tests.Orders;

/// <summary>The blocking entry rules: each error names its field path and rule code.</summary>
public sealed class OrderEntryTests
{
    private EntryScenario Given { get; } = new();

    [Fact]
    public void Check_CleanOrder_IsValidWithoutWarnings()
    {
        var customer = OrderBuilder.ACustomer(creditLimit: 100_000m);
        var context = Given.Context(customer) with
        {
            UsualQuantities = new Dictionary<Guid, decimal> { [Given.Bolt.Id] = 10m },
            RecentOrders = [new RecentOrder("SO-2026-000041", new Dictionary<Guid, decimal> { [Given.Bolt.Id] = 10m })],
        };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 10m), Line(Given.Cable, 2.5m)), context);

        Assert.True(check.IsValid);
        Assert.Empty(check.Errors);
        Assert.Empty(check.Warnings);
        Assert.Equal("CNY", check.Currency);
        Assert.Equal([Given.Bolt.ListPrice, Given.Cable.ListPrice], check.Lines.Select(l => l.UnitPrice));
        Assert.Equal(new Money(133.00m, "CNY"), check.Total);
    }

    [Fact]
    public void Check_UnknownCustomer_ReportsCustomerId()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m)), Given.Context() with { Customer = null });

        AssertOnlyError(check, "customerId", "UnknownCustomer");
    }

    [Fact]
    public void Check_InactiveCustomer_ReportsInactiveEvenWhenAlsoBlocked()
    {
        var customer = OrderBuilder.ACustomer(active: false, blocked: true);

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m)), Given.Context(customer));

        AssertOnlyError(check, "customerId", "CustomerInactive");
    }

    [Fact]
    public void Check_BlockedCustomer_ReportsBlocked()
    {
        var customer = OrderBuilder.ACustomer(blocked: true);

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m)), Given.Context(customer));

        AssertOnlyError(check, "customerId", "CustomerBlocked");
    }

    [Fact]
    public void Check_UnknownProduct_ReportsThePathOfItsLine()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m), new OrderLineRequest(MissingProductId, 1m)), Given.Context());

        AssertOnlyError(check, "lines[1].productId", "UnknownProduct");
        Assert.Single(check.Lines);
    }

    [Fact]
    public void Check_InactiveProduct_ReportsProductInactive()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m), Line(Given.Retired, 1m)), Given.Context());

        AssertOnlyError(check, "lines[1].productId", "ProductInactive");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Check_QuantityNotPositive_ReportsQuantity(int quantity)
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m), Line(Given.Bolt, quantity)), Given.Context());

        AssertOnlyError(check, "lines[1].quantity", "QuantityNotPositive");
    }

    [Fact]
    public void Check_QuantityAboveTheMaximum_ReportsQuantityTooLarge()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, Quantity.Max + 1)), Given.Context());

        AssertOnlyError(check, "lines[0].quantity", "QuantityTooLarge");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("2.0001")]
    public void Check_FractionalQuantityOfAWholePieceProduct_ReportsFractionalQuantity(string quantity)
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, Dec(quantity))), Given.Context());

        AssertOnlyError(check, "lines[0].quantity", "FractionalQuantity");
    }

    [Fact]
    public void Check_FractionalQuantityOfAMeasuredProduct_IsAccepted()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Cable, 2.125m)), Given.Context());

        Assert.True(check.IsValid);
        Assert.Equal(2.125m, Assert.Single(check.Lines).Quantity);
    }

    [Fact]
    public void Check_QuantityWithMoreThanThreeDecimals_ReportsTooManyDecimals()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Cable, 2.1255m)), Given.Context());

        AssertOnlyError(check, "lines[0].quantity", "TooManyDecimals");
    }

    [Theory]
    [InlineData("9.99")]
    [InlineData("0")]
    public void Check_UnitPriceBelowTheMinimum_ReportsPriceBelowMinimum(string price)
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m, Dec(price))), Given.Context());

        AssertOnlyError(check, "lines[0].unitPrice", "PriceBelowMinimum");
    }

    [Fact]
    public void Check_DiscountTakingTheNetPriceBelowTheMinimum_ReportsPriceBelowMinimum()
    {
        // 12.50 less 20.1% is 9.98875, which rounds to 9.99, one fen under the 10.00 minimum.
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m, discount: 20.1m)), Given.Context());

        AssertOnlyError(check, "lines[0].unitPrice", "PriceBelowMinimum");
    }

    [Fact]
    public void Check_DiscountDownToExactlyTheMinimum_IsAccepted()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m, discount: 20m)), Given.Context());

        Assert.True(check.IsValid);
        Assert.Equal(new Money(10.00m, "CNY"), check.Total);
    }

    [Theory]
    [InlineData("-12.50")]
    [InlineData("12.505")]
    [InlineData("1000000000000.01")]
    public void Check_InvalidUnitPrice_ReportsInvalidPrice(string price)
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m, Dec(price))), Given.Context());

        AssertOnlyError(check, "lines[0].unitPrice", "InvalidPrice");
    }

    [Fact]
    public void Check_OrderCurrencyDifferentFromTheCustomers_ReportsCurrencyMismatch()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Imported, 1m)) with { Currency = "USD" }, Given.Context());

        AssertOnlyError(check, "currency", "CurrencyMismatch");
    }

    [Fact]
    public void Check_ProductPricedInAnotherCurrency_ReportsPriceListCurrency()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m), Line(Given.Imported, 1m)), Given.Context());

        AssertOnlyError(check, "lines[1].productId", "PriceListCurrency");
    }

    [Fact]
    public void Check_UnknownCurrency_ReportsCurrencyAndChecksNoLines()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m)) with { Currency = "XYZ" }, Given.Context());

        AssertOnlyError(check, "currency", "UnknownCurrency");
        Assert.Empty(check.Lines);
    }

    [Fact]
    public void Check_DeliveryDateBeforeToday_ReportsDeliveryDateInPast()
    {
        var request = Given.Request(Line(Given.Bolt, 1m)) with { RequestedDeliveryDate = OrderBuilder.Today.AddDays(-1) };

        var check = OrderEntry.Check(request, Given.Context());

        AssertOnlyError(check, "requestedDeliveryDate", "DeliveryDateInPast");
    }

    [Fact]
    public void Check_DeliveryDateToday_IsAccepted()
    {
        var request = Given.Request(Line(Given.Bolt, 1m)) with { RequestedDeliveryDate = OrderBuilder.Today };

        Assert.True(OrderEntry.Check(request, Given.Context()).IsValid);
    }

    [Fact]
    public void Check_CustomerPoAlreadyUsed_ReportsDuplicateCustomerPo()
    {
        var request = Given.Request(Line(Given.Bolt, 1m)) with { CustomerPo = "PO-2026-0042" };

        var check = OrderEntry.Check(request, Given.Context() with { CustomerPoAlreadyUsed = true });

        AssertOnlyError(check, "customerPo", "DuplicateCustomerPo");
    }

    [Fact]
    public void Check_CustomerPoLongerThanTheLimit_ReportsTooLong()
    {
        var request = Given.Request(Line(Given.Bolt, 1m)) with { CustomerPo = new string('P', SalesOrder.CustomerPoMaxLength + 1) };

        var check = OrderEntry.Check(request, Given.Context());

        AssertOnlyError(check, "customerPo", "TooLong");
    }

    [Fact]
    public void Check_NoLines_ReportsNoLines()
    {
        var check = OrderEntry.Check(Given.Request(), Given.Context());

        AssertOnlyError(check, "lines", "NoLines");
    }

    [Fact]
    public void Check_501Lines_ReportsTooManyLines()
    {
        var lines = Enumerable.Range(0, SalesOrder.MaxLines + 1).Select(_ => Line(Given.Bolt, 1m)).ToArray();

        var check = OrderEntry.Check(Given.Request(lines), Given.Context());

        AssertOnlyError(check, "lines", "TooManyLines");
        Assert.Empty(check.Lines);
    }

    [Fact]
    public void Check_500Lines_IsAccepted()
    {
        var lines = Enumerable.Range(0, SalesOrder.MaxLines).Select(_ => Line(Given.Bolt, 1m)).ToArray();

        var check = OrderEntry.Check(Given.Request(lines), Given.Context());

        Assert.True(check.IsValid);
        Assert.Equal(SalesOrder.MaxLines, check.Lines.Count);
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("100")]
    [InlineData("150")]
    public void Check_DiscountOutOfRange_ReportsDiscountPercent(string discount)
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m, discount: Dec(discount))), Given.Context());

        AssertOnlyError(check, "lines[0].discountPercent", "DiscountOutOfRange");
    }

    [Fact]
    public void Check_SeveralProblems_ReportsEveryOneOfThem()
    {
        var customer = OrderBuilder.ACustomer(blocked: true);
        var request = new OrderRequest(
            customer.Id, null, OrderBuilder.Today.AddDays(-2), "PO-1",
            [Line(Given.Bolt, 0m), new OrderLineRequest(MissingProductId, 1m), Line(Given.Bolt, 1m, discount: 150m), Line(Given.Cable, 1.0001m)]);

        var check = OrderEntry.Check(request, Given.Context(customer) with { CustomerPoAlreadyUsed = true });

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
}
