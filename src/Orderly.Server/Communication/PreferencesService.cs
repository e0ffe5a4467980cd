using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>A customer's notification preferences, within the caller's customers.</summary>
public sealed class PreferencesService(OrderlyDbContext db, Writes writes, DataScope scope)
{
    public async Task<CommunicationPreferencesDto> GetAsync(Guid customerId, CancellationToken ct)
    {
        await RequireAsync(customerId, ct);
        var p = await db.Set<CustomerCommunication>().AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == customerId, ct);
        return ToDto(p ?? CustomerCommunication.Defaults(customerId));
    }

    public async Task<CommunicationPreferencesDto> SetAsync(Guid customerId, CommunicationPreferencesRequest request, CancellationToken ct)
    {
        await RequireAsync(customerId, ct);
        var recipients = (request.Recipients ?? []).Select(r => new NotificationRecipient(r.Name, r.Email, r.Phone, r.Language, r.Events ?? [], r.Channels ?? [], r.WeComUserId)).ToList();
        return await writes.RunAsync(async token =>
        {
            var p = await db.Set<CustomerCommunication>().FirstOrDefaultAsync(c => c.CustomerId == customerId, token);
            if (p is null)
            {
                p = new CustomerCommunication(customerId);
                db.Add(p);
            }

            p.Change(request.Language, request.QuietHours?.From, request.QuietHours?.To, recipients);
            return ToDto(p);
        }, ct);
    }

    private async Task RequireAsync(Guid customerId, CancellationToken ct)
    {
        if (!await scope.CanSeeCustomerAsync(customerId, ct))
        {
            throw new NotFoundException("Customer", customerId);
        }
    }

    private static CommunicationPreferencesDto ToDto(CustomerCommunication p) =>
        new(p.Language, p.Quiet is { } q ? new QuietHoursDto(q.From, q.To) : null,
            [.. p.Recipients.Select(r => new RecipientDto(r.EventList, r.ChannelList, r.Name, r.Email, r.Phone, r.Language, r.WeComUserId))]);
}
