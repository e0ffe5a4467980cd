using Orderly.Domain.Common;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

public sealed class SalesOrderTransitionTests
{
    private const string ApproveComment = "Margin checked";
    private const string RejectReason = "Price below agreed contract";
    private const string ReleaseComment = "Prepayment received";
    private const string CancelReason = "Customer withdrew the order";

    private readonly OrderBuilder _builder = new();

    /// <summary>Every legal (status, action) pair that changes the status; Edit is covered separately because it does not.</summary>
    public static TheoryData<OrderStatus, OrderAction> LegalMoves => Moves(allowed: true);

    public static TheoryData<OrderStatus, OrderAction> IllegalMoves => Moves(allowed: false);

    [Theory]
    [InlineData(OrderStatus.Draft, "Edit,Submit,Cancel")]
    [InlineData(OrderStatus.PendingApproval, "Approve,Reject,Hold,Cancel")]
    [InlineData(OrderStatus.Confirmed, "Hold,Cancel,Ship")]
    [InlineData(OrderStatus.PartiallyShipped, "Hold,Ship")]
    [InlineData(OrderStatus.Shipped, "Deliver")]
    [InlineData(OrderStatus.Delivered, "")]
    [InlineData(OrderStatus.Cancelled, "")]
    [InlineData(OrderStatus.Rejected, "")]
    [InlineData(OrderStatus.OnHold, "Release,Cancel")]
    public void AllowedActions_MatchTheDesignedTable(OrderStatus status, string expected)
    {
        Assert.Equal(expected, string.Join(',', OrderTransitions.AllowedActions(status)));
    }

    [Fact]
    public void MoveData_CoversEveryStatusAndAction()
    {
        var total = Enum.GetValues<OrderStatus>().Length * Enum.GetValues<OrderAction>().Length;

        Assert.Equal(total, LegalMoves.Count + IllegalMoves.Count + 1);
    }

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void LegalAction_MovesToItsTargetAndAppendsOneHistoryRow(OrderStatus from, OrderAction action)
    {
        var order = _builder.Build(from);
        var historyBefore = order.StatusHistory.ToList();
        var at = _builder.Now;

        Perform(order, action, at);

        var target = ExpectedTarget(action);
        Assert.Equal(target, order.Status);
        Assert.Equal(at, order.UpdatedAt);
        Assert.Equal(historyBefore, order.StatusHistory.Take(historyBefore.Count));
        var row = Assert.Single(order.StatusHistory.Skip(historyBefore.Count));
        Assert.Equal(order.Id, row.OrderId);
        Assert.Equal(from, row.From);
        Assert.Equal(target, row.To);
        Assert.Equal(at, row.At);
        Assert.Equal(OrderBuilder.Manager, row.By);
        Assert.Equal(ReasonGiven(action), row.Reason);
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void IllegalAction_ThrowsAndLeavesStatusAndHistoryUnchanged(OrderStatus from, OrderAction action)
    {
        var order = _builder.Build(from);
        var historyBefore = order.StatusHistory.ToList();
        var updatedBefore = order.UpdatedAt;
        var linesBefore = order.Lines.Select(l => (l.Quantity, l.Reserved, l.Shipped, l.Delivered)).ToList();

        var error = Assert.Throws<IllegalTransitionException>(() => Perform(order, action, _builder.Now));

        Assert.Equal("IllegalTransition", error.Code);
        Assert.Equal(from.ToString(), error.From);
        Assert.Equal(action.ToString().ToLowerInvariant(), error.Action);
        Assert.False(order.Can(action));
        Assert.Equal(from, order.Status);
        Assert.Equal(historyBefore, order.StatusHistory);
        Assert.Equal(updatedBefore, order.UpdatedAt);
        Assert.Equal(linesBefore, order.Lines.Select(l => (l.Quantity, l.Reserved, l.Shipped, l.Delivered)));
    }

    [Fact]
    public void Create_WritesTheFirstHistoryRowIntoDraft()
    {
        var order = _builder.Build();

        Assert.Equal(OrderStatus.Draft, order.Status);
        var row = Assert.Single(order.StatusHistory);
        Assert.Null(row.From);
        Assert.Equal(OrderStatus.Draft, row.To);
        Assert.Equal(OrderBuilder.Start, row.At);
        Assert.Equal(OrderBuilder.Clerk, row.By);
        Assert.Null(row.Reason);
    }

    [Fact]
    public void Edit_OnDraft_ReplacesLinesWithoutAHistoryRow()
    {
        var order = _builder.Build();

        order.ChangeLines([OrderBuilder.LineOf(3m, new Money(7.10m, "CNY"))], OrderBuilder.Today.AddDays(7), "PO-77", _builder.Now);

        Assert.Equal(OrderStatus.Draft, order.Status);
        Assert.Single(order.StatusHistory);
        var line = Assert.Single(order.Lines);
        Assert.Equal(2130, line.LineTotalMinor);
        Assert.Equal(2130, order.TotalMinor);
        Assert.Equal("PO-77", order.CustomerPo);
    }

    [Fact]
    public void Submit_WithoutApprovalReasons_ConfirmsAtOnce()
    {
        var order = _builder.Build();
        var at = _builder.Now.AddMinutes(5);

        order.Submit([], at, OrderBuilder.Clerk);

        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal(at, order.SubmittedAt);
        Assert.Equal(at, order.ConfirmedAt);
        Assert.Null(order.ApprovalReasons);
        StatusHistoryAssert.LastRow(order, OrderStatus.Draft, OrderStatus.Confirmed, at, OrderBuilder.Clerk, null);
    }

    [Fact]
    public void Submit_WithApprovalReasons_WaitsForApprovalAndRecordsTheReasons()
    {
        var order = _builder.Build();
        var at = _builder.Now.AddMinutes(5);

        order.Submit([ApprovalPolicy.OrderTotalAboveThreshold, ApprovalPolicy.DiscountNeedsApproval], at, OrderBuilder.Clerk);

        Assert.Equal(OrderStatus.PendingApproval, order.Status);
        Assert.Equal(at, order.SubmittedAt);
        Assert.Null(order.ConfirmedAt);
        Assert.Equal("OrderTotalAboveThreshold,DiscountNeedsApproval", order.ApprovalReasons);
        StatusHistoryAssert.LastRow(order, OrderStatus.Draft, OrderStatus.PendingApproval, at, OrderBuilder.Clerk, "OrderTotalAboveThreshold,DiscountNeedsApproval");
    }

    [Fact]
    public void Approve_WhenPendingApproval_Confirms()
    {
        var order = _builder.Build(OrderStatus.PendingApproval);
        var at = _builder.Now;

        order.Approve(at, OrderBuilder.Manager, ApproveComment);

        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal(at, order.ConfirmedAt);
        Assert.Equal(ApproveComment, order.StatusReason);
        StatusHistoryAssert.LastRow(order, OrderStatus.PendingApproval, OrderStatus.Confirmed, at, OrderBuilder.Manager, ApproveComment);
    }

    [Fact]
    public void Approve_WhenOrderCancelled_Throws()
    {
        var order = _builder.Build(OrderStatus.Cancelled);

        var error = Assert.Throws<IllegalTransitionException>(() => order.Approve(_builder.Now, OrderBuilder.Manager));

        Assert.Equal("Cannot approve a sales order that is Cancelled.", error.Message);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Null(order.ConfirmedAt);
    }

    [Fact]
    public void Reject_WhenPendingApproval_MovesToRejectedWithTheReason()
    {
        var order = _builder.Build(OrderStatus.PendingApproval);
        var at = _builder.Now;

        order.Reject(RejectReason, at, OrderBuilder.Manager);

        Assert.Equal(OrderStatus.Rejected, order.Status);
        Assert.Equal(RejectReason, order.StatusReason);
        Assert.Null(order.ConfirmedAt);
        StatusHistoryAssert.LastRow(order, OrderStatus.PendingApproval, OrderStatus.Rejected, at, OrderBuilder.Manager, RejectReason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Reject_WithoutReason_ThrowsAndStaysPending(string reason)
    {
        var order = _builder.Build(OrderStatus.PendingApproval);
        var historyCount = order.StatusHistory.Count;

        var error = Assert.Throws<RuleViolationException>(() => order.Reject(reason, _builder.Now, OrderBuilder.Manager));

        var violation = Assert.Single(error.Violations);
        Assert.Equal(("reason", "Required"), (violation.Field, violation.Code));
        Assert.Equal(OrderStatus.PendingApproval, order.Status);
        Assert.Equal(historyCount, order.StatusHistory.Count);
    }

    [Fact]
    public void Reject_WithOverlongReason_ThrowsTooLong()
    {
        var order = _builder.Build(OrderStatus.PendingApproval);

        var error = Assert.Throws<RuleViolationException>(
            () => order.Reject(new string('x', SalesOrder.ReasonMaxLength + 1), _builder.Now, OrderBuilder.Manager));

        Assert.Equal("TooLong", error.Code);
        Assert.Equal(OrderStatus.PendingApproval, order.Status);
    }

    [Theory]
    [InlineData(OrderStatus.PendingApproval)]
    [InlineData(OrderStatus.Confirmed)]
    [InlineData(OrderStatus.PartiallyShipped)]
    public void Hold_RemembersThePriorStatus_AndReleaseReturnsToIt(OrderStatus from)
    {
        var order = _builder.Build(from);
        var heldAt = _builder.Now;
        var releasedAt = heldAt.AddHours(3);

        order.Hold(OrderBuilder.HoldReason, heldAt, OrderBuilder.Manager);

        Assert.Equal(OrderStatus.OnHold, order.Status);
        Assert.Equal(from, order.HeldFrom);
        StatusHistoryAssert.LastRow(order, from, OrderStatus.OnHold, heldAt, OrderBuilder.Manager, OrderBuilder.HoldReason);

        order.Release(releasedAt, OrderBuilder.Manager, ReleaseComment);

        Assert.Equal(from, order.Status);
        Assert.Null(order.HeldFrom);
        StatusHistoryAssert.LastRow(order, OrderStatus.OnHold, from, releasedAt, OrderBuilder.Manager, ReleaseComment);
    }

    [Fact]
    public void Hold_WithoutReason_ThrowsAndLeavesTheOrderAsItWas()
    {
        var order = _builder.Build(OrderStatus.Confirmed);
        var historyCount = order.StatusHistory.Count;

        var error = Assert.Throws<RuleViolationException>(() => order.Hold(" ", _builder.Now, OrderBuilder.Manager));

        Assert.Equal("Required", error.Code);
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal(historyCount, order.StatusHistory.Count);
        Assert.Null(order.HeldFrom);
    }

    [Fact]
    public void Release_AfterAFailedReleaseWithOverlongComment_StillReturnsToThePriorStatus()
    {
        var order = _builder.Build(OrderStatus.PendingApproval);
        order.Hold(OrderBuilder.HoldReason, _builder.Now, OrderBuilder.Manager);

        Assert.Throws<RuleViolationException>(
            () => order.Release(_builder.Now, OrderBuilder.Manager, new string('x', SalesOrder.ReasonMaxLength + 1)));
        Assert.Equal(OrderStatus.OnHold, order.Status);
        order.Release(_builder.Now, OrderBuilder.Manager, ReleaseComment);

        Assert.Equal(OrderStatus.PendingApproval, order.Status);
        Assert.Null(order.ConfirmedAt);
    }

    [Fact]
    public void Cancel_ReleasesEveryLineReservationAndBackorder()
    {
        var order = _builder.WithLine(10m, 12.50m).WithLine(4m, 99.99m).Build();
        order.Submit([], _builder.Now, OrderBuilder.Clerk);
        order.RecordReservation(order.Lines[0].Id, 6m);
        order.RecordReservation(order.Lines[1].Id, 4m);
        order.MarkUnreservedBackordered();
        Assert.Equal((6m, 4m), (order.Lines[0].Reserved, order.Lines[0].Backordered));
        var at = _builder.Now.AddHours(1);

        order.Cancel(CancelReason, at, OrderBuilder.Clerk);

        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.All(order.Lines, l => Assert.Equal((0m, 0m), (l.Reserved, l.Backordered)));
        StatusHistoryAssert.LastRow(order, OrderStatus.Confirmed, OrderStatus.Cancelled, at, OrderBuilder.Clerk, CancelReason);
    }

    [Fact]
    public void Cancel_WhenOnHold_ClearsHeldFromAndReleasesReservations()
    {
        var order = _builder.Build(OrderStatus.OnHold);

        order.Cancel(CancelReason, _builder.Now, OrderBuilder.Manager);

        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Null(order.HeldFrom);
        Assert.All(order.Lines, l => Assert.Equal(0m, l.Reserved));
    }

    [Fact]
    public void Cancel_WhenOnHoldAfterAPartialShipment_IsRefused()
    {
        var order = _builder.Build(OrderStatus.PartiallyShipped);
        order.Hold(OrderBuilder.HoldReason, _builder.Now, OrderBuilder.Manager);
        var reservedBefore = order.Lines.Select(l => l.Reserved).ToList();
        var historyCount = order.StatusHistory.Count;

        var error = Assert.Throws<IllegalTransitionException>(() => order.Cancel(CancelReason, _builder.Now, OrderBuilder.Manager));

        Assert.Equal("cancel", error.Action);
        Assert.Equal(OrderStatus.OnHold, order.Status);
        Assert.Equal(historyCount, order.StatusHistory.Count);
        Assert.Equal(reservedBefore, order.Lines.Select(l => l.Reserved));
    }

    [Fact]
    public void Cancel_WithoutReason_ThrowsAndKeepsReservations()
    {
        var order = _builder.Build(OrderStatus.Confirmed);

        var error = Assert.Throws<RuleViolationException>(() => order.Cancel("", _builder.Now, OrderBuilder.Clerk));

        Assert.Equal("Required", error.Code);
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.All(order.Lines, l => Assert.Equal(l.Quantity, l.Reserved));
    }

    [Fact]
    public void FullLifecycle_WritesOneChainedRowPerTransition()
    {
        var order = _builder.Build();
        var at = _builder.Now;
        DateTimeOffset Step() => at = at.AddMinutes(7);

        order.Submit([ApprovalPolicy.CreditLimitExceeded], Step(), OrderBuilder.Clerk);
        order.Hold(OrderBuilder.HoldReason, Step(), OrderBuilder.Manager);
        order.Release(Step(), OrderBuilder.Manager);
        order.Approve(Step(), OrderBuilder.Manager);
        OrderBuilder.ReserveAll(order);
        order.RecordShipment([(order.Lines[1].Id, 4m)], Step(), OrderBuilder.Clerk);
        OrderBuilder.ShipAllReserved(order, Step());
        order.RecordDelivery(Step(), OrderBuilder.Clerk);

        Assert.Equal(
            [OrderStatus.Draft, OrderStatus.PendingApproval, OrderStatus.OnHold, OrderStatus.PendingApproval, OrderStatus.Confirmed,
             OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Delivered],
            order.StatusHistory.Select(r => r.To));
        Assert.Null(order.StatusHistory[0].From);
        for (var i = 1; i < order.StatusHistory.Count; i++)
        {
            Assert.Equal(order.StatusHistory[i - 1].To, order.StatusHistory[i].From);
            Assert.True(order.StatusHistory[i].At > order.StatusHistory[i - 1].At);
        }
    }

    private static TheoryData<OrderStatus, OrderAction> Moves(bool allowed)
    {
        var data = new TheoryData<OrderStatus, OrderAction>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var action in Enum.GetValues<OrderAction>())
            {
                var isLegalStatusChange = OrderTransitions.IsAllowed(status, action) && action != OrderAction.Edit;
                var isIllegal = !OrderTransitions.IsAllowed(status, action);
                if (allowed ? isLegalStatusChange : isIllegal)
                {
                    data.Add(status, action);
                }
            }
        }

        return data;
    }

    /// <summary>Where each action leads from the statuses <see cref="OrderBuilder"/> produces (its OnHold order was Confirmed).</summary>
    private static OrderStatus ExpectedTarget(OrderAction action) => action switch
    {
        OrderAction.Submit => OrderStatus.Confirmed,
        OrderAction.Approve => OrderStatus.Confirmed,
        OrderAction.Reject => OrderStatus.Rejected,
        OrderAction.Hold => OrderStatus.OnHold,
        OrderAction.Release => OrderStatus.Confirmed,
        OrderAction.Cancel => OrderStatus.Cancelled,
        OrderAction.Ship => OrderStatus.Shipped,
        OrderAction.Deliver => OrderStatus.Delivered,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a status change."),
    };

    private static string? ReasonGiven(OrderAction action) => action switch
    {
        OrderAction.Approve => ApproveComment,
        OrderAction.Reject => RejectReason,
        OrderAction.Hold => OrderBuilder.HoldReason,
        OrderAction.Release => ReleaseComment,
        OrderAction.Cancel => CancelReason,
        _ => null,
    };

    private static void Perform(SalesOrder order, OrderAction action, DateTimeOffset at)
    {
        var by = OrderBuilder.Manager;
        switch (action)
        {
            case OrderAction.Edit:
                order.ChangeLines([OrderBuilder.LineOf(1m, new Money(5m, order.Currency))], null, null, at);
                break;
            case OrderAction.Submit:
                order.Submit([], at, by);
                break;
            case OrderAction.Approve:
                order.Approve(at, by, ApproveComment);
                break;
            case OrderAction.Reject:
                order.Reject(RejectReason, at, by);
                break;
            case OrderAction.Hold:
                order.Hold(OrderBuilder.HoldReason, at, by);
                break;
            case OrderAction.Release:
                order.Release(at, by, ReleaseComment);
                break;
            case OrderAction.Cancel:
                order.Cancel(CancelReason, at, by);
                break;
            case OrderAction.Ship:
                // Lines with nothing reserved still ship one unit, so only the transition check can refuse it.
                order.RecordShipment([.. order.Lines.Select(l => (l.Id, l.Reserved > 0 ? l.Reserved : 1m))], at, by);
                break;
            case OrderAction.Deliver:
                order.RecordDelivery(at, by);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown action.");
        }
    }
}
