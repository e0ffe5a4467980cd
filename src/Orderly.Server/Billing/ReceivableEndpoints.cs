using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Server.Identity;

namespace Orderly.Server.Billing;

public static class ReceivableEndpoints
{
    public static void MapReceivableEndpoints(this IEndpointRouteBuilder app)
    {
        var receivables = app.MapGroup("/api/receivables").WithTags("Billing").RequireAuthorization(BillingPolicies.ReadReceivables);
        receivables.MapGet("/aging", async (BillingQueries q, DateOnly? asOf, string? currency, Guid? customerId, CancellationToken ct) =>
            TypedResults.Ok(await q.AgingAsync(asOf, currency, customerId, ct)))
            .WithName("ReceivablesAging").WithSummary("What customers owe on a day, per customer and in total, in buckets current, d1_30, d31_60, d61_90, d90plus.");
        receivables.MapGet("/dso", async (BillingQueries q, DateOnly? asOf, int? days, string? currency, CancellationToken ct) =>
            TypedResults.Ok(await q.DsoAsync(asOf, days, currency, ct)))
            .WithName("DaysSalesOutstanding").WithSummary("Days sales outstanding: receivables on the day over the period's invoiced sales times the period's days.");

        var customers = app.MapGroup("/api/customers/{id:guid}").WithTags("Billing").RequireAuthorization(BillingPolicies.ReadReceivables);
        customers.MapGet("/statement", async (Guid id, BillingQueries q, DateOnly? from, DateOnly? to, CancellationToken ct) =>
            TypedResults.Ok(await q.StatementAsync(id, from, to, ct)))
            .WithName("CustomerStatement").WithSummary("对账单: the customer's invoices, credit notes, payments and refunds of a period with running balance, due and credit.");
        customers.MapGet("/billing-profile", async (Guid id, BillingSettingsService s, CancellationToken ct) => TypedResults.Ok(await s.ProfileAsync(id, ct)))
            .WithName("GetBillingProfile").WithSummary("How the customer is invoiced: policy, tax-inclusive prices, fapiao type and tax header, credit hold.");
        customers.MapPut("/billing-profile", async (Guid id, BillingProfileInput input, BillingSettingsService s, CancellationToken ct) =>
            TypedResults.Ok(await s.ChangeProfileAsync(id, input, ct)))
            .WithName("UpdateBillingProfile").WithSummary("Changes how the customer is invoiced and the fapiao header.").RequireAuthorization(BillingPolicies.ManageBilling);
        customers.MapPost("/credit-hold/release", async (Guid id, ReleaseHoldInput? input, BillingSettingsService s, HttpContext h, CancellationToken ct) =>
            TypedResults.Ok(await s.ReleaseHoldAsync(id, input?.Note, CurrentUser.PersonOf(h.User), ct)))
            .WithName("ReleaseCreditHold").WithSummary("Finance releases the customer's credit hold; new orders no longer wait for it.").RequireAuthorization(BillingPolicies.ManageBilling);

        var rates = app.MapGroup("/api/billing/tax-rates").WithTags("Billing").RequireAuthorization(BillingPolicies.ReadReceivables);
        rates.MapGet("/", async (BillingSettingsService s, CancellationToken ct) => TypedResults.Ok(await s.TaxRatesAsync(ct)))
            .WithName("ListTaxRates").WithSummary("Products with a VAT rate other than the standard 13%.");
        rates.MapPut("/{productId:guid}", async (Guid productId, TaxRateInput input, BillingSettingsService s, CancellationToken ct) =>
            TypedResults.Ok(await s.SetTaxRateAsync(productId, input, ct)))
            .WithName("SetTaxRate").WithSummary("Sets a product's VAT rate: 13, 9, 6 or 0 percent, or exempt.").RequireAuthorization(BillingPolicies.ManageTaxRates);
    }
}
