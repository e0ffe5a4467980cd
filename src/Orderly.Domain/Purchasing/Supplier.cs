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
        Id = Ids.New(now);
        CreatedAt = now;
        Update(code, name, leadTimeDays, isActive: true, products);
    }

    private readonly List<SupplierContact> _contacts = [];

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>Days from our purchase order (or drop-ship request) to the goods arriving.</summary>
    public int LeadTimeDays { get; private set; }
    public bool IsActive { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }
    public IReadOnlyList<SupplierProduct> Products => _products;
    public IReadOnlyList<SupplierContact> Contacts => _contacts;
    /// <summary>Days after receipt that we pay the supplier.</summary>
    public int PaymentTermsDays { get; private set; } = 30;
    /// <summary>The currency the supplier quotes and invoices in.</summary>
    public string Currency { get; private set; } = "CNY";
    /// <summary>Where purchase orders are e-mailed (the Communication capability sends them).</summary>
    public string? Email { get; private set; }

    public SupplierProduct? ProductTerms(Guid productId) => _products.Find(p => p.ProductId == productId);

    /// <summary>Sets the commercial terms: contacts, payment terms, the order currency and e-mail.</summary>
    public void SetTerms(IEnumerable<SupplierContact> contacts, int paymentTermsDays, string currency, string? email)
    {
        var violations = new List<RuleViolation>();
        var list = contacts.ToList();
        if (list.Count > 20)
        {
            violations.Add(new("contacts", "TooMany", "A supplier has at most 20 contacts."));
        }

        var checkedContacts = new List<SupplierContact>();
        for (var i = 0; i < list.Count && i < 20; i++)
        {
            checkedContacts.Add(new SupplierContact(
                Text.Required(list[i].Name, $"contacts[{i}].name", 100, violations),
                Text.Optional(list[i].Email, $"contacts[{i}].email", 200, violations),
                Text.Optional(list[i].Phone, $"contacts[{i}].phone", 50, violations),
                Text.Optional(list[i].Role, $"contacts[{i}].role", 50, violations)));
        }

        if (paymentTermsDays is < 0 or > 365)
        {
            violations.Add(new("paymentTermsDays", "OutOfRange", "Payment terms are 0 to 365 days."));
        }

        if (!Common.Currency.IsKnown(currency))
        {
            violations.Add(new("currency", "UnknownCurrency", $"Unknown currency {currency}."));
        }

        var newEmail = Text.Optional(email, "email", 200, violations);
        if (newEmail is not null && !newEmail.Contains('@', StringComparison.Ordinal))
        {
            violations.Add(new("email", "InvalidEmail", "An e-mail address has an @."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        _contacts.Clear();
        _contacts.AddRange(checkedContacts);
        PaymentTermsDays = paymentTermsDays;
        Currency = currency;
        Email = newEmail;
    }

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

            if (list[i].MinOrderQuantity is { } moq && (moq <= 0 || moq > Quantity.Max))
            {
                violations.Add(new($"products[{i}].minOrderQuantity", "OutOfRange", "A minimum order quantity is positive."));
            }

            if (list[i].PackSize is { } pack && (pack <= 0 || pack > Quantity.Max))
            {
                violations.Add(new($"products[{i}].packSize", "OutOfRange", "A pack size is positive."));
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

/// <summary>
/// A product a supplier sells us; <see cref="DropShip"/> when they will ship it straight to our customer. Orders of it
/// are at least <see cref="MinOrderQuantity"/> and a whole number of <see cref="PackSize"/>.
/// </summary>
public sealed record SupplierProduct(Guid ProductId, bool DropShip, int? LeadTimeDays = null, long? CostMinor = null, decimal? MinOrderQuantity = null, decimal? PackSize = null)
{
    /// <summary>The quantity to order for a need: at least the MOQ, rounded up to whole packs.</summary>
    public decimal RoundUp(decimal need) => OrderQuantity.RoundUp(need, MinOrderQuantity, PackSize);
}

/// <summary>A person at a supplier.</summary>
public sealed record SupplierContact(string Name, string? Email = null, string? Phone = null, string? Role = null);

public static class OrderQuantity
{
    /// <summary>At least <paramref name="moq"/>, then up to a whole multiple of <paramref name="packSize"/>.</summary>
    public static decimal RoundUp(decimal need, decimal? moq, decimal? packSize)
    {
        var quantity = Math.Max(need, moq ?? 0m);
        if (packSize is { } pack && pack > 0)
        {
            quantity = decimal.Ceiling(quantity / pack) * pack;
        }

        return quantity;
    }
}
