using Orderly.Domain.Orders;
using static Orderly.Domain.Tests.Orders.EntryScenario;

namespace Orderly.Domain.Tests.Orders;

/// <summary>The non-blocking entry remarks: the order stays valid and the clerk sees each warning.</summary>
public sealed class OrderEntryWarningTests
{
    private EntryScenario Given { get; } = new();

    [Fact]
    public void Check_QuantityOverFiveTimesTheUsual_WarnsQuantityAboveUsual()
    {
        var context = Given.Context() with { UsualQuantities = new Dictionary<Guid, decimal> { [Given.Bolt.Id] = 10m } };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 51m)), context);

        Assert.True(check.IsValid);
        AssertOnlyWarning(check, "QuantityAboveUsual", "lines[0].quantity");
    }

    [Fact]
    public void Check_QuantityAtExactlyFiveTimesTheUsual_DoesNotWarn()
    {
        var context = Given.Context() with { UsualQuantities = new Dictionary<Guid, decimal> { [Given.Bolt.Id] = 10m } };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 50m)), context);

        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void Check_SameProductsAndQuantitiesAsARecentOrder_WarnsProbableDuplicate()
    {
        var context = Given.Context() with { RecentOrders = [Recent("SO-2026-000041", (Given.Bolt, 10m), (Given.Cable, 2.5m))] };

        var check = OrderEntry.Check(Given.Request(Line(Given.Cable, 2.5m), Line(Given.Bolt, 10m)), context);

        var warning = AssertOnlyWarning(check, "ProbableDuplicate", null);
        Assert.Contains("SO-2026-000041", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SameProductSplitOverTwoLines_StillWarnsProbableDuplicate()
    {
        var context = Given.Context() with { RecentOrders = [Recent("SO-2026-000041", (Given.Bolt, 10m))] };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 6m), Line(Given.Bolt, 4m)), context);

        AssertOnlyWarning(check, "ProbableDuplicate", null);
    }

    [Fact]
    public void Check_OneQuantityDifferentFromTheRecentOrder_DoesNotWarnProbableDuplicate()
    {
        var context = Given.Context() with { RecentOrders = [Recent("SO-2026-000041", (Given.Bolt, 10m), (Given.Cable, 2.5m))] };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 10m), Line(Given.Cable, 3m)), context);

        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void Check_RecentOrderWithAnExtraProduct_DoesNotWarnProbableDuplicate()
    {
        var context = Given.Context() with { RecentOrders = [Recent("SO-2026-000041", (Given.Bolt, 10m), (Given.Cable, 2.5m))] };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 10m)), context);

        Assert.Empty(check.Warnings);
    }

    [Theory]
    [InlineData("13.00", null, "above")]
    [InlineData("11.00", null, "below")]
    [InlineData(null, "5", "below")]
    public void Check_PriceOffTheList_WarnsPriceOffList(string? price, string? discount, string direction)
    {
        var line = Line(Given.Bolt, 1m, Parse(price), Parse(discount));

        var check = OrderEntry.Check(Given.Request(line), Given.Context());

        Assert.True(check.IsValid);
        var warning = AssertOnlyWarning(check, "PriceOffList", "lines[0].unitPrice");
        Assert.Contains($" is {direction} the list price", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ListPriceTypedWithExtraZeros_DoesNotWarnPriceOffList()
    {
        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 1m, 12.500m)), Given.Context());

        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void Check_QuantityAboveAvailableStock_WarnsStockShortWithTheBackorder()
    {
        var context = Given.Context() with { Available = new Dictionary<Guid, decimal> { [Given.Bolt.Id] = 5m } };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 6m)), context);

        Assert.True(check.IsValid);
        var warning = AssertOnlyWarning(check, "StockShort", "lines[0].quantity");
        Assert.Contains("1 will be backordered", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_QuantityEqualToAvailableStock_DoesNotWarnStockShort()
    {
        var context = Given.Context() with { Available = new Dictionary<Guid, decimal> { [Given.Bolt.Id] = 6m } };

        Assert.Empty(OrderEntry.Check(Given.Request(Line(Given.Bolt, 6m)), context).Warnings);
    }

    [Fact]
    public void Check_NegativeAvailableStock_BackordersTheWholeQuantity()
    {
        var context = Given.Context() with { Available = new Dictionary<Guid, decimal> { [Given.Bolt.Id] = -3m } };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 6m)), context);

        var warning = AssertOnlyWarning(check, "StockShort", "lines[0].quantity");
        Assert.Contains("6 will be backordered", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SameProductOnTwoLinesExceedingStockTogether_WarnsStockShort()
    {
        var context = Given.Context() with { Available = new Dictionary<Guid, decimal> { [Given.Bolt.Id] = 10m } };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 6m), Line(Given.Bolt, 6m)), context);

        var warning = AssertOnlyWarning(check, "StockShort", "lines[1].quantity");
        Assert.Contains("12 ordered; 2 will be backordered", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(77_500, "CreditNearLimit")]
    [InlineData(87_500, "CreditNearLimit")]
    [InlineData(87_501, "CreditOverLimit")]
    public void Check_ExposureNearOrOverTheCreditLimit_Warns(long openExposureMinor, string code)
    {
        // The order itself is 10 x 12.50 = 125.00 against a limit of 1 000.00.
        var customer = OrderBuilder.ACustomer(creditLimit: 1_000m);
        var context = Given.Context(customer) with { OpenExposureMinor = openExposureMinor };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 10m)), context);

        Assert.True(check.IsValid);
        AssertOnlyWarning(check, code, null);
    }

    [Fact]
    public void Check_ExposureJustUnderNinetyPercentOfTheLimit_DoesNotWarn()
    {
        var customer = OrderBuilder.ACustomer(creditLimit: 1_000m);
        var context = Given.Context(customer) with { OpenExposureMinor = 77_499 };

        Assert.Empty(OrderEntry.Check(Given.Request(Line(Given.Bolt, 10m)), context).Warnings);
    }

    [Fact]
    public void Check_CustomerWithoutCreditLimit_NeverWarnsCredit()
    {
        var context = Given.Context() with { OpenExposureMinor = 9_000_000_000 };

        Assert.Empty(OrderEntry.Check(Given.Request(Line(Given.Bolt, 10m)), context).Warnings);
    }

    [Fact]
    public void Check_WithErrors_SkipsOrderLevelWarnings()
    {
        var customer = OrderBuilder.ACustomer(creditLimit: 100m);
        var context = Given.Context(customer) with { RecentOrders = [Recent("SO-2026-000041", (Given.Bolt, 10m))] };

        var check = OrderEntry.Check(Given.Request(Line(Given.Bolt, 10m)) with { RequestedDeliveryDate = OrderBuilder.Today.AddDays(-1) }, context);

        Assert.False(check.IsValid);
        Assert.DoesNotContain(check.Warnings, w => w.Code is "ProbableDuplicate" or "CreditOverLimit");
    }
}
