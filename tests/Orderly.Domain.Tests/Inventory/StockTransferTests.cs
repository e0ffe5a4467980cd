using Orderly.Domain.Common;
using Orderly.Domain.Inventory;

namespace Orderly.Domain.Tests.Inventory;

public sealed class StockTransferTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 10);
    private static readonly Guid Shanghai = Guid.CreateVersion7(At);
    private static readonly Guid Beijing = Guid.CreateVersion7(At);
    private static readonly Guid Clerk = Guid.CreateVersion7(At);
    private static readonly Guid Product = Guid.CreateVersion7(At);

    private static StockTransfer NewTransfer(DateOnly? expectedArrival = null) =>
        new("TR-2026-000001", Shanghai, Beijing, expectedArrival, "补货", [new StockTransferLine(Product, 12m)], Today, At, Clerk);

    [Fact]
    public void New_IsInTransit()
    {
        var transfer = NewTransfer(Today.AddDays(3));

        Assert.Equal(StockTransferStatus.InTransit, transfer.Status);
        Assert.Equal(Today.AddDays(3), transfer.ExpectedArrival);
        Assert.Equal((At, Clerk), (transfer.CreatedAt, transfer.CreatedBy));
        Assert.Equal(12m, Assert.Single(transfer.Lines).Quantity);
    }

    [Fact]
    public void Receive_FromInTransit_IsReceived_AndOnlyOnce()
    {
        var transfer = NewTransfer();
        var later = At.AddDays(2);

        transfer.Receive(later, Clerk);

        Assert.Equal(StockTransferStatus.Received, transfer.Status);
        Assert.Equal((later, Clerk), (transfer.ReceivedAt!.Value, transfer.ReceivedBy));
        var again = Assert.Throws<IllegalTransitionException>(() => transfer.Receive(later, Clerk));
        Assert.Equal("Received", again.From);
        Assert.Throws<IllegalTransitionException>(() => transfer.Cancel("太晚", later, Clerk));
    }

    [Fact]
    public void Cancel_FromInTransit_KeepsTheReason_AndCannotBeReceivedAfter()
    {
        var transfer = NewTransfer();

        transfer.Cancel(" 车辆故障 ", At, Clerk);

        Assert.Equal(StockTransferStatus.Cancelled, transfer.Status);
        Assert.Equal("车辆故障", transfer.CancelReason);
        Assert.Throws<IllegalTransitionException>(() => transfer.Receive(At, Clerk));
    }

    [Fact]
    public void New_ToTheSameWarehouse_WithArrivalInThePast_AndBadLines_NamesEachRule()
    {
        var error = Assert.Throws<RuleViolationException>(() => new StockTransfer("TR-1", Shanghai, Shanghai, Today.AddDays(-1), null,
            [new StockTransferLine(Product, 0m), new StockTransferLine(Product, 1m)], Today, At, Clerk));

        Assert.Equal(
            [("toWarehouseId", "SameWarehouse"), ("expectedArrival", "ExpectedArrivalInPast"), ("lines[0].quantity", "InvalidQuantity"), ("lines[1].productId", "DuplicateProduct")],
            error.Violations.Select(v => (v.Field, v.Code)));
    }

    [Fact]
    public void New_WithoutLines_IsRefused()
    {
        var error = Assert.Throws<RuleViolationException>(() => new StockTransfer("TR-1", Shanghai, Beijing, null, null, [], Today, At, Clerk));

        Assert.Equal(("lines", "LineCount"), (error.Violations[0].Field, error.Code));
    }
}
