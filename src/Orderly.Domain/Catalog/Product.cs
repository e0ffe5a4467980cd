using Orderly.Domain.Common;

namespace Orderly.Domain.Catalog;

/// <summary>Something we sell, with its list, minimum and cost prices in one currency.</summary>
public sealed class Product : IVersioned
{
    public const int SkuMaxLength = 64;
    public const int NameMaxLength = 200;
    public const int UnitMaxLength = 16;
    public const int CategoryMaxLength = 100;

    private Product()
    {
    }

    public Product(ProductDetails details, DateTimeOffset now)
    {
        Id = Ids.New(now);
        CreatedAt = now;
        Apply(details, now);
    }

    public Guid Id { get; private set; }
    public string Sku { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>The English name where the company gives one; English readers see it, everyone else sees <see cref="Name"/>.</summary>
    public string? NameEn { get; private set; }
    public string Unit { get; private set; } = "";
    /// <summary>Counted in whole pieces (pcs, box): a fractional quantity is an entry error.</summary>
    public bool IsWholeUnit { get; private set; }
    public string Currency { get; private set; } = Common.Currency.Default;
    public long ListPriceMinor { get; private set; }
    public long MinPriceMinor { get; private set; }
    public long CostMinor { get; private set; }
    public string? Category { get; private set; }
    public bool IsActive { get; private set; }
    public bool AllowBackorder { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; set; }

    public Money ListPrice => Money.FromMinor(ListPriceMinor, Currency);
    public Money MinPrice => Money.FromMinor(MinPriceMinor, Currency);
    public Money Cost => Money.FromMinor(CostMinor, Currency);

    /// <summary>
    /// The product as it stands, to change with <c>with { ... }</c>: whoever updates some fields keeps the others,
    /// including ones added later.
    /// </summary>
    public ProductDetails Details => new(
        Sku, Name, Unit, ListPrice.Amount, Currency, Category, MinPrice.Amount, Cost.Amount, IsWholeUnit, IsActive, AllowBackorder, NameEn);

    public void Update(ProductDetails details, DateTimeOffset now) => Apply(details, now);

    private void Apply(ProductDetails details, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        var sku = Text.Required(details.Sku, "sku", SkuMaxLength, violations);
        var name = Text.Required(details.Name, "name", NameMaxLength, violations);
        var nameEn = Text.Optional(details.NameEn, "nameEn", NameMaxLength, violations);
        var unit = Text.Required(details.Unit, "unit", UnitMaxLength, violations);
        var category = Text.Optional(details.Category, "category", CategoryMaxLength, violations);
        var currency = details.Currency ?? Common.Currency.Default;
        if (!Common.Currency.IsKnown(currency))
        {
            violations.Add(new RuleViolation("currency", "UnknownCurrency", $"'{currency}' is not a supported ISO 4217 currency."));
            throw new RuleViolationException(violations);
        }

        var list = CheckPrice(details.ListPrice, "listPrice", currency, violations);
        var min = CheckPrice(details.MinPrice ?? details.ListPrice, "minPrice", currency, violations);
        var cost = CheckPrice(details.Cost ?? 0m, "cost", currency, violations);
        if (list is not null && min is not null && min > list)
        {
            violations.Add(new RuleViolation("minPrice", "MinPriceAboveListPrice", "The minimum price cannot be above the list price."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Sku = sku;
        Name = name;
        NameEn = nameEn;
        Unit = unit;
        IsWholeUnit = details.IsWholeUnit;
        Currency = currency;
        ListPriceMinor = list!.Value;
        MinPriceMinor = min!.Value;
        CostMinor = cost!.Value;
        Category = category;
        IsActive = details.IsActive;
        AllowBackorder = details.AllowBackorder;
        UpdatedAt = now;
    }

    private static long? CheckPrice(decimal value, string field, string currency, List<RuleViolation> violations)
    {
        var money = new Money(value, currency);
        if (value < 0)
        {
            violations.Add(new RuleViolation(field, "NegativePrice", $"{field} cannot be negative."));
            return null;
        }

        if (!money.IsWholeMinorUnits)
        {
            violations.Add(new RuleViolation(field, "TooManyDecimals", $"{field} has more decimals than {currency} allows."));
            return null;
        }

        if (value > 1_000_000_000_000m)
        {
            violations.Add(new RuleViolation(field, "OutOfRange", $"{field} is too large."));
            return null;
        }

        return money.MinorUnits;
    }
}

public sealed record ProductDetails(
    string Sku,
    string Name,
    string Unit,
    decimal ListPrice,
    string? Currency = null,
    string? Category = null,
    decimal? MinPrice = null,
    decimal? Cost = null,
    bool IsWholeUnit = true,
    bool IsActive = true,
    bool AllowBackorder = true,
    string? NameEn = null);
