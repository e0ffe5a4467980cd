using System.ComponentModel.DataAnnotations;
using Quartz;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>
/// When a job runs: a Quartz cron expression (seconds first, in the company time zone, e.g. <c>0 30 2 * * ?</c>) or a
/// fixed interval (<c>Every</c>, e.g. <c>06:00:00</c>), not both; neither keeps the job's default. <c>Enabled=false</c>
/// removes the job's trigger from the database, so no node runs it until a node starts with it enabled again.
/// </summary>
public sealed class JobSchedule : IValidatableObject
{
    public string? Cron { get; set; }

    public TimeSpan? Every { get; set; }

    public bool Enabled { get; set; } = true;

    public static JobSchedule AtCron(string cron) => new() { Cron = cron };

    public static JobSchedule Interval(TimeSpan every) => new() { Every = every };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Cron is not null && Every is not null)
        {
            yield return new ValidationResult("Give Cron or Every, not both.", [nameof(Cron), nameof(Every)]);
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

    /// <summary>This schedule where it says when, else <paramref name="fallback"/>.</summary>
    public JobSchedule Or(JobSchedule fallback) => Cron is null && Every is null ? fallback : this;

    public override string ToString() => Cron is not null ? $"cron '{Cron}'" : $"every {Every}";
}
