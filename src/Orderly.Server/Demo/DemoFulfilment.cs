using System.Text.Json;
using System.Text.Json.Serialization;
using Orderly.Domain.Allocation;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Orders;

namespace Orderly.Server.Demo;

/// <summary>
/// The warehouse side of the simulation: reservations, expediting, shipments, the opening stock, weekly replenishment
/// and the backorders it fills, each done the way the server's stock services do it.
/// </summary>
internal sealed class DemoFulfilment(
    DemoWorld world, DemoSupply supply, DemoStockBook stock, DemoTimeline timeline, AllocationOptions allocation, Random random)
{
    /// <summary>The candidates and allocations are stored as the server stores them.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly Dictionary<Guid, int> _productIndex = world.Products.ToDictionary(p => p.Entity.Id, p => p.Index);
    private readonly Dictionary<Guid, int> _warehouseIndex = world.Warehouses.Select((w, i) => (w.Id, i)).ToDictionary(x => x.Id, x => x.i);
    private readonly HashSet<DemoLiveOrder> _backordered = [];

    /// <summary>Whether a later receipt may still reserve something for the order.</summary>
    public bool IsWaitingForStock(DemoLiveOrder live) => _backordered.Contains(live);

    /// <summary>A cancelled order gives its reservations back, as <see cref="Inventory.StockService"/> releases them.</summary>
    public void ReleaseAll(DemoLiveOrder live, DateTimeOffset at, Guid actor)
    {
        _backordered.Remove(live);
        foreach (var (reservation, product, warehouse) in live.Reservations)
        {
            stock.Release(live.Order, reservation, product, warehouse, at, actor, $"Cancelled: {live.Order.StatusReason}");
        }

        SyncReplenishmentRequests(live, at);
    }

    /// <summary>
    /// Reserves by the server's allocation policy (<see cref="Allocator"/>, no drop-ship suppliers in the demo), records
    /// each line's decision and keeps one replenishment request per backordered line, as <see cref="Inventory.StockService"/>
    /// does. Orders meant to ship in full get the stock they lack expedited first.
    /// </summary>
    public void Reserve(DemoLiveOrder live, DateTimeOffset at, Guid actor, bool expedite = true)
    {
        var order = live.Order;
        var customer = world.Customers[live.Plan.Customer].Entity;
        var policy = order.ReservationPolicy ?? customer.ReservationPolicy;
        var needs = order.Lines
            .Where(l => Outstanding(l) > 0)
            .Select(l => new LineNeed(l.Id, l.LineNumber, l.ProductId, l.Sku, Outstanding(l)))
            .ToList();
        if (needs.Count > 0)
        {
            foreach (var need in needs)
            {
                var product = _productIndex[need.ProductId];
                if (expedite && live.Plan.ShipsInFull && !supply.IsDisrupted(product, at) && TotalAvailable(product) < need.Quantity)
                {
                    Expedite(live, product, need.Quantity, at);
                }
            }

            var plan = Allocator.Plan(needs, customer.Region, WarehouseStock(needs), [], allocation);
            if (policy == ReservationPolicy.ShipComplete)
            {
                plan = plan.AllOrNothing();
            }

            foreach (var decision in plan.Lines)
            {
                var line = order.Lines.First(l => l.Id == decision.LineId);
                var product = _productIndex[decision.ProductId];
                foreach (var source in decision.Allocations.Where(a => a.Kind == SourceKind.Warehouse))
                {
                    var warehouse = _warehouseIndex[source.SourceId!.Value];
                    live.Reservations.Add((stock.Reserve(order, line, product, warehouse, source.Quantity, at, actor), product, warehouse));
                }

                live.Decisions.Add(new AllocationDecision(order.Id, decision, policy, at,
                    JsonSerializer.Serialize(decision.Candidates, Json), JsonSerializer.Serialize(decision.Allocations, Json)));
            }
        }

        order.MarkUnreservedBackordered();
        SyncReplenishmentRequests(live, at);
        if (order.Lines.Any(l => l.Backordered > 0))
        {
            _backordered.Add(live);
        }
        else
        {
            _backordered.Remove(live);
        }
    }

    /// <summary>Purchasing brings in what the order lacks (plus a little) between its entry and its confirmation.</summary>
    private void Expedite(DemoLiveOrder live, int product, decimal needed, DateTimeOffset at)
    {
        var warehouse = supply.ServingWarehouse(product, supply.HomeWarehouse(live.Plan.Customer));
        var spec = world.Products[product].Spec;
        var quantity = DemoSupply.RoundUp(needed - stock.Available(product, warehouse) + (spec.TypicalQuantity / 2), spec.Step);
        var arrived = live.Plan.CreatedAt + ((at - live.Plan.CreatedAt) * 0.8);
        stock.Receive(warehouse, [(product, quantity)], $"EXP-{live.Order.Number}", arrived < at ? arrived : at, world.Staff.Warehouse);
    }

    public void Ship(DemoLiveOrder live, PlannedStep step)
    {
        var order = live.Order;
        var last = step.Wave >= step.Waves;
        var parcels = new Dictionary<int, (string Carrier, string Tracking, List<ShipmentLine> Lines)>();
        var shipped = new List<(Guid LineId, decimal Quantity)>();
        foreach (var line in order.Lines)
        {
            var planned = live.Plan.Lines[line.LineNumber - 1];
            var unit = world.Products[planned.Product].Spec.Step;
            var wanted = last ? line.Reserved
                : order.Lines.Count == 1 ? decimal.Floor(line.Reserved / 2 / unit) * unit
                : planned.Wave == step.Wave ? line.Reserved : 0m;
            foreach (var (reservation, product, warehouse) in live.Reservations.Where(r => r.Reservation.OrderLineId == line.Id).OrderBy(r => r.Warehouse))
            {
                if (wanted <= 0)
                {
                    break;
                }

                if (!parcels.TryGetValue(warehouse, out var parcel))
                {
                    var (carrier, prefix) = DemoTexts.Carriers[random.Next(0, DemoTexts.Carriers.Length)];
                    parcel = parcels[warehouse] = (carrier, $"{prefix}{random.NextInt64(100_000_000_000, 999_999_999_999)}", []);
                }

                var taken = stock.Ship(order, reservation, product, warehouse, wanted, step.At, world.Staff.Warehouse, parcel.Tracking);
                if (taken > 0)
                {
                    parcel.Lines.Add(new ShipmentLine(line.Id, line.ProductId, taken));
                    shipped.Add((line.Id, taken));
                    wanted -= taken;
                }
            }
        }

        if (shipped.Count == 0)
        {
            return;
        }

        order.RecordShipment(shipped, step.At, world.Staff.Warehouse);
        foreach (var (warehouse, parcel) in parcels.Where(p => p.Value.Lines.Count > 0))
        {
            live.Shipments.Add(new Shipment(order.Id, world.Warehouses[warehouse].Id, parcel.Carrier, parcel.Tracking, parcel.Lines, step.At, world.Staff.Warehouse));
        }
    }

    public void ReceiveOpeningStock(DateTimeOffset at)
    {
        for (var w = 0; w < world.Warehouses.Count; w++)
        {
            var lines = world.Products
                .Where(p => supply.IsStocked(p.Index, w) && supply.IsSold(p.Index, at))
                .Select(p => (p.Index, DemoSupply.RoundUp(supply.Target(p.Index, w) * 1.2m, p.Spec.Step)))
                .ToList();
            if (lines.Count > 0)
            {
                stock.Receive(w, lines, $"OB-{world.Warehouses[w].Code}-{timeline.LocalDate(at):yyyyMMdd}", at, world.Staff.Warehouse);
            }
        }
    }

    /// <summary>Mondays, 09:30 in the company's time zone, from the opening stock until now.</summary>
    public List<DateTimeOffset> ReplenishmentTimes(DateTimeOffset opening)
    {
        var times = new List<DateTimeOffset>();
        var date = timeline.LocalDate(opening).AddDays(1);
        while (date.DayOfWeek != DayOfWeek.Monday)
        {
            date = date.AddDays(1);
        }

        for (var at = timeline.AtLocal(date, 9, 30); at < timeline.Now; date = date.AddDays(7), at = timeline.AtLocal(date, 9, 30))
        {
            times.Add(at);
        }

        return times;
    }

    /// <summary>Order-up-to replenishment of every balance below its reorder point, except products in supply trouble.</summary>
    public void Replenish(DateTimeOffset at)
    {
        for (var w = 0; w < world.Warehouses.Count; w++)
        {
            var lines = new List<(int Product, decimal Quantity)>();
            foreach (var product in world.Products)
            {
                var p = product.Index;
                if (supply.IsStocked(p, w) && supply.IsSold(p, at) && !supply.IsDisrupted(p, at)
                    && stock.Available(p, w) < supply.ReorderPoint(p, w))
                {
                    lines.Add((p, DemoSupply.RoundUp(supply.Target(p, w) - stock.Available(p, w), product.Spec.Step)));
                }
            }

            if (lines.Count > 0)
            {
                stock.Receive(w, lines, $"GRN-{world.Warehouses[w].Code}-{timeline.LocalDate(at):yyMMdd}", at, world.Staff.Warehouse);
                FillBackorders([.. lines.Select(l => world.Products[l.Product].Entity.Id)], at);
            }
        }
    }

    /// <summary>
    /// As <see cref="Inventory.BackorderService"/> does on every receipt: backordered lines of the received products are
    /// reserved, best customer tier first, then earliest requested date, then oldest order.
    /// </summary>
    private void FillBackorders(HashSet<Guid> received, DateTimeOffset at)
    {
        var waiting = _backordered
            .Where(o => o.Order.Status is OrderStatus.Confirmed or OrderStatus.PartiallyShipped
                && o.Order.Lines.Any(l => l.Backordered > 0 && received.Contains(l.ProductId)))
            .OrderByDescending(o => world.Customers[o.Plan.Customer].Entity.Tier)
            .ThenBy(o => o.Order.RequestedDeliveryDate ?? DateOnly.MaxValue)
            .ThenBy(o => o.Order.CreatedAt)
            .ToList();
        foreach (var live in waiting)
        {
            Reserve(live, at, world.Staff.Warehouse, expedite: false);
        }
    }

    private static decimal Outstanding(OrderLine line) => line.Quantity - line.Reserved - line.DropShip - line.Shipped;

    /// <summary>Available stock of the needed products in every active warehouse, as the allocation query reads it.</summary>
    private List<WarehouseStock> WarehouseStock(List<LineNeed> needs)
    {
        var products = needs.Select(n => _productIndex[n.ProductId]).Distinct().ToList();
        return [.. Enumerable.Range(0, world.Warehouses.Count)
            .Where(w => world.Warehouses[w].IsActive)
            .Select(w => new WarehouseStock(world.Warehouses[w].Id, world.Warehouses[w].Code, world.Warehouses[w].Region,
                products.Where(p => stock.HasBalance(p, w)).ToDictionary(p => world.Products[p].Entity.Id, p => stock.Available(p, w))))];
    }

    /// <summary>One open replenishment request per backordered line, following its quantity; closed once served or cancelled.</summary>
    private static void SyncReplenishmentRequests(DemoLiveOrder live, DateTimeOffset at)
    {
        var order = live.Order;
        var closed = order.Status is OrderStatus.Cancelled or OrderStatus.Rejected;
        foreach (var line in order.Lines)
        {
            var request = live.ReplenishmentRequests.Find(r => r.OrderLineId == line.Id && r.Status == RequestStatus.Open);
            if (line.Backordered > 0 && !closed)
            {
                if (request is null)
                {
                    live.ReplenishmentRequests.Add(new ReplenishmentRequest(order.Id, line.Id, line.ProductId, line.Backordered, at));
                }
                else
                {
                    request.ChangeQuantity(line.Backordered);
                }
            }
            else
            {
                request?.Close(closed ? RequestStatus.Cancelled : RequestStatus.Done, at);
            }
        }
    }

    private decimal TotalAvailable(int product)
    {
        var total = 0m;
        for (var w = 0; w < world.Warehouses.Count; w++)
        {
            total += world.Warehouses[w].IsActive ? Math.Max(0, stock.Available(product, w)) : 0;
        }

        return total;
    }
}
