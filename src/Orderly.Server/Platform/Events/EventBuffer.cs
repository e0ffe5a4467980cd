using Orderly.Domain.Common;

namespace Orderly.Server.Platform.Events;

/// <summary>
/// Events raised by services rather than by a tracked aggregate (a reservation made in SQL, an alert raised);
/// the unit of work writes them with the aggregates' own when it saves, in the same transaction.
/// </summary>
public sealed class EventBuffer
{
    private List<IDomainEvent>? _events;

    public void Raise(IDomainEvent e) => (_events ??= []).Add(e);

    public IReadOnlyList<IDomainEvent> Take()
    {
        var taken = (IReadOnlyList<IDomainEvent>?)_events ?? [];
        _events = null;
        return taken;
    }
}

/// <summary>Wakes the dispatcher of this process as soon as a transaction that wrote events commits.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit signalled first; one wake-up is enough.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose() => _signal.Dispose();
}
