namespace Orderly.Domain.Integration;

/// <summary>
/// One read of the ERP's stock (Kingdee's STK_Inventory): started, and completed only when every page was read. The
/// reconciliation reads the latest completed snapshot; one cut off by a failure is never used and is removed later.
/// </summary>
public sealed class ErpStockSnapshot
{
    private ErpStockSnapshot()
    {
    }

    public ErpStockSnapshot(Guid id, string connector, DateTimeOffset startedAt)
    {
        Id = id;
        Connector = connector;
        StartedAt = startedAt;
    }

    public Guid Id { get; private set; }
    public string Connector { get; private set; } = "";
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>The vendor's rows read (lots, owners and stock statuses are separate rows).</summary>
    public int RowsRead { get; set; }

    public void Complete(DateTimeOffset now) => CompletedAt = now;
}

/// <summary>The ERP's quantity of one SKU in one of its warehouses, summed over its rows (lots and the like), in a snapshot.</summary>
public sealed class ErpStockLevel
{
    public const int CodeMaxLength = 100;

    private ErpStockLevel()
    {
    }

    public ErpStockLevel(Guid snapshotId, string erpWarehouse, string sku, decimal quantity)
    {
        SnapshotId = snapshotId;
        ErpWarehouse = erpWarehouse;
        Sku = sku;
        Quantity = quantity;
    }

    public long Id { get; private set; }
    public Guid SnapshotId { get; private set; }

    /// <summary>The ERP's warehouse number (FStockId.FNumber); the connector's warehouseMap turns it into Orderly's code.</summary>
    public string ErpWarehouse { get; private set; } = "";

    public string Sku { get; private set; } = "";
    public decimal Quantity { get; set; }
}

/// <summary>How Orderly's on-hand figure of one SKU in one warehouse compares with the ERP's.</summary>
public enum StockMatch
{
    Match,
    Differs,
    OnlyInOrderly,
    OnlyInErp,
    UnknownProduct,
    UnknownWarehouse,
}

public sealed record StockFigure(string WarehouseCode, string Sku, decimal Quantity);

/// <param name="Difference">Orderly's on hand less the ERP's quantity (a missing side counts as 0).</param>
public sealed record StockComparison(string WarehouseCode, string Sku, decimal? Orderly, decimal? Erp, decimal Difference, StockMatch Match);

/// <summary>
/// Orderly's stock against the ERP's, per warehouse and SKU. It only reports: Orderly's ledger is the source of truth
/// for what Orderly promises, and a difference is for a person to look into (a shipment the ERP has not booked yet, a
/// count booked on one side only), never overwritten silently.
/// </summary>
public static class StockReconciliation
{
    /// <param name="knownSkus">Orderly's SKUs: an ERP row of another SKU is <see cref="StockMatch.UnknownProduct"/>.</param>
    /// <param name="knownWarehouses">Orderly's warehouse codes: an ERP row elsewhere is <see cref="StockMatch.UnknownWarehouse"/>.</param>
    public static List<StockComparison> Compare(
        IEnumerable<StockFigure> orderly, IEnumerable<StockFigure> erp, IReadOnlySet<string> knownSkus, IReadOnlySet<string> knownWarehouses)
    {
        var ours = Sum(orderly);
        var theirs = Sum(erp);
        var result = new List<StockComparison>();
        foreach (var key in ours.Keys.Union(theirs.Keys).OrderBy(k => k.Warehouse, StringComparer.Ordinal).ThenBy(k => k.Sku, StringComparer.Ordinal))
        {
            decimal? o = ours.TryGetValue(key, out var a) ? a : null;
            decimal? e = theirs.TryGetValue(key, out var b) ? b : null;
            if ((o ?? 0) == 0 && (e ?? 0) == 0)
            {
                continue;
            }

            var match = o is null && !knownWarehouses.Contains(key.Warehouse) ? StockMatch.UnknownWarehouse
                : o is null && !knownSkus.Contains(key.Sku) ? StockMatch.UnknownProduct
                : (o ?? 0) == (e ?? 0) ? StockMatch.Match
                : e is null || e == 0 ? StockMatch.OnlyInOrderly
                : o is null || o == 0 ? StockMatch.OnlyInErp
                : StockMatch.Differs;
            result.Add(new StockComparison(key.Warehouse, key.Sku, o, e, (o ?? 0) - (e ?? 0), match));
        }

        return result;
    }

    private static Dictionary<(string Warehouse, string Sku), decimal> Sum(IEnumerable<StockFigure> figures)
    {
        var sums = new Dictionary<(string, string), decimal>();
        foreach (var f in figures)
        {
            sums[(f.WarehouseCode, f.Sku)] = sums.GetValueOrDefault((f.WarehouseCode, f.Sku)) + f.Quantity;
        }

        return sums;
    }
}
