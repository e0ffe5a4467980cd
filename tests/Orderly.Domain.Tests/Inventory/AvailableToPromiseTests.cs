using Orderly.Domain.Inventory;

namespace Orderly.Domain.Tests.Inventory;

public sealed class AvailableToPromiseTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    [Fact]
    public void For_WhenAvailableNow_PromisesToday()
    {
        var promise = AvailableToPromise.For(10m, available: 10m, [new IncomingStock(50m, Today.AddDays(2))], backordered: 0m, Today, supplierLeadTimeDays: 1);

        Assert.Equal(new PromiseDate(Today, PromiseSource.Stock), promise);
    }

    [Fact]
    public void For_WhenShortNow_PromisesTheArrivalThatMakesItEnough()
    {
        IncomingStock[] incoming = [new(5m, Today.AddDays(9)), new(3m, Today.AddDays(4)), new(4m, Today.AddDays(6))];

        var promise = AvailableToPromise.For(10m, available: 4m, incoming, backordered: 0m, Today, supplierLeadTimeDays: null);

        // 4 now, +3 on day 4 = 7, +4 on day 6 = 11 >= 10.
        Assert.Equal(new PromiseDate(Today.AddDays(6), PromiseSource.Incoming), promise);
    }

    [Fact]
    public void For_ArrivingStockFillsBackordersFirst()
    {
        IncomingStock[] incoming = [new(10m, Today.AddDays(2)), new(10m, Today.AddDays(5))];

        var promise = AvailableToPromise.For(8m, available: 0m, incoming, backordered: 6m, Today, supplierLeadTimeDays: null);

        // Day 2 brings 10, of which 6 go to the backorders: 4 left, not 8. Day 5 makes 14.
        Assert.Equal(new PromiseDate(Today.AddDays(5), PromiseSource.Incoming), promise);
    }

    [Fact]
    public void For_OverdueArrivalCountsAsToday_AndUndatedArrivalNotAtAll()
    {
        var overdue = AvailableToPromise.For(5m, 0m, [new IncomingStock(5m, Today.AddDays(-3))], 0m, Today, null);
        var undated = AvailableToPromise.For(5m, 0m, [new IncomingStock(500m, null)], 0m, Today, null);

        Assert.Equal(new PromiseDate(Today, PromiseSource.Incoming), overdue);
        Assert.Equal(PromiseDate.Never, undated);
    }

    [Fact]
    public void For_WhenIncomingIsNotEnough_FallsBackToSupplierLeadTime()
    {
        var promise = AvailableToPromise.For(100m, 10m, [new IncomingStock(20m, Today.AddDays(1))], 0m, Today, supplierLeadTimeDays: 14);

        Assert.Equal(new PromiseDate(Today.AddDays(14), PromiseSource.Supplier), promise);
    }

    [Fact]
    public void For_WhenSupplierIsSoonerThanTheTransfer_PromisesTheSupplierDate()
    {
        var promise = AvailableToPromise.For(10m, 0m, [new IncomingStock(10m, Today.AddDays(20))], 0m, Today, supplierLeadTimeDays: 7);

        Assert.Equal(new PromiseDate(Today.AddDays(7), PromiseSource.Supplier), promise);
    }

    [Fact]
    public void For_WhenTransferAndSupplierTie_PromisesTheTransfer()
    {
        var promise = AvailableToPromise.For(10m, 0m, [new IncomingStock(10m, Today.AddDays(7))], 0m, Today, supplierLeadTimeDays: 7);

        Assert.Equal(PromiseSource.Incoming, promise.Source);
    }

    [Fact]
    public void For_WithoutStockIncomingOrSupplier_PromisesNothing()
    {
        var promise = AvailableToPromise.For(1m, 0.5m, [], 0m, Today, supplierLeadTimeDays: null);

        Assert.Equal(PromiseDate.Never, promise);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void For_NonPositiveQuantity_Throws(decimal quantity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AvailableToPromise.For(quantity, 10m, [], 0m, Today, null));

    [Fact]
    public void Earliest_TakesTheSoonestDatedPromise()
    {
        PromiseDate[] promises = [PromiseDate.Never, new(Today.AddDays(3), PromiseSource.Incoming), new(Today.AddDays(3), PromiseSource.Stock), new(Today.AddDays(9), PromiseSource.Supplier)];

        Assert.Equal(new PromiseDate(Today.AddDays(3), PromiseSource.Stock), AvailableToPromise.Earliest(promises));
        Assert.Equal(PromiseDate.Never, AvailableToPromise.Earliest([PromiseDate.Never]));
    }
}
