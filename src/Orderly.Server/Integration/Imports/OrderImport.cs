using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Integration;
using Orderly.Server.Catalog;
using Orderly.Server.Identity;
using Orderly.Server.Orders;

namespace Orderly.Server.Integration;

/// <summary>
/// Open orders, one row per line, the lines of one order together under its reference (the file's own order
/// number). Each order goes through the order entry service (entry checks, pricing, the caller's scope) as if typed
/// in, and stays a draft for the usual submit and approval. The reference is remembered (external-id map,
/// connector <c>import</c>), so re-running a file creates no order twice. A bad row refuses its whole order: the
/// other rows of that order are reported as <c>OrderRefused</c> when committing.
/// </summary>
public sealed class OrderImport(ImportContext context) : ImportHandler(context)
{
    public const string LinkConnector = "import";
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d"];

    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private readonly HashSet<string> _bad = new(StringComparer.Ordinal);
    private readonly List<Item> _held = [];
    private string? _current;
    private Dictionary<string, Guid> _customers = [];
    private Dictionary<string, Guid> _products = [];

    public override ImportLayout Layout => ImportLayouts.OrderLayout;

    public override string Policy => Policies.EnterOrders;

    public override bool OwnsTransactions => true;

    public override bool HoldsBack => true;

    private sealed record Item(int Line, string Reference, Guid CustomerId, Guid ProductId, decimal Quantity, decimal? UnitPrice, DateOnly? Requested, string? CustomerPo)
        : ImportItem(Line);

    public override async Task PrepareAsync(CancellationToken ct)
    {
        // Only the customers the caller may see: a rep imports orders for their own customers.
        var scope = Context.Services.GetRequiredService<DataScope>();
        _customers = await (await scope.CustomersAsync(Db.Customers.AsNoTracking(), ct)).ToDictionaryAsync(c => c.Code, c => c.Id, StringComparer.Ordinal, ct);
        _products = await Db.ProductRefs().ToDictionaryAsync(p => p.Sku, p => p.Id, StringComparer.Ordinal, ct);
    }

    public override ImportItem? Check(ImportRow row)
    {
        var reference = row.Text("reference");
        var customer = row.Text("customer");
        var sku = row.Text("sku");
        var quantity = row.Number("quantity");
        var price = row.Number("unitPrice");
        var requestedText = row.Text("requestedDate");
        var po = row.Text("customerPo");
        Guid customerId = default, productId = default;
        DateOnly? requested = null;
        var repeated = false;
        if (reference is not null && reference != _current)
        {
            if (_current is not null)
            {
                _finished.Add(_current);
            }

            if (_finished.Contains(reference))
            {
                repeated = true;
                row.Fail("reference", ImportCodes.DuplicateInFile, $"The lines of order '{reference}' must be together; it appeared earlier in the file.");
            }

            _current = reference;
        }

        if (customer is not null && !_customers.TryGetValue(customer, out customerId))
        {
            row.Fail("customer", ImportCodes.UnknownCustomer, $"Customer '{customer}' does not exist or is not yours.");
        }

        if (sku is not null && !_products.TryGetValue(sku, out productId))
        {
            row.Fail("sku", ImportCodes.UnknownSku, $"SKU '{sku}' is not in the catalog.");
        }

        if (quantity is <= 0)
        {
            row.Fail("quantity", ImportCodes.BadNumber, $"{quantity} is not a quantity to order.");
        }

        if (requestedText is not null)
        {
            if (DateOnly.TryParseExact(requestedText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                requested = date;
            }
            else
            {
                row.Fail("requestedDate", ImportCodes.BadValue, $"'{requestedText}' is not a date (yyyy-mm-dd).");
            }
        }

        if (!row.IsValid)
        {
            // A bad line refuses its order; a stray repeat of an earlier order is refused alone (that order is complete).
            if (reference is not null && !repeated)
            {
                _bad.Add(reference);
            }

            return null;
        }

        return new Item(row.Line, reference!, customerId, productId, quantity!.Value, price, requested, po);
    }

    public override async Task ApplyAsync(IReadOnlyList<ImportItem> batch, ImportCounts counts, CancellationToken ct)
    {
        _held.AddRange(batch.Cast<Item>());
        var end = batch.Count == 0;
        // The last order of a batch may go on in the next one: keep it back unless the file has ended.
        var ready = end ? _held.Count : _held.FindLastIndex(i => i.Reference != _held[^1].Reference) + 1;
        var orders = _held.Take(ready).GroupBy(i => i.Reference).ToList();
        _held.RemoveRange(0, ready);
        if (orders.Count == 0)
        {
            return;
        }

        var references = orders.Select(o => o.Key).ToList();
        var imported = await Db.Set<ExternalLink>().AsNoTracking()
            .Where(l => l.Connector == LinkConnector && l.ObjectType == ConnectorInbound.SalesOrder && references.Contains(l.ExternalId))
            .Select(l => l.ExternalId).ToListAsync(ct);
        var service = Context.Services.GetRequiredService<OrderService>();
        foreach (var order in orders)
        {
            var lines = order.ToList();
            if (_bad.Contains(order.Key))
            {
                Refuse(counts, lines, ImportCodes.OrderRefused, $"Order '{order.Key}' has a refused row; none of its lines is imported.");
                continue;
            }

            if (imported.Contains(order.Key))
            {
                counts.Unchanged += lines.Count;
                continue;
            }

            var first = lines[0];
            var input = new OrderInput(first.CustomerId, [.. lines.Select(l => new OrderLineInput(l.ProductId, l.Quantity, l.UnitPrice))], null,
                first.Requested, first.CustomerPo ?? order.Key);
            try
            {
                await service.CreateAsync(input, Context.Caller.PersonId, (created, _) =>
                {
                    Db.Set<ExternalLink>().Add(new ExternalLink(LinkConnector, ConnectorInbound.SalesOrder, order.Key, created.Id, "", Context.Now));
                    return Task.CompletedTask;
                }, ct);
                counts.Inserted += lines.Count;
            }
            catch (RuleViolationException e)
            {
                Refuse(counts, lines, e.Violations.Count > 0 ? e.Violations[0].Code : ImportCodes.Invalid,
                    $"Order '{order.Key}' was refused by the entry checks: " + string.Join("; ", e.Violations.Select(v => $"{v.Field}: {v.Message}")));
            }
        }
    }

    private static void Refuse(ImportCounts counts, List<Item> lines, string code, string message) =>
        counts.LateProblems.AddRange(lines.Select(l => new ImportProblem(l.Line, "Order reference", code, message)));
}
