namespace Orderly.Domain.Communication;

/// <summary>A daily window (local time, may cross midnight) during which customers are not messaged.</summary>
public readonly record struct QuietHours(TimeOnly From, TimeOnly To)
{
    public bool Contains(TimeOnly t) => From <= To ? t >= From && t < To : t >= From || t < To;

    /// <summary>The first instant at or after <paramref name="now"/> outside the window, in <paramref name="zone"/>.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var t = TimeOnly.FromDateTime(local.DateTime);
        if (From == To || !Contains(t))
        {
            return now;
        }

        var date = local.Date;
        if (From > To && t >= From)
        {
            date = date.AddDays(1);
        }

        var end = date + To.ToTimeSpan();
        return new DateTimeOffset(end, zone.GetUtcOffset(end));
    }
}
