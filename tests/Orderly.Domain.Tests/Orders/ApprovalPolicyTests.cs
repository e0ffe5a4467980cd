using Orderly.Domain.Common;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

public sealed class ApprovalPolicyTests
{
    private static readonly ApprovalRules Rules = new();

    [Fact]
    public void ReasonsFor_OrdinaryOrder_IsEmpty()
    {
        var order = new OrderBuilder().WithLine(10m, 100m, discountPercent: 10m).Build();

        Assert.Empty(ApprovalPolicy.ReasonsFor(order, Rules, otherOpenExposureMinor: 0, new Money(100_000m, "CNY")));
    }

    [Theory]
    [InlineData("CNY", "200000.01", true)]
    [InlineData("CNY", "200000.00", false)]
    [InlineData("USD", "30000.01", true)]
    [InlineData("USD", "30000.00", false)]
    public void ReasonsFor_TotalAboveTheCurrencysThreshold_NamesOrderTotalAboveThreshold(string currency, string total, bool expected)
    {
        var order = new OrderBuilder().InCurrency(currency).WithLine(1m, Dec(total)).Build();

        var reasons = ApprovalPolicy.ReasonsFor(order, Rules, 0, creditLimit: null);

        Assert.Equal(expected ? [ApprovalPolicy.OrderTotalAboveThreshold] : [], reasons);
    }

    [Theory]
    [InlineData("JPY", "999999999")]
    [InlineData("KWD", "999999.999")]
    public void ReasonsFor_CurrencyWithoutThreshold_NeverNamesTheTotal(string currency, string total)
    {
        var order = new OrderBuilder().InCurrency(currency).WithLine(1m, Dec(total)).Build();

        Assert.Empty(ApprovalPolicy.ReasonsFor(order, Rules, 0, creditLimit: null));
    }

    [Fact]
    public void ReasonsFor_ThresholdConfiguredForAnotherCurrency_AppliesInThatCurrency()
    {
        var rules = new ApprovalRules { OrderTotalAbove = new() { ["JPY"] = 5_000_000m } };
        var order = new OrderBuilder().InCurrency("JPY").WithLine(2m, 2_500_001m).Build();

        Assert.Equal([ApprovalPolicy.OrderTotalAboveThreshold], ApprovalPolicy.ReasonsFor(order, rules, 0, null));
    }

    [Theory]
    [InlineData("10", false)]
    [InlineData("10.01", true)]
    [InlineData("35", true)]
    public void ReasonsFor_LineDiscountAboveTheLimit_NamesDiscountNeedsApproval(string discount, bool expected)
    {
        var order = new OrderBuilder().WithLine(1m, 50m).WithLine(2m, 80m, Dec(discount)).Build();

        var reasons = ApprovalPolicy.ReasonsFor(order, Rules, 0, null);

        Assert.Equal(expected ? [ApprovalPolicy.DiscountNeedsApproval] : [], reasons);
    }

    [Theory]
    [InlineData(40_000, false)]
    [InlineData(40_001, true)]
    public void ReasonsFor_OpenOrdersPlusThisOneOverTheCreditLimit_NamesCreditLimitExceeded(long otherOpenMinor, bool expected)
    {
        var order = new OrderBuilder().WithLine(1m, 600m).Build();

        var reasons = ApprovalPolicy.ReasonsFor(order, Rules, otherOpenMinor, new Money(1_000m, "CNY"));

        Assert.Equal(expected ? [ApprovalPolicy.CreditLimitExceeded] : [], reasons);
    }

    [Fact]
    public void ReasonsFor_CreditRuleSwitchedOff_IgnoresTheLimit()
    {
        var order = new OrderBuilder().WithLine(1m, 600m).Build();

        Assert.Empty(ApprovalPolicy.ReasonsFor(order, new ApprovalRules { CreditOverLimit = false }, 90_000, new Money(1_000m, "CNY")));
    }

    [Fact]
    public void ReasonsFor_CreditLimitInAnotherCurrency_IsNotCompared()
    {
        var order = new OrderBuilder().WithLine(1m, 600m).Build();

        Assert.Empty(ApprovalPolicy.ReasonsFor(order, Rules, 90_000, new Money(10m, "USD")));
    }

    [Fact]
    public void ReasonsFor_AllThreeRulesBroken_NamesAllThreeInOrder()
    {
        var order = new OrderBuilder().WithLine(1_000m, 250m, discountPercent: 15m).Build();

        var reasons = ApprovalPolicy.ReasonsFor(order, Rules, 0, new Money(100_000m, "CNY"));

        Assert.Equal(
            [ApprovalPolicy.OrderTotalAboveThreshold, ApprovalPolicy.DiscountNeedsApproval, ApprovalPolicy.CreditLimitExceeded],
            reasons);
    }

    private static decimal Dec(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
