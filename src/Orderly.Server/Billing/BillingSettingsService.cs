using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Billing;

/// <summary>Customers' billing profiles and credit holds, products' VAT rates.</summary>
public sealed class BillingSettingsService(OrderlyDbContext db, Writes writes, DataScope scope, BusinessCalendar calendar)
{
    public async Task<BillingProfileDto> ProfileAsync(Guid customerId, CancellationToken ct)
    {
        await VisibleAsync(customerId, ct);
        var profile = await db.Set<CustomerBillingProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.CustomerId == customerId, ct)
            ?? new CustomerBillingProfile(customerId);
        var hold = await db.Set<CreditHold>().AsNoTracking().Where(h => h.CustomerId == customerId && h.ReleasedAt == null)
            .OrderBy(h => h.HeldAt).Select(h => h.Reason).FirstOrDefaultAsync(ct);
        return new BillingProfileDto(customerId, profile.Policy, profile.TaxInclusive, profile.FapiaoType, profile.TaxId, profile.InvoiceAddress,
            profile.InvoicePhone, profile.Bank, profile.BankAccount, hold is not null, hold, profile.Version);
    }

    public async Task<BillingProfileDto> ChangeProfileAsync(Guid customerId, BillingProfileInput input, CancellationToken ct)
    {
        await VisibleAsync(customerId, ct);
        await writes.RunAsync(async token =>
        {
            var profile = await db.Set<CustomerBillingProfile>().FirstOrDefaultAsync(p => p.CustomerId == customerId, token);
            if (profile is null)
            {
                profile = new CustomerBillingProfile(customerId);
                db.Set<CustomerBillingProfile>().Add(profile);
            }

            profile.Change(input.Policy, input.TaxInclusive, input.FapiaoType, Text.Optional(input.TaxId, "taxId", 40),
                Text.Optional(input.Address, "address", BuyerTaxHeader.MaxLength), Text.Optional(input.Phone, "phone", 40),
                Text.Optional(input.Bank, "bank", BuyerTaxHeader.MaxLength), Text.Optional(input.Account, "account", 60));
        }, ct);
        return await ProfileAsync(customerId, ct);
    }

    public async Task<BillingProfileDto> ReleaseHoldAsync(Guid customerId, string? note, Guid? actor, CancellationToken ct)
    {
        await VisibleAsync(customerId, ct);
        var text = Text.Optional(note, "note", 500);
        await writes.RunAsync(async token =>
        {
            var holds = await db.Set<CreditHold>().Where(h => h.CustomerId == customerId && h.ReleasedAt == null).ToListAsync(token);
            if (holds.Count == 0)
            {
                throw new IllegalTransitionException("customer", "NotOnHold", "release the credit hold of");
            }

            foreach (var hold in holds)
            {
                hold.Release(text, calendar.Now, actor);
            }

            db.Events.Raise(new CustomerCreditReleased(customerId, text ?? "released by finance"));
        }, ct);
        return await ProfileAsync(customerId, ct);
    }

    public async Task<IReadOnlyList<TaxRateDto>> TaxRatesAsync(CancellationToken ct) =>
        await db.Set<ProductTaxRate>().AsNoTracking().OrderBy(r => r.ProductId).Take(10_000)
            .Select(r => new TaxRateDto(r.ProductId, r.VatPercent, r.VatExempt)).ToListAsync(ct);

    public async Task<TaxRateDto> SetTaxRateAsync(Guid productId, TaxRateInput input, CancellationToken ct)
    {
        var rate = VatRate.Of(input.VatPercent, input.Exempt);
        if (!await db.ProductRefs().AnyAsync(p => p.Id == productId, ct))
        {
            throw new NotFoundException("Product", productId);
        }

        await writes.RunAsync(async token =>
        {
            var row = await db.Set<ProductTaxRate>().FirstOrDefaultAsync(r => r.ProductId == productId, token);
            if (row is null)
            {
                db.Set<ProductTaxRate>().Add(new ProductTaxRate(productId, rate));
            }
            else
            {
                row.Change(rate);
            }
        }, ct);
        return new TaxRateDto(productId, rate.Percent, rate.IsExempt);
    }

    private async Task VisibleAsync(Guid customerId, CancellationToken ct)
    {
        if (!await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).AnyAsync(c => c.Id == customerId, ct))
        {
            throw new NotFoundException("Customer", customerId);
        }
    }
}
