using Orderly.Domain.Fulfillment;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;

namespace Orderly.Server.Demo;

/// <summary>Collects finished orders with their reservations and shipments, plus the stock movements, and writes them in batches.</summary>
internal sealed class DemoWriter(DemoBulkInsert bulk, DemoStockBook stock, IProgress<DemoProgress>? progress, int total)
{
    public const string Stage = "Orders";

    private const int OrdersPerBatch = 1000;
    private const int LedgerEntriesPerBatch = 50_000;

    private readonly List<SalesOrder> _orders = [];
    private readonly List<StockReservation> _reservations = [];
    private readonly List<Shipment> _shipments = [];

    public int Written { get; private set; }

    public bool IsFull => _orders.Count >= OrdersPerBatch || stock.Ledger.Count >= LedgerEntriesPerBatch;

    public void Add(SalesOrder order, IEnumerable<StockReservation> reservations, IEnumerable<Shipment> shipments)
    {
        _orders.Add(order);
        _reservations.AddRange(reservations);
        _shipments.AddRange(shipments);
    }

    /// <summary>Parents before children, so the foreign keys hold statement by statement.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await bulk.InsertAsync(_orders, ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} _orders, ct");
        await bulk.InsertAsync(_orders.SelectMany(o => o.Lines).ToList(), ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} SelectMany(o => o.Lines)");
        await bulk.InsertAsync(_orders.SelectMany(o => o.StatusHistory).ToList(), ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} SelectMany(o => o.StatusHistory)");
        await bulk.InsertAsync(_shipments, ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} InsertAsync(_shipments");
        await bulk.InsertOwnedAsync(_shipments, s => s.Lines, s => s.Id, ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} InsertOwnedAsync(_shipments");
        await bulk.InsertAsync(_reservations, ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} InsertAsync(_reservations");
        await bulk.InsertAsync(stock.Receipts, ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} InsertAsync(stock.Receipts");
        await bulk.InsertOwnedAsync(stock.Receipts, r => r.Lines, r => r.Id, ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} InsertOwnedAsync(stock.Receipts");
        await bulk.InsertAsync(stock.Ledger, ct);
        System.Console.Error.WriteLine($"F {sw.ElapsedMilliseconds} InsertAsync(stock.Ledger");
        Written += _orders.Count;
        _orders.Clear();
        _reservations.Clear();
        _shipments.Clear();
        stock.Receipts.Clear();
        stock.Ledger.Clear();
        progress?.Report(new DemoProgress(Stage, Written, total));
    }
}
