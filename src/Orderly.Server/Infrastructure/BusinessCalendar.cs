namespace Orderly.Server.Infrastructure;

/// <summary>Business dates (order date, report days) in the company time zone, default Asia/Shanghai.</summary>
public sealed class BusinessCalendar(TimeProvider time, IConfiguration configuration)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(configuration["Orderly:TimeZone"] ?? "Asia/Shanghai");

    public DateTimeOffset Now => time.GetUtcNow();

    public DateOnly Today => DateOf(time.GetUtcNow());

    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}
