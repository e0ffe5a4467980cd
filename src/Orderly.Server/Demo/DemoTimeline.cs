namespace Orderly.Server.Demo;

/// <summary>
/// When things happen: order entry on working days and hours (Shanghai time) with fewer orders over the Spring
/// Festival and National Day, business growing over the year, and each later step a plausible delay after the last.
/// </summary>
internal sealed class DemoTimeline(Random random, DateTimeOffset now, TimeZoneInfo zone)
{
    public const int Days = 365;

    /// <summary>The one Spring Festival date per year that the demo window can touch.</summary>
    private static readonly Dictionary<int, DateOnly> SpringFestival = new()
    {
        [2024] = new(2024, 2, 10), [2025] = new(2025, 1, 29), [2026] = new(2026, 2, 17), [2027] = new(2027, 2, 6),
        [2028] = new(2028, 1, 26), [2029] = new(2029, 2, 13), [2030] = new(2030, 2, 3), [2031] = new(2031, 1, 23),
    };

    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    public DateTimeOffset Now { get; } = now;

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public DateTimeOffset AtLocal(DateOnly date, int hour, int minute) =>
        new(TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(new TimeOnly(hour, minute)), zone));

    /// <summary>Order entry instants over the last year, sorted, all at least ten minutes before now.</summary>
    public DateTimeOffset[] EntryTimes(int count)
    {
        var today = LocalDate(Now);
        var cumulative = new double[Days];
        var total = 0d;
        for (var age = 0; age < Days; age++)
        {
            total += DayWeight(today.AddDays(-age), age);
            cumulative[age] = total;
        }

        var times = new DateTimeOffset[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = EntryTime(today, cumulative, total);
        }

        Array.Sort(times);
        return times;
    }

    /// <summary>A delay in hours around a median, log-normally spread and clamped to a range.</summary>
    public double Hours(double median, double min, double max)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Clamp(median * Math.Exp(0.7 * normal), min, max);
    }

    /// <summary>
    /// Lays the steps out after <paramref name="start"/> with the given delays, moved into working hours, and squeezed
    /// when they would run past now: the result is strictly increasing and ends before now.
    /// </summary>
    public DateTimeOffset[] Place(DateTimeOffset start, double[] delaysHours)
    {
        var latest = Now - Margin;
        for (var squeeze = 1d; squeeze > 0.01; squeeze *= 0.6)
        {
            var times = new DateTimeOffset[delaysHours.Length];
            var at = start;
            for (var i = 0; i < delaysHours.Length; i++)
            {
                at = IntoWorkingHours(at + TimeSpan.FromHours(delaysHours[i] * squeeze));
                times[i] = at;
            }

            if (times.Length == 0 || times[^1] <= latest)
            {
                return times;
            }
        }

        // Too little time left for working hours: spread the steps evenly over what remains.
        var span = latest - start;
        var spread = new DateTimeOffset[delaysHours.Length];
        for (var i = 0; i < spread.Length; i++)
        {
            spread[i] = start + (span * ((i + 1d) / (spread.Length + 1d)));
        }

        return spread;
    }

    private DateTimeOffset EntryTime(DateOnly today, double[] cumulative, double total)
    {
        for (var attempt = 0; ; attempt++)
        {
            var age = Array.BinarySearch(cumulative, random.NextDouble() * total);
            age = age < 0 ? ~age : age;
            var date = today.AddDays(-Math.Min(age, Days - 1));
            var minute = random.NextDouble() switch
            {
                < 0.45 => 540 + random.Next(0, 150),
                < 0.90 => 810 + random.Next(0, 240),
                _ => 480 + random.Next(0, 720),
            };
            var local = date.ToDateTime(new TimeOnly(minute / 60, minute % 60, random.Next(0, 60)));
            var instant = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone)).AddMilliseconds(random.Next(0, 1000));
            if (instant <= Now - Margin || attempt > 50)
            {
                return instant <= Now - Margin ? instant : Now - Margin - TimeSpan.FromMinutes(random.Next(1, 120));
            }
        }
    }

    private static double DayWeight(DateOnly date, int age)
    {
        var growth = 0.75 + (0.5 * (1 - (age / (double)Days)));
        var weekday = date.DayOfWeek switch { DayOfWeek.Saturday => 0.3, DayOfWeek.Sunday => 0.08, _ => 1.0 };
        var holiday = 1.0;
        if (date.Month == 10 && date.Day <= 7)
        {
            holiday = 0.15;
        }
        else if (date.Month == 5 && date.Day <= 5)
        {
            holiday = 0.3;
        }
        else if (SpringFestival.TryGetValue(date.Year, out var festival) && date.DayNumber - festival.DayNumber is >= -2 and <= 6)
        {
            holiday = 0.1;
        }

        return growth * weekday * holiday;
    }

    private DateTimeOffset IntoWorkingHours(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        if (local.Hour >= 8 && local.Hour < 20)
        {
            return instant;
        }

        var day = local.Hour < 8 ? local.Date : local.Date.AddDays(1);
        var opened = day.AddHours(8).AddMinutes(random.Next(0, 90)).AddSeconds(random.Next(0, 60));
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(opened, DateTimeKind.Unspecified), zone));
    }
}
