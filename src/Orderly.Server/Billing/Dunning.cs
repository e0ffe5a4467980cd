using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Billing;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Scheduling;
using Quartz;

namespace Orderly.Server.Billing;

public sealed record DunningResult(int Overdue, int Reminders, int Held);

/// <summary>
/// Marks invoices overdue, raises reminders at the configured days and puts customers long overdue on credit hold.
/// It raises events only: Communication renders and sends the reminders.
/// </summary>
public sealed class Dunning(OrderlyDbContext db, Writes writes, BusinessCalendar calendar, IOptionsMonitor<BillingOptions> options)
{
    public Task<DunningResult> RunAsync(CancellationToken ct) => writes.RunAsync(async token =>
    {
        var settings = options.CurrentValue;
        var today = calendar.Today;
        var open = await db.Set<Invoice>()
            .Where(i => i.Kind == InvoiceKind.Invoice && (i.Status == InvoiceStatus.Issued || i.Status == InvoiceStatus.PartiallyPaid || i.Status == InvoiceStatus.Overdue))
            .ToListAsync(token);
        var overdue = 0;
        var reminders = 0;
        foreach (var invoice in open)
        {
            overdue += invoice.MarkOverdue(today) ? 1 : 0;
            reminders += invoice.RemindIfDue(today, settings.ReminderDays) ? 1 : 0;
        }

        var late = open.Where(i => i.DueDate is { } due && today.DayNumber - due.DayNumber > settings.HoldAfterDaysOverdue && i.DueMinor > 0)
            .GroupBy(i => i.CustomerId).ToDictionary(g => g.Key, g => g.OrderBy(i => i.DueDate).First());
        var lateIds = late.Keys.ToList();
        var graceStart = calendar.Now.AddDays(-settings.ReleaseGraceDays);
        var spared = await db.Set<CreditHold>().AsNoTracking()
            .Where(h => lateIds.Contains(h.CustomerId) && (h.ReleasedAt == null || h.ReleasedAt > graceStart))
            .Select(h => h.CustomerId).Distinct().ToListAsync(token);
        var held = 0;
        foreach (var (customerId, oldest) in late.Where(l => !spared.Contains(l.Key)))
        {
            var reason = $"Invoice {oldest.Number} is {today.DayNumber - oldest.DueDate!.Value.DayNumber} days overdue.";
            db.Set<CreditHold>().Add(new CreditHold(customerId, reason, calendar.Now));
            db.Events.Raise(new CustomerCreditHeld(customerId, reason));
            held++;
        }

        return new DunningResult(overdue, reminders, held);
    }, ct);
}

/// <summary>Runs dunning daily at 06:00 company time unless <c>Orderly:Scheduling:Jobs:dunning</c> says otherwise.</summary>
[DisallowConcurrentExecution]
public sealed class DunningJob(IServiceScopeFactory scopes, ILogger<DunningJob> log) : IJob
{
    public const string Name = "dunning";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.AtCron("0 0 6 * * ?");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
        {
            var result = await services.GetRequiredService<Dunning>().RunAsync(ct);
            log.LogInformation("Dunning: {Overdue} overdue, {Reminders} reminders, {Held} customers held", result.Overdue, result.Reminders, result.Held);
            return true;
        }, cancellationToken);
}
