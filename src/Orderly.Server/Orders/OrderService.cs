using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Customers;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Telemetry;
using Orderly.Server.Inventory;

namespace Orderly.Server.Orders;

/// <summary>
/// The order road as application operations: each loads what it needs, calls the aggregate, moves stock and
/// commits once through <see cref="Writes"/>.
/// </summary>
public sealed class OrderService(
    OrderlyDbContext db, Writes writes, StockService stock, EntryContextLoader entry, BusinessCalendar calendar,
    IOptionsMonitor<ApprovalRules> approvalRules, DataScope scope, CreditExposure credit)
{
    public async Task<EntryCheck> CheckAsync(OrderInput input, Guid? editingOrderId, CancellationToken ct)
    {
        var request = input.ToRequest();
        return OrderEntry.Check(request, await entry.LoadAsync(request, editingOrderId, ct));
    }

    public async Task<SalesOrder> CreateAsync(OrderInput input, Guid? actor, Func<SalesOrder, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var check = await CheckAsync(input, null, ct);
        ThrowIfInvalid(check);
        var at = calendar.Now;
        var today = calendar.DateOf(at);
        var created = await writes.RunAsync(async token =>
        {
            var number = await DocumentNumbers.NextOrderNumberAsync(db, today.Year, token);
            var order = SalesOrder.Create(number, input.CustomerId, check.Currency, today, input.RequestedDeliveryDate, input.CustomerPo, check.Lines, at, actor);
            order.RecordEntryWarnings(check.Warnings);
            order.ChangeReservationPolicy(input.ReservationPolicy);
            db.SalesOrders.Add(order);
            if (input.Submit)
            {
                await SubmitLoadedAsync(order, actor, token);
            }

            if (beforeCommit is not null)
            {
                await beforeCommit(order, token);
            }

            return order;
        }, ct);
        OrderlyMetrics.OrderPlaced();
        if (input.Submit)
        {
            OrderlyMetrics.OrderSubmitted(created.Status.ToString());
        }

        return created;
    }

    public async Task UpdateDraftAsync(Guid id, OrderInput input, Action<SalesOrder> precondition, CancellationToken ct)
    {
        if (input.Submit)
        {
            throw new RuleViolationException("submit", "SubmitOnlyOnCreate", "\"submit\": true places and submits a new order; submit a saved draft with POST /api/orders/{id}/submit.");
        }

        var check = await CheckAsync(input, id, ct);
        await writes.RunAsync(async token =>
        {
            var order = await LoadAsync(id, token);
            precondition(order);
            if (order.CustomerId != input.CustomerId)
            {
                throw new RuleViolationException("customerId", "CustomerFixed", "An order's customer cannot change; cancel it and enter a new one.");
            }

            ThrowIfInvalid(check);
            order.ChangeLines(check.Lines, input.RequestedDeliveryDate, input.CustomerPo, calendar.Now);
            order.ChangeReservationPolicy(input.ReservationPolicy);
            order.RecordEntryWarnings(check.Warnings);
        }, ct);
    }

    public async Task SubmitAsync(Guid id, Guid? actor, Action<SalesOrder>? precondition, CancellationToken ct)
    {
        var reached = OrderStatus.Draft;
        await ChangeAsync(id, precondition, async (order, token) => reached = await SubmitLoadedAsync(order, actor, token), ct);
        OrderlyMetrics.OrderSubmitted(reached.ToString());
    }

    /// <summary>
    /// Submits an order inside the caller's transaction: the approval rules read the customer's exposure under that
    /// transaction, and a confirmed order reserves its stock there too.
    /// </summary>
    private async Task<OrderStatus> SubmitLoadedAsync(SalesOrder order, Guid? actor, CancellationToken token)
    {
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == order.CustomerId, token);
        var rules = approvalRules.CurrentValue;
        var otherExposure = ApprovalPolicy.WeighsExposure(rules, order.Currency, customer.CreditLimit)
            ? await credit.OpenOrdersMinorAsync(order.CustomerId, order.Currency, order.Id, token)
            : 0;
        var reasons = await credit.WithHoldReasonsAsync(ApprovalPolicy.ReasonsFor(order, rules, otherExposure, customer.CreditLimit), order.CustomerId, token);
        order.Submit(reasons, calendar.Now, actor);
        if (order.Status == OrderStatus.Confirmed)
        {
            await stock.ReserveAsync(order, customer.Region, order.ReservationPolicy ?? customer.ReservationPolicy, calendar.Now, actor, token);
        }

        return order.Status;
    }

    /// <summary>
    /// Approves under separation of duties: nobody approves an order they entered or whose customer they own
    /// (refused with 403 and the refusal audited), and above the approver's limit a second approver is needed.
    /// Returns the status the order reached: Confirmed, or still PendingApproval when a second approver is needed.
    /// </summary>
    public async Task<OrderStatus> ApproveAsync(
        Guid id, string? comment, Guid? actor, IReadOnlyCollection<string> approverRoles, Action<SalesOrder>? precondition, CancellationToken ct)
    {
        var reached = OrderStatus.PendingApproval;
        try
        {
            await ChangeAsync(id, precondition, async (order, token) =>
            {
                var customer = await db.Customers.Where(c => c.Id == order.CustomerId).Select(c => new { c.Region, c.OwnerUserId, c.ReservationPolicy }).FirstAsync(token);
                if (SeparationOfDuties.Refusal(order.CreatedBy, customer.OwnerUserId, [actor, scope.Self]) is not null)
                {
                    throw new ForbiddenException("SeparationOfDuties", $"You cannot approve order {order.Number}: you entered it or own its customer.");
                }

                order.Approve(calendar.Now, actor, comment, approvalRules.CurrentValue.NeedsSecondApprover(approverRoles, order.Total));
                if (order.Status == OrderStatus.Confirmed)
                {
                    await stock.ReserveAsync(order, customer.Region, order.ReservationPolicy ?? customer.ReservationPolicy, calendar.Now, actor, token);
                }

                reached = order.Status;
            }, ct);
            return reached;
        }
        catch (ForbiddenException refused)
        {
            var customerId = await db.SalesOrders.Where(o => o.Id == id).Select(o => (Guid?)o.CustomerId).FirstOrDefaultAsync(ct);
            await db.AuditDenialAsync("SalesOrder", id.ToString(), refused.Message, ct, customerId);
            throw;
        }
    }

    public Task RejectAsync(Guid id, string? reason, Guid? actor, Action<SalesOrder>? precondition, CancellationToken ct) =>
        ChangeAsync(id, precondition, (order, _) => { order.Reject(reason!, calendar.Now, actor); return Task.CompletedTask; }, ct);

    public Task HoldAsync(Guid id, string? reason, Guid? actor, Action<SalesOrder>? precondition, CancellationToken ct) =>
        ChangeAsync(id, precondition, (order, _) => { order.Hold(reason!, calendar.Now, actor); return Task.CompletedTask; }, ct);

    public Task ReleaseAsync(Guid id, string? comment, Guid? actor, Action<SalesOrder>? precondition, CancellationToken ct) =>
        ChangeAsync(id, precondition, (order, _) => { order.Release(calendar.Now, actor, comment); return Task.CompletedTask; }, ct);

    public Task CancelAsync(Guid id, string? reason, Guid? actor, Action<SalesOrder>? precondition, CancellationToken ct) => ChangeAsync(id, precondition, async (order, token) =>
    {
        order.Cancel(reason!, calendar.Now, actor);
        await stock.ReleaseAsync(order, calendar.Now, actor, $"Cancelled: {order.StatusReason}", token);
    }, ct);

    public async Task<IReadOnlyList<Domain.Fulfillment.Shipment>> ShipAsync(Guid id, ShipmentInput input, Guid? actor, Action<SalesOrder>? precondition, CancellationToken ct)
    {
        IReadOnlyList<Domain.Fulfillment.Shipment> shipments = [];
        await ChangeAsync(id, precondition, async (order, token) =>
        {
            if (!order.Can(OrderAction.Ship))
            {
                throw new IllegalTransitionException("sales order", order.Status.ToString(), "ship");
            }

            var lines = input.Lines.Select(l => (l.LineId, l.Quantity)).ToList();
            if (lines.Any(l => l.Quantity <= 0 || !Quantity.HasAtMostMaxDecimals(l.Quantity)))
            {
                throw new RuleViolationException("lines", "QuantityNotPositive", "Shipped quantities are positive with at most 3 decimals.");
            }

            shipments = await stock.ShipAsync(order, lines, input.Carrier, input.TrackingNumber, calendar.Now, actor, token);
        }, ct);
        return shipments;
    }

    public Task DeliverAsync(Guid id, Guid? actor, Action<SalesOrder>? precondition, CancellationToken ct) =>
        ChangeAsync(id, precondition, (order, _) => { order.RecordDelivery(calendar.Now, actor); return Task.CompletedTask; }, ct);

    private Task ChangeAsync(Guid id, Action<SalesOrder>? precondition, Func<SalesOrder, CancellationToken, Task> change, CancellationToken ct) =>
        writes.RunAsync(async token =>
        {
            var order = await LoadAsync(id, token);
            precondition?.Invoke(order);
            await change(order, token);
        }, ct);

    private async Task<SalesOrder> LoadAsync(Guid id, CancellationToken ct)
    {
        await RowLocks.LockOrderAsync(db, id, ct);
        return await (await scope.OrdersAsync(db.SalesOrders, ct)).Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct)
            ?? throw new NotFoundException("Sales order", id);
    }

    private static void ThrowIfInvalid(EntryCheck check)
    {
        if (!check.IsValid)
        {
            throw new RuleViolationException(check.Errors);
        }
    }
}
