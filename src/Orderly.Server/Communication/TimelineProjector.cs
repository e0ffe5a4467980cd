using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Communication;

/// <summary>Puts the system's events that concern a customer on their timeline: once per event, however often delivered.</summary>
public sealed class TimelineProjector(OrderlyDbContext db, EventInbox inbox) : ITransactionalSubscriber
{
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["OrderSubmitted"] = "StatusChange",
        ["OrderApproved"] = "StatusChange",
        ["OrderConfirmed"] = "StatusChange",
        ["OrderRejected"] = "StatusChange",
        ["OrderHeld"] = "StatusChange",
        ["OrderReleased"] = "StatusChange",
        ["OrderCancelled"] = "StatusChange",
        ["OrderDelivered"] = "StatusChange",
        ["OrderShipped"] = "Shipment",
        ["ShipmentTrackingUpdated"] = "Shipment",
        ["ShipmentDelayed"] = "Shipment",
        ["InvoiceIssued"] = "Invoice",
        ["InvoiceOverdue"] = "Invoice",
        ["CreditNoteIssued"] = "Invoice",
        ["PaymentReceived"] = "Payment",
        ["SurveyAnswered"] = "Survey",
        ["FollowUpTaskCreated"] = "Task",
        ["QuotationAccepted"] = "Quotation",
        ["QuotationExpiring"] = "Quotation",
        ["CustomerCreditHeld"] = "StatusChange",
        ["CustomerCreditReleased"] = "StatusChange",
    };

    public string Name => "communication:timeline";

    public bool Wants(EventEnvelope e) => Kinds.ContainsKey(e.Type);

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        var values = MessageTemplates.ValuesOf(e.Payload);
        if (EventValues.CustomerOf(e, values) is not { } customerId)
        {
            return;
        }

        await inbox.ApplyOnceAsync(Name, e.Id, token =>
        {
            db.Add(new TimelineEntry(e.Id, customerId, EventValues.OrderOf(e, values), e.OccurredAt, Kinds[e.Type], null, null, Summarize(e.Type, values), $"{e.Type}:{e.AggregateId}", e.ActorId));
            return Task.CompletedTask;
        }, ct);
    }

    /// <summary>A short neutral line; the UI words it by kind and type.</summary>
    public static string Summarize(string type, IReadOnlyDictionary<string, string> v)
    {
        string Get(string name) => v.GetValueOrDefault(name) ?? "";
        var detail = type switch
        {
            "OrderShipped" => Join(Get("carrier"), Get("trackingNumber")),
            "ShipmentTrackingUpdated" => Join(Get("carrier"), Get("trackingNumber"), Get("status"), Get("location")),
            "ShipmentDelayed" => Join(Get("reason"), Get("eta")),
            "OrderRejected" or "OrderCancelled" or "OrderHeld" or "CustomerCreditHeld" => Get("reason"),
            "OrderSubmitted" => Get("approvalReasons"),
            "OrderConfirmed" => Join(Get("total"), Get("currency")),
            "InvoiceIssued" or "CreditNoteIssued" => Join(Get("total"), Get("currency")),
            "InvoiceOverdue" => Join(Get("due"), Get("currency"), Get("daysOverdue")),
            "PaymentReceived" => Join(Get("amount"), Get("currency")),
            "SurveyAnswered" => Join("CSAT " + Get("score"), v.ContainsKey("nps") && Get("nps").Length > 0 ? "NPS " + Get("nps") : ""),
            "FollowUpTaskCreated" => Get("subject"),
            _ => "",
        };
        return Join(type, Get("number"), detail);
    }

    private static string Join(params string[] parts) => string.Join(' ', parts.Where(p => p.Length > 0));
}
