using Orderly.Domain.Common;

namespace Orderly.Domain.Billing;

/// <summary>
/// Down payments (预付款), as Odoo invoices them: a down-payment invoice asks for an amount (or a percentage of the
/// order's gross total) before delivery, split over the order's VAT rates in proportion to the order's gross per rate
/// so its output VAT is declared when the money is asked for; the order's final invoice then carries one negative line
/// per down-payment line referencing that invoice, so the down payment and the final invoice add up to the order.
/// </summary>
public static class DownPayments
{
    /// <summary>The gross amount asked: exactly one of an amount or a percentage (0-100] of the order's gross, rounded half away from zero.</summary>
    public static long AmountOf(decimal? amount, decimal? percent, long orderGrossMinor, long alreadyAskedMinor, string currency)
    {
        long minor;
        if (amount is { } a && percent is null)
        {
            var money = new Money(a, currency);
            if (a <= 0 || !money.IsWholeMinorUnits)
            {
                throw new RuleViolationException("amount", "InvalidAmount", "A positive amount in whole minor units of the currency.");
            }

            minor = money.MinorUnits;
        }
        else if (percent is { } p && amount is null)
        {
            if (p <= 0 || p > 100 || decimal.Round(p, 2) != p)
            {
                throw new RuleViolationException("percent", "InvalidPercent", "A percentage above 0 and at most 100, two decimals at most.");
            }

            minor = (long)Math.Round(orderGrossMinor * p / 100m, 0, MidpointRounding.AwayFromZero);
        }
        else
        {
            throw new RuleViolationException("amount", "AmountOrPercent", "Give either an amount or a percentage.");
        }

        if (minor <= 0 || alreadyAskedMinor + minor > orderGrossMinor)
        {
            throw new RuleViolationException(amount is null ? "percent" : "amount", "DownPaymentExceedsOrder",
                $"Down payments may ask for at most the order's total; {Money.FromMinor(Math.Max(0, orderGrossMinor - alreadyAskedMinor), currency).Amount} {currency} is left.");
        }

        return minor;
    }

    /// <summary>
    /// The lines of a down-payment invoice for <paramref name="amountMinor"/>: one per VAT rate of the order, each the
    /// rate's share of the order's gross (rounded half away from zero; the last rate takes the rest so the shares add
    /// up exactly), its tax computed from that gross as on any tax-inclusive line.
    /// </summary>
    public static IReadOnlyList<InvoiceLineDraft> Lines(long amountMinor, IReadOnlyList<(VatRate Rate, long GrossMinor)> orderByRate, string currency, string description)
    {
        var rates = orderByRate.Where(r => r.GrossMinor > 0).GroupBy(r => r.Rate)
            .Select(g => (Rate: g.Key, Gross: g.Sum(r => r.GrossMinor)))
            .OrderByDescending(r => r.Rate.IsExempt ? -1 : r.Rate.Percent).ToList();
        var orderGross = rates.Sum(r => r.Gross);
        if (orderGross <= 0 || amountMinor <= 0)
        {
            throw new RuleViolationException("orderId", "NothingToInvoice", "The order has no amount to ask a down payment on.");
        }

        var lines = new List<InvoiceLineDraft>();
        var left = amountMinor;
        for (var i = 0; i < rates.Count; i++)
        {
            var share = i == rates.Count - 1 ? left : (long)Math.Round(amountMinor * (decimal)rates[i].Gross / orderGross, 0, MidpointRounding.AwayFromZero);
            left -= share;
            if (share > 0)
            {
                lines.Add(new InvoiceLineDraft(null, null, $"{description} ({rates[i].Rate})", "", 1m, rates[i].Rate, TaxMath.Split(share, rates[i].Rate, taxInclusive: true, currency)));
            }
        }

        return lines;
    }

    /// <summary>The final invoice's deduction of an issued down-payment invoice: each of its lines negated, referencing it.</summary>
    public static IReadOnlyList<InvoiceLineDraft> Deductions(Invoice downPayment, string description)
    {
        if (!downPayment.IsDownPayment || downPayment.Status is InvoiceStatus.Draft or InvoiceStatus.Cancelled)
        {
            throw new InvalidOperationException("Only an issued down-payment invoice is deducted.");
        }

        return [.. downPayment.Lines.OrderBy(l => l.LineNumber).Select(l => new InvoiceLineDraft(null, null, $"{description} {downPayment.Number} ({l.Rate})", "", -1m, l.Rate,
            TaxSplit.Zero - l.Amounts, downPayment.Id))];
    }
}
