using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Orders;

public sealed class SalesOrderConfiguration : IEntityTypeConfiguration<SalesOrder>
{
    private static readonly JsonSerializerOptions WarningJson = new(JsonSerializerDefaults.Web);

    // Public and called from the converter rather than inlined in it: the compiled model (Data/CompiledModels) copies
    // the converter's expressions into generated code, which cannot reach a private field.
    public static string WarningsToJson(List<EntryWarning> warnings) => JsonSerializer.Serialize(warnings, WarningJson);

    public static List<EntryWarning> WarningsFromJson(string json) => JsonSerializer.Deserialize<List<EntryWarning>>(json, WarningJson) ?? [];

    public void Configure(EntityTypeBuilder<SalesOrder> builder)
    {
        builder.ToTable("sales_orders");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Number).HasMaxLength(32);
        builder.HasIndex(o => o.Number).IsUnique();
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.CustomerPo).HasMaxLength(SalesOrder.CustomerPoMaxLength);
        // A customer's PO number names one order; NULLs do not collide on either provider.
        builder.HasIndex(o => new { o.CustomerId, o.CustomerPo }).IsUnique();
        builder.HasIndex(o => new { o.CustomerId, o.Status });
        builder.HasIndex(o => new { o.Status, o.Id });
        builder.HasIndex(o => o.OrderDate);
        builder.Property(o => o.ApprovalReasons).HasMaxLength(200);
        builder.Property(o => o.StatusReason).HasMaxLength(SalesOrder.ReasonMaxLength);
        builder.Property(o => o.Version).IsConcurrencyToken();
        builder.HasOne<Customer>().WithMany().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(o => o.Total);
        builder.Ignore(o => o.EntryWarnings);
        builder.Property<List<EntryWarning>>("_entryWarnings")
            .HasColumnName("entry_warnings")
            .HasConversion(
                v => WarningsToJson(v),
                v => WarningsFromJson(v),
                new ValueComparer<List<EntryWarning>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));

        builder.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(o => o.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(o => o.StatusHistory).WithOne().HasForeignKey(h => h.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(o => o.StatusHistory).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.Sku).HasMaxLength(64);
        builder.Property(l => l.ProductName).HasMaxLength(200);
        builder.Property(l => l.Unit).HasMaxLength(16);
        builder.Property(l => l.Currency).HasMaxLength(3);
        builder.Property(l => l.Quantity).IsQuantity();
        builder.Property(l => l.Reserved).IsQuantity();
        builder.Property(l => l.DropShip).IsQuantity();
        builder.Property(l => l.Backordered).IsQuantity();
        builder.Property(l => l.BackorderedAtCancel).IsQuantity();
        builder.Property(l => l.Shipped).IsQuantity();
        builder.Property(l => l.Delivered).IsQuantity();
        builder.Property(l => l.Returned).IsQuantity();
        builder.Property(l => l.Invoiced).IsQuantity();
        builder.Property(l => l.DiscountPercent).HasPrecision(7, 4);
        builder.HasIndex(l => new { l.ProductId, l.OrderId });
        builder.Ignore(l => l.UnitPrice);
        builder.Ignore(l => l.ListPrice);
        builder.Ignore(l => l.LineTotal);
        builder.Ignore(l => l.Outstanding);
    }
}

public sealed class OrderStatusChangeConfiguration : IEntityTypeConfiguration<OrderStatusChange>
{
    public void Configure(EntityTypeBuilder<OrderStatusChange> builder)
    {
        builder.ToTable("order_status_changes");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Property(h => h.Reason).HasMaxLength(SalesOrder.ReasonMaxLength);
        builder.HasIndex(h => new { h.OrderId, h.At });
        builder.HasIndex(h => new { h.To, h.At });
    }
}
