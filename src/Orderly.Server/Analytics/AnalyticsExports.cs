using Orderly.Server.Integration;

namespace Orderly.Server.Analytics;

/// <summary>The columns and rows of the analyses' exports: one row per item of the JSON, the same figures.</summary>
public static class AnalyticsExports
{
    public static IReadOnlyList<ExportColumn> OrderItemColumns { get; } =
    [
        new("Key", "键"), new("Item", "项目"), new("Orders", "订单数"), new("Lines", "行数"), new("Quantity", "数量"), new("Value", "金额"),
        new("Cost", "成本"), new("Margin", "毛利"), new("Margin rate", "毛利率"), new("Share", "占比"), new("Cumulative share", "累计占比"),
    ];

    public static IReadOnlyList<ExportColumn> RfmColumns { get; } =
    [
        new("Code", "编码"), new("Customer", "客户"), new("Recency (days)", "最近购买（天）"), new("Frequency", "频次"), new("Monetary", "金额"),
        new("R", "R"), new("F", "F"), new("M", "M"), new("Segment", "分群"), new("Last order", "最近订单"),
        new("Mean interval (days)", "平均间隔（天）"), new("Churn warning", "流失预警"),
    ];

    public static IReadOnlyList<ExportColumn> InventoryColumns { get; } =
    [
        new("SKU", "SKU"), new("Product", "产品"), new("Category", "类别"), new("ABC", "ABC"), new("XYZ", "XYZ"), new("Variation", "变异系数"),
        new("Last shipment", "最近发货"), new("Movement", "动销"), new("Out of stock", "缺货"), new("On hand", "在手数量"),
        new("On hand value", "库存金额"), new("Average value", "平均库存金额"), new("Shipped", "发货数量"), new("Shipped cost", "发货成本"),
        new("Turnover", "周转率"), new("Days of inventory", "库存天数"), new("Carrying cost", "持有成本"), new("Gross margin", "毛利"),
        new("GMROI", "GMROI"), new("Backordered", "缺货待发"), new("Lost demand", "流失需求"),
    ];

    public static IReadOnlyList<ExportColumn> AccuracyColumns { get; } =
    [
        new("Class", "分类"), new("Method", "方法"), new("Series", "序列数"), new("Points", "点数"), new("WAPE", "WAPE"), new("MASE", "MASE"), new("Bias", "偏差"),
    ];

    public static object?[] Row(AnalysisItemDto i) =>
    [
        i.Key, i.Label, i.Figures.Orders, i.Figures.Lines, i.Figures.Quantity, i.Figures.Value, i.Figures.Cost, i.Figures.Margin, i.Figures.MarginRate,
        i.Share, i.CumulativeShare,
    ];

    public static object?[] Row(RfmCustomerDto c) =>
    [
        c.Code, c.Name, c.RecencyDays, c.Frequency, c.Monetary, c.R, c.F, c.M, c.Segment, c.LastOrder, Dec(c.MeanIntervalDays), c.ChurnWarning,
    ];

    public static object?[] Row(ProductInventoryDto p) =>
    [
        p.Sku, p.Name, p.Category, p.Abc.ToString(), p.Xyz.ToString(), Dec(p.Variation), p.LastShipment, p.Movement, p.OutOfStock,
        p.Figures.OnHand, p.Figures.OnHandValue, p.Figures.AverageValue, p.Figures.Shipped, p.Figures.ShippedCost, Dec(p.Figures.Turnover),
        Dec(p.Figures.DaysOfInventory), p.Figures.CarryingCost, p.Figures.GrossMargin, Dec(p.Figures.Gmroi), p.Figures.Backordered,
        p.Figures.CancelledBackordered,
    ];

    public static object?[] Row(AccuracyRowDto r) => [r.Class, r.Method?.ToString() ?? "chosen", r.Series, r.Points, r.Wape, r.Mase, r.Bias];

    public static async IAsyncEnumerable<object?[]> Rows(IEnumerable<object?[]> rows)
    {
        foreach (var row in rows)
        {
            yield return row;
        }

        await Task.CompletedTask;
    }

    /// <summary>A double figure as the decimal the JSON shows (both round-trip the same digits), so XLSX stores a number.</summary>
    private static decimal? Dec(double? value) => value is { } v && double.IsFinite(v) ? (decimal)v : null;
}
