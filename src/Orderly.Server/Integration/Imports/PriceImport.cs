using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Integration;
using Orderly.Server.Identity;

namespace Orderly.Server.Integration;

/// <summary>Price list updates of known SKUs: list, minimum and cost price in the product's own currency.</summary>
public sealed class PriceImport(ImportContext context) : ImportHandler(context)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private HashSet<string> _known = [];

    public override ImportLayout Layout => ImportLayouts.PriceLayout;

    public override string Policy => Policies.ManageCatalog;

    private sealed record Item(int Line, string Sku, decimal List, decimal? Min, decimal? Cost) : ImportItem(Line);

    public override async Task PrepareAsync(CancellationToken ct) =>
        _known = new HashSet<string>(await Db.Products.AsNoTracking().Select(p => p.Sku).ToListAsync(ct), StringComparer.Ordinal);

    public override ImportItem? Check(ImportRow row)
    {
        var sku = row.Text("sku");
        var list = row.Number("listPrice");
        var min = row.Number("minPrice");
        var cost = row.Number("cost");
        if (sku is not null && !_known.Contains(sku))
        {
            row.Fail("sku", ImportCodes.UnknownSku, $"SKU '{sku}' is not in the catalog.");
        }
        else if (sku is not null && !_seen.Add(sku))
        {
            row.Fail("sku", ImportCodes.DuplicateInFile, $"SKU '{sku}' appears more than once in the file.");
        }

        if (list is < 0 || min is < 0 || cost is < 0)
        {
            row.Fail(list is < 0 ? "listPrice" : min is < 0 ? "minPrice" : "cost", ImportCodes.BadNumber, "A price cannot be negative.");
        }
        else if (min is { } m && list is { } l && m > l)
        {
            row.Fail("minPrice", "MinPriceAboveListPrice", "The minimum price cannot be above the list price.");
        }

        return row.IsValid ? new Item(row.Line, sku!, list!.Value, min, cost) : null;
    }

    public override async Task ApplyAsync(IReadOnlyList<ImportItem> batch, ImportCounts counts, CancellationToken ct)
    {
        var items = batch.Cast<Item>().ToList();
        var skus = items.Select(i => i.Sku).ToList();
        var products = await Db.Products.Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, StringComparer.Ordinal, ct);
        foreach (var item in items)
        {
            if (!products.TryGetValue(item.Sku, out var p))
            {
                counts.LateProblems.Add(new ImportProblem(item.Line, "SKU", ImportCodes.UnknownSku, $"SKU '{item.Sku}' is not in the catalog."));
                continue;
            }

            var details = p.Details with { ListPrice = item.List, MinPrice = item.Min ?? p.MinPrice.Amount, Cost = item.Cost ?? p.Cost.Amount };
            try
            {
                if (ProductImport.Same(p, new Product(details, p.UpdatedAt)))
                {
                    counts.Unchanged++;
                    continue;
                }

                p.Update(details, Context.Now);
                counts.Updated++;
            }
            catch (RuleViolationException e)
            {
                counts.LateProblems.Add(new ImportProblem(item.Line, "List price", e.Violations[0].Code, e.Violations[0].Message));
            }
        }
    }
}
