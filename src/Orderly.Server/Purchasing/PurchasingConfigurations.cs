using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Catalog;
using Orderly.Domain.Inventory;
using Orderly.Domain.Purchasing;
using Orderly.Server.Data;

namespace Orderly.Server.Purchasing;

public sealed class SupplierPriceConfiguration : IEntityTypeConfiguration<SupplierPrice>
{
    public void Configure(EntityTypeBuilder<SupplierPrice> builder)
    {
        builder.ToTable("supplier_prices");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.MinQuantity).IsQuantity();
        builder.Property(p => p.Currency).HasMaxLength(3);
        builder.HasOne<Supplier>().WithMany().HasForeignKey(p => p.SupplierId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.SupplierId, p.ProductId });
        builder.HasIndex(p => p.ProductId);
    }
}

public sealed class PreferredSupplierConfiguration : IEntityTypeConfiguration<PreferredSupplier>
{
    public void Configure(EntityTypeBuilder<PreferredSupplier> builder)
    {
        builder.ToTable("preferred_suppliers");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<Supplier>().WithMany().HasForeignKey(p => p.SupplierId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(p => p.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.ProductId, p.WarehouseId }).IsUnique();
        builder.HasIndex(p => p.SupplierId);
    }
}

public sealed class SupplierUserConfiguration : IEntityTypeConfiguration<SupplierUser>
{
    public void Configure(EntityTypeBuilder<SupplierUser> builder)
    {
        builder.ToTable("supplier_users");
        builder.HasKey(u => u.UserId);
        builder.Property(u => u.UserId).ValueGeneratedNever();
        builder.HasOne<Supplier>().WithMany().HasForeignKey(u => u.SupplierId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(u => u.SupplierId);
    }
}

public sealed class PurchaseOrderConfiguration : IEntityTypeConfiguration<PurchaseOrder>
{
    public void Configure(EntityTypeBuilder<PurchaseOrder> builder)
    {
        builder.ToTable("purchase_orders");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Number).HasMaxLength(32);
        builder.HasIndex(o => o.Number).IsUnique();
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.StatusReason).HasMaxLength(500);
        builder.Property(o => o.Version).IsConcurrencyToken();
        builder.Ignore(o => o.Total);
        builder.HasOne<Supplier>().WithMany().HasForeignKey(o => o.SupplierId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(o => o.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => new { o.SupplierId, o.Status });
        builder.HasIndex(o => new { o.Status, o.WarehouseId });
        builder.HasIndex(o => o.SalesOrderId);
        builder.OwnsMany(o => o.Lines, line =>
        {
            line.ToTable("purchase_order_lines");
            line.WithOwner().HasForeignKey("purchase_order_id");
            line.HasKey(l => l.Id);
            line.Property(l => l.Id).ValueGeneratedNever();
            line.Property(l => l.Quantity).IsQuantity();
            line.Property(l => l.ConfirmedQuantity).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
            line.Property(l => l.Arrived).IsQuantity();
            line.Property(l => l.Rejected).IsQuantity();
            line.Property(l => l.ShippedBySupplier).IsQuantity();
            line.Property(l => l.CancelledQuantity).IsQuantity();
            line.Ignore(l => l.Accepted);
            line.Ignore(l => l.Open);
            line.Ignore(l => l.DueDate);
            line.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
            line.HasIndex(l => l.ProductId);
            line.HasIndex(l => l.SalesOrderLineId);
        });
        builder.Navigation(o => o.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class PurchaseReceiptConfiguration : IEntityTypeConfiguration<PurchaseReceipt>
{
    public void Configure(EntityTypeBuilder<PurchaseReceipt> builder)
    {
        builder.ToTable("purchase_receipts");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<PurchaseOrder>().WithMany().HasForeignKey(r => r.PurchaseOrderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.PurchaseOrderId);
        builder.HasIndex(r => new { r.SupplierId, r.ReceivedOn });
        builder.OwnsMany(r => r.Lines, line =>
        {
            line.ToTable("purchase_receipt_lines");
            line.WithOwner().HasForeignKey("receipt_id");
            line.Property<int>("id");
            line.HasKey("id");
            line.Property(l => l.Arrived).IsQuantity();
            line.Property(l => l.Rejected).IsQuantity();
            line.Property(l => l.RejectReason).HasMaxLength(200);
            line.Ignore(l => l.Accepted);
        });
        builder.Navigation(r => r.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class ShippingNoticeConfiguration : IEntityTypeConfiguration<ShippingNotice>
{
    public void Configure(EntityTypeBuilder<ShippingNotice> builder)
    {
        builder.ToTable("shipping_notices");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.Carrier).HasMaxLength(100);
        builder.Property(n => n.TrackingNumber).HasMaxLength(100);
        builder.HasOne<PurchaseOrder>().WithMany().HasForeignKey(n => n.PurchaseOrderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(n => n.PurchaseOrderId);
        builder.OwnsMany(n => n.Lines, line =>
        {
            line.ToTable("shipping_notice_lines");
            line.WithOwner().HasForeignKey("notice_id");
            line.Property<int>("id");
            line.HasKey("id");
            line.Property(l => l.Quantity).IsQuantity();
        });
        builder.Navigation(n => n.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
