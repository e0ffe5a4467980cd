namespace Orderly.Domain.Common;

/// <summary>
/// Something that happened to an aggregate, recorded by the aggregate and written to the outbox in the same
/// transaction as the change. Its public properties are its payload; renaming one is a new payload version.
/// </summary>
public interface IDomainEvent
{
    /// <summary>The aggregate's name as the audit trail and the events feed show it (<c>SalesOrder</c>, ...).</summary>
    string AggregateType { get; }

    Guid AggregateId { get; }

    /// <summary>The customer the event concerns, so feeds show it only to callers who may see that customer.</summary>
    Guid? ConcernsCustomer => null;

    /// <summary>The payload's version; raised when a property is renamed or changes meaning.</summary>
    int PayloadVersion => 1;
}

/// <summary>An aggregate that records domain events; the unit of work takes them when it saves.</summary>
public interface IHasDomainEvents
{
    /// <summary>Returns the events recorded since the last call and forgets them.</summary>
    IReadOnlyList<IDomainEvent> TakeEvents();
}
