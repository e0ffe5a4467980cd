using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Billing;

/// <summary>
/// The vouchers of a period for Kingdee K3 Cloud (GL_VOUCHER Save bodies) and Yonyou U8 (OpenAPI voucher/add bodies),
/// per shared/integrations.md B1-B3: one per issued invoice or credit note (by issue date), per payment (by the day
/// received) and per refund, in the ledger currency, oldest first.
/// </summary>
public sealed class VoucherService(OrderlyDbContext db, DataScope scope, BusinessCalendar calendar, IOptions<VoucherOptions> options)
{
    public const int MaxPeriodDays = 366;

    public VoucherOptions Options => options.Value;

    public async Task<(DateOnly From, DateOnly To, List<Voucher> Vouchers)> ListAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var end = to ?? calendar.Today;
        var start = from ?? new DateOnly(end.Year, end.Month, 1);
        if (start > end)
        {
            throw new RuleViolationException("from", "InvalidPeriod", "The period starts after it ends.");
        }

        if (end.DayNumber - start.DayNumber >= MaxPeriodDays)
        {
            throw new RuleViolationException("to", "PeriodTooLong", $"A voucher export covers {MaxPeriodDays} days at most.");
        }

        var o = Options;
        var visible = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        var invoices = await db.Set<Invoice>().AsNoTracking().Include(i => i.Lines)
            .Where(i => visible.Any(c => c.Id == i.CustomerId) && i.Currency == o.Currency && i.Number != null
                && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled && i.IssueDate >= start && i.IssueDate <= end)
            .AsSplitQuery().ToListAsync(ct);
        var payments = await db.Set<Payment>().AsNoTracking()
            .Where(p => visible.Any(c => c.Id == p.CustomerId) && p.Currency == o.Currency
                && ((p.ReceivedOn >= start && p.ReceivedOn <= end) || (p.RefundedMinor > 0 && p.RefundedOn >= start && p.RefundedOn <= end)))
            .ToListAsync(ct);
        var ids = invoices.Select(i => i.CustomerId).Concat(payments.Select(p => p.CustomerId)).Distinct().ToList();
        var customers = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => (c.Code, c.Name), ct);
        var vouchers = new List<Voucher>();
        var accounts = o.Accounts;
        vouchers.AddRange(invoices.Select(i => Vouchers.ForInvoice(i, customers[i.CustomerId].Code, customers[i.CustomerId].Name, accounts)));
        foreach (var p in payments)
        {
            var (code, name) = customers[p.CustomerId];
            if (p.ReceivedOn >= start && p.ReceivedOn <= end)
            {
                vouchers.Add(Vouchers.ForPayment(p, code, name, accounts));
            }

            if (p.RefundedMinor > 0 && p.RefundedOn is { } refunded && refunded >= start && refunded <= end)
            {
                vouchers.Add(Vouchers.ForRefund(p, code, name, accounts));
            }
        }

        return (start, end, [.. vouchers.OrderBy(v => v.Date).ThenBy(v => v.Source == "Payment" || v.Source == "Refund").ThenBy(v => v.ExternalId, StringComparer.Ordinal)]);
    }

    /// <summary>A U8 OpenAPI <c>voucher/add</c> body: debit and credit entries apart, the external id in <c>reserve2</c>.</summary>
    public JsonObject Yonyou(Voucher v)
    {
        var o = Options;
        JsonObject Entry(VoucherEntry e, bool debit)
        {
            var entry = new JsonObject
            {
                ["entry_id"] = e.EntryId,
                ["account_code"] = e.Account,
                ["abstract"] = e.Summary,
                ["currency"] = o.YonyouCurrency,
                [debit ? "natural_debit_currency" : "natural_credit_currency"] = Amount(debit ? e.DebitMinor : e.CreditMinor, v.Currency),
            };
            if (e.CustomerCode is { } customer)
            {
                entry["auxiliary"] = new JsonObject { ["cust_id"] = customer };
            }

            return entry;
        }

        return new JsonObject
        {
            ["voucher"] = new JsonObject
            {
                ["voucher_type"] = o.YonyouVoucherType,
                ["fiscal_year"] = v.Date.Year,
                ["accounting_period"] = v.Date.Month,
                ["voucher_id"] = "",
                ["date"] = BillingPage.Iso(v.Date),
                ["enter"] = o.Maker,
                ["cashier"] = "",
                ["attachment_number"] = 1,
                ["voucher_making_system"] = "CDM",
                ["reserve2"] = v.ExternalId,
                ["debit"] = new JsonObject { ["entry"] = new JsonArray([.. v.Entries.Where(e => e.DebitMinor != 0).Select(e => (JsonNode)Entry(e, true))]) },
                ["credit"] = new JsonObject { ["entry"] = new JsonArray([.. v.Entries.Where(e => e.CreditMinor != 0).Select(e => (JsonNode)Entry(e, false))]) },
            },
        };
    }

    /// <summary>A Kingdee K3 Cloud <c>DynamicFormService.Save</c> body for form GL_VOUCHER.</summary>
    public JsonObject Kingdee(Voucher v)
    {
        var o = Options;
        var entries = new JsonArray();
        foreach (var e in v.Entries)
        {
            var amount = e.DebitMinor != 0 ? e.DebitMinor : e.CreditMinor;
            var entry = new JsonObject
            {
                ["FEXPLANATION"] = e.Summary,
                ["FACCOUNTID"] = new JsonObject { ["FNumber"] = e.Account },
                ["FCURRENCYID"] = new JsonObject { ["FNumber"] = o.KingdeeCurrency },
                ["FEXCHANGERATE"] = 1m,
                ["FAMOUNTFOR"] = Amount(amount, v.Currency),
                ["FDEBIT"] = Amount(e.DebitMinor, v.Currency),
                ["FCREDIT"] = Amount(e.CreditMinor, v.Currency),
            };
            if (e.CustomerCode is { } customer)
            {
                entry["FDetailID"] = new JsonObject { ["FDETAILID__FFLEX6"] = new JsonObject { ["FNumber"] = customer } };
            }

            entries.Add(entry);
        }

        return new JsonObject
        {
            ["formid"] = "GL_VOUCHER",
            ["data"] = new JsonObject
            {
                ["NeedUpDateFields"] = new JsonArray(),
                ["NeedReturnFields"] = new JsonArray("FBillNo"),
                ["IsDeleteEntry"] = true,
                ["IsVerifyBaseDataField"] = false,
                ["IsEntryBatchFill"] = true,
                ["ValidateFlag"] = true,
                ["NumberSearch"] = true,
                ["Model"] = new JsonObject
                {
                    ["FVOUCHERID"] = 0,
                    ["FAccountBookID"] = new JsonObject { ["FNumber"] = o.KingdeeAccountBook },
                    ["FDate"] = BillingPage.Iso(v.Date),
                    ["FVOUCHERGROUPID"] = new JsonObject { ["FNumber"] = o.KingdeeVoucherGroup },
                    ["FYEAR"] = v.Date.Year,
                    ["FPERIOD"] = v.Date.Month,
                    ["FATTACHMENTS"] = 1,
                    ["FBillNo"] = v.ExternalId,
                    ["FEntity"] = entries,
                },
            },
        };
    }

    public static decimal Amount(long minor, string currency) => Money.FromMinor(minor, currency).Amount;
}
