using Orderly.Domain.Inventory;

namespace Orderly.Domain.Tests.Inventory;

public sealed class ForecastSafetyStockTests
{
    private static SafetyStockResult History(int leadTimeDays, decimal serviceLevel = 0.95m) =>
        SafetyStock.Compute([10m, 0m, 20m, 10m, 10m], leadTimeDays, serviceLevel, wholeUnits: true);

    [Fact]
    public void FromForecast_WholeUnits_EqualsTheHandCalculation()
    {
        // Lead time 10 days = 10/7 weeks. Demand over it: 7 x 1 + 14 x 3/7 = 13.
        // Safety stock: z(95%) 1.644854 x RMSE 3 x sqrt(10/7) 1.195229 = 5.898 -> 6; reorder point 13 + 6 = 19.
        var result = SafetyStock.FromForecast(History(10), new LeadTimeForecast("HoltWinters", [7d, 14d, 100d], 3d), wholeUnits: true);

        Assert.Equal((6m, 19m, SafetyStockBasis.Forecast), (result.SafetyStock, result.ReorderPoint, result.Basis));
        Assert.Equal(("HoltWinters", 3m, 13m), (result.ForecastMethod, result.ForecastRmse, result.LeadTimeDemand));
        // The history's own figures stay for comparison.
        Assert.Equal((5, 10m, 7.0711m, 10, 0.95m), (result.WindowDays, result.MeanDailyDemand, result.DemandStdDev, result.LeadTimeDays, result.ServiceLevel));
    }

    [Fact]
    public void FromForecast_Fractional_RoundsUpToThousandths()
    {
        var result = SafetyStock.FromForecast(
            SafetyStock.Compute([1m, 2m], 10, 0.95m, wholeUnits: false), new LeadTimeForecast("Naive", [7d, 14d], 3d), wholeUnits: false);

        Assert.Equal((5.898m, 18.898m), (result.SafetyStock, result.ReorderPoint));
    }

    [Fact]
    public void FromForecast_LeadTimeBeyondTheHorizon_RepeatsTheLastWeek()
    {
        // 21 days = 3 weeks of 5 = 15; safety stock 1.644854 x 2 x sqrt(3) = 5.698 -> 6; reorder point 21.
        var result = SafetyStock.FromForecast(History(21), new LeadTimeForecast("Sba", [5d], 2d), wholeUnits: true);

        Assert.Equal((15m, 6m, 21m), (result.LeadTimeDemand, result.SafetyStock, result.ReorderPoint));
    }

    [Fact]
    public void FromForecast_HigherServiceLevel_KeepsMoreSafetyStock_AndAPerfectForecastNone()
    {
        var forecast = new LeadTimeForecast("MovingAverage", [10d], 4d);
        // z(99%) 2.326348 x 4 x sqrt(2) = 13.160 -> 14 against z(95%)'s 9.305 -> 10.
        Assert.Equal(14m, SafetyStock.FromForecast(History(14, 0.99m), forecast, true).SafetyStock);
        Assert.Equal(10m, SafetyStock.FromForecast(History(14, 0.95m), forecast, true).SafetyStock);
        var perfect = SafetyStock.FromForecast(History(14), forecast with { WeeklyRmse = 0 }, true);
        Assert.Equal((0m, 20m), (perfect.SafetyStock, perfect.ReorderPoint));
    }

    [Fact]
    public void FromForecast_NoLeadTime_NeedsNothing()
    {
        var result = SafetyStock.FromForecast(History(0), new LeadTimeForecast("Naive", [50d], 9d), true);

        Assert.Equal((0m, 0m, 0m), (result.SafetyStock, result.ReorderPoint, result.LeadTimeDemand));
    }

    [Fact]
    public void History_IsTheBasisWithoutAForecast()
    {
        Assert.Equal((SafetyStockBasis.History, null), (History(9).Basis, History(9).ForecastMethod));
    }

    [Theory]
    [InlineData(new double[0], 1d)]
    [InlineData(new[] { -1d }, 1d)]
    [InlineData(new[] { 1d }, -1d)]
    [InlineData(new[] { double.NaN }, 1d)]
    public void FromForecast_ImpossibleForecast_Throws(double[] weekly, double rmse)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafetyStock.FromForecast(History(7), new LeadTimeForecast("Naive", weekly, rmse), true));
    }
}
