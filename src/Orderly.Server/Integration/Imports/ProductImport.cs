using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Integration;
using Orderly.Server.Identity;
using Orderly.Server.Platform.Persistence;

namespace Orderly.Server.Integration;

/// <summary>Products by SKU: a new SKU is created, a known one updated when any field differs, left alone otherwise.</summary>
public sealed class ProductImport(ImportContext context) : ImportHandler(context)
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["sku"] = "sku", ["name"] = "name", ["unit"] = "unit", ["listPrice"] = "listPrice", ["currency"] = "currency",
        ["category"] = "category", ["minPrice"] = "minPrice", ["cost"] = "cost",
    };

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private HashSet<string>? _existing;

    public override ImportLayout Layout => ImportLayouts.ProductLayout;

    public override string Policy => Policies.ManageCatalog;

    /// <summary>Without <c>rejectExisting</c> a row's check reads the file alone (fields, duplicates within it, the product's rules).</summary>
    public override bool ChecksFileOnly => !Context.RejectExisting;

    private sealed record Item(int Line, ProductDetails Details) : ImportItem(Line);

    public override async Task PrepareAsync(CancellationToken ct)
    {
        if (Context.RejectExisting)
        {
            _existing = new HashSet<string>(await Db.Products.AsNoTracking().Select(p => p.Sku).ToListAsync(ct), StringComparer.Ordinal);
        }
    }

    public override ImportItem? Check(ImportRow row)
    {
        var sku = row.Text("sku");
        var name = row.Text("name");
        var unit = row.Text("unit");
        var list = row.Number("listPrice");
        var currency = row.Text("currency")?.ToUpperInvariant();
        var category = row.Text("category");
        var min = row.Number("minPrice");
        var cost = row.Number("cost");
        var whole = row.Boolean("wholeUnit");
        var active = row.Boolean("active");
        if (sku is not null && !_seen.Add(sku))
        {
            row.Fail("sku", ImportCodes.DuplicateInFile, $"SKU '{sku}' appears more than once in the file.");
        }
        else if (sku is not null && _existing?.Contains(sku) == true)
        {
            row.Fail("sku", ImportCodes.DuplicateOfExisting, $"SKU '{sku}' is already in the catalog.");
        }

        if (!row.IsValid)
        {
            return null;
        }

        var details = new ProductDetails(sku!, name!, unit!, list!.Value, currency, category, min, cost, whole ?? true, active ?? true);
        try
        {
            _ = new Product(details, Context.Now);
        }
        catch (RuleViolationException e)
        {
            row.Fail(e.Violations, Fields);
            return null;
        }

        return new Item(row.Line, details);
    }

    public override bool WritesUntracked => true;

    public override async Task ApplyAsync(IReadOnlyList<ImportItem> batch, ImportCounts counts, CancellationToken ct)
    {
        var items = batch.Cast<Item>().ToList();
        var skus = items.Select(i => i.Details.Sku).ToList();
        // Untracked: new and changed products are written straight to their tables with their audit records
        // (BulkInsert), as a save would write them, without the change tracker.
        // One collection parameter (JSON on SQLite, an array on PostgreSQL), not a thousand: the same SQL for every batch.
        var existing = await Db.Products.AsNoTracking().Where(p => EF.Parameter(skus).Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, StringComparer.Ordinal, ct);
        var bulk = Context.Services.GetRequiredService<BulkInsert>();
        var created = items.Where(i => !existing.ContainsKey(i.Details.Sku)).Select(i => new Product(i.Details, Context.Now)).ToList();
        await bulk.InsertAsync(Db, created, ct);
        counts.Inserted += created.Count;
        var changed = new List<(Product, object?[])>();
        foreach (var item in items)
        {
            if (!existing.TryGetValue(item.Details.Sku, out var product))
            {
                continue;
            }

            if (Same(product, new Product(item.Details, product.UpdatedAt)))
            {
                counts.Unchanged++;
            }
            else
            {
                var before = BulkInsert.Before(Db, product);
                // A file has no English-name column: the product keeps the English name it has.
                product.Update(item.Details with { NameEn = product.NameEn }, Context.Now);
                changed.Add((product, before));
                counts.Updated++;
            }
        }

        await bulk.UpdateAsync(Db, changed, ct);
    }

    internal static bool Same(Product a, Product b) =>
        a.Sku == b.Sku && a.Name == b.Name && a.Unit == b.Unit && a.IsWholeUnit == b.IsWholeUnit && a.Currency == b.Currency
        && a.ListPriceMinor == b.ListPriceMinor && a.MinPriceMinor == b.MinPriceMinor && a.CostMinor == b.CostMinor
        && a.Category == b.Category && a.IsActive == b.IsActive && a.AllowBackorder == b.AllowBackorder;
}
