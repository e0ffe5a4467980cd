using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Billing;

/// <summary>
/// Payments received, their allocation to invoices, refunds of what is left. Every change of a payment or invoice
/// goes through its version, so concurrent allocations of one payment (or to one invoice) never count twice: the
/// loser re-reads and finds the amount spent.
/// </summary>
public sealed class PaymentService(OrderlyDbContext db, Writes writes, BusinessCalendar calendar, DataScope scope)
{
    public const int MaxAllocations = 200;

    public Task<Payment> RecordAsync(PaymentInput input, Guid? actor, Func<Payment, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        if (!Currency.IsKnown(input.Currency))
        {
            throw new RuleViolationException("currency", "UnknownCurrency", $"'{input.Currency}' is not a supported currency.");
        }

        MinorOf(input.Amount, input.Currency, "amount");
        var reference = BillingText.Optional(input.Reference, "reference", Payment.ReferenceMaxLength);
        if (input.ReceivedOn > calendar.Today.AddDays(1) || input.ReceivedOn < calendar.Today.AddYears(-10))
        {
            throw new RuleViolationException("receivedOn", "ImplausibleDate", "A payment is received within the last ten years and not in the future.");
        }

        if (input.BillMaturity is { } maturity && (maturity < input.ReceivedOn || maturity > input.ReceivedOn.AddYears(1)))
        {
            throw new RuleViolationException("billMaturity", "ImplausibleDate", "An acceptance bill matures within a year of its receipt.");
        }

        CheckAllocations(input.Allocations);
        return writes.RunAsync(async token =>
        {
            await VisibleCustomerAsync(input.CustomerId, token);
            var payment = new Payment(input.CustomerId, input.Method, new Money(input.Amount, input.Currency), input.ReceivedOn, reference,
                input.BillMaturity, calendar.Now, actor);
            await AllocateAsync(payment, input.Allocations ?? [], actor, token);
            payment.AnnounceReceived();
            db.Set<Payment>().Add(payment);
            if (beforeCommit is not null)
            {
                await db.SaveChangesAsync(token);
                await beforeCommit(payment, token);
            }

            return payment;
        }, ct);
    }

    public Task<Payment> AllocateAsync(Guid id, AllocateInput input, Guid? actor, CancellationToken ct)
    {
        CheckAllocations(input.Allocations);
        return writes.RunAsync(async token =>
        {
            var payment = await LoadAsync(id, token);
            await AllocateAsync(payment, input.Allocations ?? [], actor, token);
            return payment;
        }, ct);
    }

    public Task<Payment> RefundAsync(Guid id, RefundInput input, CancellationToken ct) => writes.RunAsync(async token =>
    {
        var payment = await LoadAsync(id, token);
        payment.Refund(MinorOf(input.Amount, payment.Currency, "amount"), calendar.Today);
        return payment;
    }, ct);

    /// <summary>Oldest due first: how a receipt of <paramref name="amount"/> would settle the customer's open invoices.</summary>
    public async Task<AllocationSuggestionDto> SuggestAsync(Guid customerId, decimal amount, string currency, CancellationToken ct)
    {
        await VisibleCustomerAsync(customerId, ct);
        var minor = MinorOf(amount, currency, "amount");
        var open = await OpenInvoicesAsync(customerId, currency, ct);
        var suggested = AllocationSuggestion.OldestFirst(minor, open.Select(i => new AllocationSuggestion.OpenItem(i.Id, i.DueDate, i.IssueDate, i.DueMinor)));
        var byId = open.ToDictionary(i => i.Id);
        var lines = suggested.Select(s => new SuggestedAllocationDto(s.InvoiceId, byId[s.InvoiceId].Number, byId[s.InvoiceId].DueDate,
            Money.FromMinor(byId[s.InvoiceId].DueMinor, currency).Amount, Money.FromMinor(s.AmountMinor, currency).Amount)).ToList();
        return new(customerId, currency, amount, lines, Money.FromMinor(minor - suggested.Sum(s => s.AmountMinor), currency).Amount);
    }

    public async Task<List<Invoice>> OpenInvoicesAsync(Guid customerId, string currency, CancellationToken ct) =>
        (await db.Set<Invoice>().AsNoTracking()
            .Where(i => i.CustomerId == customerId && i.Currency == currency && i.Kind == InvoiceKind.Invoice
                && (i.Status == InvoiceStatus.Issued || i.Status == InvoiceStatus.PartiallyPaid || i.Status == InvoiceStatus.Overdue))
            .ToListAsync(ct)).Where(i => i.DueMinor > 0).ToList();

    private async Task AllocateAsync(Payment payment, AllocationInput[] allocations, Guid? actor, CancellationToken ct)
    {
        if (allocations.Length == 0)
        {
            return;
        }

        var ids = allocations.Select(a => a.InvoiceId).Distinct().ToList();
        var invoices = await db.Set<Invoice>().Where(i => ids.Contains(i.Id) && i.CustomerId == payment.CustomerId).ToDictionaryAsync(i => i.Id, ct);
        var violations = new List<RuleViolation>();
        for (var i = 0; i < allocations.Length; i++)
        {
            if (!invoices.TryGetValue(allocations[i].InvoiceId, out var invoice))
            {
                violations.Add(new($"allocations[{i}].invoiceId", "UnknownInvoice", "No such invoice of this customer."));
                continue;
            }

            try
            {
                payment.Allocate(invoice, MinorOf(allocations[i].Amount, payment.Currency, $"allocations[{i}].amount"), calendar.Now, actor);
            }
            catch (RuleViolationException e)
            {
                violations.AddRange(e.Violations.Select(v => v with { Field = $"allocations[{i}].{v.Field}" }));
            }
            catch (DomainException e)
            {
                violations.Add(new($"allocations[{i}].invoiceId", e.Code, e.Message));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }
    }

    private static void CheckAllocations(AllocationInput[]? allocations)
    {
        if (allocations is { Length: > MaxAllocations })
        {
            throw new RuleViolationException("allocations", "TooMany", $"At most {MaxAllocations} allocations at once.");
        }

        if (allocations is not null && allocations.Select(a => a.InvoiceId).Distinct().Count() != allocations.Length)
        {
            throw new RuleViolationException("allocations", "DuplicateInvoice", "Each invoice appears once.");
        }
    }

    private static long MinorOf(decimal amount, string currency, string field)
    {
        if (!Currency.IsKnown(currency))
        {
            throw new RuleViolationException("currency", "UnknownCurrency", $"'{currency}' is not a supported currency.");
        }

        var money = new Money(amount, currency);
        return amount <= 0 || !money.IsWholeMinorUnits || amount > 1_000_000_000_000m
            ? throw new RuleViolationException(field, "InvalidAmount", $"A positive amount in whole {currency} minor units.")
            : money.MinorUnits;
    }

    private async Task VisibleCustomerAsync(Guid customerId, CancellationToken ct)
    {
        if (!await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).AnyAsync(c => c.Id == customerId, ct))
        {
            throw new RuleViolationException("customerId", "UnknownCustomer", $"Customer {customerId} does not exist.");
        }
    }

    public async Task<Payment> LoadAsync(Guid id, CancellationToken ct)
    {
        var visible = await scope.CustomersAsync(db.Customers, ct);
        return await db.Set<Payment>().Include(p => p.Allocations).Where(p => visible.Any(c => c.Id == p.CustomerId))
            .FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Payment", id);
    }
}
