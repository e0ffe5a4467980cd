using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>Interactions and notes, and the timeline that merges them with the system's events; everything scoped to the caller's customers.</summary>
public sealed class TimelineService(OrderlyDbContext db, Writes writes, DataScope scope, Caller caller, Notifier notifier, TimeProvider time)
{
    public const int MaxItems = 500;

    public async Task<(InteractionDto Dto, bool Created)> LogAsync(InteractionRequest request, Func<InteractionDto, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        await RequireCustomerAsync(request.CustomerId, request.OrderId, ct);
        if (request.ExternalId is { Length: > 0 } external && await ExistingAsync(request.Channel, external, ct) is { } existing)
        {
            return existing.CustomerId == request.CustomerId
                ? (InteractionDto.From(existing), false)
                : throw new ConflictException("DuplicateExternalId", "This channel message is recorded on another customer.");
        }

        var interaction = Interaction.Log(request.CustomerId, request.OrderId, request.Channel, request.Direction, request.Summary, request.Body,
            request.OccurredAt, request.ExternalId, caller.PersonId, time.GetUtcNow());
        var dto = InteractionDto.From(interaction);
        await writes.RunAsync(async token =>
        {
            db.Add(interaction);
            if (beforeCommit is not null)
            {
                await db.SaveChangesAsync(token);
                await beforeCommit(dto, token);
            }
        }, ct);
        return (dto, true);
    }

    public async Task<InteractionDto> NoteAsync(NoteRequest request, CancellationToken ct)
    {
        await RequireCustomerAsync(request.CustomerId, request.OrderId, ct);
        var names = Mentions.In(request.Text);
        var mentioned = names.Count == 0 ? [] : await notifier.UsersNamedAsync([.. names], ct);
        var note = Interaction.Note(request.CustomerId, request.OrderId, request.Text, mentioned, caller.PersonId, time.GetUtcNow());
        await writes.RunAsync(async token =>
        {
            db.Add(note);
            var link = request.OrderId is { } o ? $"/orders/{o}" : $"/customers/{request.CustomerId}";
            await notifier.NotifyAsync(mentioned.Where(m => m != caller.PersonId), "Mention", $"{caller.Name} mentioned you", note.Summary, link, $"note:{note.Id}", token);
        }, ct);
        return InteractionDto.From(note);
    }

    public async Task<TimelineDto> ForCustomerAsync(Guid customerId, string? channel, int? limit, CancellationToken ct)
    {
        if (!await scope.CanSeeCustomerAsync(customerId, ct))
        {
            throw new NotFoundException("Customer", customerId);
        }

        return await MergeAsync(db.Set<Interaction>().Where(i => i.CustomerId == customerId), db.Set<TimelineEntry>().Where(t => t.CustomerId == customerId), channel, limit, ct);
    }

    public async Task<TimelineDto> ForOrderAsync(Guid orderId, string? channel, int? limit, CancellationToken ct)
    {
        if (!await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).AnyAsync(o => o.Id == orderId, ct))
        {
            throw new NotFoundException("Order", orderId);
        }

        return await MergeAsync(db.Set<Interaction>().Where(i => i.OrderId == orderId), db.Set<TimelineEntry>().Where(t => t.OrderId == orderId), channel, limit, ct);
    }

    /// <summary>The customer of a visible order, or 404.</summary>
    public async Task<Guid> CustomerOfVisibleOrderAsync(Guid orderId, CancellationToken ct) =>
        await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).Where(o => o.Id == orderId).Select(o => (Guid?)o.CustomerId).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("Order", orderId);

    public async Task RequireCustomerAsync(Guid customerId, Guid? orderId, CancellationToken ct)
    {
        if (!await scope.CanSeeCustomerAsync(customerId, ct))
        {
            throw new Domain.Common.RuleViolationException("customerId", "UnknownCustomer", $"Customer {customerId} does not exist.");
        }

        if (orderId is { } order && !await db.SalesOrders.AsNoTracking().AnyAsync(o => o.Id == order && o.CustomerId == customerId, ct))
        {
            throw new Domain.Common.RuleViolationException("orderId", "UnknownOrder", $"Order {order} is not an order of this customer.");
        }
    }

    private Task<Interaction?> ExistingAsync(InteractionChannel channel, string externalId, CancellationToken ct)
    {
        var normalized = Domain.Common.Text.Normalize(externalId);
        return db.Set<Interaction>().AsNoTracking().FirstOrDefaultAsync(i => i.Channel == channel && i.ExternalId == normalized, ct);
    }

    private async Task<TimelineDto> MergeAsync(IQueryable<Interaction> interactions, IQueryable<TimelineEntry> entries, string? channel, int? limit, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 200, 1, MaxItems);
        if (channel is { Length: > 0 })
        {
            if (Enum.TryParse<InteractionChannel>(channel, ignoreCase: true, out var c))
            {
                interactions = interactions.Where(i => i.Channel == c);
            }
            else if (channel.Equals("Note", StringComparison.OrdinalIgnoreCase))
            {
                interactions = interactions.Where(i => i.Channel == null);
            }
            else
            {
                interactions = interactions.Where(_ => false);
            }

            var name = channel.Equals("System", StringComparison.OrdinalIgnoreCase) ? null : channel;
            entries = name is null ? entries.Where(t => t.Channel == null) : entries.Where(t => t.Channel != null && t.Channel.ToLower() == name.ToLower());
        }

        var logged = await interactions.AsNoTracking().OrderByDescending(i => i.OccurredAt).Take(take).ToListAsync(ct);
        var system = await entries.AsNoTracking().OrderByDescending(t => t.At).Take(take).ToListAsync(ct);
        // E-mails a user wrote carry the delivery state of their queued message.
        var written = logged.Where(i => i.Channel == InteractionChannel.Email && i.Direction == Direction.Out).Select(i => i.Id).ToList();
        var states = written.Count == 0 ? [] : await db.Set<OutgoingMessage>().AsNoTracking()
            .Where(m => m.EventType == CustomerEmails.EventType && written.Contains(m.EventId)).Select(m => new { m.EventId, m.State })
            .ToDictionaryAsync(m => m.EventId, m => CustomerEmails.StateOf(m.State), ct);
        var items = logged.Select(i => new TimelineItemDto(i.OccurredAt, i.Kind, i.Channel?.ToString(), i.Direction?.ToString(), i.Summary, i.By, $"Interaction:{i.Id}",
                states.GetValueOrDefault(i.Id)))
            .Concat(system.Select(t => new TimelineItemDto(t.At, t.Kind, t.Channel, t.Direction, t.Summary, t.By, t.Ref)))
            .OrderByDescending(i => i.At).Take(take).OrderBy(i => i.At).ToList();
        return new TimelineDto(items);
    }
}
