using Orderly.Domain.Integration;

namespace Orderly.Domain.Tests.Integration;

public sealed class StockReconciliationTests
{
    private static readonly HashSet<string> Skus = ["M0", "M1", "M2", "M3", "M4"];
    private static readonly HashSet<string> Warehouses = ["W1", "W2"];

    [Fact]
    public void Compare_SumsRowsPerWarehouseAndSku_AndNamesEachKindOfDifference()
    {
        StockFigure[] orderly = [new("W1", "M0", 20m), new("W1", "M1", 8m), new("W2", "M3", 5m), new("W2", "M4", 0m)];
        StockFigure[] erp =
        [
            new("W1", "M0", 10m), new("W1", "M0", 5m), new("W1", "M0", 2.5m), new("W1", "M1", 8m), new("W2", "M2", 4m),
            new("W1", "NOPE", 3m), new("CK99", "M1", 6m), new("W2", "M4", 0m),
        ];

        var report = StockReconciliation.Compare(orderly, erp, Skus, Warehouses);

        Assert.Equal(
        [
            new StockComparison("CK99", "M1", null, 6m, -6m, StockMatch.UnknownWarehouse),
            new StockComparison("W1", "M0", 20m, 17.5m, 2.5m, StockMatch.Differs),
            new StockComparison("W1", "M1", 8m, 8m, 0m, StockMatch.Match),
            new StockComparison("W1", "NOPE", null, 3m, -3m, StockMatch.UnknownProduct),
            new StockComparison("W2", "M2", null, 4m, -4m, StockMatch.OnlyInErp),
            new StockComparison("W2", "M3", 5m, null, 5m, StockMatch.OnlyInOrderly),
        ], report);
    }

    [Fact]
    public void Compare_WhenOrderlyHasABalanceOfZeroAndTheErpSomeStock_SaysOnlyInErp()
    {
        var report = StockReconciliation.Compare([new StockFigure("W1", "M0", 0m)], [new StockFigure("W1", "M0", 1m)], Skus, Warehouses);

        Assert.Equal(StockMatch.OnlyInErp, Assert.Single(report).Match);
    }
}
