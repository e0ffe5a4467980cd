using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Billing;
using Orderly.Domain.Catalog;
using Orderly.Domain.Customers;
using Orderly.Server.Data;

namespace Orderly.Server.Billing;

public sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.ToTable("invoices");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Number).HasMaxLength(32);
        builder.HasIndex(i => i.Number).IsUnique();
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.FapiaoType).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Currency).HasMaxLength(3);
        builder.Property(i => i.BuyerName).HasMaxLength(BuyerTaxHeader.MaxLength);
        builder.Property(i => i.BuyerTaxId).HasMaxLength(40);
        builder.Property(i => i.BuyerAddress).HasMaxLength(BuyerTaxHeader.MaxLength);
        builder.Property(i => i.BuyerPhone).HasMaxLength(40);
        builder.Property(i => i.BuyerBank).HasMaxLength(BuyerTaxHeader.MaxLength);
        builder.Property(i => i.BuyerAccount).HasMaxLength(60);
        builder.Property(i => i.FapiaoNumber).HasMaxLength(40);
        builder.Property(i => i.Note).HasMaxLength(500);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasIndex(i => new { i.CustomerId, i.Status });
        builder.HasIndex(i => i.OrderId);
        builder.HasOne<Customer>().WithMany().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(i => i.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(i => i.DueMinor);
        builder.Ignore(i => i.IsOpen);
        builder.Ignore(i => i.Buyer);
    }
}

public sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> builder)
    {
        builder.ToTable("invoice_lines");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Description).HasMaxLength(200);
        builder.Property(l => l.Unit).HasMaxLength(20);
        builder.Property(l => l.Quantity).IsQuantity();
        builder.HasIndex(l => l.OrderLineId);
        builder.HasIndex(l => l.DownPaymentInvoiceId);
        builder.Ignore(l => l.Rate);
        builder.Ignore(l => l.Amounts);
    }
}

public sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> builder)
    {
        builder.ToTable("payments");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Method).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Currency).HasMaxLength(3);
        builder.Property(p => p.Reference).HasMaxLength(Payment.ReferenceMaxLength);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => new { p.CustomerId, p.ReceivedOn });
        builder.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Allocations).WithOne().HasForeignKey(a => a.PaymentId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(p => p.Allocations).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(p => p.UnallocatedMinor);
    }
}

public sealed class PaymentAllocationConfiguration : IEntityTypeConfiguration<PaymentAllocation>
{
    public void Configure(EntityTypeBuilder<PaymentAllocation> builder)
    {
        builder.ToTable("payment_allocations");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.InvoiceId);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(a => a.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class OrderBillingStateConfiguration : IEntityTypeConfiguration<OrderBillingState>
{
    public void Configure(EntityTypeBuilder<OrderBillingState> builder)
    {
        builder.ToTable("order_billing_states");
        builder.HasKey(s => s.OrderId);
        builder.Property(s => s.OrderId).ValueGeneratedNever();
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

public sealed class ProductTaxRateConfiguration : IEntityTypeConfiguration<ProductTaxRate>
{
    public void Configure(EntityTypeBuilder<ProductTaxRate> builder)
    {
        builder.ToTable("product_tax_rates");
        builder.HasKey(t => t.ProductId);
        builder.Property(t => t.ProductId).ValueGeneratedNever();
        builder.HasOne<Product>().WithMany().HasForeignKey(t => t.ProductId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(t => t.Rate);
    }
}

public sealed class CustomerBillingProfileConfiguration : IEntityTypeConfiguration<CustomerBillingProfile>
{
    public void Configure(EntityTypeBuilder<CustomerBillingProfile> builder)
    {
        builder.ToTable("customer_billing_profiles");
        builder.HasKey(p => p.CustomerId);
        builder.Property(p => p.CustomerId).ValueGeneratedNever();
        builder.Property(p => p.Policy).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.FapiaoType).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.TaxId).HasMaxLength(40);
        builder.Property(p => p.InvoiceAddress).HasMaxLength(BuyerTaxHeader.MaxLength);
        builder.Property(p => p.InvoicePhone).HasMaxLength(40);
        builder.Property(p => p.Bank).HasMaxLength(BuyerTaxHeader.MaxLength);
        builder.Property(p => p.BankAccount).HasMaxLength(60);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CreditHoldConfiguration : IEntityTypeConfiguration<CreditHold>
{
    public void Configure(EntityTypeBuilder<CreditHold> builder)
    {
        builder.ToTable("credit_holds");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Property(h => h.Reason).HasMaxLength(500);
        builder.Property(h => h.ReleaseNote).HasMaxLength(500);
        builder.HasIndex(h => h.CustomerId);
        builder.HasOne<Customer>().WithMany().HasForeignKey(h => h.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(h => h.IsActive);
    }
}
