using Orderly.Domain.Billing;
using Orderly.Domain.Common;

namespace Orderly.Domain.Tests.Billing;

/// <summary>
/// Down payments with hand-computed figures. The order: 10 units at 113.00 (13% VAT, tax-inclusive: gross 1,130.00 =
/// net 1,000.00 + tax 130.00) and 5 units at 109.00 (9%: gross 545.00 = net 500.00 + tax 45.00); gross 1,675.00.
/// </summary>
public sealed class DownPaymentTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly Guid Customer = Guid.NewGuid();
    private static readonly Guid Order = Guid.NewGuid();
    private static readonly VatRate Nine = VatRate.Of(9m);
    private static readonly (VatRate, long)[] ByRate = [(VatRate.Standard, 1_130_00), (Nine, 545_00)];

    [Fact]
    public void Percent_ThirtyOfTheOrder_SplitsOverTheRatesInProportion()
    {
        // 30% of 1,675.00 = 502.50; 13% share 502.50 x 1130/1675 = 339.00 (tax 339 x 13/113 = 39.00), 9% share 163.50 (tax 163.50 x 9/109 = 13.50).
        var amount = DownPayments.AmountOf(null, 30m, 1_675_00, 0, "CNY");
        Assert.Equal(502_50L, amount);
        var lines = DownPayments.Lines(amount, ByRate, "CNY", "预付款");
        Assert.Equal(
            [(13m, 300_00L, 39_00L, 339_00L), (9m, 150_00L, 13_50L, 163_50L)],
            lines.Select(l => (l.Rate.Percent, l.Amounts.NetMinor, l.Amounts.TaxMinor, l.Amounts.GrossMinor)).ToArray());
        Assert.All(lines, l => Assert.Null(l.OrderLineId));
    }

    [Fact]
    public void Amount_RoundsEachShare_AndTheLastRateTakesTheRest()
    {
        // 100.00: 13% share 100 x 1130/1675 = 67.4626... -> 67.46 (tax 67.46 x 13/113 = 7.7608 -> 7.76, net 59.70);
        // 9% takes the rest 32.54 (tax 32.54 x 9/109 = 2.6868 -> 2.69, net 29.85).
        var lines = DownPayments.Lines(DownPayments.AmountOf(100m, null, 1_675_00, 0, "CNY"), ByRate, "CNY", "预付款");
        Assert.Equal(
            [(59_70L, 7_76L, 67_46L), (29_85L, 2_69L, 32_54L)],
            lines.Select(l => (l.Amounts.NetMinor, l.Amounts.TaxMinor, l.Amounts.GrossMinor)).ToArray());
        Assert.Equal(100_00L, lines.Sum(l => l.Amounts.GrossMinor));
    }

    [Fact]
    public void FinalInvoice_DeductsTheDownPayment_SoBothAddUpToTheOrder()
    {
        var downPayment = Invoice.DownPayment(Customer, Order, "CNY", true, new BuyerTaxHeader("上海华联贸易有限公司"), FapiaoType.Special,
            DownPayments.Lines(502_50, ByRate, "CNY", "预付款"), Now, null);
        downPayment.Issue("INV-2026-000001", new DateOnly(2026, 3, 2), 0, Now, null);
        Assert.Equal((true, 450_00L, 52_50L, 502_50L), (downPayment.IsDownPayment, downPayment.NetMinor, downPayment.TaxMinor, downPayment.TotalMinor));

        var deductions = DownPayments.Deductions(downPayment, "预付款");
        Assert.All(deductions, d => Assert.Equal((downPayment.Id, -1m), (d.DownPaymentInvoiceId!.Value, d.Quantity)));
        InvoiceLineDraft[] goods =
        [
            new(Guid.NewGuid(), Guid.NewGuid(), "六角螺栓", "pcs", 10, VatRate.Standard, TaxMath.Split(1_130_00, VatRate.Standard, true, "CNY")),
            new(Guid.NewGuid(), Guid.NewGuid(), "垫圈", "pcs", 5, Nine, TaxMath.Split(545_00, Nine, true, "CNY")),
        ];
        var final = Invoice.Draft(Customer, Order, "CNY", true, new BuyerTaxHeader("上海华联贸易有限公司"), FapiaoType.Special, [.. goods, .. deductions], Now, null);

        // Goods 1,500.00 net + 175.00 tax; deductions -450.00 net, -52.50 tax: final 1,050.00 + 122.50 = 1,172.50.
        Assert.Equal((1_050_00L, 122_50L, 1_172_50L), (final.NetMinor, final.TaxMinor, final.TotalMinor));
        Assert.Equal(1_675_00L, final.TotalMinor + downPayment.TotalMinor);
        Assert.Equal(175_00L, final.TaxMinor + downPayment.TaxMinor);
        Assert.Equal([-339_00L, -163_50L], final.Lines.Where(l => l.DownPaymentInvoiceId is not null).Select(l => l.GrossMinor).ToArray());
    }

    [Fact]
    public void Deduction_LargerThanTheInvoice_IsRefused()
    {
        var downPayment = Invoice.DownPayment(Customer, Order, "CNY", true, new BuyerTaxHeader("客户"), FapiaoType.Ordinary,
            DownPayments.Lines(1_000_00, ByRate, "CNY", "预付款"), Now, null);
        downPayment.Issue("INV-2026-000001", new DateOnly(2026, 3, 2), 0, Now, null);
        InvoiceLineDraft small = new(Guid.NewGuid(), Guid.NewGuid(), "垫圈", "pcs", 1, Nine, TaxMath.Split(109_00, Nine, true, "CNY"));
        var refused = Assert.Throws<RuleViolationException>(() =>
            Invoice.Draft(Customer, Order, "CNY", true, new BuyerTaxHeader("客户"), FapiaoType.Ordinary, [small, .. DownPayments.Deductions(downPayment, "预付款")], Now, null));
        Assert.Equal("DeductionExceedsInvoice", refused.Violations[0].Code);
    }

    [Theory]
    [InlineData(null, null, "AmountOrPercent")]
    [InlineData(10.0, 5.0, "AmountOrPercent")]
    [InlineData(null, 0.0, "InvalidPercent")]
    [InlineData(null, 100.5, "InvalidPercent")]
    [InlineData(0.001, null, "InvalidAmount")]
    [InlineData(1200.0, null, "DownPaymentExceedsOrder")]
    public void AmountOf_RefusesWhatIsNotADownPayment(double? amount, double? percent, string code)
    {
        // 1,675.00 ordered, 500.00 already asked: 1,175.00 left.
        var refused = Assert.Throws<RuleViolationException>(() =>
            DownPayments.AmountOf((decimal?)amount, (decimal?)percent, 1_675_00, 500_00, "CNY"));
        Assert.Equal(code, refused.Violations[0].Code);
    }

    [Fact]
    public void Percent_InYen_RoundsToWholeYen()
    {
        // JPY has no minor unit: 33.33% of ¥10,001 = 3,333.3333 -> ¥3,333; at 13% its tax is 3,333 x 13/113 = 383.44 -> ¥383.
        var amount = DownPayments.AmountOf(null, 33.33m, 10_001, 0, "JPY");
        var line = Assert.Single(DownPayments.Lines(amount, [(VatRate.Standard, 10_001)], "JPY", "预付款"));
        Assert.Equal((3_333L, 2_950L, 383L), (line.Amounts.GrossMinor, line.Amounts.NetMinor, line.Amounts.TaxMinor));
    }
}
