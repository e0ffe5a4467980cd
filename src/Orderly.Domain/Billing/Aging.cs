namespace Orderly.Domain.Billing;

/// <summary>What a customer owes, by how long it is past its due date, in minor units.</summary>
public readonly record struct AgingBuckets(long Current, long D1To30, long D31To60, long D61To90, long D90Plus)
{
    public long Total => Current + D1To30 + D31To60 + D61To90 + D90Plus;

    public static AgingBuckets operator +(AgingBuckets a, AgingBuckets b) =>
        new(a.Current + b.Current, a.D1To30 + b.D1To30, a.D31To60 + b.D31To60, a.D61To90 + b.D61To90, a.D90Plus + b.D90Plus);
}

/// <summary>Receivables aging and days sales outstanding, as finance computes them by hand.</summary>
public static class Aging
{
    /// <summary>Places each open amount in its bucket: not yet due is current; then days past the due date 1-30, 31-60, 61-90, over 90.</summary>
    public static AgingBuckets Of(IEnumerable<(DateOnly DueDate, long DueMinor)> open, DateOnly asOf)
    {
        var buckets = default(AgingBuckets);
        foreach (var (dueDate, amount) in open)
        {
            var days = asOf.DayNumber - dueDate.DayNumber;
            buckets += days switch
            {
                <= 0 => new AgingBuckets(amount, 0, 0, 0, 0),
                <= 30 => new AgingBuckets(0, amount, 0, 0, 0),
                <= 60 => new AgingBuckets(0, 0, amount, 0, 0),
                <= 90 => new AgingBuckets(0, 0, 0, amount, 0),
                _ => new AgingBuckets(0, 0, 0, 0, amount),
            };
        }

        return buckets;
    }

    /// <summary>
    /// DSO = receivables at the end of the period / credit sales invoiced in the period x days of the period, to one
    /// decimal; null when nothing was invoiced in the period.
    /// </summary>
    public static decimal? DaysSalesOutstanding(long receivablesMinor, long salesInPeriodMinor, int periodDays) =>
        salesInPeriodMinor <= 0 ? null : Math.Round((decimal)receivablesMinor / salesInPeriodMinor * periodDays, 1, MidpointRounding.AwayFromZero);
}
