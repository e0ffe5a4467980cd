using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Integration;

/// <summary>
/// Sends order changes to one connector, driven by the outbox: confirmed, shipped and cancelled orders. Each event is
/// pushed until the vendor accepts it (the dispatcher retries with backoff and dead-letters it after its last
/// attempt); every attempt's outcome is in the sync log. The vendor's order id, when the push created the order
/// there, is linked in the same transaction that records the event as applied, so the next event updates that
/// record. Orders whose customer or products the vendor does not know are logged once and not retried.
/// </summary>
public sealed class ConnectorOrderPush(
    string kind, ConnectorService connectors, OrderQueries queries, OrderlyDbContext db, EventInbox inbox, Writes writes, TimeProvider time,
    ILogger<ConnectorOrderPush> log) : IIdleAwareSubscriber
{
    public string Name => $"connector-push:{kind}";

    public bool Wants(EventEnvelope e) => e.Type is nameof(OrderConfirmed) or nameof(OrderShipped) or nameof(OrderCancelled);

    /// <summary>Idle unless the connector is enabled with sales orders going out (what <see cref="HandleAsync"/> checks first).</summary>
    public async Task<bool> IsIdleAsync(CancellationToken ct) => !await connectors.PushesOrdersAsync(kind, ct);

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        var client = await connectors.EnabledClientAsync(kind, ct);
        if (client is null || !client.Settings.SalesOrdersOut)
        {
            return;
        }

        var orderId = Guid.Parse(e.AggregateId);
        var order = await queries.GetAsync(orderId, ct);
        var link = await db.Set<ExternalLink>().AsNoTracking()
            .FirstOrDefaultAsync(l => l.Connector == kind && l.ObjectType == ConnectorInbound.SalesOrder && l.LocalId == orderId, ct);
        var customer = await db.Set<ExternalLink>().AsNoTracking()
            .Where(l => l.Connector == kind && l.ObjectType == ConnectorInbound.Customer && l.LocalId == order.CustomerId).Select(l => l.ExternalId).FirstOrDefaultAsync(ct);
        var productIds = order.Lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.Set<ExternalLink>().AsNoTracking()
            .Where(l => l.Connector == kind && l.ObjectType == ConnectorInbound.Product && productIds.Contains(l.LocalId)).ToDictionaryAsync(l => l.LocalId, l => l.ExternalId, ct);
        var shipped = e.Type == nameof(OrderShipped) ? e.Data<OrderShipped>() : null;
        var push = new OrderPush(e.Type, e.Id, order.Id, order.Number, link?.ExternalId, customer, order.CustomerCode, order.OrderDate, order.RequestedDeliveryDate,
            order.Currency, order.Total, [.. order.Lines.Select(l => new OrderPushLine(products.GetValueOrDefault(l.ProductId), l.Sku, l.Unit, l.Quantity, l.UnitPrice, l.LineTotal))],
            shipped?.Carrier, shipped?.TrackingNumber);

        string? created;
        try
        {
            created = await client.PushOrderAsync(push, ct);
        }
        catch (ConnectorException failure) when (failure.Permanent)
        {
            await inbox.ApplyOnceAsync(Name, e.Id, token => AddLog(e, order.Id, link?.ExternalId, SyncOutcome.Failed, $"{failure.Code}: {failure.Message}"), ct);
            return;
        }
        catch (Exception failure) when (failure is ConnectorException or HttpRequestException || (failure is TaskCanceledException && !ct.IsCancellationRequested))
        {
            var code = failure is ConnectorException c ? c.Code : failure.GetType().Name;
            log.LogWarning("Pushing {Event} of order {Number} to {Connector} failed (attempt {Attempt}): {Reason}", e.Type, order.Number, kind, e.Attempt, failure.Message);
            await writes.RunAsync(token => AddLog(e, order.Id, link?.ExternalId, SyncOutcome.Failed, $"attempt {e.Attempt}: {code}: {failure.Message}"), ct);
            db.ChangeTracker.Clear();
            throw;
        }

        await inbox.ApplyOnceAsync(Name, e.Id, token =>
        {
            if (link is null && !string.IsNullOrEmpty(created))
            {
                db.Set<ExternalLink>().Add(new ExternalLink(kind, ConnectorInbound.SalesOrder, created, order.Id, "", time.GetUtcNow()));
            }

            return AddLog(e, order.Id, link?.ExternalId ?? created, link is null && !string.IsNullOrEmpty(created) ? SyncOutcome.Created : SyncOutcome.Updated, $"{e.Type} {order.Number}");
        }, ct);
    }

    private Task AddLog(EventEnvelope e, Guid orderId, string? externalId, SyncOutcome outcome, string message)
    {
        // The event id is the run: every attempt of one event reads together in the log.
        db.Set<SyncLogEntry>().Add(new SyncLogEntry(kind, e.Id, "out", ConnectorInbound.SalesOrder, externalId, orderId, outcome, message, time.GetUtcNow()));
        return Task.CompletedTask;
    }
}
