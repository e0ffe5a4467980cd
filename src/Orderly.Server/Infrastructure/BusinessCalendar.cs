namespace Orderly.Server.Infrastructure;

/// <summary>Business dates (order date, report days) in the company time zone, default Asia/Shanghai.</summary>
public sealed class BusinessCalendar(TimeProvider time, IConfiguration configuration)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(configuration["Orderly:TimeZone"] ?? "Asia/Shanghai");

    /// <summary>
    /// Now, in whole microseconds: what PostgreSQL keeps of an instant (SQLite keeps more), so an aggregate answered
    /// from memory right after it is written says the same instants as when it is read back.
    /// </summary>
    public DateTimeOffset Now => ToMicroseconds(time.GetUtcNow());

    /// <summary>The instant in UTC, cut to whole microseconds (PostgreSQL's precision): what any database gives back.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    public DateOnly Today => DateOf(time.GetUtcNow());

    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}
