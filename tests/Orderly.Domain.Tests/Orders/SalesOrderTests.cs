using Orderly.Domain.Common;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

public sealed class SalesOrderTests
{
    [Fact]
    public void Create_WithoutLines_ThrowsNoLines()
    {
        var error = Assert.Throws<RuleViolationException>(
            () => SalesOrder.Create("SO-2026-000001", OrderBuilder.CustomerId, "CNY", OrderBuilder.Today, null, null, [], OrderBuilder.Start, null));

        Assert.Equal(("lines", "NoLines"), (error.Violations[0].Field, error.Code));
    }

    [Fact]
    public void ChangeLines_ToNoLines_ThrowsNoLinesAndKeepsTheOldOnes()
    {
        var order = new OrderBuilder().Build();

        var error = Assert.Throws<RuleViolationException>(() => order.ChangeLines([], null, null, OrderBuilder.Start));

        Assert.Equal("NoLines", error.Code);
        Assert.Equal(2, order.Lines.Count);
        Assert.Equal(52496L, order.TotalMinor);
    }

    [Fact]
    public void Create_With501Lines_ThrowsTooManyLines()
    {
        var lines = Enumerable.Range(0, SalesOrder.MaxLines + 1).Select(_ => OrderBuilder.LineOf(1m, new Money(1m, "CNY"))).ToList();

        var error = Assert.Throws<RuleViolationException>(() => new OrderBuilder().WithLines(lines).Build());

        Assert.Equal(("lines", "TooManyLines"), (error.Violations[0].Field, error.Code));
    }

    [Fact]
    public void Create_WithALineInAnotherCurrency_ThrowsCurrencyMismatch()
    {
        var builder = new OrderBuilder().WithLines([OrderBuilder.LineOf(1m, new Money(5m, "USD"))]);

        Assert.Throws<CurrencyMismatchException>(() => builder.Build());
    }

    [Fact]
    public void Create_NormalizesTheCustomerPo()
    {
        var order = SalesOrder.Create(
            "SO-2026-000001", OrderBuilder.CustomerId, "CNY", OrderBuilder.Today, null, " PO-Cafe\u0301 ",
            [OrderBuilder.LineOf(1m, new Money(5m, "CNY"))], OrderBuilder.Start, OrderBuilder.Clerk);

        Assert.Equal("PO-Caf\u00e9", order.CustomerPo);
    }

    [Fact]
    public void Create_WithOverlongCustomerPo_ThrowsTooLong()
    {
        var error = Assert.Throws<RuleViolationException>(() => SalesOrder.Create(
            "SO-2026-000001", OrderBuilder.CustomerId, "CNY", OrderBuilder.Today, null, new string('P', SalesOrder.CustomerPoMaxLength + 1),
            [OrderBuilder.LineOf(1m, new Money(5m, "CNY"))], OrderBuilder.Start, OrderBuilder.Clerk));

        Assert.Equal(("customerPo", "TooLong"), (error.Violations[0].Field, error.Code));
    }

    [Fact]
    public void RecordReservation_BeyondTheOrderedQuantity_Throws()
    {
        var order = new OrderBuilder().WithLine(10m, 1m).Build();
        var line = order.Lines[0];
        order.RecordReservation(line.Id, 7m);

        Assert.Throws<InvalidOperationException>(() => order.RecordReservation(line.Id, 4m));
        Assert.Equal(7m, line.Reserved);
    }

    [Fact]
    public void MarkUnreservedBackordered_BackordersWhatIsNeitherReservedNorShipped()
    {
        var order = new OrderBuilder().WithLine(10m, 1m).WithLine(3m, 1m).Build();
        order.RecordReservation(order.Lines[0].Id, 7m);

        order.MarkUnreservedBackordered();

        Assert.Equal([3m, 3m], order.Lines.Select(l => l.Backordered));
        Assert.All(order.Lines, l => Assert.True(l.Reserved + l.Shipped + l.Backordered == l.Quantity));
    }

    [Fact]
    public void RecordEntryWarnings_ReplacesTheWarningsSeenAtEntry()
    {
        var order = new OrderBuilder().Build();
        order.RecordEntryWarnings([new EntryWarning("StockShort", "short", "lines[0].quantity"), new EntryWarning("PriceOffList", "off")]);

        order.RecordEntryWarnings([new EntryWarning("CreditNearLimit", "near")]);

        Assert.Equal(["CreditNearLimit"], order.EntryWarnings.Select(w => w.Code));
    }
}
