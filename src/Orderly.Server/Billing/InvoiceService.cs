using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Billing;

/// <summary>
/// Invoices from orders: drafting what is invoiceable (shipped, or ordered, per the customer's policy), issuing with
/// a gapless yearly number, credit notes, fapiao details and write-offs. Each is one unit of work.
/// </summary>
public sealed class InvoiceService(OrderlyDbContext db, Writes writes, BusinessCalendar calendar, DataScope scope)
{
    private static readonly OrderStatus[] Invoiceable =
        [OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.OnHold];

    /// <summary>The text of a down-payment line and of its deduction (the invoice is read in either language).</summary>
    public const string DownPaymentText = "预付款 Down payment";

    /// <summary>Drafts an invoice for an order: the given lines, or everything invoiceable and not yet invoiced.</summary>
    public Task<Invoice> DraftAsync(CreateInvoiceInput input, Guid? actor, Func<Invoice, CancellationToken, Task>? beforeCommit, CancellationToken ct) =>
        DraftWithRetryAsync(token => BuildDraftAsync(input, actor, token), beforeCommit, ct);

    /// <summary>Drafts a down-payment invoice of an order: an amount or a percentage of its gross total, split over its VAT rates.</summary>
    public Task<Invoice> DraftDownPaymentAsync(DownPaymentInput input, Guid? actor, Func<Invoice, CancellationToken, Task>? beforeCommit, CancellationToken ct) =>
        DraftWithRetryAsync(token => BuildDownPaymentAsync(input, actor, token), beforeCommit, ct);

    private async Task<Invoice> DraftWithRetryAsync(Func<CancellationToken, Task<Invoice>> build, Func<Invoice, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await writes.RunAsync(async token =>
                {
                    var invoice = await build(token);
                    db.Set<Invoice>().Add(invoice);
                    if (beforeCommit is not null)
                    {
                        await db.SaveChangesAsync(token);
                        await beforeCommit(invoice, token);
                    }

                    return invoice;
                }, ct);
            }
            catch (DbUpdateException e) when (attempt < 3 && IsDuplicateKey(e))
            {
                // Two first invoices of one order both created its billing row; the loser re-reads and sees the winner's invoice.
            }
        }
    }

    public Task<Invoice> IssueAsync(Guid id, Guid? actor, CancellationToken ct) => writes.RunAsync(async token =>
    {
        var invoice = await LoadAsync(id, token);
        if (invoice.Kind != InvoiceKind.Invoice)
        {
            throw new IllegalTransitionException("credit note", invoice.Status.ToString(), "issue");
        }

        var terms = await db.Customers.AsNoTracking().Where(c => c.Id == invoice.CustomerId).Select(c => c.PaymentTermsDays).FirstAsync(token);
        var today = calendar.Today;
        invoice.Issue(await NextNumberAsync("INV", today.Year, token), today, terms, calendar.Now, actor);
        return invoice;
    }, ct);

    public Task<Invoice> CancelAsync(Guid id, CancellationToken ct) => writes.RunAsync(async token =>
    {
        var invoice = await LoadAsync(id, token);
        invoice.Cancel();
        if (invoice.OrderId is { } orderId)
        {
            // Bumps the order's billing row, so a concurrent draft of the same order re-reads what is invoiced.
            (await db.Set<OrderBillingState>().FirstAsync(s => s.OrderId == orderId, token)).Invoices--;
        }

        return invoice;
    }, ct);

    /// <summary>Issues a credit note against an issued invoice: returned quantities or price corrections, per line.</summary>
    public Task<Invoice> CreditAsync(Guid id, CreditNoteInput input, Guid? actor, CancellationToken ct) => writes.RunAsync(async token =>
    {
        if (string.IsNullOrWhiteSpace(input.Reason))
        {
            throw new RuleViolationException("reason", "ReasonRequired", "A credit note needs a reason.");
        }

        var invoice = await LoadAsync(id, token);
        var drafts = new List<InvoiceLineDraft>();
        var violations = new List<RuleViolation>();
        for (var i = 0; i < (input.Lines ?? []).Length; i++)
        {
            var wanted = input.Lines![i];
            var line = invoice.Lines.FirstOrDefault(l => l.Id == wanted.InvoiceLineId);
            if (line is null || line.DownPaymentInvoiceId is not null)
            {
                violations.Add(new($"lines[{i}].invoiceLineId", "UnknownInvoiceLine", "Not a line of this invoice that can be credited."));
                continue;
            }

            long gross;
            var quantity = 0m;
            if (wanted.Quantity is { } q && wanted.Amount is null && q > 0 && q <= line.Quantity)
            {
                quantity = q;
                gross = TaxMath.Proportion(line.GrossMinor, line.Quantity, q);
            }
            else if (wanted.Amount is { } amount && wanted.Quantity is null && amount > 0 && new Money(amount, invoice.Currency).IsWholeMinorUnits
                && new Money(amount, invoice.Currency).MinorUnits <= line.GrossMinor)
            {
                gross = new Money(amount, invoice.Currency).MinorUnits;
            }
            else
            {
                violations.Add(new($"lines[{i}]", "InvalidCredit", "Give a quantity up to the line's, or a gross amount up to the line's, not both."));
                continue;
            }

            drafts.Add(new InvoiceLineDraft(line.OrderLineId, line.ProductId, line.Description, line.Unit, quantity, line.Rate,
                TaxMath.Split(gross, line.Rate, taxInclusive: true, invoice.Currency)));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        var note = Invoice.CreditNoteFor(invoice, drafts, input.Reason.Trim(), calendar.Now, actor);
        db.Set<Invoice>().Add(note);
        var today = calendar.Today;
        note.IssueCreditNote(invoice, await NextNumberAsync("CN", today.Year, token), today, calendar.Now, actor);
        return note;
    }, ct);

    public Task<Invoice> RecordFapiaoAsync(Guid id, FapiaoInput input, CancellationToken ct) => writes.RunAsync(async token =>
    {
        var invoice = await LoadAsync(id, token);
        invoice.RecordFapiao(input.FapiaoType, BillingText.Optional(input.FapiaoNumber, "fapiaoNumber", 40),
            input.Buyer is { } b ? BillingText.Buyer(b) : null);
        return invoice;
    }, ct);

    /// <summary>Writes off what is left due; whoever recorded or allocated a payment to the invoice may not (separation of duties).</summary>
    public async Task<Invoice> WriteOffAsync(Guid id, WriteOffInput input, Guid? actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Reason))
        {
            throw new RuleViolationException("reason", "ReasonRequired", "A write-off needs a reason.");
        }

        var touched = await db.Set<PaymentAllocation>().AsNoTracking().Where(a => a.InvoiceId == id)
            .Join(db.Set<Payment>(), a => a.PaymentId, p => p.Id, (a, p) => new { a.By, p.RecordedBy })
            .AnyAsync(x => x.By == actor || x.RecordedBy == actor, ct);
        if (touched && actor is not null)
        {
            await db.AuditDenialAsync("Invoice", id.ToString(), "whoever records a payment of an invoice cannot write it off", ct);
            throw new ForbiddenException("SeparationOfDuties", "You recorded a payment of this invoice; another finance user must write it off.");
        }

        return await writes.RunAsync(async token =>
        {
            var invoice = await LoadAsync(id, token);
            var amount = new Money(input.Amount, invoice.Currency);
            if (!amount.IsWholeMinorUnits)
            {
                throw new RuleViolationException("amount", "InvalidAmount", "The amount has more decimals than the currency.");
            }

            invoice.WriteOff(amount.MinorUnits);
            return invoice;
        }, ct);
    }

    /// <summary>An invoice the caller may see, tracked for change.</summary>
    public async Task<Invoice> LoadAsync(Guid id, CancellationToken ct)
    {
        var visible = await scope.CustomersAsync(db.Customers, ct);
        return await db.Set<Invoice>().Include(i => i.Lines)
            .Where(i => visible.Any(c => c.Id == i.CustomerId))
            .FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFoundException("Invoice", id);
    }

    private sealed record OrderToInvoice(SalesOrder Order, CustomerBillingProfile Profile, BuyerTaxHeader Buyer, Dictionary<Guid, decimal> Invoiced,
        Dictionary<Guid, VatRate> Rates);

    /// <summary>Reads the order to invoice and takes its billing row, which serialises every invoice draft of the order.</summary>
    private async Task<OrderToInvoice> LockOrderAsync(Guid orderId, CancellationToken ct)
    {
        var order = await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).Include(o => o.Lines)
            .FirstOrDefaultAsync(o => o.Id == orderId, ct) ?? throw new NotFoundException("Sales order", orderId);
        if (!Invoiceable.Contains(order.Status))
        {
            throw new RuleViolationException("orderId", "OrderNotInvoiceable", $"Order {order.Number} is {order.Status}; only confirmed orders are invoiced.");
        }

        var state = await db.Set<OrderBillingState>().FirstOrDefaultAsync(s => s.OrderId == order.Id, ct);
        if (state is null)
        {
            state = new OrderBillingState { OrderId = order.Id };
            db.Set<OrderBillingState>().Add(state);
        }

        state.Invoices++;
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == order.CustomerId)
            .Select(c => new { c.Name, c.Address, c.Phone }).FirstAsync(ct);
        var profile = await db.Set<CustomerBillingProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.CustomerId == order.CustomerId, ct)
            ?? new CustomerBillingProfile(order.CustomerId);
        var invoiced = await InvoicedByLineAsync(db, order.Id, ct);
        var productIds = order.Lines.Select(l => l.ProductId).Distinct().ToList();
        var rates = await db.Set<ProductTaxRate>().AsNoTracking().Where(r => productIds.Contains(r.ProductId)).ToDictionaryAsync(r => r.ProductId, r => r.Rate, ct);
        var buyer = new BuyerTaxHeader(customer.Name, profile.TaxId, profile.InvoiceAddress ?? customer.Address, profile.InvoicePhone ?? customer.Phone,
            profile.Bank, profile.BankAccount);
        return new OrderToInvoice(order, profile, buyer, invoiced, rates);
    }

    private async Task<Invoice> BuildDownPaymentAsync(DownPaymentInput input, Guid? actor, CancellationToken ct)
    {
        var (order, profile, buyer, invoiced, rates) = await LockOrderAsync(input.OrderId, ct);
        if (order.Lines.All(l => invoiced.GetValueOrDefault(l.Id) >= l.Quantity))
        {
            throw new RuleViolationException("orderId", "OrderFullyInvoiced", $"Order {order.Number} is fully invoiced; a down payment is asked before.");
        }

        var byRate = order.Lines.Select(l => (Rate: rates.GetValueOrDefault(l.ProductId, VatRate.Standard), l.LineTotalMinor))
            .Select(x => (x.Rate, TaxMath.Split(x.LineTotalMinor, x.Rate, profile.TaxInclusive, order.Currency).GrossMinor)).ToList();
        var asked = await db.Set<Invoice>().AsNoTracking()
            .Where(i => i.OrderId == order.Id && i.IsDownPayment && i.Status != InvoiceStatus.Cancelled).SumAsync(i => (long?)i.TotalMinor, ct) ?? 0;
        var amount = DownPayments.AmountOf(input.Amount, input.Percent, byRate.Sum(r => r.GrossMinor), asked, order.Currency);
        var invoice = Invoice.DownPayment(order.CustomerId, order.Id, order.Currency, profile.TaxInclusive, buyer, profile.FapiaoType,
            DownPayments.Lines(amount, byRate, order.Currency, $"{DownPaymentText} {order.Number}"), calendar.Now, actor);
        invoice.Annotate(BillingText.Optional(input.Note, "note", 500));
        return invoice;
    }

    private async Task<Invoice> BuildDraftAsync(CreateInvoiceInput input, Guid? actor, CancellationToken ct)
    {
        var (order, profile, buyer, invoiced, rates) = await LockOrderAsync(input.OrderId, ct);

        decimal Cap(OrderLine line) => (profile.Policy == InvoicingPolicy.OnOrder ? line.Quantity : line.Shipped - line.Returned) - invoiced.GetValueOrDefault(line.Id);

        var wanted = new List<(OrderLine Line, decimal Quantity)>();
        if (input.Lines is null)
        {
            wanted.AddRange(order.Lines.OrderBy(l => l.LineNumber).Select(l => (l, Cap(l))).Where(x => x.Item2 > 0));
        }
        else
        {
            var violations = new List<RuleViolation>();
            for (var i = 0; i < input.Lines.Length; i++)
            {
                var given = input.Lines[i];
                var line = order.Lines.FirstOrDefault(l => l.Id == given.OrderLineId);
                if (line is null)
                {
                    violations.Add(new($"lines[{i}].orderLineId", "UnknownOrderLine", "Not a line of this order."));
                }
                else if (given.Quantity <= 0 || decimal.Round(given.Quantity, 3) != given.Quantity)
                {
                    violations.Add(new($"lines[{i}].quantity", "InvalidQuantity", "A positive quantity, three decimals at most."));
                }
                else if (given.Quantity > Cap(line) || wanted.Any(w => w.Line.Id == line.Id))
                {
                    violations.Add(new($"lines[{i}].quantity", "ExceedsInvoiceable",
                        $"Line {line.LineNumber} has {Math.Max(0, Cap(line))} {line.Unit} left to invoice."));
                }
                else
                {
                    wanted.Add((line, given.Quantity));
                }
            }

            if (violations.Count > 0)
            {
                throw new RuleViolationException(violations);
            }
        }

        var drafts = wanted.ConvertAll(w => new InvoiceLineDraft(w.Line.Id, w.Line.ProductId, w.Line.ProductName, w.Line.Unit, w.Quantity,
            rates.GetValueOrDefault(w.Line.ProductId, VatRate.Standard),
            TaxMath.Part(w.Line.LineTotalMinor, w.Line.Quantity, invoiced.GetValueOrDefault(w.Line.Id), w.Quantity,
                rates.GetValueOrDefault(w.Line.ProductId, VatRate.Standard), profile.TaxInclusive, order.Currency)));
        drafts.AddRange(await DeductionsAsync(order, wanted, invoiced, input.DeductDownPayments, ct));
        var invoice = Invoice.Draft(order.CustomerId, order.Id, order.Currency, profile.TaxInclusive, buyer, profile.FapiaoType, drafts, calendar.Now, actor);
        invoice.Annotate(BillingText.Optional(input.Note, "note", 500));

        return invoice;
    }

    /// <summary>
    /// The down payments this invoice deducts: every issued down-payment invoice of the order no other invoice deducted
    /// yet, when the caller asks for it or, by default, when this invoice is the final one (after it every line is
    /// wholly invoiced). A down-payment invoice still in draft must be issued or cancelled first.
    /// </summary>
    private async Task<List<InvoiceLineDraft>> DeductionsAsync(
        SalesOrder order, List<(OrderLine Line, decimal Quantity)> wanted, Dictionary<Guid, decimal> invoiced, bool? deduct, CancellationToken ct)
    {
        var final = order.Lines.All(l => invoiced.GetValueOrDefault(l.Id) + wanted.Where(w => w.Line.Id == l.Id).Sum(w => w.Quantity) >= l.Quantity);
        if (deduct == false || (deduct is null && !final))
        {
            return [];
        }

        var downPayments = await db.Set<Invoice>().AsNoTracking().Include(i => i.Lines)
            .Where(i => i.OrderId == order.Id && i.IsDownPayment && i.Status != InvoiceStatus.Cancelled).ToListAsync(ct);
        if (downPayments.Any(i => i.Status == InvoiceStatus.Draft))
        {
            throw new RuleViolationException("orderId", "DownPaymentInDraft", "A down-payment invoice of this order is still a draft: issue or cancel it first.");
        }

        var ids = downPayments.ConvertAll(i => i.Id);
        var deducted = await db.Set<Invoice>().AsNoTracking().Where(i => i.OrderId == order.Id && i.Status != InvoiceStatus.Cancelled)
            .SelectMany(i => i.Lines).Where(l => l.DownPaymentInvoiceId != null && ids.Contains(l.DownPaymentInvoiceId.Value))
            .Select(l => l.DownPaymentInvoiceId!.Value).Distinct().ToListAsync(ct);
        return [.. downPayments.Where(i => !deducted.Contains(i.Id)).OrderBy(i => i.IssueDate).ThenBy(i => i.Number)
            .SelectMany(i => DownPayments.Deductions(i, DownPaymentText))];
    }

    /// <summary>What of each order line is on a draft or issued invoice (credit notes do not reopen quantities).</summary>
    internal static async Task<Dictionary<Guid, decimal>> InvoicedByLineAsync(OrderlyDbContext db, Guid orderId, CancellationToken ct)
    {
        var rows = await db.Set<Invoice>().AsNoTracking()
            .Where(i => i.OrderId == orderId && i.Kind == InvoiceKind.Invoice && i.Status != InvoiceStatus.Cancelled)
            .SelectMany(i => i.Lines).Where(l => l.OrderLineId != null)
            .Select(l => new { l.OrderLineId, l.Quantity }).ToListAsync(ct);
        return rows.GroupBy(r => r.OrderLineId!.Value).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));
    }

    private async Task<string> NextNumberAsync(string prefix, int year, CancellationToken ct) =>
        $"{prefix}-{year}-{await DocumentNumbers.NextAsync(db, $"{prefix}-{year}", ct):000000}";

    private static bool IsDuplicateKey(DbUpdateException e) => e.InnerException switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } => true,
        _ => false,
    };
}
