using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Catalog;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;

namespace Orderly.Server.Inventory;

public sealed class StockAdjustmentConfiguration : IEntityTypeConfiguration<StockAdjustment>
{
    public void Configure(EntityTypeBuilder<StockAdjustment> builder)
    {
        builder.ToTable("stock_adjustments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Number).HasMaxLength(32);
        builder.HasIndex(a => a.Number).IsUnique();
        builder.Property(a => a.Reason).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Note).HasMaxLength(StockAdjustment.NoteMaxLength);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(a => a.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.WarehouseId, a.Reason });
        builder.Ignore(a => a.IsCount);
        builder.Ignore(a => a.LedgerNote);
        builder.OwnsMany(a => a.Lines, line =>
        {
            line.ToTable("stock_adjustment_lines");
            line.WithOwner().HasForeignKey("adjustment_id");
            line.Property<int>("id");
            line.HasKey("id");
            line.Property(l => l.Quantity).IsQuantity();
            line.Property(l => l.BookQuantity).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
            line.Property(l => l.CountedQuantity).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
            line.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(a => a.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class StockTransferConfiguration : IEntityTypeConfiguration<StockTransfer>
{
    public void Configure(EntityTypeBuilder<StockTransfer> builder)
    {
        builder.ToTable("stock_transfers");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Number).HasMaxLength(32);
        builder.HasIndex(t => t.Number).IsUnique();
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Note).HasMaxLength(StockTransfer.TextMaxLength);
        builder.Property(t => t.CancelReason).HasMaxLength(StockTransfer.TextMaxLength);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(t => t.FromWarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(t => t.ToWarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.Status, t.ToWarehouseId });
        builder.HasIndex(t => t.FromWarehouseId);
        builder.OwnsMany(t => t.Lines, line =>
        {
            line.ToTable("stock_transfer_lines");
            line.WithOwner().HasForeignKey("transfer_id");
            line.Property<int>("id");
            line.HasKey("id");
            line.Property(l => l.Quantity).IsQuantity();
            line.HasIndex(l => l.ProductId);
            line.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(t => t.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
