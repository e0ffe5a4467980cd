using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Catalog;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;

namespace Orderly.Server.Inventory;

public sealed class WarehouseConfiguration : IEntityTypeConfiguration<Warehouse>
{
    public void Configure(EntityTypeBuilder<Warehouse> builder)
    {
        builder.ToTable("warehouses");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.Property(w => w.Code).HasMaxLength(32);
        builder.HasIndex(w => w.Code).IsUnique();
        builder.Property(w => w.Name).HasMaxLength(200);
        builder.Property(w => w.NameEn).HasMaxLength(200);
        builder.Property(w => w.Region).HasMaxLength(64);
        builder.Property(w => w.Version).IsConcurrencyToken();
    }
}

public sealed class StockBalanceConfiguration : IEntityTypeConfiguration<StockBalance>
{
    public void Configure(EntityTypeBuilder<StockBalance> builder)
    {
        builder.ToTable("stock_balances", t =>
        {
            t.HasCheckConstraint("ck_stock_balances_reserved_non_negative", "reserved >= 0");
            t.HasCheckConstraint("ck_stock_balances_reserved_within_on_hand", "reserved <= on_hand");
        });
        builder.HasKey(b => new { b.ProductId, b.WarehouseId });
        builder.Property(b => b.OnHand).IsQuantity();
        builder.Property(b => b.Reserved).IsQuantity();
        builder.Ignore(b => b.Available);
        builder.HasOne<Product>().WithMany().HasForeignKey(b => b.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(b => b.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(b => b.WarehouseId);
    }
}

public sealed class StockLedgerEntryConfiguration : IEntityTypeConfiguration<StockLedgerEntry>
{
    public void Configure(EntityTypeBuilder<StockLedgerEntry> builder)
    {
        builder.ToTable("stock_ledger");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.OnHandDelta).IsQuantity();
        builder.Property(e => e.ReservedDelta).IsQuantity();
        builder.Property(e => e.CauseType).HasMaxLength(32);
        builder.Property(e => e.Note).HasMaxLength(500);
        builder.HasIndex(e => new { e.ProductId, e.WarehouseId, e.At });
        builder.HasIndex(e => new { e.CauseType, e.CauseId });
    }
}

public sealed class StockReservationConfiguration : IEntityTypeConfiguration<StockReservation>
{
    public void Configure(EntityTypeBuilder<StockReservation> builder)
    {
        builder.ToTable("stock_reservations", t => t.HasCheckConstraint("ck_stock_reservations_quantity_non_negative", "quantity >= 0"));
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Quantity).IsQuantity();
        builder.HasIndex(r => r.OrderId);
        builder.HasIndex(r => r.OrderLineId);
        builder.HasIndex(r => new { r.ProductId, r.WarehouseId });
    }
}

public sealed class StockReceiptConfiguration : IEntityTypeConfiguration<StockReceipt>
{
    public void Configure(EntityTypeBuilder<StockReceipt> builder)
    {
        builder.ToTable("stock_receipts");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Reference).HasMaxLength(64);
        builder.OwnsMany(r => r.Lines, line =>
        {
            line.ToTable("stock_receipt_lines");
            line.WithOwner().HasForeignKey("receipt_id");
            line.Property<int>("id");
            line.HasKey("id");
            line.Property(l => l.Quantity).IsQuantity();
        });
        builder.Navigation(r => r.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
