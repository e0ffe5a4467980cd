using Orderly.Domain.Common;

namespace Orderly.Domain.Purchasing;

/// <summary>
/// One row of a supplier's price list: the unit price of a product from a quantity up, valid between two dates
/// (either open). The price of a quantity on a date is the row with the highest tier at or below it.
/// </summary>
public sealed class SupplierPrice
{
    private SupplierPrice()
    {
    }

    public SupplierPrice(Guid supplierId, Guid productId, decimal minQuantity, long unitPriceMinor, string currency, DateOnly? validFrom, DateOnly? validTo)
    {
        Id = Guid.NewGuid();
        SupplierId = supplierId;
        ProductId = productId;
        MinQuantity = minQuantity;
        UnitPriceMinor = unitPriceMinor;
        Currency = currency;
        ValidFrom = validFrom;
        ValidTo = validTo;
    }

    public Guid Id { get; private set; }
    public Guid SupplierId { get; private set; }
    public Guid ProductId { get; private set; }
    public decimal MinQuantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    public string Currency { get; private set; } = "CNY";
    public DateOnly? ValidFrom { get; private set; }
    public DateOnly? ValidTo { get; private set; }

    public static readonly DateOnly EarliestDate = new(2000, 1, 1);
    public static readonly DateOnly LatestDate = new(2100, 12, 31);

    public bool ValidOn(DateOnly day) => (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || day <= ValidTo);

    /// <summary>The unit price (minor units) of <paramref name="quantity"/> on <paramref name="day"/>, or null when no row applies.</summary>
    public static long? PriceOf(IEnumerable<SupplierPrice> prices, Guid productId, decimal quantity, DateOnly day) =>
        prices.Where(p => p.ProductId == productId && p.ValidOn(day) && p.MinQuantity <= quantity)
            .OrderByDescending(p => p.MinQuantity).ThenByDescending(p => p.ValidFrom ?? DateOnly.MinValue)
            .Select(p => (long?)p.UnitPriceMinor).FirstOrDefault();

    /// <summary>Checks a whole price list: positive prices, sane tiers and dates, no two rows for the same tier and overlapping dates.</summary>
    public static void Validate(IReadOnlyList<SupplierPrice> rows)
    {
        var violations = new List<RuleViolation>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r.MinQuantity < 0 || r.MinQuantity > Quantity.Max)
            {
                violations.Add(new($"prices[{i}].minQuantity", "OutOfRange", "A tier starts at 0 or more."));
            }

            if (r.UnitPriceMinor <= 0)
            {
                violations.Add(new($"prices[{i}].unitPrice", "NotPositive", "A price is positive."));
            }

            if (r.ValidFrom is { } f && (f < EarliestDate || f > LatestDate))
            {
                violations.Add(new($"prices[{i}].validFrom", "OutOfRange", $"A date is between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}."));
            }

            if (r.ValidTo is { } t && (t < EarliestDate || t > LatestDate))
            {
                violations.Add(new($"prices[{i}].validTo", "OutOfRange", $"A date is between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}."));
            }

            if (r.ValidFrom is { } from && r.ValidTo is { } to && to < from)
            {
                violations.Add(new($"prices[{i}].validTo", "BeforeValidFrom", "A price is valid to a date on or after its start."));
            }

            for (var j = 0; j < i; j++)
            {
                var o = rows[j];
                if (o.ProductId == r.ProductId && o.MinQuantity == r.MinQuantity
                    && (o.ValidFrom ?? DateOnly.MinValue) <= (r.ValidTo ?? DateOnly.MaxValue) && (r.ValidFrom ?? DateOnly.MinValue) <= (o.ValidTo ?? DateOnly.MaxValue))
                {
                    violations.Add(new($"prices[{i}]", "OverlappingPrice", $"Rows {j} and {i} price the same tier on overlapping dates."));
                }
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }
    }
}

/// <summary>The supplier to buy a product from for a warehouse (or for every warehouse, when <see cref="WarehouseId"/> is null).</summary>
public sealed class PreferredSupplier
{
    private PreferredSupplier()
    {
    }

    public PreferredSupplier(Guid productId, Guid? warehouseId, Guid supplierId)
    {
        Id = Guid.NewGuid();
        ProductId = productId;
        WarehouseId = warehouseId;
        SupplierId = supplierId;
    }

    public Guid Id { get; private set; }
    public Guid ProductId { get; private set; }
    public Guid? WarehouseId { get; private set; }
    public Guid SupplierId { get; private set; }
}

/// <summary>A login of the supplier portal: the user acts for this one supplier and sees nothing else.</summary>
public sealed class SupplierUser
{
    private SupplierUser()
    {
    }

    public SupplierUser(Guid userId, Guid supplierId)
    {
        UserId = userId;
        SupplierId = supplierId;
    }

    public Guid UserId { get; private set; }
    public Guid SupplierId { get; private set; }
}
