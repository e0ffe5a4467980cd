using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Domain.Customers;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;
using Orderly.Server.Identity;

namespace Orderly.Server.Demo;

internal sealed record DemoProduct(int Index, Product Entity, DemoProductSpec Spec);

internal sealed record DemoCustomer(int Index, Customer Entity, DemoCustomerSpec Spec);

/// <summary>The demo staff by job: who enters, approves, ships and releases orders.</summary>
/// <param name="Managers">The two sales managers; rep 1 and 2 report to the first, rep 3 to the second.</param>
internal sealed record DemoStaff(Guid[] Managers, Guid[] Reps, Guid Clerk, Guid Warehouse, Guid Finance)
{
    public Guid ManagerOf(int rep) => Managers[rep == 3 ? 1 : 0];

    /// <summary>The manager who gives the second approval the first one's limit asks for.</summary>
    public Guid OtherManager(Guid manager) => manager == Managers[0] ? Managers[1] : Managers[0];
}

/// <summary>The master data the order simulation runs against, as stored.</summary>
internal sealed record DemoWorld(
    IReadOnlyList<Warehouse> Warehouses, IReadOnlyList<DemoProduct> Products, IReadOnlyList<DemoCustomer> Customers, DemoStaff Staff);

/// <summary>
/// Creates the demo warehouses, catalogue, customers and staff logins, or reuses those that already exist (matched by
/// warehouse code, SKU, customer code and e-mail), so seeding again only adds orders.
/// </summary>
internal sealed class DemoMasterData(OrderlyDbContext db, UserAccounts accounts)
{
    public static readonly (string Code, string Name, string NameEn, string Region)[] WarehouseSpecs =
    [
        ("SH-01", "上海浦东仓", "Shanghai Pudong Warehouse", "East"),
        ("GZ-01", "广州白云仓", "Guangzhou Baiyun Warehouse", "South"),
        ("BJ-01", "北京大兴仓", "Beijing Daxing Warehouse", "North"),
    ];

    /// <param name="volume">How many times the default history is being seeded; credit limits grow with it.</param>
    public async Task<DemoWorld> EnsureAsync(Random random, DateTimeOffset now, decimal volume, CancellationToken ct)
    {
        var staff = await EnsureStaffAsync();
        var warehouses = await EnsureWarehousesAsync(now, ct);
        var products = await EnsureProductsAsync(random, now, ct);
        var customers = await EnsureCustomersAsync(random, staff, now, volume, ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new DemoWorld(warehouses, products, customers, staff);
    }

    private async Task<DemoStaff> EnsureStaffAsync()
    {
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var created = new HashSet<Guid>();
        foreach (var user in DemoCustomers.Users)
        {
            var normalized = user.Email.ToUpperInvariant();
            var existing = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).FirstOrDefaultAsync();
            if (existing is null)
            {
                existing = (await accounts.CreateAsync(user.Email, DemoCustomers.Password, user.DisplayName, [user.Role])).Id;
                created.Add(existing.Value);
            }

            ids[user.Email] = existing.Value;
        }

        var staff = new DemoStaff(
            [ids["manager@orderly.local"], ids["manager2@orderly.local"]], [ids["rep1@orderly.local"], ids["rep2@orderly.local"], ids["rep3@orderly.local"]],
            ids["clerk@orderly.local"], ids["warehouse@orderly.local"], ids["finance@orderly.local"]);

        // A sales manager sees the customers of their team; only new logins are placed, an admin's later choice stays.
        for (var rep = 1; rep <= staff.Reps.Length; rep++)
        {
            var id = staff.Reps[rep - 1];
            if (created.Contains(id) && await db.Users.FirstOrDefaultAsync(u => u.Id == id) is { } user)
            {
                user.ManagerId = staff.ManagerOf(rep);
            }
        }

        await db.SaveChangesAsync();
        return staff;
    }

    private async Task<List<Warehouse>> EnsureWarehousesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var codes = WarehouseSpecs.Select(w => w.Code).ToList();
        var existing = await db.Warehouses.AsNoTracking().Where(w => codes.Contains(w.Code)).ToDictionaryAsync(w => w.Code, ct);
        var result = new List<Warehouse>();
        foreach (var (code, name, nameEn, region) in WarehouseSpecs)
        {
            if (!existing.TryGetValue(code, out var warehouse))
            {
                warehouse = new Warehouse(code, name, region, now.AddDays(-420), nameEn);
                db.Warehouses.Add(warehouse);
            }

            result.Add(warehouse);
        }

        return result;
    }

    private async Task<List<DemoProduct>> EnsureProductsAsync(Random random, DateTimeOffset now, CancellationToken ct)
    {
        var skus = DemoCatalog.Products.Select(p => p.Sku).ToList();
        var existing = await db.Products.AsNoTracking().Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, ct);
        var result = new List<DemoProduct>();
        foreach (var spec in DemoCatalog.Products)
        {
            // Draw the random margins for every product, stored or not, so the same seed gives the same catalogue.
            var minShare = 0.85m + (random.Next(0, 8) / 100m);
            var costShare = 0.55m + (random.Next(0, 21) / 100m);
            var listedDaysAgo = 400 + random.Next(0, 10);
            if (!existing.TryGetValue(spec.Sku, out var product))
            {
                var details = new ProductDetails(
                    spec.Sku, spec.Name, spec.Unit, spec.ListPrice, "CNY", spec.Category,
                    MinPrice: decimal.Round(spec.ListPrice * minShare, 2, MidpointRounding.AwayFromZero),
                    Cost: decimal.Round(spec.ListPrice * costShare, 2, MidpointRounding.AwayFromZero),
                    IsWholeUnit: spec.IsWholeUnit, IsActive: !spec.Discontinued, NameEn: spec.NameEn);
                product = new Product(details, now.AddDays(-listedDaysAgo));
                db.Products.Add(product);
            }
            else if (product.Currency != "CNY")
            {
                continue;
            }

            result.Add(new DemoProduct(result.Count, product, spec));
        }

        return result;
    }

    private async Task<List<DemoCustomer>> EnsureCustomersAsync(Random random, DemoStaff staff, DateTimeOffset now, decimal volume, CancellationToken ct)
    {
        var codes = DemoCustomers.All.Select(c => c.Code).ToList();
        var existing = await db.Customers.AsNoTracking().Where(c => codes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, ct);
        var result = new List<DemoCustomer>();
        foreach (var spec in DemoCustomers.All)
        {
            var contacts = ContactsFor(spec, random);
            if (!existing.TryGetValue(spec.Code, out var customer))
            {
                // A customer buying a hundred times as often has a hundred times the open orders; its limit scales with them.
                var details = new CustomerDetails(
                    spec.Code, spec.Name, spec.Region, spec.Address, $"sales@{spec.Domain}", spec.Phone, "CNY",
                    decimal.Round(spec.CreditLimit * Math.Max(1m, volume) / 10_000m) * 10_000m,
                    spec.PaymentTermsDays, spec.Tier, staff.Reps[spec.Rep - 1], spec.IsActive, spec.IsBlocked, contacts, spec.ReservationPolicy);
                customer = new Customer(details, now.AddDays(-spec.SinceDays - 5));
                db.Customers.Add(customer);
            }
            else if (customer.Currency != "CNY")
            {
                continue;
            }

            result.Add(new DemoCustomer(result.Count, customer, spec));
        }

        return result;
    }

    private static List<ContactDetails> ContactsFor(DemoCustomerSpec spec, Random random)
    {
        var count = spec.Tier switch { CustomerTier.Strategic or CustomerTier.Gold => 2 + random.Next(0, 2), _ => 1 + random.Next(0, 2) };
        var people = spec.English && random.Next(0, 3) > 0 ? DemoCustomers.EnglishPeople : DemoCustomers.ChinesePeople;
        var first = random.Next(0, people.Length);
        var titles = DemoCustomers.Titles;
        var contacts = new List<ContactDetails>();
        for (var i = 0; i < count; i++)
        {
            var (name, mail) = people[(first + (i * 7)) % people.Length];
            var mobile = $"+86 1{random.Next(30, 90)} {random.Next(1000, 10_000)} {random.Next(1000, 10_000)}";
            contacts.Add(new ContactDetails(name, titles[(first + i) % titles.Length], $"{mail}@{spec.Domain}", mobile, IsPrimary: i == 0));
        }

        return contacts;
    }
}
