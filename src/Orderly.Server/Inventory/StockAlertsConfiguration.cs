using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Catalog;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;

namespace Orderly.Server.Inventory;

public sealed class StockAlertConfiguration : IEntityTypeConfiguration<StockAlert>
{
    public void Configure(EntityTypeBuilder<StockAlert> builder)
    {
        builder.ToTable("stock_alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.OnHand).IsQuantity();
        builder.Property(a => a.Available).IsQuantity();
        builder.Property(a => a.Backordered).IsQuantity();
        builder.Property(a => a.ReorderPoint).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
        builder.Property(a => a.CoverDays).HasPrecision(12, 1);
        builder.Ignore(a => a.IsOpen);
        builder.HasOne<Product>().WithMany().HasForeignKey(a => a.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(a => a.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        // At most one open alert per condition, whatever races: the database refuses a second one.
        builder.HasIndex(a => new { a.Kind, a.ProductId, a.WarehouseId }).IsUnique().HasFilter("cleared_at IS NULL");
        builder.HasIndex(a => new { a.ProductId, a.WarehouseId });
    }
}
