using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orderly.Server.Infrastructure.Telemetry;

/// <summary>
/// Orderly's own instruments, all on one <see cref="Meter"/> named <c>Orderly</c> (Prometheus shows <c>orderly.orders.placed</c>
/// as <c>orderly_orders_placed_total</c>). Static, so a hot path records with one call and no injection; counters cost a few
/// nanoseconds when nobody listens.
/// </summary>
public static class OrderlyMetrics
{
    public const string MeterName = "Orderly";

    /// <summary>Traces of Orderly's own work (scheduled jobs) start on this source.</summary>
    public static readonly ActivitySource Source = new(MeterName);

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> OrdersPlaced = Meter.CreateCounter<long>("orderly.orders.placed", "{order}", "Orders created.");
    private static readonly Counter<long> OrdersSubmitted = Meter.CreateCounter<long>("orderly.orders.submitted", "{order}", "Orders submitted, by the status they reached.");
    private static readonly Counter<long> OrdersRefused = Meter.CreateCounter<long>("orderly.orders.refused", "{order}", "Order requests refused by a business rule, by rule code.");
    private static readonly Counter<long> ReservationsFailed = Meter.CreateCounter<long>("orderly.reservations.failed", "{line}", "Order lines that could not be reserved in full, by reason.");
    private static readonly Counter<long> EventsDispatched = Meter.CreateCounter<long>("orderly.outbox.dispatched", "{event}", "Outbox events delivered, by event type.");
    private static readonly Histogram<double> EventLag = Meter.CreateHistogram<double>("orderly.outbox.lag", "ms", "Commit to delivery of an outbox event.");
    private static readonly Counter<long> EventsDeadLettered = Meter.CreateCounter<long>("orderly.outbox.dead_lettered", "{event}", "Outbox events given up on, by event type.");
    private static readonly Counter<long> DispatcherRuns = Meter.CreateCounter<long>("orderly.outbox.dispatcher.runs", "{run}", "Passes of the outbox dispatcher, by outcome.");
    private static readonly Counter<long> JobRuns = Meter.CreateCounter<long>("orderly.jobs.runs", "{run}", "Scheduled job runs, by job and outcome.");
    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("orderly.jobs.duration", "s", "How long a scheduled job run took.");
    private static readonly Histogram<long> WriteBatchUnits = Meter.CreateHistogram<long>("orderly.write_batch.units", "{unit}", "Units of work committed together in one SQLite transaction, by outcome.");
    private static readonly Counter<long> ConnectorCalls = Meter.CreateCounter<long>("orderly.connector.calls", "{call}", "Calls to outside systems (CRM, ERP, webhooks), by connector and outcome.");
    private static readonly Histogram<double> ConnectorDuration = Meter.CreateHistogram<double>("orderly.connector.duration", "s", "How long a call to an outside system took.");

    private static Func<OutboxBacklog>? _outboxBacklog;

    static OrderlyMetrics()
    {
        Meter.CreateObservableGauge("orderly.outbox.pending", () => Observe(b => b.Pending), "{event}", "Outbox events not yet delivered.");
        Meter.CreateObservableGauge("orderly.outbox.oldest_pending_age", () => Observe(b => b.OldestPendingAgeSeconds), "s", "Age of the oldest undelivered outbox event.");
    }

    /// <summary>What the outbox holds now; the dispatcher supplies it (read on each scrape, so keep it cheap or cached).</summary>
    public readonly record struct OutboxBacklog(long Pending, double OldestPendingAgeSeconds);

    public static void OrderPlaced() => OrdersPlaced.Add(1);

    public static void OrderSubmitted(string status) => OrdersSubmitted.Add(1, new KeyValuePair<string, object?>("status", status));

    public static void OrderRefused(string rule) => OrdersRefused.Add(1, new KeyValuePair<string, object?>("rule", rule));

    public static void ReservationFailed(string reason, long lines = 1) => ReservationsFailed.Add(lines, new KeyValuePair<string, object?>("reason", reason));

    public static void EventDispatched(string type, double lagMs)
    {
        var tag = new KeyValuePair<string, object?>("type", type);
        EventsDispatched.Add(1, tag);
        EventLag.Record(lagMs, tag);
    }

    public static void EventDeadLettered(string type) => EventsDeadLettered.Add(1, new KeyValuePair<string, object?>("type", type));

    public static void WriteBatch(int units, bool committed) =>
        WriteBatchUnits.Record(units, new KeyValuePair<string, object?>("outcome", committed ? "committed" : "failed"));

    public static void DispatcherRun(string outcome) => DispatcherRuns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Sets where the outbox gauges read from; null stops them reporting.</summary>
    public static void ObserveOutbox(Func<OutboxBacklog>? backlog) => _outboxBacklog = backlog;

    public static void JobRun(string job, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "job", job }, { "outcome", outcome } };
        JobRuns.Add(1, tags);
        JobDuration.Record(duration.TotalSeconds, tags);
    }

    public static void ConnectorCall(string connector, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "connector", connector }, { "outcome", outcome } };
        ConnectorCalls.Add(1, tags);
        ConnectorDuration.Record(duration.TotalSeconds, tags);
    }

    private static IEnumerable<Measurement<double>> Observe(Func<OutboxBacklog, double> value) =>
        _outboxBacklog is { } backlog ? [new Measurement<double>(value(backlog()))] : [];
}
