using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Integration;
using Orderly.Server.Catalog;
using Orderly.Server.Identity;
using Orderly.Server.Inventory;

namespace Orderly.Server.Integration;

/// <summary>
/// Opening stock per warehouse and SKU, booked as a cycle count through the Inventory's own service (ledger entries,
/// backorder fill): the file's quantity becomes on hand. A quantity equal to on hand books nothing, so re-running the
/// file adds nothing. In <c>valid-only</c> counts run their own transactions, a thousand lines at a time; in
/// <c>atomic</c> they join the import's one transaction, so a row refused when booked (a count below what is
/// reserved) leaves nothing behind.
/// </summary>
public sealed partial class StockImport(ImportContext context) : ImportHandler(context)
{
    private readonly HashSet<(Guid, Guid)> _seen = [];
    private Dictionary<string, Guid> _warehouses = [];
    private Dictionary<string, (Guid Id, bool Whole)> _products = [];

    public override ImportLayout Layout => ImportLayouts.StockLayout;

    public override string Policy => Policies.ManageStock;

    public override bool OwnsTransactions => true;

    private sealed record Item(int Line, Guid WarehouseId, Guid ProductId, decimal Quantity) : ImportItem(Line);

    public override async Task PrepareAsync(CancellationToken ct)
    {
        _warehouses = await Db.Warehouses.AsNoTracking().ToDictionaryAsync(w => w.Code, w => w.Id, StringComparer.Ordinal, ct);
        _products = await Db.ProductRefs().ToDictionaryAsync(p => p.Sku, p => (p.Id, p.IsWholeUnit), StringComparer.Ordinal, ct);
    }

    public override ImportItem? Check(ImportRow row)
    {
        var warehouse = row.Text("warehouse");
        var sku = row.Text("sku");
        var quantity = row.Number("quantity");
        Guid warehouseId = default;
        (Guid Id, bool Whole) product = default;
        if (warehouse is not null && !_warehouses.TryGetValue(warehouse, out warehouseId))
        {
            row.Fail("warehouse", ImportCodes.UnknownWarehouse, $"Warehouse '{warehouse}' does not exist.");
        }

        if (sku is not null && !_products.TryGetValue(sku, out product))
        {
            row.Fail("sku", ImportCodes.UnknownSku, $"SKU '{sku}' is not in the catalog.");
        }

        if (quantity is { } q && (q < 0 || q > Quantity.Max || !Quantity.HasAtMostMaxDecimals(q) || (product.Whole && q != decimal.Truncate(q))))
        {
            row.Fail("quantity", ImportCodes.BadNumber, $"{q} is not a quantity this product can have on hand.");
        }

        if (row.IsValid && !_seen.Add((warehouseId, product.Id)))
        {
            row.Fail("sku", ImportCodes.DuplicateInFile, $"SKU '{sku}' appears more than once for warehouse '{warehouse}'.");
        }

        return row.IsValid ? new Item(row.Line, warehouseId, product.Id, quantity!.Value) : null;
    }

    public override async Task ApplyAsync(IReadOnlyList<ImportItem> batch, ImportCounts counts, CancellationToken ct)
    {
        var movements = Context.Services.GetRequiredService<StockMovements>();
        foreach (var group in batch.Cast<Item>().GroupBy(i => i.WarehouseId))
        {
            var ids = group.Select(i => i.ProductId).ToList();
            var onHand = await Db.StockBalances.AsNoTracking().Where(b => b.WarehouseId == group.Key && ids.Contains(b.ProductId))
                .ToDictionaryAsync(b => b.ProductId, b => b.OnHand, ct);
            var changed = group.Where(i => onHand.GetValueOrDefault(i.ProductId) != i.Quantity).ToList();
            counts.Unchanged += group.Count() - changed.Count;
            if (changed.Count == 0)
            {
                continue;
            }

            changed = await CountAsync(movements, group.Key, changed, counts, ct);
            counts.Inserted += changed.Count(i => !onHand.ContainsKey(i.ProductId));
            counts.Updated += changed.Count(i => onHand.ContainsKey(i.ProductId));
        }
    }

    /// <summary>Books one warehouse's count; lines the Inventory refuses become the rows' late problems and the rest is booked.</summary>
    private async Task<List<Item>> CountAsync(StockMovements movements, Guid warehouse, List<Item> lines, ImportCounts counts, CancellationToken ct)
    {
        while (lines.Count > 0)
        {
            try
            {
                await movements.CountAsync(warehouse, "Import", [.. lines.Select(i => (i.ProductId, i.Quantity))], Context.Caller.PersonId, null, ct);
                return lines;
            }
            catch (RuleViolationException e)
            {
                var refused = new HashSet<int>();
                foreach (var violation in e.Violations)
                {
                    var index = LineIndex().Match(violation.Field) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
                    if (index < 0 || index >= lines.Count)
                    {
                        throw;
                    }

                    refused.Add(index);
                    counts.LateProblems.Add(new ImportProblem(lines[index].Line, "On hand", violation.Code, violation.Message));
                }

                if (Db.Database.CurrentTransaction is not null)
                {
                    // Inside the atomic import's transaction: the refusal rolls everything back anyway.
                    return [];
                }

                lines = [.. lines.Where((_, i) => !refused.Contains(i))];
            }
        }

        return lines;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^lines\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex LineIndex();
}
