namespace Orderly.Domain.Purchasing;

public enum SupplierStanding
{
    Preferred,
    Normal,
    Warn,
    Block,
}

/// <summary>Weights of the scorecard criteria and the standing bands (ERPNext's defaults: 80 / 50 / 30).</summary>
public sealed class ScorecardRules
{
    public decimal OnTimeWeight { get; init; } = 40m;
    public decimal FillWeight { get; init; } = 30m;
    public decimal QualityWeight { get; init; } = 20m;
    public decimal PriceWeight { get; init; } = 10m;
    /// <summary>Quality score lost per 1,000 ppm rejected (10 000 ppm = 1 % rejected costs 10 points by default).</summary>
    public decimal QualityPointsPerThousandPpm { get; init; } = 1m;
    /// <summary>Price score lost per percentage point paid above the price list.</summary>
    public decimal PricePointsPerPercent { get; init; } = 10m;
    public decimal PreferredFrom { get; init; } = 80m;
    public decimal NormalFrom { get; init; } = 50m;
    public decimal WarnFrom { get; init; } = 30m;

    public SupplierStanding StandingOf(decimal score) =>
        score >= PreferredFrom ? SupplierStanding.Preferred
        : score >= NormalFrom ? SupplierStanding.Normal
        : score >= WarnFrom ? SupplierStanding.Warn
        : SupplierStanding.Block;
}

/// <summary>A receipt line as the scorecard sees it.</summary>
public sealed record ScoredReceipt(DateOnly ReceivedOn, DateOnly? DueDate, decimal Arrived, decimal Rejected, decimal Ordered);

/// <summary>A purchase order line ordered in the period: its price and the price list's.</summary>
public sealed record ScoredPrice(decimal Quantity, long UnitPriceMinor, long? ListPriceMinor);

/// <summary>A purchase order sent in the period and when the supplier confirmed it.</summary>
public sealed record ScoredConfirmation(DateTimeOffset SentAt, DateTimeOffset? ConfirmedAt);

public sealed record ScorecardPeriod(
    DateOnly From, DateOnly To, int ReceiptLines, decimal? OnTimeRate, decimal? FillRate, decimal? QualityPpm, decimal? PriceVariance,
    decimal? ConfirmationHours, decimal? Score, SupplierStanding? Standing);

/// <summary>
/// One period of a supplier's scorecard, from the data:
/// <list type="bullet">
/// <item>on-time rate = receipt lines received on or before the line's due date (promised, else expected) / receipt lines;</item>
/// <item>fill rate = units accepted / units ordered, over the purchase order lines received in the period
/// (each line's ordered quantity counted once);</item>
/// <item>quality = rejected units / arrived units x 1,000,000 (ppm);</item>
/// <item>price variance = (paid - price list) / price list over the lines ordered in the period, as a fraction;</item>
/// <item>confirmation time = mean hours from sending to confirmation of the orders sent in the period.</item>
/// </list>
/// The score is the weighted mean of the criteria that have data (each 0-100); no receipts: no score.
/// </summary>
public static class Scorecard
{
    public static ScorecardPeriod Compute(DateOnly from, DateOnly to, IReadOnlyList<(Guid LineId, ScoredReceipt Receipt)> receipts,
        IReadOnlyList<ScoredPrice> prices, IReadOnlyList<ScoredConfirmation> confirmations, ScorecardRules rules)
    {
        decimal? onTime = null, fill = null, ppm = null, variance = null, hours = null;
        if (receipts.Count > 0)
        {
            onTime = (decimal)receipts.Count(r => r.Receipt.DueDate is null || r.Receipt.ReceivedOn <= r.Receipt.DueDate) / receipts.Count;
            var ordered = receipts.GroupBy(r => r.LineId).Sum(g => g.First().Receipt.Ordered);
            var accepted = receipts.Sum(r => r.Receipt.Arrived - r.Receipt.Rejected);
            fill = ordered > 0 ? Math.Min(1m, accepted / ordered) : null;
            var arrived = receipts.Sum(r => r.Receipt.Arrived);
            ppm = arrived > 0 ? receipts.Sum(r => r.Receipt.Rejected) / arrived * 1_000_000m : null;
        }

        var priced = prices.Where(p => p.ListPriceMinor is > 0).ToList();
        if (priced.Count > 0)
        {
            var list = priced.Sum(p => p.Quantity * p.ListPriceMinor!.Value);
            var paid = priced.Sum(p => p.Quantity * p.UnitPriceMinor);
            variance = list > 0 ? (paid - list) / list : null;
        }

        var confirmed = confirmations.Where(c => c.ConfirmedAt is not null).ToList();
        if (confirmed.Count > 0)
        {
            hours = (decimal)confirmed.Average(c => (c.ConfirmedAt!.Value - c.SentAt).TotalHours);
        }

        decimal? score = null;
        if (receipts.Count > 0)
        {
            var parts = new List<(decimal Weight, decimal Points)>
            {
                (rules.OnTimeWeight, onTime!.Value * 100m),
                (rules.FillWeight, (fill ?? 0m) * 100m),
                (rules.QualityWeight, Clamp(100m - ((ppm ?? 0m) / 1000m * rules.QualityPointsPerThousandPpm))),
            };
            if (variance is { } v)
            {
                parts.Add((rules.PriceWeight, Clamp(100m - (Math.Max(0m, v) * 100m * rules.PricePointsPerPercent))));
            }

            var weight = parts.Sum(p => p.Weight);
            score = weight > 0 ? Math.Round(parts.Sum(p => p.Weight * p.Points) / weight, 2, MidpointRounding.AwayFromZero) : null;
        }

        return new ScorecardPeriod(from, to, receipts.Count, Round(onTime, 4), Round(fill, 4), Round(ppm, 0), Round(variance, 4), Round(hours, 1),
            score, score is { } s ? rules.StandingOf(s) : null);
    }

    /// <summary>The periods of <paramref name="months"/> months each, the latest containing <paramref name="today"/>, newest first.</summary>
    public static IReadOnlyList<(DateOnly From, DateOnly To)> Periods(DateOnly today, int months, int count)
    {
        var start = new DateOnly(today.Year, today.Month, 1);
        start = start.AddMonths(-((start.Month - 1) % months));
        var list = new List<(DateOnly, DateOnly)>();
        for (var i = 0; i < count; i++)
        {
            var from = start.AddMonths(-i * months);
            list.Add((from, from.AddMonths(months).AddDays(-1)));
        }

        return list;
    }

    private static decimal Clamp(decimal points) => Math.Max(0m, Math.Min(100m, points));

    private static decimal? Round(decimal? value, int digits) => value is { } v ? Math.Round(v, digits, MidpointRounding.AwayFromZero) : null;
}
