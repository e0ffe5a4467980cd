using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Integration;
using Orderly.Domain.Purchasing;
using Orderly.Server.Identity;

namespace Orderly.Server.Integration;

/// <summary>Suppliers by code; an update keeps the products they supply.</summary>
public sealed class SupplierImport(ImportContext context) : ImportHandler(context)
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["code"] = "code", ["name"] = "name", ["leadTimeDays"] = "leadTimeDays",
    };

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private HashSet<string>? _existing;

    public override ImportLayout Layout => ImportLayouts.SupplierLayout;

    public override string Policy => Policies.ManageCatalog;

    private sealed record Item(int Line, string Code, string Name, int LeadTimeDays, bool Active) : ImportItem(Line);

    public override async Task PrepareAsync(CancellationToken ct)
    {
        if (Context.RejectExisting)
        {
            _existing = new HashSet<string>(await Db.Suppliers.AsNoTracking().Select(s => s.Code).ToListAsync(ct), StringComparer.Ordinal);
        }
    }

    public override ImportItem? Check(ImportRow row)
    {
        var code = row.Text("code");
        var name = row.Text("name");
        var lead = row.WholeNumber("leadTimeDays");
        var active = row.Boolean("active");
        if (code is not null && !_seen.Add(code))
        {
            row.Fail("code", ImportCodes.DuplicateInFile, $"Supplier code '{code}' appears more than once in the file.");
        }
        else if (code is not null && _existing?.Contains(code) == true)
        {
            row.Fail("code", ImportCodes.DuplicateOfExisting, $"Supplier code '{code}' already exists.");
        }

        if (!row.IsValid)
        {
            return null;
        }

        try
        {
            _ = new Supplier(code!, name!, lead ?? 7, [], Context.Now);
        }
        catch (RuleViolationException e)
        {
            row.Fail(e.Violations, Fields);
            return null;
        }

        return new Item(row.Line, code!, name!, lead ?? 7, active ?? true);
    }

    public override async Task ApplyAsync(IReadOnlyList<ImportItem> batch, ImportCounts counts, CancellationToken ct)
    {
        var items = batch.Cast<Item>().ToList();
        var codes = items.Select(i => i.Code).ToList();
        var existing = await Db.Suppliers.Where(s => codes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, StringComparer.Ordinal, ct);
        foreach (var item in items)
        {
            if (!existing.TryGetValue(item.Code, out var supplier))
            {
                var created = new Supplier(item.Code, item.Name, item.LeadTimeDays, [], Context.Now);
                if (!item.Active)
                {
                    created.Update(item.Code, item.Name, item.LeadTimeDays, false, []);
                }

                Db.Suppliers.Add(created);
                counts.Inserted++;
            }
            else if (supplier.Name == Text.Normalize(item.Name) && supplier.LeadTimeDays == item.LeadTimeDays && supplier.IsActive == item.Active)
            {
                counts.Unchanged++;
            }
            else
            {
                supplier.Update(item.Code, item.Name, item.LeadTimeDays, item.Active, [.. supplier.Products]);
                counts.Updated++;
            }
        }
    }
}
