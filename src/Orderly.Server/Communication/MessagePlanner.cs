using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Communication;

/// <summary>
/// Turns events into messages: notices to the customer's recipients (e-mail, SMS) in their language and outside their
/// quiet hours, the survey after delivery, the purchase order to the supplier, and team robot messages. The messages and
/// their timeline lines are written once per event (the inbox), in one transaction; the dispatcher sends them.
/// </summary>
public sealed class MessagePlanner(
    OrderlyDbContext db, EventInbox inbox, CustomerDirectory customers, IOptions<CommunicationOptions> options, BusinessCalendar calendar, TimeProvider time)
    : ITransactionalSubscriber
{
    private static readonly HashSet<string> LinkEvents = ["OrderConfirmed", "OrderShipped", "ShipmentTrackingUpdated", "ShipmentDelayed"];

    public string Name => "communication:messages";

    public bool Wants(EventEnvelope e) =>
        CustomerCommunication.CustomerEvents.Contains(e.Type) || e.Type == "PurchaseOrderSent" || options.Value.Robots.Any(r => r.Events.Contains(e.Type));

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        await inbox.ApplyOnceIfAnyAsync(Name, e.Id, async token =>
        {
            var values = MessageTemplates.ValuesOf(e.Payload);
            var now = time.GetUtcNow();
            var customerId = EventValues.CustomerOf(e, values);
            var customer = customerId is { } c ? await customers.FindAsync(c, token) : null;
            if (customer is not null)
            {
                values["customerName"] = customer.Name;
            }

            if (customer is not null && CustomerCommunication.CustomerEvents.Contains(e.Type))
            {
                await PlanCustomerNoticesAsync(e, values, customer, now, token);
            }

            if (e.Type == "PurchaseOrderSent")
            {
                PlanPurchaseOrder(e, values, now);
            }

            PlanRobots(e, values, now);
        }, ct);
    }

    private async Task PlanCustomerNoticesAsync(EventEnvelope e, Dictionary<string, string> values, CustomerContact customer, DateTimeOffset now, CancellationToken ct)
    {
        var preferences = await customers.PreferencesAsync(customer.Id, ct);
        var orderId = EventValues.OrderOf(e, values);
        // Shipment events carry the order's id only; a customer reads its number (and so do the robots' messages
        // planned after this, whether or not the customer is told).
        if (orderId is { } numbered && (!values.ContainsKey("number") || e.Type.StartsWith("Shipment", StringComparison.Ordinal)))
        {
            values["number"] = await db.OrderRefs().Where(o => o.Id == numbered && o.CustomerId == customer.Id).Select(o => o.Number).FirstOrDefaultAsync(ct) ?? "";
        }

        var addressees = CustomerDirectory.AddresseesFor(customer, preferences, e.Type);
        // One invitation per order: a rep may have handed one out already (POST /api/orders/{id}/survey-link).
        var survey = e.Type == "OrderDelivered" && orderId is { } deliveredOrder && !await db.Set<SurveyInvitation>().AnyAsync(i => i.OrderId == deliveredOrder, ct);
        if (addressees.Count == 0 && !survey)
        {
            // Nobody to tell (no address on any channel the customer takes this event on): no status link to hand
            // out, no reply mailbox to route answers to. Before, every confirmed order of such a customer wrote both.
            return;
        }

        var language = preferences?.Language ?? CustomerCommunication.Chinese;
        string? mailbox = null;
        if (orderId is { } order)
        {
            if (LinkEvents.Contains(e.Type))
            {
                var link = Tokens.New();
                db.Add(new StatusLink(order, customer.Id, Tokens.Hash(link), language, null, now));
                values["statusUrl"] = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/t/{link}";
            }

            mailbox = await MailboxOfAsync(order, customer.Id, now, ct);
        }

        var notBefore = preferences?.Quiet?.NextAllowed(now, calendar.Zone) ?? now;
        foreach (var to in addressees)
        {
            var rendered = MessageTemplates.Render(e.Type, to.Language, values);
            var email = to.Channel == MessageChannel.Email;
            // E-mail: the template's text and HTML; WeCom: a chat message of subject and text; SMS: the approved template's values.
            var text = to.Channel switch
            {
                MessageChannel.Email => rendered.Text,
                MessageChannel.WeCom => rendered.Subject + "\n" + rendered.Text,
                _ => SmsParameters(values),
            };
            var message = new OutgoingMessage(e.Id, e.Type, to.Channel, to.Address, mailbox, customer.Id, orderId, to.Language,
                rendered.Subject, text, email ? rendered.Html : null, now, notBefore);
            AttachDocument(e, values, orderId, message);
            Add(message, customer.Id);
        }

        if (survey && orderId is { } delivered)
        {
            PlanSurvey(e, values, customer, preferences, delivered, mailbox, now);
        }
    }

    private void PlanSurvey(EventEnvelope e, Dictionary<string, string> values, CustomerContact customer, CustomerCommunication? preferences, Guid orderId, string? mailbox, DateTimeOffset now)
    {
        var to = CustomerDirectory.AddresseesFor(customer, preferences, e.Type, anyEvent: true).FirstOrDefault(a => a.Channel == MessageChannel.Email)
            ?? (customer.Email is { } email ? new Addressee(MessageChannel.Email, email, preferences?.Language ?? CustomerCommunication.Chinese) : null);
        if (to is null)
        {
            return;
        }

        var sendAt = now + options.Value.SurveyDelay;
        sendAt = preferences?.Quiet?.NextAllowed(sendAt, calendar.Zone) ?? sendAt;
        var token = Tokens.New();
        db.Add(new SurveyInvitation(orderId, customer.Id, Tokens.Hash(token), to.Language, now, sendAt, sendAt + options.Value.SurveyValidFor));
        var survey = new Dictionary<string, string>(values) { ["surveyUrl"] = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/s/{token}" };
        var rendered = MessageTemplates.Render("SurveyRequest", to.Language, survey);
        Add(new OutgoingMessage(OutgoingMessage.DerivedId(e.Id, "survey"), "SurveyRequest", MessageChannel.Email, to.Address, mailbox, customer.Id, orderId,
            to.Language, rendered.Subject, rendered.Text, rendered.Html, now, sendAt), customer.Id);
    }

    private void PlanPurchaseOrder(EventEnvelope e, Dictionary<string, string> values, DateTimeOffset now)
    {
        if (values.GetValueOrDefault("supplierEmail") is not { Length: > 0 } email || !email.Contains('@', StringComparison.Ordinal))
        {
            return;
        }

        var language = CustomerCommunication.NormalizeLanguage(values.GetValueOrDefault("language"));
        var rendered = MessageTemplates.Render(e.Type, language, values);
        var message = new OutgoingMessage(e.Id, e.Type, MessageChannel.Email, email, null, null, null, language, rendered.Subject, rendered.Text, rendered.Html, now, now);
        if (EventValues.GuidOf(values, "purchaseOrderId") is { } po)
        {
            message.Attach("purchase-order", po);
        }

        db.Add(message);
    }

    private void PlanRobots(EventEnvelope e, Dictionary<string, string> values, DateTimeOffset now)
    {
        if (e.Type == "OrderSubmitted" && values.GetValueOrDefault("approvalReasons") is null or "")
        {
            return;
        }

        foreach (var robot in options.Value.Robots.Where(r => r.Events.Contains(e.Type)))
        {
            var rendered = MessageTemplates.Render(MessageTemplates.Has(e.Type) ? e.Type : "OrderSubmitted", robot.Language, values);
            db.Add(new OutgoingMessage(e.Id, e.Type, MessageChannel.Robot, robot.Name, robot.Kind.ToString(), null, EventValues.OrderOf(e, values),
                robot.Language, rendered.Subject, rendered.Subject + "\n" + rendered.Text, null, now, now));
        }
    }

    /// <summary>An SMS is an approved template filled with named values (Aliyun's TemplateParam JSON); these are the ones we give.</summary>
    private static string SmsParameters(Dictionary<string, string> values)
    {
        string[] names = ["number", "carrier", "trackingNumber", "eta", "status", "total", "due", "amount", "currency", "dueDate", "statusUrl"];
        var picked = names.Where(n => values.TryGetValue(n, out var v) && v.Length > 0).ToDictionary(n => n, n => values[n].Length > 35 && n != "statusUrl" ? values[n][..35] : values[n]);
        return System.Text.Json.JsonSerializer.Serialize(picked);
    }

    private static void AttachDocument(EventEnvelope e, Dictionary<string, string> values, Guid? orderId, OutgoingMessage message)
    {
        if (message.Channel != MessageChannel.Email)
        {
            return;
        }

        if (e.Type == "OrderConfirmed" && orderId is { } order)
        {
            message.Attach("order-confirmation", order);
        }
        else if (e.Type is "InvoiceIssued" or "CreditNoteIssued" && EventValues.GuidOf(values, "invoiceId") is { } invoice)
        {
            message.Attach("invoice", invoice);
        }
    }

    /// <summary>The message and its line on the customer's timeline, written together: shown once, sent at least once.</summary>
    private void Add(OutgoingMessage message, Guid customerId)
    {
        db.Add(message);
        db.Add(new TimelineEntry(message.Id, customerId, message.OrderId, message.CreatedAt, message.Channel switch { MessageChannel.Email => "Email", MessageChannel.WeCom => "Chat", _ => "Sms" },
            message.Channel.ToString(), "Out", $"{message.Subject} -> {message.Recipient}", $"{message.EventType}:{message.Id}", null));
    }

    private Task<string> MailboxOfAsync(Guid orderId, Guid customerId, DateTimeOffset now, CancellationToken ct) =>
        OrderMailboxes.OfAsync(db, orderId, customerId, now, ct);
}
