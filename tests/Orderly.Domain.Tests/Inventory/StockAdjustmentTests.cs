using Orderly.Domain.Common;
using Orderly.Domain.Inventory;

namespace Orderly.Domain.Tests.Inventory;

public sealed class StockAdjustmentTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly Guid Warehouse = Guid.CreateVersion7(At);
    private static readonly Guid Clerk = Guid.CreateVersion7(At);
    private static readonly Guid ProductA = Guid.CreateVersion7(At);
    private static readonly Guid ProductB = Guid.CreateVersion7(At);

    [Theory]
    [InlineData(AdjustmentReason.Damage, -1, true)]
    [InlineData(AdjustmentReason.Damage, 1, false)]
    [InlineData(AdjustmentReason.Loss, -1, true)]
    [InlineData(AdjustmentReason.Loss, 1, false)]
    [InlineData(AdjustmentReason.Expiry, -1, true)]
    [InlineData(AdjustmentReason.Expiry, 1, false)]
    [InlineData(AdjustmentReason.Sample, -1, true)]
    [InlineData(AdjustmentReason.Sample, 1, false)]
    [InlineData(AdjustmentReason.Found, 1, true)]
    [InlineData(AdjustmentReason.Found, -1, false)]
    [InlineData(AdjustmentReason.Correction, 1, true)]
    [InlineData(AdjustmentReason.Correction, -1, true)]
    [InlineData(AdjustmentReason.Other, 1, true)]
    [InlineData(AdjustmentReason.Other, -1, true)]
    [InlineData(AdjustmentReason.Count, 1, false)]
    public void Allows_DirectionFitsTheReason(AdjustmentReason reason, int quantity, bool allowed) =>
        Assert.Equal(allowed, StockAdjustment.Allows(reason, quantity));

    [Fact]
    public void Adjust_KeepsSignedLinesAndWritesTheReasonIntoTheLedgerNote()
    {
        var adjustment = StockAdjustment.Adjust("ADJ-2026-000001", Warehouse, AdjustmentReason.Damage, " 叉车撞坏 ", [(ProductA, -2m), (ProductB, -0.5m)], At, Clerk);

        Assert.Equal(AdjustmentReason.Damage, adjustment.Reason);
        Assert.Equal("叉车撞坏", adjustment.Note);
        Assert.Equal([-2m, -0.5m], adjustment.Lines.Select(l => l.Quantity));
        Assert.All(adjustment.Lines, l => Assert.Null(l.BookQuantity));
        Assert.Equal("Damage ADJ-2026-000001: 叉车撞坏", adjustment.LedgerNote);
        Assert.False(adjustment.IsCount);
        Assert.Equal((At, Clerk), (adjustment.At, adjustment.ActorId));
    }

    [Fact]
    public void Adjust_WrongDirectionZeroAndTooPreciseQuantities_NameEachLine()
    {
        var error = Assert.Throws<RuleViolationException>(() =>
            StockAdjustment.Adjust("ADJ-1", Warehouse, AdjustmentReason.Loss, null, [(ProductA, 3m), (ProductB, 0m), (Guid.NewGuid(), -0.0001m)], At, Clerk));

        Assert.Equal(
            [("lines[0].quantity", "ReasonDirection"), ("lines[1].quantity", "InvalidQuantity"), ("lines[2].quantity", "InvalidQuantity")],
            error.Violations.Select(v => (v.Field, v.Code)));
    }

    [Fact]
    public void Adjust_CountReasonByHand_IsRefused()
    {
        var error = Assert.Throws<RuleViolationException>(() =>
            StockAdjustment.Adjust("ADJ-1", Warehouse, AdjustmentReason.Count, null, [(ProductA, 3m)], At, Clerk));

        Assert.Equal(("reason", "InvalidReason"), (error.Violations[0].Field, error.Code));
    }

    [Fact]
    public void Adjust_OtherWithoutNote_RequiresNote()
    {
        var error = Assert.Throws<RuleViolationException>(() =>
            StockAdjustment.Adjust("ADJ-1", Warehouse, AdjustmentReason.Other, "  ", [(ProductA, 3m)], At, Clerk));

        Assert.Equal(("note", "NoteRequired"), (error.Violations[0].Field, error.Code));
    }

    [Fact]
    public void Adjust_DuplicateProductsAndNoLines_AreRefused()
    {
        var duplicate = Assert.Throws<RuleViolationException>(() =>
            StockAdjustment.Adjust("ADJ-1", Warehouse, AdjustmentReason.Found, null, [(ProductA, 1m), (ProductA, 2m)], At, Clerk));
        var empty = Assert.Throws<RuleViolationException>(() =>
            StockAdjustment.Adjust("ADJ-1", Warehouse, AdjustmentReason.Found, null, [], At, Clerk));

        Assert.Equal(("lines[1].productId", "DuplicateProduct"), (duplicate.Violations[0].Field, duplicate.Code));
        Assert.Equal(("lines", "LineCount"), (empty.Violations[0].Field, empty.Code));
    }

    [Fact]
    public void Adjust_OverlongNote_IsTooLong()
    {
        var error = Assert.Throws<RuleViolationException>(() =>
            StockAdjustment.Adjust("ADJ-1", Warehouse, AdjustmentReason.Found, new string('货', StockAdjustment.NoteMaxLength + 1), [(ProductA, 1m)], At, Clerk));

        Assert.Equal(("note", "TooLong"), (error.Violations[0].Field, error.Code));
    }

    [Fact]
    public void Count_BooksTheDifferenceBetweenCountedAndBook()
    {
        var count = StockAdjustment.Count("CNT-2026-000001", Warehouse, null,
            [new CountedLine(ProductA, BookQuantity: 10m, CountedQuantity: 7m), new CountedLine(ProductB, 4m, 4m)], At, Clerk);

        Assert.True(count.IsCount);
        Assert.Equal(AdjustmentReason.Count, count.Reason);
        Assert.Equal([(-3m, 10m, 7m), (0m, 4m, 4m)], count.Lines.Select(l => (l.Quantity, l.BookQuantity!.Value, l.CountedQuantity!.Value)));
        Assert.Equal("Count CNT-2026-000001", count.LedgerNote);
    }

    [Fact]
    public void ValidateCount_NegativeCountedQuantity_NamesTheLine()
    {
        var violations = new List<RuleViolation>();

        StockAdjustment.ValidateCount(null, [(ProductA, 1m), (ProductB, -1m)], violations);

        Assert.Equal(("lines[1].countedQuantity", "InvalidQuantity"), (Assert.Single(violations).Field, violations[0].Code));
    }
}
