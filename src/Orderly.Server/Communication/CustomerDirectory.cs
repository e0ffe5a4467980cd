using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;

namespace Orderly.Server.Communication;

/// <summary>What communication needs of a customer: name, addresses, owner, region and their preferences.</summary>
public sealed record CustomerContact(Guid Id, string Name, string? Email, string? Phone, Guid? OwnerUserId, string? Region);

/// <summary>A resolved recipient of one customer notice.</summary>
public sealed record Addressee(MessageChannel Channel, string Address, string Language);

/// <summary>Reads customers and resolves who is told what; the only place Communication reads customer rows.</summary>
public sealed class CustomerDirectory(OrderlyDbContext db)
{
    public Task<CustomerContact?> FindAsync(Guid customerId, CancellationToken ct) =>
        db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new CustomerContact(c.Id, c.Name, c.Email, c.Phone, c.OwnerUserId, c.Region)).FirstOrDefaultAsync(ct);

    /// <summary>The customer's e-mail addresses to write to: primary contacts first, then the other contacts, then the customer's own address.</summary>
    public async Task<IReadOnlyList<EmailContactDto>> EmailContactsAsync(Guid customerId, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.Name, c.Email, Contacts = c.Contacts.Select(x => new { x.Name, x.Email, x.IsPrimary }).ToList() }).FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return [];
        }

        var found = new List<EmailContactDto>();
        foreach (var contact in customer.Contacts.Where(x => x.Email is { Length: > 0 }).OrderByDescending(x => x.IsPrimary))
        {
            if (!found.Any(f => string.Equals(f.Email, contact.Email, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(new EmailContactDto(contact.Name, contact.Email!, contact.IsPrimary));
            }
        }

        if (customer.Email is { Length: > 0 } own && !found.Any(f => string.Equals(f.Email, own, StringComparison.OrdinalIgnoreCase)))
        {
            found.Add(new EmailContactDto(customer.Name, own, found.Count == 0));
        }

        return found;
    }

    public async Task<CustomerCommunication?> PreferencesAsync(Guid customerId, CancellationToken ct) =>
        await db.Set<CustomerCommunication>().AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == customerId, ct);

    public async Task<string> LanguageAsync(Guid customerId, CancellationToken ct) =>
        (await PreferencesAsync(customerId, ct))?.Language ?? CustomerCommunication.Chinese;

    /// <summary>Who of the customer is told about <paramref name="eventType"/>, on which channel and in which language.</summary>
    public static IReadOnlyList<Addressee> AddresseesFor(CustomerContact customer, CustomerCommunication? preferences, string eventType, bool anyEvent = false)
    {
        var language = preferences?.Language ?? CustomerCommunication.Chinese;
        IEnumerable<NotificationRecipient> recipients = preferences is { Recipients.Count: > 0 }
            ? preferences.Recipients
            : [new NotificationRecipient(null, null, null, null, CustomerCommunication.DefaultEvents, [MessageChannel.Email])];
        var found = new List<Addressee>();
        foreach (var recipient in recipients.Where(r => anyEvent || r.EventList.Contains(eventType)))
        {
            foreach (var channel in recipient.ChannelList)
            {
                var address = channel switch
                {
                    MessageChannel.Email => recipient.Email ?? customer.Email,
                    MessageChannel.WeCom => recipient.WeComUserId,
                    _ => recipient.Phone ?? customer.Phone,
                };
                if (!string.IsNullOrWhiteSpace(address) && !found.Any(f => f.Channel == channel && string.Equals(f.Address, address, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add(new Addressee(channel, address, recipient.Language ?? language));
                }
            }
        }

        return found;
    }
}
