using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Common;
using Orderly.Server.Catalog;
using Orderly.Server.Data;

namespace Orderly.Server.Inventory;

/// <summary>
/// What to reorder, for the API and the web UI's alert board. Below the reorder point: order enough to reach the
/// reorder point plus the demand of one review period, less what is available and incoming. Reads stored policies
/// and balances only, never the ledger.
/// </summary>
public sealed class Reordering(OrderlyDbContext db, ReplenishmentService replenishment, IOptions<ReplenishmentOptions> options, IEnumerable<IIncomingSupply> supplies)
{
    private const int MaxSuggestions = 5000;

    public async Task<ReorderSuggestions> SuggestAsync(Guid? productId, Guid? warehouseId, CancellationToken ct)
    {
        var settings = options.Value;
        var review = settings.ReviewPeriodDays;
        var balances = db.StockBalances.AsNoTracking();
        if (productId is { } p)
        {
            balances = balances.Where(b => b.ProductId == p);
        }

        if (warehouseId is { } w)
        {
            balances = balances.Where(b => b.WarehouseId == w);
        }

        var rows = await (
                from b in balances
                join sp in db.StockPolicies.AsNoTracking() on new { b.ProductId, b.WarehouseId } equals new { sp.ProductId, sp.WarehouseId }
                join pr in db.ProductRefs() on b.ProductId equals pr.Id
                join wh in db.Warehouses on b.WarehouseId equals wh.Id
                select new { b.ProductId, b.WarehouseId, b.OnHand, b.Reserved, Policy = sp, pr.Sku, pr.Name, pr.IsWholeUnit, wh.Code })
            .ToListAsync(ct);
        var suppliers = await replenishment.SuppliersAsync(ct);
        var incomingStock = await Availability.IncomingAsync(db, productId, warehouseId, ct, supplies);
        var items = new List<ReorderSuggestionDto>();
        foreach (var r in rows.OrderBy(r => r.Sku, StringComparer.Ordinal).ThenBy(r => r.Code, StringComparer.Ordinal))
        {
            var available = r.OnHand - r.Reserved;
            if (r.Policy.ReorderPoint is not { } reorderPoint || available >= reorderPoint)
            {
                continue;
            }

            // Transfers in transit and open purchase orders count as incoming.
            var incoming = incomingStock.GetValueOrDefault((r.ProductId, r.WarehouseId));
            var mean = r.Policy.LastComputation?.MeanDailyDemand ?? 0m;
            var raw = reorderPoint + (mean * review) - (available + incoming);
            var suggested = r.IsWholeUnit ? decimal.Ceiling(raw) : decimal.Ceiling(raw * Quantity.Scale) / Quantity.Scale;
            if (suggested <= 0)
            {
                continue;
            }

            var supplier = suppliers.GetValueOrDefault(r.ProductId);
            items.Add(new ReorderSuggestionDto(r.ProductId, r.Sku, r.Name, r.WarehouseId, r.Code, r.OnHand, available, incoming,
                r.Policy.SafetyStock, reorderPoint, mean, review, suggested, supplier?.SupplierId, supplier?.Code, supplier?.Name,
                supplier?.LeadTimeDays ?? settings.DefaultLeadTimeDays));
            if (items.Count == MaxSuggestions)
            {
                break;
            }
        }

        return new ReorderSuggestions(items);
    }
}
