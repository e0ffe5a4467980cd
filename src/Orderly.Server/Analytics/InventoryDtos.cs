namespace Orderly.Server.Analytics;

/// <param name="Turnover">Cost of the goods shipped in the year / average stock at cost; null without stock.</param>
/// <param name="DaysOfInventory">Days the stock on hand lasts at the year's average daily shipments; null without shipments.</param>
/// <param name="Gmroi">Gross margin of the year's orders / average stock at cost.</param>
public sealed record InventoryFiguresDto(
    decimal OnHand, decimal OnHandValue, decimal AverageValue, decimal Shipped, decimal ShippedCost, double? Turnover, double? DaysOfInventory,
    decimal CarryingCost, decimal GrossMargin, double? Gmroi, decimal Backordered, decimal CancelledBackordered);

/// <param name="Movement">"dead" (stock, no shipment for the dead-stock days), "slow" (turning less than the slow rate), "active", or "none" (no stock).</param>
public sealed record ProductInventoryDto(
    Guid ProductId, string Sku, string Name, string? Category, char Abc, char Xyz, double? Variation, DateOnly? LastShipment, string Movement,
    bool OutOfStock, InventoryFiguresDto Figures);

public sealed record InventoryGroupDto(string Key, string Label, InventoryFiguresDto Figures);

public sealed record AbcXyzCellDto(char Abc, char Xyz, int Products, decimal OnHandValue, decimal ShippedCost);

public sealed record InventoryAnalysisDto(
    DateOnly AsOf, DateOnly From, string Currency, double CarryingCostRate, InventoryFiguresDto Totals, IReadOnlyList<AbcXyzCellDto> Matrix,
    int DeadProducts, int SlowProducts, int OutOfStockProducts, IReadOnlyList<InventoryGroupDto> Categories, IReadOnlyList<InventoryGroupDto> Warehouses,
    IReadOnlyList<ProductInventoryDto> Products, IReadOnlyList<string> Notes);
