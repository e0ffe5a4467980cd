using System.Buffers;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>
/// Orders analysed by period and by a dimension (product, category, region, customer, rep): volume, lines, value, cost
/// and margin of the counted orders (submitted, not cancelled or rejected) on their business date, compared with the
/// period before and the same period a year earlier, with the mix per period and the Pareto of the items. A rep's
/// figures cover their own customers.
/// <para>
/// Every figure but one comes from the daily rollups through the <see cref="SalesProjection"/> (orders, lines and value
/// per customer and day; lines, quantity and value per product and day), read in one snapshot: by product and category
/// from the product rows, by customer, region, rep and the comparisons from the customer rows. Cost is quantity x the
/// product's current cost, so per product it is the rows' quantity x that cost, and the total of all customers is the
/// same sum over the product rows. What the rollups cannot give is the cost of a customer or a set of customers (it
/// depends on which products they bought, at today's cost): <see cref="CustomerCosts"/> keeps each customer's cost per
/// day from one GROUP BY over the day's lines, kept while the day's rollups and the product costs are unchanged (items
/// of <c>by=customer|region|rep</c>, and every figure of a rep). A rep's product figures are a GROUP BY over their
/// customers' lines, as before.
/// </para>
/// </summary>
public sealed class OrdersAnalysis(SalesProjection projection, AnalysisDimensions dimensions, CustomerCosts customerCosts, AnalyticsQueries periods, OrderlyDbContext db)
{
    public static readonly string[] GroupBys = ["day", "week", "month"];
    public static readonly string[] Dimensions = ["none", "product", "category", "region", "customer", "rep"];
    public const int MixSize = 8;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    private const string Other = "(other)";
    private const string NoValue = "(none)";

    private long[] _costByOrdinal = [];

    public async Task<OrdersAnalysisDto> AnalyseAsync(
        DateOnly? from, DateOnly? to, string? groupBy, string? by, string? currency, int? limit, HashSet<Guid>? customers, CancellationToken ct)
    {
        var (first, last) = periods.Period(from, to);
        var grouping = Pick(groupBy, GroupBys, "groupBy", "day");
        var dimension = Pick(by, Dimensions, "by", "none");
        var money = string.IsNullOrWhiteSpace(currency) ? Currency.Default : currency.Trim().ToUpperInvariant();
        Currency.DigitsOf(money);
        var perProduct = dimension is "product" or "category";
        var length = last.DayNumber - first.DayNumber + 1;
        var (previousFirst, previousLast) = (first.AddDays(-length), first.AddDays(-1));
        var (yearFirst, yearLast) = (first.AddYears(-1), last.AddYears(-1));
        var take = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);

        var products = await dimensions.ProductsAsync(db, ct);
        var customerDims = perProduct ? null : await dimensions.CustomersAsync(db, ct);
        var users = dimension == "rep" ? await RepNamesAsync(customerDims!.Values, ct) : [];
        IReadOnlyList<SalesProjection.DaySlice> recent;
        IReadOnlyList<SalesProjection.DaySlice> yearAgo;
        // Each customer's cost per day (see the class summary), where a figure needs it: a rep's every figure, and the
        // items of by=customer|region|rep. Read in the snapshot of the rollups, so both agree.
        IReadOnlyList<CustomerCosts.DayCosts>? recentCosts = null;
        IReadOnlyList<CustomerCosts.DayCosts>? yearCosts = null;
        IReadOnlyList<CustomerCosts.DayCosts>? itemCosts = null;
        List<SalesProjection.DaySlice> current;
        await using (await SalesProjection.SnapshotAsync(db, ct))
        {
            recent = await projection.DaysAsync(db, previousFirst, last, money, ct);
            yearAgo = await projection.DaysAsync(db, yearFirst, yearLast, money, ct);
            current = [.. recent.Where(d => d.Day >= first)];
            if (customers is not null)
            {
                recentCosts = await customerCosts.ForAsync(db, recent, products, ct);
                yearCosts = await customerCosts.ForAsync(db, yearAgo, products, ct);
            }

            if (dimension is "customer" or "region" or "rep")
            {
                itemCosts = await customerCosts.ForAsync(db, current, products, ct);
            }
        }

        // Sized after every load above: each ordinal of the call's slices and costs is below it.
        var allowed = Allowed(customers);
        var productCost = ProductCosts(products);
        // A rep's cost per day: their customers' costs summed once per day (the two windows may share days; a day's sum is the same in both).
        Dictionary<DateOnly, long>? scopedDayCost = null;
        if (customers is not null)
        {
            scopedDayCost = [];
            foreach (var (days, costs) in new[] { (recent, recentCosts!), (yearAgo, yearCosts!) })
            {
                for (var i = 0; i < days.Count; i++)
                {
                    scopedDayCost[days[i].Day] = costs[i].Sum(allowed);
                }
            }
        }

        using var tally = new Tally(grouping);
        int[]? keyOfOrdinal = null;
        if (perProduct && customers is not null)
        {
            var keyOf = new Dictionary<Guid, int>();
            foreach (var row in await ScopedProductsAsync(first, last, money, customers, ct))
            {
                if (!keyOf.TryGetValue(row.ProductId, out var key))
                {
                    var (text, label) = ProductKey(row.ProductId, dimension, products);
                    keyOf[row.ProductId] = key = tally.KeyOf(text, label);
                }

                tally.Add(row.Day, key, new Figure
                {
                    Lines = row.Lines, QuantityThousandths = row.Quantity, ValueMinor = row.ValueMinor, CostThousandths = row.Quantity * productCost(row.ProductId),
                });
            }
        }
        else
        {
            keyOfOrdinal = TallyRows(tally, current, dimension, allowed, day => scopedDayCost?[day.Day] ?? CostOfDay(day, productCost), itemCosts, productCost, products, customerDims, users);
        }

        var byKey = tally.Ranked();
        var items = new List<AnalysisItemDto>();
        if (dimension == "none" && byKey.Count > 0)
        {
            tally.Item(byKey[0]).CostThousandths = tally.Total.CostThousandths;
        }

        if (keyOfOrdinal is not null)
        {
            MixValues(tally, current, perProduct, allowed, keyOfOrdinal, byKey.Take(MixSize).ToList());
        }

        var totals = tally.Total;
        var previous = Comparison(recent, previousFirst, previousLast, allowed, productCost, scopedDayCost);
        var lastYear = Comparison(yearAgo, yearFirst, yearLast, allowed, productCost, scopedDayCost);

        var mixes = tally.Mixes(byKey.Take(MixSize).ToList());
        var periodRows = Enumerable.Range(0, tally.PeriodStarts.Count).OrderBy(p => tally.PeriodStarts[p]).Select(p => new PeriodFigureDto(
            tally.PeriodStarts[p], tally.PeriodFigure(p).ToDto(money, perProduct),
            dimension == "none" ? [] : mixes[p].Select(m => m.Key < 0
                    ? new MixDto(Other, Other, Money.FromMinor(m.ValueMinor, money).Amount)
                    : new MixDto(tally.KeyAt(m.Key).Key, tally.KeyAt(m.Key).Label, Money.FromMinor(m.ValueMinor, money).Amount))
                .ToList())).ToList();

        var total = (decimal)Math.Max(1, totals.ValueMinor);
        var running = 0L;
        var pareto = 0;
        foreach (var key in byKey)
        {
            if (running < 0.8m * total)
            {
                pareto++;
            }

            var figure = tally.Item(key);
            running += figure.ValueMinor;
            if (items.Count < take)
            {
                var (text, label) = tally.KeyAt(key);
                items.Add(new AnalysisItemDto(text, label, figure.ToDto(money, perProduct), Round(figure.ValueMinor / total), Round(running / total),
                    OrdersLink(first, last, dimension, text, label)));
            }
        }

        var notes = new List<string>
        {
            "Margin is value less quantity x the product's current cost (costs are not kept per order).",
            "Channel is not recorded on orders, so there is no channel breakdown.",
        };
        return new OrdersAnalysisDto(first, last, grouping, dimension, money, totals.ToDto(money, perProduct),
            Compare(previousFirst, previousLast, previous, totals, money),
            Compare(yearFirst, yearLast, lastYear, totals, money),
            periodRows, items, byKey.Count, dimension == "none" ? 0 : pareto, notes);
    }

    public static DateOnly PeriodStart(DateOnly day, string grouping) => grouping switch
    {
        "week" => WeeklyDemand.WeekStart(day),
        "month" => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    /// <summary>
    /// The customer rows (or, by product and category, the product rows) of the period's days summed by ordinal
    /// (<see cref="OrdinalColumns"/>) and folded into the items of the dimension, with each day's figures and cost to its
    /// period: one add per row, and one key per customer or product rather than per row. A product's cost is its
    /// quantity x its current cost; a customer's the sum of their kept day costs.
    /// </summary>
    /// <returns>The item of each ordinal in the tally (-1: no counted row), for <see cref="MixValues"/>.</returns>
    private int[] TallyRows(
        Tally tally, List<SalesProjection.DaySlice> current, string dimension, bool[]? allowed, Func<SalesProjection.DaySlice, long> dayCost,
        IReadOnlyList<CustomerCosts.DayCosts>? itemCosts, Func<Guid, long> productCost, IReadOnlyDictionary<Guid, ProductDim> products,
        IReadOnlyDictionary<Guid, CustomerDim>? customerDims, Dictionary<Guid, string> users)
    {
        var perProduct = dimension is "product" or "category";
        using var columns = new OrdinalColumns(perProduct ? projection.ProductOrdinals : projection.CustomerOrdinals);
        foreach (var day in current)
        {
            var (count, lines, value, counted) = columns.Add(perProduct ? SliceRows.Products(day) : SliceRows.Customers(day), allowed);
            if (counted)
            {
                tally.AddToPeriod(day.Day, perProduct
                    ? new Figure { QuantityThousandths = count, Lines = lines, ValueMinor = value }
                    : new Figure { Orders = count, Lines = lines, ValueMinor = value });
            }

            // Cost per period and in total: all customers' from the product rows; a rep's from their customers' costs.
            tally.AddCost(day.Day, dayCost(day));
        }

        if (perProduct)
        {
            for (var k = 0; k < columns.Length; k++)
            {
                columns.Cost[k] = columns.CountOf(k) * CostOfOrdinal(k, productCost);
            }
        }

        foreach (var costs in itemCosts ?? [])
        {
            costs.AddTo(columns.Cost, allowed);
        }

        var keyOfOrdinal = new int[columns.Length];
        Array.Fill(keyOfOrdinal, -1);
        // The texts' makers made once per call, not once per ordinal (a method group or lambda is a new delegate each time).
        object dimensionRows = perProduct ? products : customerDims!;
        Func<int, Guid> idOf = perProduct ? projection.ProductIdOf : projection.CustomerIdOf;
        Func<Guid, (string Key, string Label)> make = perProduct ? id => ProductKey(id, dimension, products) : id => CustomerKey(id, dimension, customerDims!, users);
        for (var k = 0; k < columns.Length; k++)
        {
            if (columns.Counted(k))
            {
                int key;
                if (dimension is "customer" or "product")
                {
                    // One item per ordinal: its texts kept per loaded dimension (they change only with it), no lookup by text.
                    var (text, label) = KeyTexts.Of(dimensionRows, k, idOf, make);
                    key = tally.NewKey(text, label);
                }
                else
                {
                    var (text, label) = make(idOf(k));
                    key = tally.KeyOf(text, label);
                }

                keyOfOrdinal[k] = key;
                tally.AddToItem(key, columns.FigureOf(k, perProduct));
            }
        }

        return keyOfOrdinal;
    }

    private static (string Key, string Label) ProductKey(Guid id, string dimension, IReadOnlyDictionary<Guid, ProductDim> products)
    {
        var product = products.GetValueOrDefault(id);
        return dimension == "product"
            ? (id.ToString(), product is null ? id.ToString() : $"{product.Sku} {product.Name}")
            : (product?.Category ?? NoValue, product?.Category ?? NoValue);
    }

    private static (string Key, string Label) CustomerKey(Guid id, string dimension, IReadOnlyDictionary<Guid, CustomerDim> customerDims, Dictionary<Guid, string> users)
    {
        var customer = customerDims.GetValueOrDefault(id);
        return dimension switch
        {
            "customer" => (id.ToString(), customer is null ? id.ToString() : $"{customer.Code} {customer.Name}"),
            "region" => (customer?.Region ?? NoValue, customer?.Region ?? NoValue),
            "rep" => (customer?.OwnerUserId?.ToString() ?? NoValue,
                customer?.OwnerUserId is { } owner ? users.GetValueOrDefault(owner, owner.ToString()) : NoValue),
            _ => ("all", "all"),
        };
    }

    /// <summary>
    /// The value per period of each of the <paramref name="mixKeys"/> (the first items) and of the rest as one, each only
    /// where it has a counted row in the period: a second pass over the period's rows with array lookups.
    /// </summary>
    private static void MixValues(Tally tally, List<SalesProjection.DaySlice> current, bool perProduct, bool[]? allowed, int[] keyOfOrdinal, List<int> mixKeys)
    {
        var slotOfKey = new int[tally.Count];
        Array.Fill(slotOfKey, mixKeys.Count);
        for (var slot = 0; slot < mixKeys.Count; slot++)
        {
            slotOfKey[mixKeys[slot]] = slot;
        }

        var slots = mixKeys.Count + 1;
        var byPeriod = new Dictionary<int, MixSums>();
        foreach (var day in current)
        {
            var rows = perProduct ? SliceRows.Products(day) : SliceRows.Customers(day);
            MixSums? sums = null;
            for (var i = 0; i < rows.Ordinals.Length; i++)
            {
                var k = rows.Ordinals[i];
                if ((allowed is not null && !allowed[k]) || !rows.IsCounted(i))
                {
                    continue;
                }

                if (sums is null)
                {
                    var period = tally.PeriodOf(day.Day);
                    if (!byPeriod.TryGetValue(period, out sums))
                    {
                        byPeriod[period] = sums = new MixSums(slots);
                    }
                }

                var slot = slotOfKey[keyOfOrdinal[k]];
                sums.Value[slot] += rows.Values[i];
                sums.Present[slot] = true;
            }
        }

        foreach (var (period, sums) in byPeriod)
        {
            for (var slot = 0; slot < slots; slot++)
            {
                if (sums.Present[slot])
                {
                    tally.AddMixValue(period, slot < mixKeys.Count ? mixKeys[slot] : -1, sums.Value[slot]);
                }
            }
        }
    }

    /// <summary>The orders, lines and value of the counted orders of the days (a rep's customers only), and their cost.</summary>
    private Figure Comparison(
        IReadOnlyList<SalesProjection.DaySlice> days, DateOnly first, DateOnly last, bool[]? allowed, Func<Guid, long> productCost,
        Dictionary<DateOnly, long>? scopedDayCost)
    {
        var figure = default(Figure);
        foreach (var day in days)
        {
            if (day.Day < first || day.Day > last)
            {
                continue;
            }

            if (allowed is null)
            {
                figure.Orders += day.OrdersTotal;
                figure.Lines += day.LinesTotal;
                figure.ValueMinor += day.ValueTotal;
                figure.CostThousandths += CostOfDay(day, productCost);
                continue;
            }

            for (var i = 0; i < day.Customers.Length; i++)
            {
                if (allowed[day.Customers[i]])
                {
                    figure.Orders += day.CustomerOrders[i];
                    figure.Lines += day.CustomerLines[i];
                    figure.ValueMinor += day.CustomerValue[i];
                }
            }

            figure.CostThousandths += scopedDayCost![day.Day];
        }

        return figure;
    }

    /// <summary>What all the day's counted lines cost at today's product costs: the product rows' quantity x cost.</summary>
    private long CostOfDay(SalesProjection.DaySlice day, Func<Guid, long> productCost)
    {
        var cost = 0L;
        for (var i = 0; i < day.Products.Length; i++)
        {
            cost += day.ProductQuantity[i] * CostOfOrdinal(day.Products[i], productCost);
        }

        return cost;
    }

    /// <summary>A rep's product figures: a GROUP BY over their own customers' lines (a small share of all lines).</summary>
    private async Task<List<ProductRow>> ScopedProductsAsync(DateOnly first, DateOnly last, string currency, HashSet<Guid> customers, CancellationToken ct)
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
            new ProductRow(g.Key.OrderDate, g.Key.ProductId, g.Count(), g.Sum(l => Quantity.ToStored(l.Quantity)), g.Sum(l => l.LineTotalMinor)))];
    }

    private bool[]? Allowed(HashSet<Guid>? customers)
    {
        if (customers is null)
        {
            return null;
        }

        var allowed = new bool[projection.CustomerOrdinals];
        foreach (var id in customers)
        {
            if (projection.TryGetCustomerOrdinal(id, out var ordinal) && ordinal < allowed.Length)
            {
                allowed[ordinal] = true;
            }
        }

        return allowed;
    }

    /// <summary>Each product's current cost by its ordinal in the projection (one lookup per product, not per row).</summary>
    private Func<Guid, long> ProductCosts(IReadOnlyDictionary<Guid, ProductDim> products)
    {
        var byOrdinal = new long[projection.ProductOrdinals];
        for (var i = 0; i < byOrdinal.Length; i++)
        {
            byOrdinal[i] = products.TryGetValue(projection.ProductIdOf(i), out var product) ? product.CostMinor : 0;
        }

        _costByOrdinal = byOrdinal;
        return id => products.TryGetValue(id, out var product) ? product.CostMinor : 0;
    }

    private long CostOfOrdinal(int ordinal, Func<Guid, long> productCost) =>
        ordinal < _costByOrdinal.Length ? _costByOrdinal[ordinal] : productCost(projection.ProductIdOf(ordinal));

    private async Task<Dictionary<Guid, string>> RepNamesAsync(IEnumerable<CustomerDim> customers, CancellationToken ct)
    {
        var owners = customers.Where(c => c.OwnerUserId is not null).Select(c => c.OwnerUserId!.Value).Distinct().ToList();
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

    /// <summary>A period's value per mix slot (the first items, then the rest) and whether the slot has a counted row.</summary>
    private sealed class MixSums(int slots)
    {
        public long[] Value { get; } = new long[slots];

        public bool[] Present { get; } = new bool[slots];
    }

    private sealed record ProductRow(DateOnly Day, Guid ProductId, long Lines, long Quantity, long ValueMinor);

    /// <summary>
    /// The figures of one call: per item (key), per period and in total, and each item's value per period for the mix.
    /// The items and their texts are in arrays from the shared pool (one per customer at 5,000 customers is a large
    /// object: a new one per call was a gen2 collection every few tens of calls), given back when the call ends.
    /// </summary>
    private sealed class Tally(string grouping) : IDisposable
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly Dictionary<DateOnly, int> _periodOfDay = [];
        private readonly Dictionary<DateOnly, int> _periodIndex = [];
        private readonly List<Figure> _periods = [];
        private readonly List<(int Period, int Key, long ValueMinor)> _values = [];
        private Figure _total;

        private (string Key, string Label)[] _keys = ArrayPool<(string, string)>.Shared.Rent(16);
        private Figure[] _items = ArrayPool<Figure>.Shared.Rent(16);

        /// <summary>How many items (keys) there are.</summary>
        public int Count { get; private set; }

        public List<DateOnly> PeriodStarts { get; } = [];

        public Figure Total => _total;

        /// <summary>A key known to be new (one per customer or product ordinal): no lookup by its text.</summary>
        public int NewKey(string key, string label)
        {
            if (Count == _items.Length)
            {
                Grow();
            }

            _keys[Count] = (key, label);
            _items[Count] = default;
            return Count++;
        }

        public int KeyOf(string key, string label)
        {
            if (!_index.TryGetValue(key, out var index))
            {
                _index[key] = index = NewKey(key, label);
            }

            return index;
        }

        /// <summary>An item's figures summed elsewhere (a customer's over the period).</summary>
        public void AddToItem(int key, in Figure figure) => Item(key).Add(figure);

        /// <summary>An item's figures (to read or change in place).</summary>
        public ref Figure Item(int key) => ref _items[key];

        /// <summary>An item's key and label.</summary>
        public (string Key, string Label) KeyAt(int key) => _keys[key];

        /// <summary>A day's figures summed elsewhere: to the day's period and the total (not to any item).</summary>
        public void AddToPeriod(DateOnly day, in Figure figure)
        {
            var period = PeriodOf(day);
            var sum = _periods[period];
            sum.Add(figure);
            _periods[period] = sum;
            _total.Add(figure);
        }

        /// <summary>An item's value in a period for the mix, summed elsewhere (key -1: the rest).</summary>
        public void AddMixValue(int period, int key, long valueMinor) => _values.Add((period, key, valueMinor));

        public void Add(DateOnly day, int key, in Figure figure)
        {
            var period = PeriodOf(day);
            Item(key).Add(figure);
            var sum = _periods[period];
            sum.Add(figure);
            _periods[period] = sum;
            _total.Add(figure);
            _values.Add((period, key, figure.ValueMinor));
        }

        /// <summary>Cost that is not per item (the total of the customers of a day): to the day's period and the total.</summary>
        public void AddCost(DateOnly day, long costThousandths)
        {
            if (costThousandths == 0)
            {
                return;
            }

            var period = PeriodOf(day);
            var sum = _periods[period];
            sum.CostThousandths += costThousandths;
            _periods[period] = sum;
            _total.CostThousandths += costThousandths;
        }

        public Figure PeriodFigure(int period) => _periods[period];

        private void Grow()
        {
            var keys = ArrayPool<(string, string)>.Shared.Rent(_keys.Length * 2);
            var items = ArrayPool<Figure>.Shared.Rent(_items.Length * 2);
            _keys.AsSpan(0, Count).CopyTo(keys);
            _items.AsSpan(0, Count).CopyTo(items);
            ArrayPool<(string, string)>.Shared.Return(_keys, clearArray: true);
            ArrayPool<Figure>.Shared.Return(_items);
            (_keys, _items) = (keys, items);
        }

        /// <summary>Items by value, highest first, then by label, then by key (two reps may share a name).</summary>
        public List<int> Ranked()
        {
            // Sorted on the values alone (an introsort on longs, no comparison delegate), then each run of equal values by
            // label and key: the same order as one sort on all three, as every key is distinct.
            var values = new long[Count];
            var keys = new int[Count];
            for (var k = 0; k < keys.Length; k++)
            {
                values[k] = -_items[k].ValueMinor;
                keys[k] = k;
            }

            Array.Sort(values, keys);
            Comparison<int> byTexts = (a, b) =>
                string.CompareOrdinal(_keys[a].Label, _keys[b].Label) is not 0 and var byLabel ? byLabel : string.CompareOrdinal(_keys[a].Key, _keys[b].Key);
            for (var start = 0; start < keys.Length;)
            {
                var end = start + 1;
                while (end < keys.Length && values[end] == values[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    keys.AsSpan(start, end - start).Sort(byTexts);
                }

                start = end;
            }

            return [.. keys];
        }

        /// <summary>
        /// Per period, the value of each mix item (<paramref name="mixKeys"/>, in rank order) with sales in it and the rest
        /// as one (key -1), highest first; equal values in rank order, the rest first.
        /// </summary>
        public List<List<(int Key, long ValueMinor)>> Mixes(List<int> mixKeys)
        {
            var rank = new Dictionary<int, int> { [-1] = -1 };
            for (var r = 0; r < mixKeys.Count; r++)
            {
                rank[mixKeys[r]] = r;
            }

            var values = _periods.Select(_ => new Dictionary<int, long>()).ToList();
            foreach (var (period, key, value) in _values)
            {
                var k = rank.ContainsKey(key) ? key : -1;
                ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(values[period], k, out _);
                sum += value;
            }

            return [.. values.Select(v => v.Select(x => (x.Key, x.Value)).OrderByDescending(x => x.Value).ThenBy(x => rank[x.Key]).ToList())];
        }

        public void Dispose()
        {
            ArrayPool<(string, string)>.Shared.Return(_keys, clearArray: true);
            ArrayPool<Figure>.Shared.Return(_items);
            (_keys, _items) = ([], []);
        }

        public int PeriodOf(DateOnly day)
        {
            if (_periodOfDay.TryGetValue(day, out var period))
            {
                return period;
            }

            var start = PeriodStart(day, grouping);
            if (!_periodIndex.TryGetValue(start, out period))
            {
                _periodIndex[start] = period = PeriodStarts.Count;
                PeriodStarts.Add(start);
                _periods.Add(default);
            }

            _periodOfDay[day] = period;
            return period;
        }
    }
}
