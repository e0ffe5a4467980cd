using Orderly.Domain.Allocation;
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
    private readonly List<AllocationDecision> _decisions = [];
    private readonly List<ReplenishmentRequest> _requests = [];

    public int Written { get; private set; }

    public bool IsFull => _orders.Count >= OrdersPerBatch || stock.Ledger.Count >= LedgerEntriesPerBatch;

    public void Add(DemoLiveOrder live)
    {
        _orders.Add(live.Order);
        _reservations.AddRange(live.Reservations.Select(r => r.Reservation));
        _shipments.AddRange(live.Shipments);
        _decisions.AddRange(live.Decisions);
        _requests.AddRange(live.ReplenishmentRequests);
    }

    /// <summary>Parents before children, so the foreign keys hold statement by statement.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await bulk.InsertAsync(_orders, ct);
        await bulk.InsertAsync(_orders.SelectMany(o => o.Lines).ToList(), ct);
        await bulk.InsertAsync(_orders.SelectMany(o => o.StatusHistory).ToList(), ct);
        await bulk.InsertAsync(_shipments, ct);
        await bulk.InsertOwnedAsync(_shipments, s => s.Lines, s => s.Id, ct);
        await bulk.InsertAsync(_reservations, ct);
        await bulk.InsertAsync(_decisions, ct);
        await bulk.InsertAsync(_requests, ct);
        await bulk.InsertAsync(stock.Receipts, ct);
        await bulk.InsertOwnedAsync(stock.Receipts, r => r.Lines, r => r.Id, ct);
        await bulk.InsertAsync(stock.Ledger, ct);
        Written += _orders.Count;
        _orders.Clear();
        _reservations.Clear();
        _shipments.Clear();
        _decisions.Clear();
        _requests.Clear();
        stock.Receipts.Clear();
        stock.Ledger.Clear();
        progress?.Report(new DemoProgress(Stage, Written, total));
    }
}
