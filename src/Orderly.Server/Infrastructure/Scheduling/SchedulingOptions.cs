using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary><c>Orderly:Scheduling</c>: the Quartz.NET scheduler every node runs, clustered over the database.</summary>
public sealed class SchedulingOptions : IValidatableObject
{
    public const string Section = "Orderly:Scheduling";

    /// <summary>Off for a node that should never run scheduled jobs (and in tests that run jobs themselves).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a node tells the others it is alive; a node silent for longer (plus a margin) has its runs recovered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How late a run may start before it counts as missed; a missed run is made up once (not once per miss).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an idle node waits before asking the database for due triggers again (new triggers wake it sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per job name, a schedule replacing the job's default.</summary>
    public Dictionary<string, JobSchedule> Jobs { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Jobs.SelectMany(job => job.Value.Validate(validationContext)
            .Select(r => new ValidationResult($"{Section}:Jobs:{job.Key}: {r.ErrorMessage}", r.MemberNames.Select(m => $"Jobs:{job.Key}:{m}"))));
}
