using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>
/// Orders analysed by period and by a dimension (product, category, region, customer, rep) from the in-memory order
/// facts: volume, lines, value, cost and margin of the counted orders (submitted, not cancelled or rejected) on their
/// business date, compared with the period before and the same period a year earlier, with the mix per period and
/// the Pareto of the items. A rep's figures cover their own customers.
/// </summary>
public sealed class OrdersAnalysis(OrderFacts facts, AnalyticsQueries periods, OrderlyDbContext db)
{
    public static readonly string[] GroupBys = ["day", "week", "month"];
    public static readonly string[] Dimensions = ["none", "product", "category", "region", "customer", "rep"];
    public const int MixSize = 8;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    private const string Other = "(other)";
    private const string NoValue = "(none)";

    public async Task<OrdersAnalysisDto> AnalyseAsync(
        DateOnly? from, DateOnly? to, string? groupBy, string? by, string? currency, int? limit, HashSet<Guid>? customers, CancellationToken ct)
    {
        var (first, last) = periods.Period(from, to);
        var grouping = Pick(groupBy, GroupBys, "groupBy", "day");
        var dimension = Pick(by, Dimensions, "by", "none");
        var money = string.IsNullOrWhiteSpace(currency) ? Currency.Default : currency.Trim().ToUpperInvariant();
        Currency.DigitsOf(money);
        var snapshot = await facts.CurrentAsync(ct);
        var users = dimension == "rep" ? await RepNamesAsync(snapshot, ct) : [];
        var visible = customers?.Select(c => snapshot.CustomerIndex.TryGetValue(c, out var i) ? i : -2).ToHashSet();
        var perProduct = dimension is "product" or "category";
        var length = last.DayNumber - first.DayNumber + 1;

        var rows = await RowsAsync(snapshot, first, last, money, dimension, visible, customers, users, ct);
        var totals = Sum(rows);
        var previous = await RowsAsync(snapshot, first.AddDays(-length), first.AddDays(-1), money, "none", visible, customers, users, ct);
        var lastYear = await RowsAsync(snapshot, first.AddYears(-1), last.AddYears(-1), money, "none", visible, customers, users, ct);

        var byKey = rows.GroupBy(r => r.Key).Select(g => (g.Key, g.First().Label, Figure: Sum(g)))
            .OrderByDescending(k => k.Figure.ValueMinor).ThenBy(k => k.Label, StringComparer.Ordinal).ToList();
        var mixKeys = byKey.Take(MixSize).Select(k => k.Key).ToHashSet();
        var labels = byKey.ToDictionary(k => k.Key, k => k.Label);
        var periodRows = rows.GroupBy(r => PeriodStart(r.Day, grouping)).OrderBy(g => g.Key).Select(g => new PeriodFigureDto(
            g.Key, Sum(g).ToDto(money, perProduct),
            dimension == "none" ? [] : [.. g.GroupBy(r => mixKeys.Contains(r.Key) ? r.Key : Other)
                .Select(k => new MixDto(k.Key, k.Key == Other ? Other : labels[k.Key], Money.FromMinor(k.Sum(r => r.Figure.ValueMinor), money).Amount))
                .OrderByDescending(m => m.Value)])).ToList();

        var total = (decimal)Math.Max(1, totals.ValueMinor);
        var running = 0L;
        var pareto = 0;
        var items = new List<AnalysisItemDto>();
        foreach (var (key, label, figure) in byKey)
        {
            if (running < 0.8m * total)
            {
                pareto++;
            }

            running += figure.ValueMinor;
            if (items.Count < Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit))
            {
                items.Add(new AnalysisItemDto(key, label, figure.ToDto(money, perProduct), Round(figure.ValueMinor / total), Round(running / total),
                    OrdersLink(first, last, dimension, key, label)));
            }
        }

        var notes = new List<string>
        {
            "Margin is value less quantity x the product's current cost (costs are not kept per order).",
            "Channel is not recorded on orders, so there is no channel breakdown.",
        };
        return new OrdersAnalysisDto(first, last, grouping, dimension, money, totals.ToDto(money, perProduct),
            Compare(first.AddDays(-length), first.AddDays(-1), Sum(previous), totals, money),
            Compare(first.AddYears(-1), last.AddYears(-1), Sum(lastYear), totals, money),
            periodRows, items, byKey.Count, dimension == "none" ? 0 : pareto, notes);
    }

    public static DateOnly PeriodStart(DateOnly day, string grouping) => grouping switch
    {
        "week" => WeeklyDemand.WeekStart(day),
        "month" => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    private async Task<List<Row>> RowsAsync(
        FactsSnapshot snapshot, DateOnly first, DateOnly last, string currency, string dimension, HashSet<int>? visible, HashSet<Guid>? customers,
        Dictionary<Guid, string> users, CancellationToken ct)
    {
        var rows = new List<Row>();
        if (dimension is "product" or "category")
        {
            var products = customers is null
                ? snapshot.Between(first, last).SelectMany(d => d.Products.Where(p => p.Currency == currency).Select(p => (d.Day, p)))
                : await ScopedProductsAsync(first, last, currency, customers, snapshot, ct);
            foreach (var (day, p) in products)
            {
                var product = snapshot.Products.GetValueOrDefault(p.ProductId);
                var (key, label) = dimension == "product"
                    ? (p.ProductId.ToString(), product is null ? p.ProductId.ToString() : $"{product.Sku} {product.Name}")
                    : (product?.Category ?? NoValue, product?.Category ?? NoValue);
                var figure = default(Figure);
                figure.Add(p);
                rows.Add(new Row(day, key, label, figure));
            }

            return rows;
        }

        // One row per day and key (the figures are only ever summed per key or per period): per day the orders are
        // summed per customer first, and each customer's key and label are made once per call.
        var keys = new Dictionary<int, (string Key, string Label)>();
        var perCustomer = new Dictionary<int, Figure>();
        var perKey = new Dictionary<string, (string Label, Figure Figure)>();
        foreach (var day in snapshot.Between(first, last))
        {
            perCustomer.Clear();
            foreach (ref readonly var order in day.Orders.AsSpan())
            {
                if (!order.Counted || order.Currency != currency || (visible is not null && !visible.Contains(order.Customer)) || order.Customer < 0)
                {
                    continue;
                }

                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perCustomer, order.Customer, out _).Add(order);
            }

            perKey.Clear();
            foreach (var (index, figure) in perCustomer)
            {
                if (!keys.TryGetValue(index, out var keyed))
                {
                    var customer = snapshot.Customers[index];
                    keys[index] = keyed = dimension switch
                    {
                        "customer" => (customer.Id.ToString(), $"{customer.Code} {customer.Name}"),
                        "region" => (customer.Region ?? NoValue, customer.Region ?? NoValue),
                        "rep" => (customer.OwnerUserId?.ToString() ?? NoValue, customer.OwnerUserId is { } owner ? users.GetValueOrDefault(owner, owner.ToString()) : NoValue),
                        _ => ("all", "all"),
                    };
                }

                ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perKey, keyed.Key, out var existed);
                sum = (keyed.Label, existed ? Figure.Plus(sum.Figure, figure) : figure);
            }

            foreach (var (key, (label, figure)) in perKey)
            {
                rows.Add(new Row(day.Day, key, label, figure));
            }
        }

        return rows;
    }

    /// <summary>A rep's product figures: a GROUP BY over their own customers' lines (a small share of all lines).</summary>
    private async Task<List<(DateOnly, ProductDayFact)>> ScopedProductsAsync(
        DateOnly first, DateOnly last, string currency, HashSet<Guid> customers, FactsSnapshot snapshot, CancellationToken ct)
    {
        var ids = customers.ToList();
        var counted = Rollups.Counted;
        var lines = await (
                from l in db.OrderLines.AsNoTracking()
                join o in db.SalesOrders on l.OrderId equals o.Id
                where ids.Contains(o.CustomerId) && o.OrderDate >= first && o.OrderDate <= last && o.Currency == currency && counted.Contains(o.Status)
                select new { o.OrderDate, l.ProductId, l.Quantity, l.LineTotalMinor })
            .ToListAsync(ct);
        return [.. lines.GroupBy(l => (l.OrderDate, l.ProductId)).Select(g =>
        {
            var quantity = g.Sum(l => Quantity.ToStored(l.Quantity));
            var cost = snapshot.Products.GetValueOrDefault(g.Key.ProductId)?.CostMinor ?? 0;
            return (g.Key.OrderDate, new ProductDayFact(g.Key.ProductId, currency, g.Count(), quantity, g.Sum(l => l.LineTotalMinor), quantity * cost / 1000));
        })];
    }

    private async Task<Dictionary<Guid, string>> RepNamesAsync(FactsSnapshot snapshot, CancellationToken ct)
    {
        var owners = snapshot.Customers.Where(c => c.OwnerUserId is not null).Select(c => c.OwnerUserId!.Value).Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => owners.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.Email ?? u.Id.ToString(), ct);
    }

    private static ComparisonDto Compare(DateOnly from, DateOnly to, Figure then, Figure now, string currency) =>
        new(from, to, then.ToDto(currency, false), Change(now.ValueMinor, then.ValueMinor), Change(now.Lines, then.Lines));

    private static decimal? Change(long now, long then) => then == 0 ? null : Round((now - then) / (decimal)then);

    private static string OrdersLink(DateOnly first, DateOnly last, string dimension, string key, string label)
    {
        var link = string.Create(CultureInfo.InvariantCulture, $"/api/orders?from={first:yyyy-MM-dd}&to={last:yyyy-MM-dd}");
        return dimension switch
        {
            "customer" => link + "&customerId=" + key,
            "product" => link + "&q=" + Uri.EscapeDataString(label.Split(' ')[0]),
            _ => link,
        };
    }

    private static Figure Sum(IEnumerable<Row> rows)
    {
        var sum = default(Figure);
        foreach (var row in rows)
        {
            sum.Orders += row.Figure.Orders;
            sum.Lines += row.Figure.Lines;
            sum.QuantityThousandths += row.Figure.QuantityThousandths;
            sum.ValueMinor += row.Figure.ValueMinor;
            sum.CostMinor += row.Figure.CostMinor;
        }

        return sum;
    }

    private static string Pick(string? value, string[] allowed, string field, string fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        var v = value.Trim().ToLowerInvariant();
        return allowed.Contains(v) ? v : throw new RuleViolationException(field, "UnknownValue", $"{field} is one of {string.Join(", ", allowed)}.");
    }

    private static decimal Round(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    private sealed record Row(DateOnly Day, string Key, string Label, Figure Figure);
}
