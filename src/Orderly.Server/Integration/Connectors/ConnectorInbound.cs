using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Integration;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;

namespace Orderly.Server.Integration;

/// <summary>
/// One inbound sweep of a connector, the same for every vendor: products and customers a page at a time in one unit
/// of work with their log entries, sales orders one at a time through the order entry service (so entry checks,
/// approval rules and reservation run as for any order). The external-id map makes every run idempotent: a record
/// seen before with the same fingerprint writes nothing, and an order is linked in its own transaction.
/// </summary>
public sealed class ConnectorInbound(OrderlyDbContext db, Writes writes, OrderService orders, Caller caller, ErpStocks stocks, TimeProvider time, ILogger<ConnectorInbound> log)
{
    public const string Product = "product";
    public const string Customer = "customer";
    public const string SalesOrder = "sales-order";

    /// <summary>The ERP's stock per warehouse and SKU (read into a snapshot for the reconciliation, never into the ledger).</summary>
    public const string ErpStock = "stock";
    private const int PageSize = 200;

    private sealed class Run(Guid id, string connector, IConnectorSettings settings)
    {
        public IConnectorSettings Settings { get; } = settings;
        public Guid Id { get; } = id;
        public string Connector { get; } = connector;
        public int Created { get; set; }
        public int Updated { get; set; }
        public int Unchanged { get; set; }
        public int Failed { get; set; }
    }

    /// <summary>How far a cursor stays behind the start of the sweep that set it (the vendor's clock may run behind ours).</summary>
    public static readonly TimeSpan CursorOverlap = TimeSpan.FromMinutes(2);

    /// <param name="only">One object type (a vendor push named it) instead of every object the connector brings in.</param>
    /// <param name="cursors">
    /// Per object type, list only what changed since then (absent: everything); each object swept to the end sets its
    /// entry to the sweep's start less <see cref="CursorOverlap"/>.
    /// </param>
    /// <param name="resume">
    /// For a keyset client (<see cref="IKeysetClient"/>): start after the persisted position of each object (right after
    /// it when the last sweep was cut off, <see cref="CursorOverlap"/> before it when that sweep finished); else from the
    /// beginning. Either way each page applied moves the position, in the page's own transaction.
    /// </param>
    public async Task<SyncResult> RunAsync(IConnectorClient client, CancellationToken ct, string? only = null, Dictionary<string, DateTimeOffset>? cursors = null, bool resume = false)
    {
        var run = new Run(Ids.New(time.GetUtcNow()), client.Kind, client.Settings);
        var settings = client.Settings;
        var stage = "run";
        try
        {
            if (settings.ProductsIn && only is null or Product)
            {
                stage = Product;
                var started = Since(client, cursors, stage);
                var keyset = await StartKeysetAsync(client, stage, resume, ct);
                await SweepAsync(client.ProductsAsync(ct), run, ApplyProductsAsync, keyset, ct);
                await FinishKeysetAsync(client, keyset, ct);
                Reached(cursors, stage, started);
            }

            if (settings.AccountsIn && only is null or Customer)
            {
                stage = Customer;
                var started = Since(client, cursors, stage);
                var keyset = await StartKeysetAsync(client, stage, resume, ct);
                await SweepAsync(client.CustomersAsync(ct), run, ApplyCustomersAsync, keyset, ct);
                await FinishKeysetAsync(client, keyset, ct);
                Reached(cursors, stage, started);
            }

            if (client is IErpStockSource { StockIn: true } source && only is null or ErpStock)
            {
                stage = ErpStock;
                await stocks.ReadAsync(client.Kind, run.Id, source.StockAsync(ct), ct);
            }

            if (settings.SalesOrdersIn && only is null or SalesOrder)
            {
                stage = SalesOrder;
                var started = Since(client, cursors, stage);
                await foreach (var order in client.OrdersAsync((id, token) => IsLinkedAsync(client.Kind, id, token), ct))
                {
                    await ApplyOrderAsync(client, order, run, ct);
                }

                Reached(cursors, stage, started);
            }
        }
        catch (ConnectorException e)
        {
            log.LogWarning("Sync of {Connector} stopped at {Stage}: {Reason}", client.Kind, stage, e.Message);
            db.ChangeTracker.Clear();
            await writes.RunAsync(_ =>
            {
                db.Set<SyncLogEntry>().Add(new SyncLogEntry(run.Connector, run.Id, "in", stage, null, null, SyncOutcome.Failed, $"{e.Code}: {e.Message}", time.GetUtcNow()));
                return Task.CompletedTask;
            }, ct);
            throw;
        }

        return new SyncResult(run.Id, run.Created, run.Updated, run.Unchanged, run.Failed);
    }

    private DateTimeOffset Since(IConnectorClient client, Dictionary<string, DateTimeOffset>? cursors, string objectType)
    {
        client.ModifiedSince = cursors is not null && cursors.TryGetValue(objectType, out var since) ? since : null;
        return time.GetUtcNow();
    }

    private static void Reached(Dictionary<string, DateTimeOffset>? cursors, string objectType, DateTimeOffset started)
    {
        if (cursors is not null)
        {
            cursors[objectType] = started - CursorOverlap;
        }
    }

    /// <summary>
    /// Prepares a keyset client's listing of one object: the persisted cursor row exists (created once, never raced
    /// into a page's transaction) and the client starts after its position when resuming, else from the beginning.
    /// Returns the object type whose cursor the pages move, or null for other clients.
    /// </summary>
    private async Task<string?> StartKeysetAsync(IConnectorClient client, string objectType, bool resume, CancellationToken ct)
    {
        if (client is not IKeysetClient keyset)
        {
            return null;
        }

        var cursor = await db.Set<SyncCursor>().AsNoTracking().FirstOrDefaultAsync(c => c.Connector == client.Kind && c.ObjectType == objectType, ct);
        if (cursor is null)
        {
            try
            {
                await writes.RunAsync(_ =>
                {
                    db.Set<SyncCursor>().Add(new SyncCursor(client.Kind, objectType, time.GetUtcNow()));
                    return Task.CompletedTask;
                }, ct);
            }
            catch (DbUpdateException)
            {
                // Another sweep created it first.
            }

            db.ChangeTracker.Clear();
        }

        keyset.After = resume ? cursor?.ResumeFrom(CursorOverlap) : null;
        return objectType;
    }

    /// <summary>The listing reached its end: the cursor says so, and the next sweep starts a little before it.</summary>
    private async Task FinishKeysetAsync(IConnectorClient client, string? objectType, CancellationToken ct)
    {
        if (objectType is null)
        {
            return;
        }

        await writes.RunAsync(async token =>
        {
            var cursor = await db.Set<SyncCursor>().FirstAsync(c => c.Connector == client.Kind && c.ObjectType == objectType, token);
            cursor.Finish(time.GetUtcNow());
        }, ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Reads the vendor's records and applies them in units of work with their log entries: every <see cref="PageSize"/>
    /// records, and at the end of each vendor page of a keyset listing, whose position is written in the same unit.
    /// </summary>
    private async Task SweepAsync<T>(
        IAsyncEnumerable<Inbound<T>> records, Run run, Func<List<Inbound<T>>, Run, List<SyncLogEntry>, CancellationToken, Task> apply, string? cursorOf, CancellationToken ct)
        where T : class
    {
        var batch = new List<Inbound<T>>(PageSize);
        await foreach (var record in records.WithCancellation(ct))
        {
            batch.Add(record);
            if (batch.Count == PageSize || (cursorOf is not null && record.EndsPage))
            {
                await ApplyAsync(batch, run, apply, cursorOf, ct);
                batch = new List<Inbound<T>>(PageSize);
            }
        }

        if (batch.Count > 0)
        {
            await ApplyAsync(batch, run, apply, cursorOf, ct);
        }
    }

    private async Task ApplyAsync<T>(List<Inbound<T>> batch, Run run, Func<List<Inbound<T>>, Run, List<SyncLogEntry>, CancellationToken, Task> apply, string? cursorOf, CancellationToken ct)
        where T : class
    {
        var position = batch[^1].Position;
        // The vendor may list a record twice across pages while it changes: the last copy wins.
        batch = [.. batch.GroupBy(b => b.ExternalId).Select(g => g.Last())];
        await writes.RunAsync(async token =>
        {
            var entries = new List<SyncLogEntry>();
            var counts = (run.Created, run.Updated, run.Unchanged, run.Failed);
            try
            {
                await apply(batch, run, entries, token);
                if (cursorOf is not null && position is not null)
                {
                    // The page and the position that says it was applied commit together: a crash loses or repeats neither.
                    var cursor = await db.Set<SyncCursor>().FirstAsync(c => c.Connector == run.Connector && c.ObjectType == cursorOf, token);
                    cursor.Advance(position, time.GetUtcNow());
                }
            }
            catch
            {
                (run.Created, run.Updated, run.Unchanged, run.Failed) = counts;
                throw;
            }

            db.Set<SyncLogEntry>().AddRange(entries);
        }, ct);
        db.ChangeTracker.Clear();
    }

    private async Task ApplyProductsAsync(List<Inbound<InboundProduct>> batch, Run run, List<SyncLogEntry> entries, CancellationToken ct)
    {
        var links = await LinksAsync(run.Connector, Product, batch.Select(b => b.ExternalId).ToList(), ct);
        var localIds = links.Values.Select(l => l.LocalId).ToList();
        var products = await db.Products.Where(p => localIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var skus = batch.Where(b => b.Value is not null).Select(b => b.Value!.Sku).ToList();
        var bySku = await db.Products.Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, ct);
        foreach (var item in batch)
        {
            links.TryGetValue(item.ExternalId, out var link);
            if (item.Value is not { } r)
            {
                Fail(run, entries, Product, item.ExternalId, link?.LocalId, item.Error ?? "The record could not be read.");
                continue;
            }

            var product = link is not null ? products.GetValueOrDefault(link.LocalId) : bySku.GetValueOrDefault(r.Sku);
            if (link?.Fingerprint == item.Fingerprint && product is not null)
            {
                run.Unchanged++;
                entries.Add(Log(run, Product, item.ExternalId, product.Id, SyncOutcome.Unchanged, null));
                continue;
            }

            try
            {
                var price = r.Price ?? product?.ListPrice.Amount ?? 0m;
                var keepPrice = product is not null && OrderlyOwns(run, "products.listPrice");
                var details = (product?.Details ?? new ProductDetails(r.Sku, r.Name, "pcs", 0m)) with
                {
                    Sku = r.Sku,
                    Name = r.Name,
                    Unit = r.Unit ?? product?.Unit ?? "pcs",
                    ListPrice = keepPrice ? product!.ListPrice.Amount : Math.Round(price, 2),
                    MinPrice = product?.MinPrice.Amount is { } min && min <= price ? min : null,
                    IsActive = r.Active,
                };
                if (product is null)
                {
                    product = new Product(details, time.GetUtcNow());
                    db.Products.Add(product);
                    bySku[r.Sku] = product;
                    run.Created++;
                    entries.Add(Log(run, Product, item.ExternalId, product.Id, SyncOutcome.Created, null));
                }
                else
                {
                    product.Update(details, time.GetUtcNow());
                    run.Updated++;
                    entries.Add(Log(run, Product, item.ExternalId, product.Id, SyncOutcome.Updated, null));
                }

                Link(run.Connector, Product, item.ExternalId, item.Fingerprint, product.Id, link);
            }
            catch (RuleViolationException e)
            {
                Fail(run, entries, Product, item.ExternalId, product?.Id, Violations(e));
            }
        }
    }

    private async Task ApplyCustomersAsync(List<Inbound<InboundCustomer>> batch, Run run, List<SyncLogEntry> entries, CancellationToken ct)
    {
        var links = await LinksAsync(run.Connector, Customer, batch.Select(b => b.ExternalId).ToList(), ct);
        var localIds = links.Values.Select(l => l.LocalId).ToList();
        var customers = await db.Customers.Where(c => localIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var codes = batch.Where(b => b.Value is not null).Select(b => b.Value!.Code).ToList();
        var byCode = await db.Customers.Where(c => codes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, ct);
        foreach (var item in batch)
        {
            links.TryGetValue(item.ExternalId, out var link);
            if (item.Value is not { } r)
            {
                Fail(run, entries, Customer, item.ExternalId, link?.LocalId, item.Error ?? "The record could not be read.");
                continue;
            }

            var customer = link is not null ? customers.GetValueOrDefault(link.LocalId) : byCode.GetValueOrDefault(r.Code);
            if (link?.Fingerprint == item.Fingerprint && customer is not null)
            {
                run.Unchanged++;
                entries.Add(Log(run, Customer, item.ExternalId, customer.Id, SyncOutcome.Unchanged, null));
                continue;
            }

            try
            {
                var current = customer?.Details ?? new CustomerDetails(r.Code, r.Name);
                var details = current with
                {
                    Code = r.Code,
                    Name = r.Name,
                    Region = r.Region ?? current.Region,
                    Address = r.Address ?? current.Address,
                    Email = r.Email ?? current.Email,
                    Phone = r.Phone ?? current.Phone,
                };
                if (customer is null)
                {
                    customer = new Customer(details, time.GetUtcNow());
                    db.Customers.Add(customer);
                    byCode[r.Code] = customer;
                    run.Created++;
                    entries.Add(Log(run, Customer, item.ExternalId, customer.Id, SyncOutcome.Created, null));
                }
                else
                {
                    customer.Update(details, time.GetUtcNow());
                    run.Updated++;
                    entries.Add(Log(run, Customer, item.ExternalId, customer.Id, SyncOutcome.Updated, null));
                }

                Link(run.Connector, Customer, item.ExternalId, item.Fingerprint, customer.Id, link);
            }
            catch (RuleViolationException e)
            {
                Fail(run, entries, Customer, item.ExternalId, customer?.Id, Violations(e));
            }
        }
    }

    /// <summary>
    /// One vendor order through <see cref="OrderService.CreateAsync"/>: its link and log entry commit with the order,
    /// so a run repeated after any failure finds the link and creates nothing twice.
    /// </summary>
    private async Task ApplyOrderAsync(IConnectorClient client, Inbound<InboundOrder> item, Run run, CancellationToken ct)
    {
        if (item.Value is null && item.Error is null)
        {
            run.Unchanged++;
            return;
        }

        if (item.Value is not { } order)
        {
            await FailAloneAsync(run, SalesOrder, item.ExternalId, item.Error!, ct);
            return;
        }

        var (input, problem) = await ResolveAsync(client, order, ct);
        if (input is null)
        {
            await FailAloneAsync(run, SalesOrder, item.ExternalId, problem!, ct);
            return;
        }

        try
        {
            await orders.CreateAsync(input, caller.PersonId, (created, _) =>
            {
                db.Set<ExternalLink>().Add(new ExternalLink(run.Connector, SalesOrder, item.ExternalId, created.Id, item.Fingerprint, time.GetUtcNow()));
                db.Set<SyncLogEntry>().Add(Log(run, SalesOrder, item.ExternalId, created.Id, SyncOutcome.Created, $"{created.Number} ({created.Status})"));
                return Task.CompletedTask;
            }, ct);
            run.Created++;
        }
        catch (DomainException e)
        {
            db.ChangeTracker.Clear();
            await FailAloneAsync(run, SalesOrder, item.ExternalId, e is RuleViolationException rule ? Violations(rule) : $"{e.Code}: {e.Message}", ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await IsLinkedAsync(client.Kind, item.ExternalId, ct))
            {
                throw;
            }

            // Another run linked the same vendor order first; nothing of ours was written.
            run.Unchanged++;
        }

        db.ChangeTracker.Clear();
    }

    private async Task<(OrderInput?, string?)> ResolveAsync(IConnectorClient client, InboundOrder order, CancellationToken ct)
    {
        Guid customerId;
        if (order.CustomerExternalId is { } customerRef)
        {
            var link = await db.Set<ExternalLink>().AsNoTracking()
                .Where(l => l.Connector == client.Kind && l.ObjectType == Customer && l.ExternalId == customerRef).Select(l => (Guid?)l.LocalId).FirstOrDefaultAsync(ct);
            if (link is null)
            {
                return (null, $"Customer {customerRef} is not linked: sync the customers (accounts) first.");
            }

            customerId = link.Value;
        }
        else
        {
            var found = await db.Customers.AsNoTracking().Where(c => c.Code == order.CustomerCode).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
            if (found is null)
            {
                return (null, $"Customer code '{order.CustomerCode}' is not in Orderly.");
            }

            customerId = found.Value;
        }

        var productRefs = order.Lines.Where(l => l.ProductExternalId is not null).Select(l => l.ProductExternalId!).Distinct().ToList();
        var links = await db.Set<ExternalLink>().AsNoTracking()
            .Where(l => l.Connector == client.Kind && l.ObjectType == Product && productRefs.Contains(l.ExternalId)).ToDictionaryAsync(l => l.ExternalId, l => l.LocalId, ct);
        var skus = order.Lines.Where(l => l.ProductExternalId is null && l.Sku is not null).Select(l => l.Sku!).Distinct().ToList();
        var bySku = await db.ProductRefs().Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, p => p.Id, ct);
        var lines = new List<OrderLineInput>();
        foreach (var line in order.Lines)
        {
            Guid productId;
            if (line.ProductExternalId is { } productRef)
            {
                if (!links.TryGetValue(productRef, out productId))
                {
                    return (null, $"Product {productRef} is not linked: sync the products first.");
                }
            }
            else if (line.Sku is null || !bySku.TryGetValue(line.Sku, out productId))
            {
                return (null, $"SKU '{line.Sku}' is not in the catalog.");
            }

            lines.Add(new OrderLineInput(productId, line.Quantity, line.UnitPrice));
        }

        return (new OrderInput(customerId, [.. lines], order.Currency, order.DueDate, Truncate(order.Reference, Domain.Orders.SalesOrder.CustomerPoMaxLength), Submit: client.Settings.SubmitOrders), null);
    }

    private async Task<bool> IsLinkedAsync(string connector, string externalId, CancellationToken ct) =>
        await db.Set<ExternalLink>().AsNoTracking().AnyAsync(l => l.Connector == connector && l.ObjectType == SalesOrder && l.ExternalId == externalId, ct);

    private async Task FailAloneAsync(Run run, string objectType, string externalId, string message, CancellationToken ct)
    {
        run.Failed++;
        await writes.RunAsync(_ =>
        {
            db.Set<SyncLogEntry>().Add(Log(run, objectType, externalId, null, SyncOutcome.Failed, message));
            return Task.CompletedTask;
        }, ct);
        db.ChangeTracker.Clear();
    }

    private void Fail(Run run, List<SyncLogEntry> entries, string objectType, string externalId, Guid? localId, string message)
    {
        run.Failed++;
        entries.Add(Log(run, objectType, externalId, localId, SyncOutcome.Failed, message));
    }

    private static string Violations(RuleViolationException e) => string.Join("; ", e.Violations.Select(v => $"{v.Field}: {v.Code}"));

    private static string? Truncate(string? text, int length) => text is { Length: var n } && n > length ? text[..length] : text;

    private static bool OrderlyOwns(Run run, string field) => run.Settings.OrderlyOwns?.Contains(field, StringComparer.OrdinalIgnoreCase) == true;

    private async Task<Dictionary<string, ExternalLink>> LinksAsync(string connector, string objectType, List<string> ids, CancellationToken ct) =>
        await db.Set<ExternalLink>().Where(l => l.Connector == connector && l.ObjectType == objectType && ids.Contains(l.ExternalId)).ToDictionaryAsync(l => l.ExternalId, ct);

    private void Link(string connector, string objectType, string externalId, string fingerprint, Guid localId, ExternalLink? link)
    {
        if (link is null)
        {
            db.Set<ExternalLink>().Add(new ExternalLink(connector, objectType, externalId, localId, fingerprint, time.GetUtcNow()));
        }
        else
        {
            link.Fingerprint = fingerprint;
            link.SyncedAt = time.GetUtcNow();
        }
    }

    private SyncLogEntry Log(Run run, string objectType, string externalId, Guid? localId, SyncOutcome outcome, string? message) =>
        new(run.Connector, run.Id, "in", objectType, externalId, localId, outcome, message, time.GetUtcNow());
}
