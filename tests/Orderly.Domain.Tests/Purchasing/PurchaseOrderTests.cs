using Orderly.Domain.Common;
using Orderly.Domain.Purchasing;

namespace Orderly.Domain.Tests.Purchasing;

public sealed class PurchaseOrderTests
{
    private static readonly decimal[] Bands = [80m, 50m, 30m, 29.99m];

    private static readonly DateTimeOffset At = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("20", "50", "12", "60")]
    [InlineData("61", "50", "12", "72")]
    [InlineData("5", null, "6", "6")]
    [InlineData("7", "3", null, "7")]
    [InlineData("1.5", null, null, "1.5")]
    public void RoundUp_IsAtLeastTheMoq_InWholePacks(string need, string? moq, string? pack, string expected) =>
        Assert.Equal(D(expected), OrderQuantity.RoundUp(D(need), moq is null ? null : D(moq), pack is null ? null : D(pack)));

    private static decimal D(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Road_ApproveSendConfirmReceiveWithRejects_ThenClose()
    {
        var po = Order(10m);
        var line = po.Lines[0];
        po.Approve(At, null);
        po.Send("a@b.c", "zh-CN", At, null);
        po.Confirm([(line.Id, 10m, new DateOnly(2026, 12, 8))], At, null);
        Assert.Equal((PurchaseOrderStatus.Confirmed, new DateOnly(2026, 12, 8)), (po.Status, line.PromisedDate));

        var received = po.Receive([new ReceiptLineInput(line.Id, 6m, 1m)], 0m, At, null);
        Assert.Equal((5m, 1m), (received[0].Accepted, received[0].Rejected));
        Assert.Equal((PurchaseOrderStatus.PartiallyReceived, 5m, 5m), (po.Status, line.Accepted, line.Open));

        var over = Assert.Throws<RuleViolationException>(() => po.Receive([new ReceiptLineInput(line.Id, 6m, 0m)], 0m, At, null));
        Assert.Equal("OverReceipt", over.Code);
        po.Receive([new ReceiptLineInput(line.Id, 5m, 0m)], 0m, At, null);
        Assert.Equal(PurchaseOrderStatus.Received, po.Status);
        po.Close(null, At);
        Assert.Equal(PurchaseOrderStatus.Closed, po.Status);
        Assert.Equal(["PurchaseOrderApproved", "PurchaseOrderSent", "PurchaseOrderConfirmed", "PurchaseOrderReceived", "PurchaseOrderReceived"],
            po.TakeEvents().Select(e => e.GetType().Name));
    }

    [Fact]
    public void Receive_WithinTolerance_IsAccepted_AndBeyondIsNot()
    {
        var po = Order(100m);
        po.Approve(At, null);
        po.Receive([new ReceiptLineInput(po.Lines[0].Id, 105m, 0m)], 5m, At, null);
        Assert.Equal(PurchaseOrderStatus.Received, po.Status);
        var more = Order(100m);
        more.Approve(At, null);
        Assert.Equal("OverReceipt", Assert.Throws<RuleViolationException>(() => more.Receive([new ReceiptLineInput(more.Lines[0].Id, 106m, 0m)], 5m, At, null)).Code);
        Assert.Equal("InvalidRejected", Assert.Throws<RuleViolationException>(() => more.Receive([new ReceiptLineInput(more.Lines[0].Id, 5m, 6m)], 5m, At, null)).Code);
    }

    [Fact]
    public void Cancel_BeforeAnything_IsCancelled_AfterAReceipt_ClosesTheRest_AndThenNothingMoreArrives()
    {
        var po = Order(10m);
        po.Cancel("not needed", At);
        Assert.Equal(PurchaseOrderStatus.Cancelled, po.Status);
        Assert.Throws<IllegalTransitionException>(() => po.Approve(At, null));

        var part = Order(10m);
        part.Approve(At, null);
        part.Receive([new ReceiptLineInput(part.Lines[0].Id, 4m, 0m)], 0m, At, null);
        part.Cancel(null, At);
        Assert.Equal((PurchaseOrderStatus.Closed, 6m, 0m), (part.Status, part.Lines[0].CancelledQuantity, part.Lines[0].Open));
        Assert.Throws<IllegalTransitionException>(() => part.Receive([new ReceiptLineInput(part.Lines[0].Id, 1m, 0m)], 0m, At, null));
    }

    [Fact]
    public void Illegal_ConfirmBeforeSending_AndSendingADraft()
    {
        var po = Order(1m);
        Assert.Throws<IllegalTransitionException>(() => po.Send(null, "en", At, null));
        Assert.Throws<IllegalTransitionException>(() => po.Confirm([(po.Lines[0].Id, 1m, new DateOnly(2026, 12, 2))], At, null));
    }

    [Fact]
    public void PriceList_TiersAndValidity()
    {
        var product = Guid.NewGuid();
        var supplier = Guid.NewGuid();
        var rows = new[]
        {
            new SupplierPrice(supplier, product, 0m, 1000, "CNY", null, new DateOnly(2026, 12, 31)),
            new SupplierPrice(supplier, product, 100m, 900, "CNY", null, new DateOnly(2026, 12, 31)),
            new SupplierPrice(supplier, product, 0m, 1100, "CNY", new DateOnly(2027, 1, 1), null),
        };
        SupplierPrice.Validate(rows);
        Assert.Equal(1000, SupplierPrice.PriceOf(rows, product, 99m, new DateOnly(2026, 12, 5)));
        Assert.Equal(900, SupplierPrice.PriceOf(rows, product, 100m, new DateOnly(2026, 12, 5)));
        Assert.Equal(1100, SupplierPrice.PriceOf(rows, product, 500m, new DateOnly(2027, 1, 1)));
        Assert.Null(SupplierPrice.PriceOf(rows, Guid.NewGuid(), 1m, new DateOnly(2026, 12, 5)));
        var overlap = new[] { rows[0], new SupplierPrice(supplier, product, 0m, 1, "CNY", new DateOnly(2026, 6, 1), null) };
        Assert.Equal("OverlappingPrice", Assert.Throws<RuleViolationException>(() => SupplierPrice.Validate(overlap)).Code);
    }

    [Fact]
    public void Scorecard_ByHand()
    {
        var from = new DateOnly(2026, 12, 1);
        var to = new DateOnly(2026, 12, 31);
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        // Line a: 100 ordered, 50 on time (2 rejected), 50 late; line b: 40 ordered, 30 on time.
        var receipts = new List<(Guid, ScoredReceipt)>
        {
            (a, new ScoredReceipt(new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 5), 50m, 2m, 100m)),
            (a, new ScoredReceipt(new DateOnly(2026, 12, 9), new DateOnly(2026, 12, 5), 50m, 0m, 100m)),
            (b, new ScoredReceipt(new DateOnly(2026, 12, 5), new DateOnly(2026, 12, 5), 30m, 0m, 40m)),
        };
        var prices = new[] { new ScoredPrice(100m, 1050, 1000), new ScoredPrice(40m, 500, 500) };
        var confirmations = new[] { new ScoredConfirmation(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero)) };
        var card = Scorecard.Compute(from, to, receipts, prices, confirmations, new ScorecardRules());

        // on time 2/3; fill (48 + 50 + 30) / 140; ppm 2 / 130 x 1e6; variance (105000 + 20000 - 120000) / 120000; 30 hours.
        Assert.Equal(Math.Round(2m / 3m, 4), card.OnTimeRate);
        Assert.Equal(Math.Round(128m / 140m, 4), card.FillRate);
        Assert.Equal(Math.Round(2m / 130m * 1_000_000m, 0), card.QualityPpm);
        Assert.Equal(Math.Round(5000m / 120000m, 4), card.PriceVariance);
        Assert.Equal(30m, card.ConfirmationHours);
        var score = ((40m * (2m / 3m * 100m)) + (30m * (128m / 140m * 100m)) + (20m * (100m - (2m / 130m * 1000m))) + (10m * (100m - (5000m / 120000m * 1000m)))) / 100m;
        Assert.Equal(Math.Round(score, 2, MidpointRounding.AwayFromZero), card.Score);
        Assert.Equal(SupplierStanding.Normal, card.Standing);
        Assert.Equal([SupplierStanding.Preferred, SupplierStanding.Normal, SupplierStanding.Warn, SupplierStanding.Block],
            Bands.Select(new ScorecardRules().StandingOf));
        Assert.Null(Scorecard.Compute(from, to, [], [], [], new ScorecardRules()).Score);
    }

    private static PurchaseOrder Order(decimal quantity) =>
        new("PO-2026-000001", Guid.NewGuid(), Guid.NewGuid(), "CNY", [new PurchaseOrderLineInput(Guid.NewGuid(), quantity, 1000, 1000, null, new DateOnly(2026, 12, 10))], null, false, At, null);
}
