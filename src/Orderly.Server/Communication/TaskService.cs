using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>Follow-up tasks: made by people or rules, listed by assignee and state, completed once.</summary>
public sealed class TaskService(OrderlyDbContext db, Writes writes, DataScope scope, Caller caller, TimelineService timeline, TimeProvider time)
{
    public async Task<TaskDto> CreateAsync(TaskRequest request, Func<TaskDto, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        if (request.CustomerId is { } customer)
        {
            await timeline.RequireCustomerAsync(customer, request.OrderId, ct);
        }
        else if (request.OrderId is { } order)
        {
            request = request with { CustomerId = await CustomerOfOrderAsync(order, ct) };
        }

        if (!await db.Users.AsNoTracking().AnyAsync(u => u.Id == request.AssigneeId, ct))
        {
            throw new Domain.Common.RuleViolationException("assigneeId", "UnknownUser", $"User {request.AssigneeId} does not exist.");
        }

        var now = time.GetUtcNow();
        var task = FollowUpTask.Create(request.Subject, request.DueAt, request.AssigneeId, request.CustomerId, request.OrderId, request.QuotationId, null, caller.PersonId, now);
        var dto = TaskDto.From(task, now);
        await writes.RunAsync(async token =>
        {
            db.Add(task);
            if (beforeCommit is not null)
            {
                await db.SaveChangesAsync(token);
                await beforeCommit(dto, token);
            }
        }, ct);
        return dto;
    }

    public async Task<TaskListDto> ListAsync(Guid? assigneeId, string? state, int? limit, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var query = db.Set<FollowUpTask>().AsNoTracking();
        query = assigneeId is { } a ? query.Where(t => t.AssigneeId == a) : query;
        query = state?.ToLowerInvariant() switch
        {
            null or "" or "open" => query.Where(t => t.State == FollowUpState.Open),
            "overdue" => query.Where(t => t.State == FollowUpState.Open && t.DueAt < now),
            "done" => query.Where(t => t.State == FollowUpState.Done),
            "all" => query,
            _ => throw new Domain.Common.RuleViolationException("state", "UnknownState", "state is open, overdue, done or all."),
        };
        if (await scope.VisibleCustomerIdsAsync(ct) is { } visible)
        {
            var self = caller.PersonId;
            query = query.Where(t => t.AssigneeId == self || (t.CustomerId != null && visible.Contains(t.CustomerId.Value)));
        }

        var rows = await query.OrderBy(t => t.DueAt).Take(Math.Clamp(limit ?? 200, 1, 500)).ToListAsync(ct);
        return new TaskListDto([.. rows.Select(t => TaskDto.From(t, now))]);
    }

    public async Task<TaskDto> CompleteAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var visible = await scope.VisibleCustomerIdsAsync(ct);
        var self = caller.PersonId;
        return await writes.RunAsync(async token =>
        {
            // The scope's subquery is no-tracking, which would make the whole query so: check it apart, then load to change.
            if (visible is not null && !await db.Set<FollowUpTask>().AnyAsync(t => t.Id == id && (t.AssigneeId == self || (t.CustomerId != null && visible.Contains(t.CustomerId.Value))), token))
            {
                throw new NotFoundException("Task", id);
            }

            var task = await db.Set<FollowUpTask>().FirstOrDefaultAsync(t => t.Id == id, token) ?? throw new NotFoundException("Task", id);
            task.Complete(self, now);
            return TaskDto.From(task, now);
        }, ct);
    }

    private async Task<Guid> CustomerOfOrderAsync(Guid orderId, CancellationToken ct)
    {
        try
        {
            return await timeline.CustomerOfVisibleOrderAsync(orderId, ct);
        }
        catch (NotFoundException)
        {
            throw new Domain.Common.RuleViolationException("orderId", "UnknownOrder", $"Order {orderId} does not exist.");
        }
    }
}
