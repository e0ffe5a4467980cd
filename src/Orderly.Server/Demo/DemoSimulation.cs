using System.Globalization;
using Orderly.Domain.Catalog;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;

namespace Orderly.Server.Demo;

/// <summary>
/// Plays the planned history forward in time order: each order is entered, submitted, approved, held, shipped and
/// delivered by calling the aggregate's own methods with the planned instants, while stock is received, reserved,
/// released and shipped the way <see cref="Inventory.StockService"/> does it. Finished orders go to the writer.
/// </summary>
internal sealed class DemoSimulation
{
    private readonly DemoWorld _world;
    private readonly DemoSupply _supply;
    private readonly DemoStockBook _stock;
    private readonly DemoTimeline _timeline;
    private readonly ApprovalRules _rules;
    private readonly DemoWriter _writer;
    private readonly Random _random;
    private readonly Dictionary<Guid, int> _productIndex;
    private readonly Dictionary<Guid, Product> _productsById;
    private readonly Dictionary<Guid, decimal>[] _usualQuantities;
    private readonly long[] _openExposure;
    private readonly Dictionary<int, long> _nextNumber;

    public DemoSimulation(
        DemoWorld world, DemoSupply supply, DemoStockBook stock, DemoTimeline timeline, DemoHabit[][] habits,
        ApprovalRules rules, DemoWriter writer, Dictionary<int, long> firstNumberByYear, Random random)
    {
        _world = world;
        _supply = supply;
        _stock = stock;
        _timeline = timeline;
        _rules = rules;
        _writer = writer;
        _random = random;
        _nextNumber = new Dictionary<int, long>(firstNumberByYear);
        _productIndex = world.Products.ToDictionary(p => p.Entity.Id, p => p.Index);
        _productsById = world.Products.ToDictionary(p => p.Entity.Id, p => p.Entity);
        _usualQuantities = [.. habits.Select(h => h.ToDictionary(x => world.Products[x.Product].Entity.Id, x => x.Quantity))];
        _openExposure = new long[world.Customers.Count];
    }

    private enum EventKind
    {
        Replenish,
        Enter,
        Step,
    }

    public async Task RunAsync(IReadOnlyList<PlannedOrder> plans, CancellationToken ct)
    {
        var live = new LiveOrder?[plans.Count];
        var queue = new PriorityQueue<(EventKind Kind, int Index), (long Ticks, long Sequence)>();
        var sequence = 0L;
        var opening = (plans.Count > 0 ? plans[0].CreatedAt : _timeline.Now.AddDays(-DemoTimeline.Days)).AddDays(-5);
        ReceiveOpeningStock(opening);
        var weeks = ReplenishmentTimes(opening);
        for (var i = 0; i < weeks.Count; i++)
        {
            queue.Enqueue((EventKind.Replenish, i), (weeks[i].UtcTicks, sequence++));
        }

        foreach (var plan in plans)
        {
            queue.Enqueue((EventKind.Enter, plan.Index), (plan.CreatedAt.UtcTicks, sequence++));
        }

        var swEnter = new System.Diagnostics.Stopwatch(); var swExec = new System.Diagnostics.Stopwatch(); var swFlush = new System.Diagnostics.Stopwatch(); var swRep = new System.Diagnostics.Stopwatch();
        while (queue.TryDequeue(out var next, out _))
        {
            var (kind, index) = next;
            if (kind == EventKind.Replenish)
            {
                swRep.Start(); Replenish(weeks[index]); swRep.Stop();
                continue;
            }

            swEnter.Start();
            var order = kind == EventKind.Enter ? live[index] = Enter(plans[index]) : live[index]!;
            swEnter.Stop();
            if (kind == EventKind.Step)
            {
                swExec.Start();
                Execute(order, order.Plan.Steps[order.NextStep++]);
                swExec.Stop();
            }

            if (order.NextStep < order.Plan.Steps.Length)
            {
                queue.Enqueue((EventKind.Step, index), (order.Plan.Steps[order.NextStep].At.UtcTicks, sequence++));
                continue;
            }

            order.Order.Version = order.Order.StatusHistory.Count - 1;
            _writer.Add(order.Order, order.Reservations.Select(r => r.Reservation), order.Shipments);
            live[index] = null;
            if (_writer.IsFull)
            {
                ct.ThrowIfCancellationRequested();
                swFlush.Start();
                await _writer.FlushAsync(ct);
                swFlush.Stop();
            }
        }
        System.Console.Error.WriteLine($"S enter {swEnter.ElapsedMilliseconds} exec {swExec.ElapsedMilliseconds} flush {swFlush.ElapsedMilliseconds} rep {swRep.ElapsedMilliseconds}");

        await _writer.FlushAsync(ct);
    }

    private LiveOrder Enter(PlannedOrder plan)
    {
        var customer = _world.Customers[plan.Customer];
        var date = _timeline.LocalDate(plan.CreatedAt);
        var sequence = _nextNumber[date.Year]++;
        var number = string.Create(CultureInfo.InvariantCulture, $"SO-{date.Year}-{sequence:000000}");
        var po = !plan.HasCustomerPo ? null
            : customer.Spec.English ? string.Create(CultureInfo.InvariantCulture, $"PO-{date.Year % 100:00}-{sequence:000000}")
            : string.Create(CultureInfo.InvariantCulture, $"CG{date.Year % 100:00}{sequence:000000}");
        var lines = plan.Lines.Select(l =>
        {
            var product = _world.Products[l.Product].Entity;
            return new PricedLine(product.Id, product.Sku, product.Name, product.Unit, l.Quantity, product.ListPrice, product.ListPrice, l.DiscountPercent);
        }).ToList();
        var order = SalesOrder.Create(number, customer.Entity.Id, customer.Entity.Currency, date, plan.RequestedDeliveryDate, po, lines, plan.CreatedAt, plan.EnteredBy);
        order.RecordEntryWarnings(WarningsFor(plan, customer, date, po));
        return new LiveOrder(plan, order);
    }

    /// <summary>What the clerk saw on entry; customers and products retired since are not checked against today's state.</summary>
    private IReadOnlyList<EntryWarning> WarningsFor(PlannedOrder plan, DemoCustomer customer, DateOnly date, string? po)
    {
        if (!customer.Entity.IsActive || customer.Entity.IsBlocked || plan.Lines.Any(l => !_world.Products[l.Product].Entity.IsActive))
        {
            return [];
        }

        var request = new OrderRequest(customer.Entity.Id, customer.Entity.Currency, plan.RequestedDeliveryDate, po,
            [.. plan.Lines.Select(l => new OrderLineRequest(_world.Products[l.Product].Entity.Id, l.Quantity, null, l.DiscountPercent))]);
        var available = plan.Lines.Select(l => l.Product).Distinct().ToDictionary(
            p => _world.Products[p].Entity.Id,
            p => Enumerable.Range(0, _world.Warehouses.Count).Sum(w => _stock.Available(p, w)));
        var check = OrderEntry.Check(request, new EntryContext
        {
            Customer = customer.Entity,
            Products = _productsById,
            Today = date,
            UsualQuantities = _usualQuantities[plan.Customer],
            OpenExposureMinor = _openExposure[plan.Customer],
            Available = available,
        });
        return check.IsValid ? check.Warnings
            : throw new InvalidOperationException($"A demo order of {customer.Spec.Code} breaks the entry rules: {check.Errors[0].Message}");
    }

    private void Execute(LiveOrder live, PlannedStep step)
    {
        var order = live.Order;
        var customer = _world.Customers[live.Plan.Customer];
        var staff = _world.Staff;
        var wasOpen = OrderTransitions.OpenForCredit.Contains(order.Status);
        switch (step.Kind)
        {
            case DemoStep.Submit:
                var reasons = ApprovalPolicy.ReasonsFor(order, _rules, _openExposure[live.Plan.Customer], customer.Entity.CreditLimit);
                order.Submit(reasons, step.At, live.Plan.EnteredBy);
                if (order.Status == OrderStatus.Confirmed)
                {
                    Reserve(live, step.At, live.Plan.EnteredBy);
                }

                break;
            case DemoStep.ApproveIfPending when order.Status == OrderStatus.PendingApproval:
                order.Approve(step.At, staff.Manager, Pick(DemoTexts.ApprovalComments));
                Reserve(live, step.At, staff.Manager);
                break;
            case DemoStep.Reject when order.Status == OrderStatus.PendingApproval:
                order.Reject(Pick(DemoTexts.RejectReasons)!, step.At, staff.Manager);
                break;
            case DemoStep.Hold when order.Can(OrderAction.Hold):
                var (reason, byFinance) = DemoTexts.HoldReasons[_random.Next(0, DemoTexts.HoldReasons.Length)];
                live.HeldBy = byFinance ? staff.Finance : staff.Manager;
                order.Hold(reason, step.At, live.HeldBy);
                break;
            case DemoStep.Release when order.Status == OrderStatus.OnHold:
                order.Release(step.At, live.HeldBy, Pick(DemoTexts.ReleaseComments));
                break;
            case DemoStep.Cancel when order.Can(OrderAction.Cancel):
                order.Cancel(Pick(DemoTexts.CancelReasons)!, step.At, live.Plan.EnteredBy);
                foreach (var (reservation, product, warehouse) in live.Reservations)
                {
                    _stock.Release(order, reservation, product, warehouse, step.At, live.Plan.EnteredBy, $"Cancelled: {order.StatusReason}");
                }

                break;
            case DemoStep.Ship when order.Can(OrderAction.Ship):
                Ship(live, step);
                break;
            case DemoStep.Deliver when order.Status == OrderStatus.Shipped:
                order.RecordDelivery(step.At, staff.Warehouse);
                break;
            default:
                // The road changed underway (e.g. stock ran out, so nothing could ship): the step no longer applies.
                break;
        }

        var isOpen = OrderTransitions.OpenForCredit.Contains(order.Status);
        _openExposure[live.Plan.Customer] += (isOpen ? order.TotalMinor : 0) - (wasOpen ? order.TotalMinor : 0);
    }

    /// <summary>
    /// Reserves like the real service: the whole line from one warehouse that has it, preferring the customer's region,
    /// else split over warehouses; the rest is backordered. Orders meant to ship in full get stock expedited first.
    /// </summary>
    private void Reserve(LiveOrder live, DateTimeOffset at, Guid actor)
    {
        var order = live.Order;
        var region = _world.Customers[live.Plan.Customer].Entity.Region;
        foreach (var line in order.Lines.OrderBy(l => _productIndex[l.ProductId]).ThenBy(l => l.LineNumber))
        {
            var product = _productIndex[line.ProductId];
            var needed = line.Quantity - line.Reserved - line.Shipped;
            if (live.Plan.ShipsInFull && !_supply.IsDisrupted(product, at) && TotalAvailable(product) < needed)
            {
                Expedite(live, product, needed, at);
            }

            var ranked = Enumerable.Range(0, _world.Warehouses.Count)
                .Where(w => _stock.HasBalance(product, w) && _world.Warehouses[w].IsActive && _stock.Available(product, w) > 0)
                .OrderByDescending(w => _stock.Available(product, w) >= needed)
                .ThenByDescending(w => region is not null && _world.Warehouses[w].Region == region)
                .ThenByDescending(w => _stock.Available(product, w))
                .ThenBy(w => w)
                .ToList();
            foreach (var warehouse in ranked)
            {
                if (needed <= 0)
                {
                    break;
                }

                var quantity = Math.Min(needed, _stock.Available(product, warehouse));
                live.Reservations.Add((_stock.Reserve(order, line, product, warehouse, quantity, at, actor), product, warehouse));
                needed -= quantity;
            }
        }

        order.MarkUnreservedBackordered();
    }

    /// <summary>Purchasing brings in what the order lacks (plus a little) between its entry and its confirmation.</summary>
    private void Expedite(LiveOrder live, int product, decimal needed, DateTimeOffset at)
    {
        var warehouse = _supply.ServingWarehouse(product, _supply.HomeWarehouse(live.Plan.Customer));
        var spec = _world.Products[product].Spec;
        var quantity = DemoSupply.RoundUp(needed - _stock.Available(product, warehouse) + (spec.TypicalQuantity / 2), spec.Step);
        var arrived = live.Plan.CreatedAt + ((at - live.Plan.CreatedAt) * 0.8);
        _stock.Receive(warehouse, [(product, quantity)], $"EXP-{live.Order.Number}", arrived < at ? arrived : at, _world.Staff.Warehouse);
    }

    private void Ship(LiveOrder live, PlannedStep step)
    {
        var order = live.Order;
        var last = step.Wave >= step.Waves;
        var parcels = new Dictionary<int, (string Carrier, string Tracking, List<ShipmentLine> Lines)>();
        var shipped = new List<(Guid LineId, decimal Quantity)>();
        foreach (var line in order.Lines)
        {
            var planned = live.Plan.Lines[line.LineNumber - 1];
            var unit = _world.Products[planned.Product].Spec.Step;
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
                    var (carrier, prefix) = DemoTexts.Carriers[_random.Next(0, DemoTexts.Carriers.Length)];
                    parcel = parcels[warehouse] = (carrier, $"{prefix}{_random.NextInt64(100_000_000_000, 999_999_999_999)}", []);
                }

                var taken = _stock.Ship(order, reservation, product, warehouse, wanted, step.At, _world.Staff.Warehouse, parcel.Tracking);
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

        order.RecordShipment(shipped, step.At, _world.Staff.Warehouse);
        foreach (var (warehouse, parcel) in parcels.Where(p => p.Value.Lines.Count > 0))
        {
            live.Shipments.Add(new Shipment(order.Id, _world.Warehouses[warehouse].Id, parcel.Carrier, parcel.Tracking, parcel.Lines, step.At, _world.Staff.Warehouse));
        }
    }

    private void ReceiveOpeningStock(DateTimeOffset at)
    {
        for (var w = 0; w < _world.Warehouses.Count; w++)
        {
            var lines = _world.Products
                .Where(p => _supply.IsStocked(p.Index, w) && _supply.IsSold(p.Index, at))
                .Select(p => (p.Index, DemoSupply.RoundUp(_supply.Target(p.Index, w) * 1.2m, p.Spec.Step)))
                .ToList();
            if (lines.Count > 0)
            {
                _stock.Receive(w, lines, $"OB-{_world.Warehouses[w].Code}-{_timeline.LocalDate(at):yyyyMMdd}", at, _world.Staff.Warehouse);
            }
        }
    }

    /// <summary>Mondays, 09:30 in the company's time zone, from the opening stock until now.</summary>
    private List<DateTimeOffset> ReplenishmentTimes(DateTimeOffset opening)
    {
        var times = new List<DateTimeOffset>();
        var date = _timeline.LocalDate(opening).AddDays(1);
        while (date.DayOfWeek != DayOfWeek.Monday)
        {
            date = date.AddDays(1);
        }

        for (var at = _timeline.AtLocal(date, 9, 30); at < _timeline.Now; date = date.AddDays(7), at = _timeline.AtLocal(date, 9, 30))
        {
            times.Add(at);
        }

        return times;
    }

    /// <summary>Order-up-to replenishment of every balance below its reorder point, except products in supply trouble.</summary>
    private void Replenish(DateTimeOffset at)
    {
        for (var w = 0; w < _world.Warehouses.Count; w++)
        {
            var lines = new List<(int Product, decimal Quantity)>();
            foreach (var product in _world.Products)
            {
                var p = product.Index;
                if (_supply.IsStocked(p, w) && _supply.IsSold(p, at) && !_supply.IsDisrupted(p, at)
                    && _stock.Available(p, w) < _supply.ReorderPoint(p, w))
                {
                    lines.Add((p, DemoSupply.RoundUp(_supply.Target(p, w) - _stock.Available(p, w), product.Spec.Step)));
                }
            }

            if (lines.Count > 0)
            {
                _stock.Receive(w, lines, $"GRN-{_world.Warehouses[w].Code}-{_timeline.LocalDate(at):yyMMdd}", at, _world.Staff.Warehouse);
            }
        }
    }

    private decimal TotalAvailable(int product)
    {
        var total = 0m;
        for (var w = 0; w < _world.Warehouses.Count; w++)
        {
            total += _world.Warehouses[w].IsActive ? Math.Max(0, _stock.Available(product, w)) : 0;
        }

        return total;
    }

    private string? Pick(string?[] texts) => texts[_random.Next(0, texts.Length)];

    private sealed class LiveOrder(PlannedOrder plan, SalesOrder order)
    {
        public PlannedOrder Plan { get; } = plan;
        public SalesOrder Order { get; } = order;
        public List<(StockReservation Reservation, int Product, int Warehouse)> Reservations { get; } = [];
        public List<Shipment> Shipments { get; } = [];
        public int NextStep { get; set; }
        public Guid HeldBy { get; set; }
    }
}
