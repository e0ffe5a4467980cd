using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Purchasing;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Purchasing;

public sealed record ScorecardDto(Guid SupplierId, int PeriodMonths, ScorecardPeriod? Current, IReadOnlyList<ScorecardPeriod> Periods);

/// <summary>
/// Supplier scorecards computed from the receipts, order lines and confirmations of each period (see
/// <see cref="Scorecard"/>); the standing of the latest period with receipts warns or blocks new purchase orders.
/// </summary>
public sealed class ScorecardService(OrderlyDbContext db, BusinessCalendar calendar, IOptionsMonitor<PurchasingOptions> options)
{
    public async Task<ScorecardDto> HistoryAsync(Guid supplierId, CancellationToken ct)
    {
        var settings = options.CurrentValue;
        var periods = Scorecard.Periods(calendar.Today, settings.ScorecardPeriodMonths, settings.ScorecardHistory);
        var computed = await ComputeAsync(supplierId, periods, ct);
        return new ScorecardDto(supplierId, settings.ScorecardPeriodMonths, computed.FirstOrDefault(p => p.Score is not null), computed);
    }

    /// <summary>The standing of the newest period that has receipts, or null when there is none yet.</summary>
    public async Task<SupplierStanding?> CurrentStandingAsync(Guid supplierId, CancellationToken ct)
    {
        var settings = options.CurrentValue;
        var periods = Scorecard.Periods(calendar.Today, settings.ScorecardPeriodMonths, settings.ScorecardHistory);
        return (await ComputeAsync(supplierId, periods, ct)).FirstOrDefault(p => p.Score is not null)?.Standing;
    }

    private async Task<List<ScorecardPeriod>> ComputeAsync(Guid supplierId, IReadOnlyList<(DateOnly From, DateOnly To)> periods, CancellationToken ct)
    {
        var first = periods.Min(p => p.From);
        var receipts = await db.Set<PurchaseReceipt>().AsNoTracking()
            .Where(r => r.SupplierId == supplierId && r.ReceivedOn >= first)
            .ToListAsync(ct);
        // Instants are compared in memory: ordering DateTimeOffset columns in SQL is not portable to SQLite.
        var orders = await db.Set<PurchaseOrder>().AsNoTracking().Where(o => o.SupplierId == supplierId).ToListAsync(ct);
        var lines = orders.SelectMany(o => o.Lines).ToDictionary(l => l.Id);
        var rules = options.CurrentValue.Scorecard;
        return [.. periods.Select(p =>
        {
            var scored = receipts.Where(r => r.ReceivedOn >= p.From && r.ReceivedOn <= p.To)
                .SelectMany(r => r.Lines.Select(l => (l.PurchaseOrderLineId, new ScoredReceipt(r.ReceivedOn, l.DueDate, l.Arrived, l.Rejected,
                    lines.TryGetValue(l.PurchaseOrderLineId, out var line) ? line.Quantity : 0m))))
                .ToList();
            var prices = orders.Where(o => In(calendar.DateOf(o.CreatedAt), p) && o.Status != PurchaseOrderStatus.Cancelled)
                .SelectMany(o => o.Lines.Select(l => new ScoredPrice(l.Quantity, l.UnitPriceMinor, l.ListPriceMinor))).ToList();
            var confirmations = orders.Where(o => o.SentAt is { } sent && In(calendar.DateOf(sent), p))
                .Select(o => new ScoredConfirmation(o.SentAt!.Value, o.ConfirmedAt)).ToList();
            return Scorecard.Compute(p.From, p.To, scored, prices, confirmations, rules);
        })];
    }

    private static bool In(DateOnly day, (DateOnly From, DateOnly To) period) => day >= period.From && day <= period.To;

}
