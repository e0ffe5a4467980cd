using Orderly.Domain.Common;

namespace Orderly.Domain.Purchasing;

/// <summary>Who we buy from: how long they take, and which products they supply or ship straight to our customers.</summary>
public sealed class Supplier : IVersioned
{
    private readonly List<SupplierProduct> _products = [];

    private Supplier()
    {
    }

    public Supplier(string code, string name, int leadTimeDays, IEnumerable<SupplierProduct> products, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        CreatedAt = now;
        Update(code, name, leadTimeDays, isActive: true, products);
    }

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>Days from our purchase order (or drop-ship request) to the goods arriving.</summary>
    public int LeadTimeDays { get; private set; }
    public bool IsActive { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }
    public IReadOnlyList<SupplierProduct> Products => _products;

    public int LeadTimeFor(Guid productId) => _products.Find(p => p.ProductId == productId)?.LeadTimeDays ?? LeadTimeDays;

    public void Update(string code, string name, int leadTimeDays, bool isActive, IEnumerable<SupplierProduct> products)
    {
        var violations = new List<RuleViolation>();
        var newCode = Text.Required(code, "code", 32, violations);
        var newName = Text.Required(name, "name", 200, violations);
        if (leadTimeDays is < 0 or > 365)
        {
            violations.Add(new("leadTimeDays", "OutOfRange", "Lead time is 0 to 365 days."));
        }

        var list = products.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].LeadTimeDays is < 0 or > 365)
            {
                violations.Add(new($"products[{i}].leadTimeDays", "OutOfRange", "Lead time is 0 to 365 days."));
            }
        }

        if (list.GroupBy(p => p.ProductId).Any(g => g.Count() > 1))
        {
            violations.Add(new("products", "DuplicateProduct", "Each product appears once per supplier."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Code = newCode;
        Name = newName;
        LeadTimeDays = leadTimeDays;
        IsActive = isActive;
        _products.Clear();
        _products.AddRange(list);
    }
}

/// <summary>A product a supplier sells us; <see cref="DropShip"/> when they will ship it straight to our customer.</summary>
public sealed record SupplierProduct(Guid ProductId, bool DropShip, int? LeadTimeDays = null, long? CostMinor = null);
