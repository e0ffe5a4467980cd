using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>
/// Each customer's cost of a business day's counted lines (quantity x the product's current cost, in thousandths of a
/// minor unit), per day and currency: what the rollups cannot hold (the cost is today's, and depends on which products
/// the customer bought), read with one GROUP BY over the lines of the days not held yet and kept while both the day's
/// rollups (its change counter, as <see cref="SalesProjection"/> loaded it) and the product costs (the
/// <see cref="AnalysisDimensions"/> load) are unchanged. So closed days are read once, and a customer's, region's or
/// rep's cost over a period is a sum over held days, exact in the read's snapshot.
/// <para>
/// A day is kept as two flat arrays, the customers' ordinals in the projection (stable and grow-only, so a customer
/// numbered later never moves an earlier one) and their costs: a 30-day call adds ~80k longs into a dense array by
/// ordinal instead of building and looking up ~80k dictionary entries.
/// </para>
/// </summary>
public sealed class CustomerCosts(SalesProjection projection)
{
    private const int KeepDays = SalesProjection.KeepDays;

    private readonly ConcurrentDictionary<(DateOnly Day, string Currency), Entry> _days = new();

    /// <summary>The days' costs per customer ordinal, in the order of <paramref name="days"/>; run it in the snapshot the slices were read in.</summary>
    public async Task<IReadOnlyList<DayCosts>> ForAsync(
        OrderlyDbContext db, IReadOnlyList<SalesProjection.DaySlice> days, IReadOnlyDictionary<Guid, ProductDim> products, CancellationToken ct)
    {
        var result = new DayCosts[days.Count];
        var stale = new List<int>();
        for (var i = 0; i < days.Count; i++)
        {
            if (_days.TryGetValue((days[i].Day, days[i].Currency), out var entry) && entry.Changes == days[i].Changes && ReferenceEquals(entry.Products, products))
            {
                result[i] = entry.Costs;
            }
            else
            {
                stale.Add(i);
            }
        }

        if (stale.Count == 0)
        {
            return result;
        }

        foreach (var currency in stale.Select(i => days[i].Currency).Distinct())
        {
            var wanted = stale.Where(i => days[i].Currency == currency).ToList();
            var parameters = new List<object> { currency };
            parameters.AddRange(wanted.Select(i => (object)days[i].Day));
            // Only constants of this class and numbered parameters go into the SQL.
            var counted = string.Join(", ", Rollups.Counted.Select(s => $"'{s}'"));
            var dayList = string.Join(", ", wanted.Select((_, n) => $"{{{n + 1}}}"));
            var sql = $$"""
                SELECT o.order_date AS day, o.customer_id, SUM(l.quantity * p.cost_minor) AS cost_thousandths
                FROM sales_orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
                WHERE o.currency = {0} AND o.status IN ({{counted}}) AND o.order_date IN ({{dayList}})
                GROUP BY o.order_date, o.customer_id
                """;
            var rows = await db.Database.SqlQueryRaw<CostRow>(sql, [.. parameters]).ToListAsync(ct);
            var byDay = rows.ToLookup(r => r.Day);
            foreach (var i in wanted)
            {
                var dayRows = byDay[days[i].Day].ToList();
                var costs = new DayCosts([.. dayRows.Select(r => projection.CustomerOrdinalOf(r.CustomerId))], [.. dayRows.Select(r => r.CostThousandths)]);
                var entry = new Entry(days[i].Changes, products, costs);
                _days.AddOrUpdate((days[i].Day, currency), entry, (_, old) => old.Changes > entry.Changes ? old : entry);
                result[i] = costs;
            }
        }

        var newest = days.Max(d => d.Day);
        if (_days.Count > KeepDays)
        {
            foreach (var key in _days.Keys.Where(k => k.Day < newest.AddDays(-KeepDays)))
            {
                _days.TryRemove(key, out _);
            }
        }

        return result;
    }

    /// <summary>One day's cost per customer: the customers' ordinals in the projection and their costs in thousandths of a minor unit.</summary>
    public sealed record DayCosts(int[] Customers, long[] Costs)
    {
        /// <summary>The day's cost of the <paramref name="allowed"/> customers' orders (all customers' when null).</summary>
        public long Sum(bool[]? allowed)
        {
            var sum = 0L;
            for (var i = 0; i < Customers.Length; i++)
            {
                if (allowed is null || allowed[Customers[i]])
                {
                    sum += Costs[i];
                }
            }

            return sum;
        }

        /// <summary>Adds each (allowed) customer's cost of the day into <paramref name="byOrdinal"/>.</summary>
        public void AddTo(long[] byOrdinal, bool[]? allowed)
        {
            for (var i = 0; i < Customers.Length; i++)
            {
                var k = Customers[i];
                if (allowed is null || allowed[k])
                {
                    byOrdinal[k] += Costs[i];
                }
            }
        }
    }

    private sealed record Entry(long Changes, IReadOnlyDictionary<Guid, ProductDim> Products, DayCosts Costs);

    private sealed record CostRow(DateOnly Day, Guid CustomerId, long CostThousandths);
}
