using System.ComponentModel.DataAnnotations;
using Quartz;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>
/// When a job runs: a Quartz cron expression (seconds first, in the company time zone, e.g. <c>0 30 2 * * ?</c>) or a
/// fixed interval (<c>Every</c>, e.g. <c>06:00:00</c>), not both.
/// </summary>
public sealed class JobSchedule : IValidatableObject
{
    public string? Cron { get; set; }

    public TimeSpan? Every { get; set; }

    public static JobSchedule AtCron(string cron) => new() { Cron = cron };

    public static JobSchedule Interval(TimeSpan every) => new() { Every = every };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Cron is null == Every is null)
        {
            yield return new ValidationResult("Give either Cron or Every.", [nameof(Cron), nameof(Every)]);
        }
        else if (Cron is not null && !CronExpression.TryParse(Cron, out _))
        {
            yield return new ValidationResult($"'{Cron}' is not a Quartz cron expression (seconds minutes hours day month weekday).", [nameof(Cron)]);
        }
        else if (Every is { } every && (every < TimeSpan.FromSeconds(1) || every.Ticks % TimeSpan.TicksPerMillisecond != 0))
        {
            yield return new ValidationResult("Every must be at least one second, in whole milliseconds.", [nameof(Every)]);
        }
    }

    public override string ToString() => Cron is not null ? $"cron '{Cron}'" : $"every {Every}";
}
