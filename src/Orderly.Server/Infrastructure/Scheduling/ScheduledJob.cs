namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>A job that runs on a trigger, on <paramref name="DefaultSchedule"/> unless <c>Orderly:Scheduling:Jobs:NAME</c> gives another.</summary>
public sealed record ScheduledJob(string Name, JobSchedule DefaultSchedule);
