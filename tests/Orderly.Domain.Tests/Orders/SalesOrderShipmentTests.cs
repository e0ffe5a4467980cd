using Orderly.Domain.Common;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

/// <summary>Shipment and delivery: the quantity ledger of each line and the statuses that follow from it.</summary>
public sealed class SalesOrderShipmentTests
{
    private readonly OrderBuilder _builder = new();

    [Fact]
    public void RecordShipment_OfPartOfTheOrder_MovesToPartiallyShipped()
    {
        var order = _builder.Build(OrderStatus.Confirmed);
        var first = order.Lines[0];
        var at = _builder.Now;

        order.RecordShipment([(first.Id, 4m)], at, OrderBuilder.Clerk);

        Assert.Equal(OrderStatus.PartiallyShipped, order.Status);
        Assert.Equal((6m, 4m, 0m), (first.Reserved, first.Shipped, first.Backordered));
        Assert.Equal(6m, first.Outstanding);
        StatusHistoryAssert.LastRow(order, OrderStatus.Confirmed, OrderStatus.PartiallyShipped, at, OrderBuilder.Clerk, null);
    }

    [Fact]
    public void RecordShipment_OfPartOfEveryLine_MovesToPartiallyShipped()
    {
        var order = _builder.Build(OrderStatus.Confirmed);

        order.RecordShipment([.. order.Lines.Select(l => (l.Id, l.Quantity - 1))], _builder.Now, OrderBuilder.Clerk);

        Assert.Equal(OrderStatus.PartiallyShipped, order.Status);
        Assert.All(order.Lines, l => Assert.Equal(1m, l.Outstanding));
    }

    [Fact]
    public void RecordShipment_OfEverything_MovesToShipped()
    {
        var order = _builder.Build(OrderStatus.Confirmed);
        var at = _builder.Now;

        OrderBuilder.ShipAllReserved(order, at);

        Assert.Equal(OrderStatus.Shipped, order.Status);
        Assert.All(order.Lines, l => Assert.Equal((l.Quantity, 0m, 0m), (l.Shipped, l.Reserved, l.Backordered)));
        StatusHistoryAssert.LastRow(order, OrderStatus.Confirmed, OrderStatus.Shipped, at, OrderBuilder.Clerk, null);
    }

    [Fact]
    public void RecordShipment_InThreeParts_WritesARowOnlyWhenTheStatusChanges()
    {
        var order = _builder.Build(OrderStatus.Confirmed);
        var first = order.Lines[0];
        var rowsBefore = order.StatusHistory.Count;

        order.RecordShipment([(first.Id, 2m)], _builder.Now, OrderBuilder.Clerk);
        var secondAt = _builder.Now.AddHours(1);
        order.RecordShipment([(first.Id, 3m)], secondAt, OrderBuilder.Clerk);

        Assert.Equal(OrderStatus.PartiallyShipped, order.Status);
        Assert.Equal(rowsBefore + 1, order.StatusHistory.Count);
        Assert.Equal(secondAt, order.UpdatedAt);

        OrderBuilder.ShipAllReserved(order, _builder.Now.AddHours(2));

        Assert.Equal(OrderStatus.Shipped, order.Status);
        Assert.Equal(rowsBefore + 2, order.StatusHistory.Count);
        StatusHistoryAssert.LastRow(order, OrderStatus.PartiallyShipped, OrderStatus.Shipped, _builder.Now.AddHours(2), OrderBuilder.Clerk, null);
    }

    [Fact]
    public void RecordShipment_MoreThanReserved_ThrowsRuleViolation()
    {
        var order = _builder.WithLine(10m, 12.50m).WithLine(4m, 99.99m).Build();
        order.Submit([], _builder.Now, OrderBuilder.Clerk);
        order.RecordReservation(order.Lines[1].Id, 3m);

        var error = Assert.Throws<RuleViolationException>(
            () => order.RecordShipment([(order.Lines[1].Id, 4m)], _builder.Now, OrderBuilder.Clerk));

        var violation = Assert.Single(error.Violations);
        Assert.Equal(("lines[1].quantity", "ShipmentExceedsReserved"), (violation.Field, violation.Code));
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal((3m, 0m), (order.Lines[1].Reserved, order.Lines[1].Shipped));
    }

    [Fact]
    public void RecordShipment_WhenALaterLineExceedsReserved_ShipsNothing()
    {
        var order = _builder.WithLine(10m, 12.50m).WithLine(4m, 99.99m).Build();
        order.Submit([], _builder.Now, OrderBuilder.Clerk);
        order.RecordReservation(order.Lines[0].Id, 10m);
        order.RecordReservation(order.Lines[1].Id, 3m);

        Assert.Throws<RuleViolationException>(
            () => order.RecordShipment([(order.Lines[0].Id, 10m), (order.Lines[1].Id, 4m)], _builder.Now, OrderBuilder.Clerk));

        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal((10m, 0m), (order.Lines[0].Reserved, order.Lines[0].Shipped));
    }

    [Fact]
    public void RecordShipment_ListingOneLineTwiceBeyondItsReservation_ShipsNothing()
    {
        var order = _builder.Build(OrderStatus.Confirmed);
        var first = order.Lines[0];

        var error = Assert.Throws<RuleViolationException>(
            () => order.RecordShipment([(first.Id, 6m), (first.Id, 6m)], _builder.Now, OrderBuilder.Clerk));

        Assert.Equal("ShipmentExceedsReserved", error.Code);
        Assert.Equal((10m, 0m), (first.Reserved, first.Shipped));
        Assert.Equal(OrderStatus.Confirmed, order.Status);
    }

    [Theory]
    [InlineData(0, "QuantityNotPositive")]
    [InlineData(-1, "QuantityNotPositive")]
    public void RecordShipment_WithNonPositiveQuantity_Throws(int quantity, string code)
    {
        var order = _builder.Build(OrderStatus.Confirmed);

        var error = Assert.Throws<RuleViolationException>(
            () => order.RecordShipment([(order.Lines[0].Id, quantity)], _builder.Now, OrderBuilder.Clerk));

        Assert.Equal(code, error.Code);
        Assert.Equal(OrderStatus.Confirmed, order.Status);
    }

    [Fact]
    public void RecordShipment_WithNoLines_Throws()
    {
        var order = _builder.Build(OrderStatus.Confirmed);

        var error = Assert.Throws<RuleViolationException>(() => order.RecordShipment([], _builder.Now, OrderBuilder.Clerk));

        Assert.Equal("NoLines", error.Code);
    }

    [Fact]
    public void RecordShipment_OfALineNotOnTheOrder_Throws()
    {
        var order = _builder.Build(OrderStatus.Confirmed);

        var error = Assert.Throws<RuleViolationException>(
            () => order.RecordShipment([(Guid.NewGuid(), 1m)], _builder.Now, OrderBuilder.Clerk));

        Assert.Equal("UnknownLine", error.Code);
    }

    [Fact]
    public void RecordDelivery_WhenShipped_MovesToDeliveredWithDeliveredEqualToShipped()
    {
        var order = _builder.Build(OrderStatus.Shipped);
        var at = _builder.Now;

        order.RecordDelivery(at, OrderBuilder.Clerk);

        Assert.Equal(OrderStatus.Delivered, order.Status);
        Assert.All(order.Lines, l => Assert.Equal(l.Shipped, l.Delivered));
        Assert.Equal([10m, 4m], order.Lines.Select(l => l.Delivered));
        StatusHistoryAssert.LastRow(order, OrderStatus.Shipped, OrderStatus.Delivered, at, OrderBuilder.Clerk, null);
    }
}
