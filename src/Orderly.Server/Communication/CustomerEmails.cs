using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Common;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;

namespace Orderly.Server.Communication;

/// <summary>
/// An e-mail a user writes to a customer: to one of that customer's e-mail addresses (default: the primary contact's), a
/// one-line subject and a plain-text message (lines allowed: it is a free-text field for the JSON guard).
/// </summary>
public sealed record CustomerEmailRequest(string Subject, string Message, string? To = null);

/// <summary>The written e-mail: the timeline interaction's id, where it goes and its delivery state (Queued, Sent, Failed).</summary>
public sealed record CustomerEmailDto(Guid Id, Guid CustomerId, Guid? OrderId, string To, string Subject, string Language, string State, string MessageId);

/// <summary>Who of a customer can be written to: a contact with an e-mail address, or the customer's own address.</summary>
public sealed record EmailContactDto(string Name, string Email, bool IsPrimary);

/// <summary>
/// "Write an e-mail": the user's text, framed in the customer's language, queued as an outgoing message the dispatcher
/// sends (at least once, with a Message-ID derived from the interaction, so a receiver that deduplicates sees it once),
/// and recorded once on the timeline as an outgoing e-mail interaction by its author. On an order, the reply address
/// carries the order's token so the customer's answer lands on the same order's timeline.
/// </summary>
public sealed class CustomerEmails(
    OrderlyDbContext db, Writes writes, DataScope scope, Caller caller, CustomerDirectory customers, IOptions<CommunicationOptions> options, TimeProvider time)
{
    public const string EventType = "CustomerEmailWritten";
    public const int SubjectMaxLength = 200;

    /// <summary>The customer's e-mail addresses, the default first (a primary contact, else the first contact, else the customer's own).</summary>
    public async Task<IReadOnlyList<EmailContactDto>> ContactsAsync(Guid customerId, CancellationToken ct)
    {
        if (!await scope.CanSeeCustomerAsync(customerId, ct))
        {
            throw new NotFoundException("Customer", customerId);
        }

        return await customers.EmailContactsAsync(customerId, ct);
    }

    /// <summary>The order's number and customer, when the caller may see it; else 404.</summary>
    public async Task<(Guid CustomerId, string Number)> OrderAsync(Guid orderId, CancellationToken ct)
    {
        var visible = await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct);
        return await visible.Where(o => o.Id == orderId).Select(o => new { o.CustomerId, o.Number }).FirstOrDefaultAsync(ct) is { } found
            ? (found.CustomerId, found.Number)
            : throw new NotFoundException("Order", orderId);
    }

    public async Task<CustomerEmailDto> WriteToOrderAsync(Guid orderId, CustomerEmailRequest request, Func<CustomerEmailDto, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var (customerId, number) = await OrderAsync(orderId, ct);
        return await WriteAsync(customerId, orderId, number, request, beforeCommit, ct);
    }

    public async Task<CustomerEmailDto> WriteToCustomerAsync(Guid customerId, CustomerEmailRequest request, Func<CustomerEmailDto, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        if (!await scope.CanSeeCustomerAsync(customerId, ct))
        {
            throw new NotFoundException("Customer", customerId);
        }

        return await WriteAsync(customerId, null, null, request, beforeCommit, ct);
    }

    private async Task<CustomerEmailDto> WriteAsync(
        Guid customerId, Guid? orderId, string? number, CustomerEmailRequest request, Func<CustomerEmailDto, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var violations = new List<RuleViolation>();
        var subject = Text.Required(request.Subject, "subject", SubjectMaxLength, violations);
        var body = Text.Required(request.Message, "message", Interaction.BodyMaxLength, violations);
        if (request.Subject is { } s && s.Any(char.IsControl))
        {
            violations.Add(new RuleViolation("subject", "ControlCharacters", "The subject is one line without control characters."));
        }

        if (request.Message is { } b && b.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            violations.Add(new RuleViolation("message", "ControlCharacters", "The body is plain text: lines, tabs and printable characters only."));
        }

        var contacts = await customers.EmailContactsAsync(customerId, ct);
        EmailContactDto? to;
        if (request.To is { Length: > 0 } wanted)
        {
            to = contacts.FirstOrDefault(c => string.Equals(c.Email, wanted.Trim(), StringComparison.OrdinalIgnoreCase));
            if (to is null)
            {
                violations.Add(new RuleViolation("to", "NotAContact", "Write only to an e-mail address of one of this customer's contacts."));
            }
        }
        else
        {
            to = contacts.Count > 0 ? contacts[0] : null;
            if (to is null)
            {
                violations.Add(new RuleViolation("to", "NoEmailAddress", "This customer has no contact with an e-mail address."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        var preferences = await customers.PreferencesAsync(customerId, ct);
        var language = preferences?.Recipients.FirstOrDefault(r => string.Equals(r.Email, to!.Email, StringComparison.OrdinalIgnoreCase))?.Language
            ?? preferences?.Language ?? CustomerCommunication.Chinese;
        var now = time.GetUtcNow();
        var smtp = options.Value.Smtp;
        var rendered = MessageTemplates.RenderWritten(language, subject, body, caller.Name, smtp.FromName, number);
        var interaction = Interaction.Log(customerId, orderId, InteractionChannel.Email, Direction.Out, Truncate($"{subject} -> {to!.Email}", Interaction.SummaryMaxLength),
            body, now, null, caller.PersonId, now);
        var mailbox = orderId is { } order ? await OrderMailboxes.OfAsync(db, order, customerId, now, ct) : null;
        var message = new OutgoingMessage(interaction.Id, EventType, MessageChannel.Email, to.Email, mailbox, customerId, orderId, language,
            rendered.Subject, rendered.Text, rendered.Html, now, now);
        var dto = new CustomerEmailDto(interaction.Id, customerId, orderId, to.Email, subject, language, StateOf(message.State), message.MessageId);
        await writes.RunAsync(async token =>
        {
            db.Add(interaction);
            db.Add(message);
            if (beforeCommit is not null)
            {
                await db.SaveChangesAsync(token);
                await beforeCommit(dto, token);
            }
        }, ct);
        return dto;
    }

    /// <summary>A message's state as the timeline words it.</summary>
    public static string StateOf(MessageState state) => state switch
    {
        MessageState.Sent => "Sent",
        MessageState.Dead => "Failed",
        _ => "Queued",
    };

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;
}

/// <summary>The reply address token of an order (<c>reply+TOKEN@ReplyDomain</c>): one per order, made on first use.</summary>
public static class OrderMailboxes
{
    public static async Task<string> OfAsync(OrderlyDbContext db, Guid orderId, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Set<OrderMailbox>().Where(m => m.OrderId == orderId).Select(m => m.Token).FirstOrDefaultAsync(ct)
            ?? db.ChangeTracker.Entries<OrderMailbox>().Where(m => m.Entity.OrderId == orderId).Select(m => m.Entity.Token).FirstOrDefault();
        if (existing is not null)
        {
            return existing;
        }

        var token = Tokens.NewMailbox();
        db.Add(new OrderMailbox(orderId, customerId, token, now));
        return token;
    }
}
