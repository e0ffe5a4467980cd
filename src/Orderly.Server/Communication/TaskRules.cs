using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Communication;

/// <summary>
/// Follow-ups made by rules: a delayed shipment -> call the customer (within 4 h); a quotation expiring -> follow it up
/// (due a day before it expires); a low survey answer -> call within 24 h. Assigned to the customer's rep.
/// </summary>
public sealed class TaskRules(OrderlyDbContext db, EventInbox inbox, TimeProvider time) : ITransactionalSubscriber
{
    public string Name => "communication:task-rules";

    public bool Wants(EventEnvelope e) => e.Type is "ShipmentDelayed" or "QuotationExpiring" or "SurveyAnswered";

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        var v = MessageTemplates.ValuesOf(e.Payload);
        if (EventValues.CustomerOf(e, v) is not { } customerId)
        {
            return;
        }

        await inbox.ApplyOnceIfAnyAsync(Name, e.Id, async token =>
        {
            var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new { c.Name, c.OwnerUserId }).FirstOrDefaultAsync(token);
            if (customer is null)
            {
                return;
            }

            var now = time.GetUtcNow();
            var orderId = EventValues.OrderOf(e, v);
            FollowUpTask? task = null;
            switch (e.Type)
            {
                case "ShipmentDelayed" when customer.OwnerUserId is { } rep:
                    task = FollowUpTask.Create($"Call {customer.Name}: shipment delayed ({v.GetValueOrDefault("reason")})", now.AddHours(4), rep, customerId, orderId, null, e.Type, null, now);
                    break;
                case "QuotationExpiring" when (EventValues.GuidOf(v, "ownerUserId") ?? customer.OwnerUserId) is { } owner:
                    var due = DateOnly.TryParse(v.GetValueOrDefault("validUntil"), System.Globalization.CultureInfo.InvariantCulture, out var until)
                        ? new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1)
                        : now.AddDays(1);
                    task = FollowUpTask.Create($"Follow up quotation {v.GetValueOrDefault("number")} with {customer.Name}", due < now ? now.AddHours(4) : due, owner, customerId, null,
                        EventValues.GuidOf(v, "quotationId"), e.Type, null, now);
                    break;
                case "SurveyAnswered" when customer.OwnerUserId is { } rep
                    && int.TryParse(v.GetValueOrDefault("score"), out var score) && SurveyScores.IsLow(score, int.TryParse(v.GetValueOrDefault("nps"), out var nps) ? nps : null):
                    task = FollowUpTask.Create($"Call {customer.Name} within 24 h: low survey score (CSAT {score})", now.AddHours(24), rep, customerId, orderId, null, e.Type, null, now);
                    break;
            }

            if (task is not null)
            {
                db.Add(task);
            }
        }, ct);
    }
}
