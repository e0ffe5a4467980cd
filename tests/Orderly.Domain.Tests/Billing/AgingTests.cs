using Orderly.Domain.Billing;

namespace Orderly.Domain.Tests.Billing;

public sealed class AgingTests
{
    [Fact]
    public void Of_PlacesAmountsByDaysPastDue()
    {
        var asOf = new DateOnly(2026, 6, 30);
        var buckets = Aging.Of(
        [
            (new DateOnly(2026, 7, 10), 100L),  // not yet due
            (asOf, 200L),                       // due today: current
            (asOf.AddDays(-1), 300L),           // 1 day
            (asOf.AddDays(-30), 400L),          // 30 days
            (asOf.AddDays(-31), 500L),          // 31 days
            (asOf.AddDays(-60), 600L),
            (asOf.AddDays(-61), 700L),
            (asOf.AddDays(-90), 800L),
            (asOf.AddDays(-91), 900L),
            (asOf.AddDays(-400), 1000L),
        ], asOf);
        Assert.Equal(new AgingBuckets(300, 700, 1100, 1500, 1900), buckets);
        Assert.Equal(5500L, buckets.Total);
    }

    [Fact]
    public void Dso_IsReceivablesOverSalesTimesDays()
    {
        // 900 owed of 1,000 invoiced in 90 days: 81 days; 1,234.56 of 10,000.00 in 30 days: 3.7037 -> 3.7.
        Assert.Equal(81.0m, Aging.DaysSalesOutstanding(900, 1000, 90));
        Assert.Equal(3.7m, Aging.DaysSalesOutstanding(123456, 1000000, 30));
        Assert.Null(Aging.DaysSalesOutstanding(5, 0, 90));
    }
}
