using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;

namespace Orderly.Domain.Orders;

public sealed record OrderLineRequest(Guid ProductId, decimal Quantity, decimal? UnitPrice = null, decimal? DiscountPercent = null);

public sealed record OrderRequest(
    Guid CustomerId, string? Currency, DateOnly? RequestedDeliveryDate, string? CustomerPo, IReadOnlyList<OrderLineRequest> Lines);

/// <summary>A non-blocking remark about an order being entered, e.g. a quantity far from the customer's habit.</summary>
public sealed record EntryWarning(string Code, string Message, string? Field = null);

/// <summary>What the entry checks know about the world when an order is typed in; gathered by queries, not by loading aggregates.</summary>
public sealed record EntryContext
{
    public required Customer? Customer { get; init; }
    public required IReadOnlyDictionary<Guid, Product> Products { get; init; }
    public required DateOnly Today { get; init; }
    public bool CustomerPoAlreadyUsed { get; init; }
    /// <summary>Median quantity per product over this customer's earlier orders, where there are enough of them.</summary>
    public IReadOnlyDictionary<Guid, decimal> UsualQuantities { get; init; } = new Dictionary<Guid, decimal>();
    /// <summary>The customer's orders of the last 24 hours, as product -> quantity maps.</summary>
    public IReadOnlyList<RecentOrder> RecentOrders { get; init; } = [];
    /// <summary>Total of the customer's open orders, in the customer's currency.</summary>
    public long OpenExposureMinor { get; init; }
    /// <summary>Available stock per product over every warehouse.</summary>
    public IReadOnlyDictionary<Guid, decimal> Available { get; init; } = new Dictionary<Guid, decimal>();
    public EntryPolicy Policy { get; init; } = new();
}

public sealed record RecentOrder(string Number, IReadOnlyDictionary<Guid, decimal> Quantities);

public sealed record EntryPolicy
{
    /// <summary>A quantity above this multiple of the customer's median for the product is flagged.</summary>
    public decimal UsualQuantityMultiple { get; init; } = 5m;
    /// <summary>Exposure at or above this share of the credit limit is flagged as near the limit.</summary>
    public decimal CreditNearLimitShare { get; init; } = 0.9m;
}

public sealed record EntryCheck(
    string Currency, IReadOnlyList<PricedLine> Lines, IReadOnlyList<RuleViolation> Errors, IReadOnlyList<EntryWarning> Warnings)
{
    public bool IsValid => Errors.Count == 0;

    public Money Total => Lines.Aggregate(Money.Zero(Currency), (sum, l) => sum + OrderLine.LineTotalOf(l.Quantity, l.UnitPrice, l.DiscountPercent));
}

/// <summary>
/// The standard entry checks. Errors block the order (HTTP 422, one per field and rule); warnings travel
/// with the order so the clerk sees them as they type but can still save.
/// </summary>
public static class OrderEntry
{
    /// <summary>Far above any real order, and well inside what integer minor units can hold in every currency.</summary>
    public const decimal MaxOrderTotal = 1_000_000_000_000m;

    public static EntryCheck Check(OrderRequest request, EntryContext context)
    {
        var errors = new List<RuleViolation>();
        var warnings = new List<EntryWarning>();
        var customer = context.Customer;
        var currency = request.Currency ?? customer?.Currency ?? Currency.Default;

        if (customer is null)
        {
            errors.Add(new("customerId", "UnknownCustomer", $"Customer {request.CustomerId} does not exist."));
        }
        else if (!customer.IsActive)
        {
            errors.Add(new("customerId", "CustomerInactive", $"Customer {customer.Code} is inactive."));
        }
        else if (customer.IsBlocked)
        {
            errors.Add(new("customerId", "CustomerBlocked", $"Customer {customer.Code} is blocked; no new orders can be entered."));
        }

        if (!Currency.IsKnown(currency))
        {
            errors.Add(new("currency", "UnknownCurrency", $"'{currency}' is not a supported ISO 4217 currency."));
            return new EntryCheck(Currency.Default, [], errors, warnings);
        }

        if (customer is not null && currency != customer.Currency)
        {
            errors.Add(new("currency", "CurrencyMismatch", $"Customer {customer.Code} buys in {customer.Currency}, not {currency}."));
        }

        if (request.RequestedDeliveryDate is { } requested && requested < context.Today)
        {
            errors.Add(new("requestedDeliveryDate", "DeliveryDateInPast", $"The requested delivery date {requested:yyyy-MM-dd} is before today ({context.Today:yyyy-MM-dd})."));
        }

        if (request.CustomerPo is { } po && Text.LengthOf(Text.Normalize(po)) > SalesOrder.CustomerPoMaxLength)
        {
            errors.Add(new("customerPo", "TooLong", $"customerPo must be at most {SalesOrder.CustomerPoMaxLength} characters."));
        }
        else if (context.CustomerPoAlreadyUsed)
        {
            errors.Add(new("customerPo", "DuplicateCustomerPo", $"Customer PO '{request.CustomerPo}' is already on another order of this customer."));
        }

        if (request.Lines.Count == 0)
        {
            errors.Add(new("lines", "NoLines", "An order needs at least one line."));
        }
        else if (request.Lines.Count > SalesOrder.MaxLines)
        {
            errors.Add(new("lines", "TooManyLines", $"An order has at most {SalesOrder.MaxLines} lines; this one has {request.Lines.Count}."));
            return new EntryCheck(currency, [], errors, warnings);
        }

        var priced = new List<PricedLine>(request.Lines.Count);
        var requestedSoFar = new Dictionary<Guid, decimal>();
        for (var i = 0; i < request.Lines.Count; i++)
        {
            var line = request.Lines[i];
            requestedSoFar[line.ProductId] = requestedSoFar.GetValueOrDefault(line.ProductId) + Math.Clamp(line.Quantity, 0, Quantity.Max);
            if (CheckLine(line, $"lines[{i}]", currency, context, requestedSoFar[line.ProductId], errors, warnings) is { } pricedLine)
            {
                priced.Add(pricedLine);
            }
        }

        if (errors.Count == 0 && priced.Sum(l => OrderLine.LineTotalOf(l.Quantity, l.UnitPrice, l.DiscountPercent).Amount) > MaxOrderTotal)
        {
            errors.Add(new("lines", "AmountTooLarge", $"The order total is above {MaxOrderTotal:N0} {currency}; split it into several orders."));
        }

        if (errors.Count == 0)
        {
            WarnProbableDuplicate(priced, context, warnings);
            WarnCredit(currency, priced, context, warnings);
        }

        return new EntryCheck(currency, priced, errors, warnings);
    }

    private static PricedLine? CheckLine(
        OrderLineRequest line, string field, string currency, EntryContext context, decimal requestedOfProduct,
        List<RuleViolation> errors, List<EntryWarning> warnings)
    {
        var errorsBefore = errors.Count;
        if (!context.Products.TryGetValue(line.ProductId, out var product))
        {
            errors.Add(new($"{field}.productId", "UnknownProduct", $"Product {line.ProductId} does not exist."));
            return null;
        }

        if (!product.IsActive)
        {
            errors.Add(new($"{field}.productId", "ProductInactive", $"Product {product.Sku} is no longer sold."));
        }

        if (line.Quantity <= 0)
        {
            errors.Add(new($"{field}.quantity", "QuantityNotPositive", $"The quantity of {product.Sku} must be greater than zero."));
        }
        else if (line.Quantity > Quantity.Max)
        {
            errors.Add(new($"{field}.quantity", "QuantityTooLarge", $"The quantity of {product.Sku} is too large."));
        }
        else if (product.IsWholeUnit && !Quantity.IsWhole(line.Quantity))
        {
            errors.Add(new($"{field}.quantity", "FractionalQuantity", $"{product.Sku} is sold in whole {product.Unit}; {line.Quantity} is not a whole number."));
        }
        else if (!Quantity.HasAtMostMaxDecimals(line.Quantity))
        {
            errors.Add(new($"{field}.quantity", "TooManyDecimals", $"Quantities have at most {Quantity.MaxDecimals} decimals."));
        }

        var discount = line.DiscountPercent ?? 0m;
        if (discount is < 0 or >= 100)
        {
            errors.Add(new($"{field}.discountPercent", "DiscountOutOfRange", "A discount is at least 0% and below 100%."));
        }

        if (product.Currency != currency)
        {
            errors.Add(new($"{field}.productId", "PriceListCurrency", $"{product.Sku} is priced in {product.Currency}, the order is in {currency}."));
            return null;
        }

        var unitPrice = new Money(line.UnitPrice ?? product.ListPrice.Amount, currency);
        if (line.UnitPrice is { } given && (given < 0 || given > 1_000_000_000_000m || !unitPrice.IsWholeMinorUnits))
        {
            errors.Add(new($"{field}.unitPrice", "InvalidPrice", $"The unit price must be a non-negative amount in whole {currency} minor units."));
        }

        if (errors.Count > errorsBefore)
        {
            return null;
        }

        var netUnitPrice = (unitPrice * ((100m - discount) / 100m)).Rounded();
        if (netUnitPrice < product.MinPrice)
        {
            errors.Add(new($"{field}.unitPrice", "PriceBelowMinimum",
                $"{product.Sku} sells for at least {product.MinPrice}; {netUnitPrice} after discount is below it."));
            return null;
        }

        if (unitPrice != product.ListPrice || discount > 0)
        {
            var direction = netUnitPrice < product.ListPrice ? "below" : netUnitPrice > product.ListPrice ? "above" : "at";
            warnings.Add(new("PriceOffList", $"{product.Sku}: net price {netUnitPrice} is {direction} the list price {product.ListPrice}.", $"{field}.unitPrice"));
        }

        // Several lines of one product count together, and each warning is given once per product.
        var warnedBefore = warnings.Any(w => w.Code == "QuantityAboveUsual" && w.Message.StartsWith(product.Sku + ":", StringComparison.Ordinal));
        if (!warnedBefore && context.UsualQuantities.TryGetValue(product.Id, out var usual) && usual > 0 &&
            requestedOfProduct > usual * context.Policy.UsualQuantityMultiple)
        {
            warnings.Add(new("QuantityAboveUsual",
                $"{product.Sku}: {requestedOfProduct} is over {context.Policy.UsualQuantityMultiple}x this customer's usual {usual}.", $"{field}.quantity"));
        }

        // Lines of the same product draw on the same stock, so the check is against what the order asks in all.
        var available = context.Available.GetValueOrDefault(product.Id);
        var shortBefore = warnings.Any(w => w.Code == "StockShort" && w.Message.StartsWith(product.Sku + ":", StringComparison.Ordinal));
        if (!shortBefore && requestedOfProduct > available)
        {
            warnings.Add(new("StockShort",
                $"{product.Sku}: {available} available, {requestedOfProduct} ordered; {requestedOfProduct - Math.Max(available, 0)} will be backordered.", $"{field}.quantity"));
        }

        return new PricedLine(product.Id, product.Sku, product.Name, product.Unit, line.Quantity, unitPrice, product.ListPrice, discount);
    }

    private static void WarnProbableDuplicate(List<PricedLine> lines, EntryContext context, List<EntryWarning> warnings)
    {
        var mine = lines.GroupBy(l => l.ProductId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        foreach (var recent in context.RecentOrders)
        {
            if (recent.Quantities.Count == mine.Count &&
                mine.All(pair => recent.Quantities.TryGetValue(pair.Key, out var q) && q == pair.Value))
            {
                warnings.Add(new("ProbableDuplicate",
                    $"Order {recent.Number} of the last 24 hours has the same products and quantities.", null));
                return;
            }
        }
    }

    private static void WarnCredit(string currency, List<PricedLine> lines, EntryContext context, List<EntryWarning> warnings)
    {
        if (context.Customer?.CreditLimit is not { } limit || limit.CurrencyCode != currency)
        {
            return;
        }

        var thisOrder = lines.Aggregate(Money.Zero(currency), (sum, l) => sum + OrderLine.LineTotalOf(l.Quantity, l.UnitPrice, l.DiscountPercent));
        var exposure = Money.FromMinor(context.OpenExposureMinor, currency) + thisOrder;
        if (exposure > limit)
        {
            warnings.Add(new("CreditOverLimit", $"Open orders plus this one come to {exposure}, over the credit limit of {limit}.", null));
        }
        else if (exposure >= limit * context.Policy.CreditNearLimitShare)
        {
            warnings.Add(new("CreditNearLimit", $"Open orders plus this one come to {exposure}, near the credit limit of {limit}.", null));
        }
    }
}
