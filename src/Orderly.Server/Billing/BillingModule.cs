using Orderly.Domain.Billing;
using Orderly.Server.Audit;
using Orderly.Server.Identity;
using Orderly.Server.Integration;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Orders;
using Orderly.Server.Platform;

namespace Orderly.Server.Billing;

/// <summary>Invoices, payments, receivables, dunning and credit holds; the order's payment facts and the credit exposure it adds.</summary>
public sealed class BillingModule : IOrderlyModule
{
    public string Name => "Billing";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(BillingPolicies.ManageBilling, Name, [Roles.Admin, Roles.Finance],
            "draft (down-payment invoices too), issue, cancel, credit, record the fapiao of and write off invoices (never one whose payment one recorded); record, allocate and refund payments; change customers' billing profiles; release credit holds; read the accounting vouchers for Kingdee and Yonyou (`GET /api/billing/vouchers`, exports `vouchers-kingdee`, `vouchers-yonyou`)"),
        new(BillingPolicies.ReadReceivables, Name, [Roles.Admin, Roles.Finance, Roles.SalesManager, Roles.SalesRep, Roles.OrderClerk, Roles.Viewer],
            "read invoices (and their PDF), payments and allocation suggestions, receivables (aging, DSO), customers' statements (JSON, PDF) and billing profiles, billing tax rates; a rep reads their own customers'"),
        new(BillingPolicies.EnterQuotations, Name, [Roles.Admin, Roles.SalesManager, Roles.SalesRep, Roles.OrderClerk],
            "create, send, decline and accept quotations (accepting creates the order)"),
        new(BillingPolicies.ManageTaxRates, Name, [Roles.Admin, Roles.Finance], "set a product's VAT rate (`PUT /api/billing/tax-rates/{productId}`)"),
    ];

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/quotations", "Quotations", BillingPolicies.EnterQuotations, 251, NavigationGroups.Billing),
        new("/invoices", "Invoices", BillingPolicies.ReadReceivables, 252, NavigationGroups.Billing),
        new("/payments", "Payments", BillingPolicies.ReadReceivables, 253, NavigationGroups.Billing),
        new("/receivables", "Receivables", BillingPolicies.ReadReceivables, 254, NavigationGroups.Billing),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<BillingOptions>(BillingOptions.Section);
        var services = capability.Services;
        services.AddScoped<InvoiceService>();
        services.AddScoped<PaymentService>();
        services.AddScoped<BillingQueries>();
        services.AddScoped<BillingSettingsService>();
        services.AddScoped<Dunning>();
        services.AddScoped<BillingFacts>();
        services.AddScoped<IOrderPaymentSource>(sp => sp.GetRequiredService<BillingFacts>());
        services.AddScoped<IReceivablesExposure>(sp => sp.GetRequiredService<BillingFacts>());
        services.AddOrderlyJob<DunningJob>(capability.Configuration, DunningJob.Name, DunningJob.DefaultSchedule);
        services.AddScoped<QuotationService>();
        services.AddScoped<BillingUiQueries>();
        capability.AddOptions<VoucherOptions>(VoucherOptions.Section);
        services.AddScoped<VoucherService>();
        services.AddExportList<InvoiceExport>().AddExportList<PaymentExport>().AddExportList<YonyouVoucherExport>().AddExportList<KingdeeVoucherExport>();
        services.AddOrderlyJob<QuotationReviewJob>(capability.Configuration, QuotationReviewJob.Name, QuotationReviewJob.DefaultSchedule);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapInvoiceEndpoints();
        app.MapPaymentEndpoints();
        app.MapReceivableEndpoints();
        app.MapQuotationEndpoints();
        app.MapVoucherEndpoints();
    }

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<Invoice>("Invoice", i => i.Id, (i, _) => i.CustomerId)
        .Part<InvoiceLine>("Invoice", e => ((InvoiceLine)e.Entity).InvoiceId, e => $"lines[{((InvoiceLine)e.Entity).LineNumber}].")
        .Root<Payment>("Payment", p => p.Id, (p, _) => p.CustomerId)
        .Part<PaymentAllocation>("Payment", e => ((PaymentAllocation)e.Entity).PaymentId, e => $"allocations[{((PaymentAllocation)e.Entity).InvoiceId}].")
        .Root<CustomerBillingProfile>("CustomerBillingProfile", p => p.CustomerId, (p, _) => p.CustomerId)
        .Root<ProductTaxRate>("ProductTaxRate", r => r.ProductId)
        .Root<CreditHold>("CreditHold", h => h.Id, (h, _) => h.CustomerId)
        .Root<Quotation>("Quotation", q => q.Id, (q, _) => q.CustomerId)
        .Part<QuotationLine>("Quotation", e => ((QuotationLine)e.Entity).QuotationId, e => $"lines[{((QuotationLine)e.Entity).LineNumber}].")
        .Exclude<OrderBillingState>("a lock row per order that serialises invoicing; the invoices it guards are audited");
}
