using System.Globalization;
using Orderly.Domain.Allocation;
using Orderly.Domain.Catalog;
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
    private readonly DemoStockBook _stock;
    private readonly DemoTimeline _timeline;
    private readonly ApprovalRules _rules;
    private readonly DemoWriter _writer;
    private readonly Random _random;
    private readonly DemoFulfilment _fulfilment;
    private readonly Dictionary<Guid, Product> _productsById;
    private readonly Dictionary<Guid, decimal>[] _usualQuantities;
    private readonly long[] _openExposure;
    private readonly Dictionary<int, long> _nextNumber;
    private readonly List<DemoLiveOrder> _parked = [];

    public DemoSimulation(
        DemoWorld world, DemoSupply supply, DemoStockBook stock, DemoTimeline timeline, DemoHabit[][] habits,
        ApprovalRules rules, AllocationOptions allocation, DemoWriter writer, Dictionary<int, long> firstNumberByYear, Random random)
    {
        _world = world;
        _stock = stock;
        _timeline = timeline;
        _rules = rules;
        _writer = writer;
        _random = random;
        _nextNumber = new Dictionary<int, long>(firstNumberByYear);
        _fulfilment = new DemoFulfilment(world, supply, stock, timeline, allocation, random);
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
        var live = new DemoLiveOrder?[plans.Count];
        var queue = new PriorityQueue<(EventKind Kind, int Index), (long Ticks, long Sequence)>();
        var sequence = 0L;
        var opening = (plans.Count > 0 ? plans[0].CreatedAt : _timeline.Now.AddDays(-DemoTimeline.Days)).AddDays(-5);
        _fulfilment.ReceiveOpeningStock(opening);
        var weeks = _fulfilment.ReplenishmentTimes(opening);
        for (var i = 0; i < weeks.Count; i++)
        {
            queue.Enqueue((EventKind.Replenish, i), (weeks[i].UtcTicks, sequence++));
        }

        foreach (var plan in plans)
        {
            queue.Enqueue((EventKind.Enter, plan.Index), (plan.CreatedAt.UtcTicks, sequence++));
        }

        while (queue.TryDequeue(out var next, out _))
        {
            var (kind, index) = next;
            if (kind == EventKind.Replenish)
            {
                _fulfilment.Replenish(weeks[index]);
                continue;
            }

            var order = kind == EventKind.Enter ? live[index] = Enter(plans[index]) : live[index]!;
            if (kind == EventKind.Step)
            {
                Execute(order, order.Plan.Steps[order.NextStep++]);
            }

            if (order.NextStep < order.Plan.Steps.Length)
            {
                queue.Enqueue((EventKind.Step, index), (order.Plan.Steps[order.NextStep].At.UtcTicks, sequence++));
                continue;
            }

            live[index] = null;
            if (_fulfilment.IsWaitingForStock(order))
            {
                // Still waiting for stock: a later receipt may reserve it, so it is written at the end.
                _parked.Add(order);
                continue;
            }

            Write(order);
            if (_writer.IsFull)
            {
                ct.ThrowIfCancellationRequested();
                await _writer.FlushAsync(ct);
            }
        }

        foreach (var parked in _parked)
        {
            Write(parked);
        }

        await _writer.FlushAsync(ct);
    }

    private void Write(DemoLiveOrder live)
    {
        live.Order.Version = live.Order.StatusHistory.Count - 1;
        _writer.Add(live);
    }

    private DemoLiveOrder Enter(PlannedOrder plan)
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
        return new DemoLiveOrder(plan, order);
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

    private void Execute(DemoLiveOrder live, PlannedStep step)
    {
        var order = live.Order;
        var customer = _world.Customers[live.Plan.Customer];
        var staff = _world.Staff;
        var manager = staff.ManagerOf(customer.Spec.Rep);
        var wasOpen = OrderTransitions.OpenForCredit.Contains(order.Status);
        switch (step.Kind)
        {
            case DemoStep.Submit:
                var reasons = ApprovalPolicy.ReasonsFor(order, _rules, _openExposure[live.Plan.Customer], customer.Entity.CreditLimit);
                order.Submit(reasons, step.At, live.Plan.EnteredBy);
                if (order.Status == OrderStatus.Confirmed)
                {
                    _fulfilment.Reserve(live, step.At, live.Plan.EnteredBy);
                }

                break;
            case DemoStep.ApproveIfPending when order.Status == OrderStatus.PendingApproval:
                Approve(live, step.At, manager);
                break;
            case DemoStep.Reject when order.Status == OrderStatus.PendingApproval:
                order.Reject(Pick(DemoTexts.RejectReasons)!, step.At, manager);
                break;
            case DemoStep.Hold when order.Can(OrderAction.Hold):
                var (reason, byFinance) = DemoTexts.HoldReasons[_random.Next(0, DemoTexts.HoldReasons.Length)];
                live.HeldBy = byFinance ? staff.Finance : manager;
                order.Hold(reason, step.At, live.HeldBy);
                break;
            case DemoStep.Release when order.Status == OrderStatus.OnHold:
                order.Release(step.At, live.HeldBy, Pick(DemoTexts.ReleaseComments));
                break;
            case DemoStep.Cancel when order.Can(OrderAction.Cancel):
                order.Cancel(Pick(DemoTexts.CancelReasons)!, step.At, live.Plan.EnteredBy);
                _fulfilment.ReleaseAll(live, step.At, live.Plan.EnteredBy);

                break;
            case DemoStep.Ship when order.Can(OrderAction.Ship):
                _fulfilment.Ship(live, step);
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
        live.LastAt = step.At;
    }

    /// <summary>The customer's sales manager approves; above their limit the other manager gives the second approval.</summary>
    private void Approve(DemoLiveOrder live, DateTimeOffset at, Guid manager)
    {
        var order = live.Order;
        if (_rules.NeedsSecondApprover([Identity.Roles.SalesManager], order.Total))
        {
            order.Approve(live.LastAt + ((at - live.LastAt) / 2), manager, Pick(DemoTexts.ApprovalComments), needsSecondApprover: true);
            manager = _world.Staff.OtherManager(manager);
        }

        order.Approve(at, manager, Pick(DemoTexts.ApprovalComments));
        _fulfilment.Reserve(live, at, manager);
    }

    private string? Pick(string?[] texts) => texts[_random.Next(0, texts.Length)];
}
