using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Communication;

public enum FollowUpState
{
    Open,
    Done,
}

/// <summary>Something a person must do for a customer by a time (call back, follow up a quotation), possibly made by a rule.</summary>
public sealed class FollowUpTask : IHasDomainEvents
{
    public const int SubjectMaxLength = 200;

    private readonly List<IDomainEvent> _events = [];

    private FollowUpTask()
    {
    }

    public Guid Id { get; private set; }
    public string Subject { get; private set; } = "";
    public DateTimeOffset DueAt { get; private set; }
    public Guid AssigneeId { get; private set; }
    public Guid? CustomerId { get; private set; }
    public Guid? OrderId { get; private set; }
    public Guid? QuotationId { get; private set; }
    /// <summary>The rule that made it (<c>ShipmentDelayed</c>, ...), null when a person did.</summary>
    public string? Rule { get; private set; }
    public FollowUpState State { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public Guid? CompletedBy { get; private set; }
    public DateTimeOffset? RemindedAt { get; private set; }

    public bool IsOverdue(DateTimeOffset now) => State == FollowUpState.Open && DueAt < now;

    public static FollowUpTask Create(
        string? subject, DateTimeOffset dueAt, Guid assigneeId, Guid? customerId, Guid? orderId, Guid? quotationId, string? rule, Guid? by, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        var task = new FollowUpTask
        {
            Id = Ids.New(now),
            Subject = Text.Required(subject, "subject", SubjectMaxLength, violations),
            DueAt = dueAt,
            AssigneeId = assigneeId,
            CustomerId = customerId,
            OrderId = orderId,
            QuotationId = quotationId,
            Rule = rule,
            State = FollowUpState.Open,
            CreatedAt = now,
            CreatedBy = by,
        };
        if (assigneeId == Guid.Empty)
        {
            violations.Add(new RuleViolation("assigneeId", "Required", "assigneeId is required."));
        }

        if (dueAt.Year is < 2000 or > 2200)
        {
            violations.Add(new RuleViolation("dueAt", "OutOfRange", "dueAt must be between the years 2000 and 2200."));
        }

        Violations.ThrowIfAny(violations);
        task._events.Add(new FollowUpTaskCreated(task.Id, assigneeId, customerId, orderId, dueAt, task.Subject));
        return task;
    }

    public void Complete(Guid? by, DateTimeOffset now)
    {
        if (State == FollowUpState.Done)
        {
            throw new IllegalTransitionException("task", State.ToString(), "complete");
        }

        State = FollowUpState.Done;
        CompletedAt = now;
        CompletedBy = by;
    }

    /// <summary>Whether a reminder is due now: open, not reminded yet, due within <paramref name="lead"/>.</summary>
    public bool NeedsReminder(DateTimeOffset now, TimeSpan lead) => State == FollowUpState.Open && RemindedAt is null && DueAt - lead <= now;

    public void MarkReminded(DateTimeOffset now) => RemindedAt = now;

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = _events.ToList();
        _events.Clear();
        return taken;
    }
}

public sealed record FollowUpTaskCreated(Guid TaskId, Guid AssigneeId, Guid? CustomerId, Guid? OrderId, DateTimeOffset DueAt, string Subject) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "FollowUpTask";

    [JsonIgnore]
    public Guid AggregateId => TaskId;

    [JsonIgnore]
    public Guid? ConcernsCustomer => CustomerId;
}
